import { registerEnumType } from 'type-graphql';

/** Roles of signed-in accounts: every module's access rules speak of them. */
export enum Role {
  PLATFORM_ADMIN = 'PLATFORM_ADMIN',
  ORGANIZER = 'ORGANIZER',
  JUDGE = 'JUDGE',
  CHIEF_JUDGE = 'CHIEF_JUDGE',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'Role of a signed-in account. Anonymous callers are the public.',
  valuesConfig: {
    PLATFORM_ADMIN: { description: 'Runs the platform; manages everything.' },
    ORGANIZER: { description: 'Manages what lies under the union the account is bound to.' },
    JUDGE: { description: 'Marks entrants (裁判).' },
    CHIEF_JUDGE: { description: 'Leads a trade’s judges (裁判长).' },
  },
});
