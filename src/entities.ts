import { Account, ApiKey } from './modules/account/account.entity';
import {
  Competition,
  CompetitionStatusChange,
  Entrant,
  Team,
  TeamMember,
  Trade,
} from './modules/competition/competition.entity';
import { Organization } from './modules/organization/organization.entity';
import { Honor, Person } from './modules/person/person.entity';
import { Achievement, Alliance, Studio } from './modules/studio/studio.entity';

/** Every ORM entity, listed explicitly (no folder scanning at start-up). */
export const entities = [
  Organization,
  Person,
  Honor,
  Account,
  ApiKey,
  Competition,
  CompetitionStatusChange,
  Trade,
  Team,
  TeamMember,
  Entrant,
  Studio,
  Alliance,
  Achievement,
];
