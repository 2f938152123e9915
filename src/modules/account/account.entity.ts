import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Role } from '../../shared/access/role';
import { Node } from '../../shared/graphql/relay';
import { Organization } from '../organization/organization.entity';
import { Person } from '../person/person.entity';

// Role is shared vocabulary (access rules, trusted documents); re-exported for the module's files.
export { Role };

@ObjectType({ implements: Node, description: 'A sign-in account.' })
@Entity({ tableName: 'account' })
export class Account {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'active' | 'organization' | 'person';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field({ description: 'Sign-in name.' })
  @Property({ type: 'string', length: 64, unique: true })
  username!: string;

  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  @Field({ description: 'Name shown to others.' })
  @Property({ type: 'string', length: 100 })
  displayName!: string;

  @Field(() => Role, { description: 'What the account may do.' })
  @Enum({ items: () => Role })
  role!: Role;

  @ManyToOne(() => Organization, { ref: true, nullable: true, fieldName: 'organization_id' })
  organization?: Ref<Organization> | null;

  @ManyToOne(() => Person, { ref: true, nullable: true, fieldName: 'person_id' })
  person?: Ref<Person> | null;

  @Field({ description: 'Whether the account may sign in.' })
  @Property({ type: 'boolean', default: true })
  active!: boolean;

  @Field({ description: 'When the record was created.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt!: Date;
}

@ObjectType({ implements: Node, description: 'An API key of a third-party application, bound to a union.' })
@Entity({ tableName: 'api_key' })
export class ApiKey {
  [OptionalProps]?: 'createdAt' | 'revokedAt' | 'createdBy' | 'firstParty';

  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field({ description: 'What the key is for, e.g. the app’s name.' })
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Field({ description: 'Public prefix of the key, for recognising it in logs.' })
  @Property({ type: 'string', length: 24, unique: true })
  prefix!: string;

  @Property({ type: 'text', hidden: true })
  secretHash!: string;

  @Field(() => [String], { description: 'Scopes granted, e.g. `competitions:read`.' })
  @Property({ type: 'string[]', columnType: 'text[]' })
  scopes!: string[];

  @ManyToOne(() => Organization, { ref: true, fieldName: 'organization_id' })
  organization!: Ref<Organization>;

  @Field({ description: 'A first-party client (venue screen): may send only trusted documents, by id.' })
  @Property({ type: 'boolean', default: false })
  firstParty!: boolean;

  @ManyToOne(() => Account, { ref: true, nullable: true, fieldName: 'created_by_id' })
  createdBy?: Ref<Account> | null;

  @Field(() => Date, { nullable: true, description: 'When the key was revoked, if it was.' })
  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;

  @Field({ description: 'When the key was created.' })
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt!: Date;
}
