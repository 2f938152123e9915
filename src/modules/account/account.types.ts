import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Payload } from '../../shared/graphql/mutation';
import { UserError } from '../../shared/errors';
import { Organization } from '../organization/organization.entity';
import { Account, ApiKey, Role } from './account.entity';

export enum ViewerKind {
  ANONYMOUS = 'ANONYMOUS',
  ACCOUNT = 'ACCOUNT',
  API_KEY = 'API_KEY',
}
registerEnumType(ViewerKind, {
  name: 'ViewerKind',
  description: 'How the caller authenticated.',
  valuesConfig: {
    ANONYMOUS: { description: 'No credentials.' },
    ACCOUNT: { description: 'Signed in with an account token.' },
    API_KEY: { description: 'An API key.' },
  },
});

@ObjectType({ description: 'The caller, as the server sees them.' })
export class ViewerInfo {
  @Field(() => ViewerKind, { description: 'Anonymous, a signed-in account, or an API key.' })
  kind!: ViewerKind;

  @Field(() => Account, { nullable: true, description: 'The signed-in account.' })
  account!: Account | null;

  @Field(() => Role, { nullable: true, description: 'Role of the signed-in account.' })
  role!: Role | null;

  @Field(() => Organization, { nullable: true, description: 'Union the caller is bound to.' })
  organization!: Organization | null;

  @Field(() => [String], { description: 'Scopes of the API key; empty for accounts.' })
  scopes!: string[];
}

@InputType({ description: 'Username and password.' })
export class SignInInput {
  @Field({ description: 'Sign-in name.' })
  username!: string;

  @Field({ description: 'Password.' })
  password!: string;
}

@ObjectType({ description: 'Result of signing in.' })
export class SignInPayload {
  @Field(() => String, { nullable: true, description: 'Bearer token for the `Authorization` header.' })
  token!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the token expires.' })
  expiresAt!: Date | null;

  @Field(() => Account, { nullable: true, description: 'The account signed in.' })
  account!: Account | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

@InputType({ description: 'A new sign-in account.' })
export class CreateAccountInput {
  @Field({ description: 'Sign-in name: 3–64 of a–z, 0–9, `.`, `_`, `-`.' })
  username!: string;

  @Field({ description: 'Password, 10–200 characters.' })
  password!: string;

  @Field({ description: 'Name shown to others.' })
  displayName!: string;

  @Field(() => Role, { description: 'Role; organizers cannot create platform admins.' })
  role!: Role;

  @Field(() => ID, {
    nullable: true,
    description: 'Union the account is bound to (required except for admins).',
  })
  organizationId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'The person record of the account’s holder, employed within your subtree: for judges and experts, the ' +
      'own-employer conflict rule then applies. Can be set later with `linkAccountPerson`.',
  })
  personId?: string | null;
}

@InputType({ description: 'Enables or disables an account.' })
export class SetAccountActiveInput {
  @Field(() => ID, { description: 'The account.' })
  id!: string;

  @Field({ description: 'Whether it may sign in.' })
  active!: boolean;
}

@InputType({ description: 'A new API key for a third-party application.' })
export class CreateApiKeyInput {
  @Field({ description: 'What the key is for.' })
  name!: string;

  @Field(() => [String], { description: 'Scopes to grant, e.g. `competitions:read`.' })
  scopes!: string[];

  @Field(() => ID, { description: 'Union whose subtree the key may act on.' })
  organizationId!: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'For a first-party client (venue screen): it may then send only trusted documents.',
  })
  firstParty?: boolean | null;
}

@ObjectType({ description: 'Result of creating an API key. The secret is shown only here, once.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: 'The key’s record.' })
  apiKey!: ApiKey | null;

  @Field(() => String, {
    nullable: true,
    description: 'The full key to send as `X-Api-Key`; not retrievable later.',
  })
  secret!: string | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}

export const AccountPayload = Payload(Account, 'Account', 'account');
export const ApiKeyPayload = Payload(ApiKey, 'ApiKey', 'apiKey');
