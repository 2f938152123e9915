import { Field, ID, InputType } from 'type-graphql';
import { Connection } from '../../shared/graphql/relay';
import { Payload } from '../../shared/graphql/mutation';
import { Organization, OrganizationLevel } from './organization.entity';

export const OrganizationConnection = Connection(Organization, 'Organization');

@InputType({ description: 'Filters on the list of organizations; all given filters must match.' })
export class OrganizationFilter {
  @Field(() => ID, {
    nullable: true,
    description: 'Only organizations in the subtree under this one (itself excluded).',
  })
  under?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only direct children of this organization.' })
  parentId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only roots (organizations without a parent).' })
  roots?: boolean | null;

  @Field(() => [OrganizationLevel], { nullable: true, description: 'Only these levels.' })
  levels?: OrganizationLevel[] | null;

  @Field(() => String, { nullable: true, description: 'Name contains this text.' })
  search?: string | null;
}

@InputType({ description: 'A new union or enterprise.' })
export class CreateOrganizationInput {
  @Field({ description: 'Full name (1–200 characters).' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Short name (up to 100 characters).' })
  shortName?: string | null;

  @Field(() => OrganizationLevel, { description: 'Level; must be deeper than the parent’s.' })
  level!: OrganizationLevel;

  @Field(() => ID, {
    nullable: true,
    description: 'Parent union; omitted only by platform admins for a root.',
  })
  parentId?: string | null;
}

@InputType({ description: 'Changes to an organization’s names.' })
export class UpdateOrganizationInput {
  @Field(() => ID, { description: 'The organization to change.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New full name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New short name; empty clears it.' })
  shortName?: string | null;
}

@InputType({ description: 'Moves an organization and its whole subtree under a new parent.' })
export class MoveOrganizationInput {
  @Field(() => ID, { description: 'The organization to move.' })
  id!: string;

  @Field(() => ID, { description: 'Its new parent.' })
  newParentId!: string;
}

export const OrganizationPayload = Payload(Organization, 'Organization', 'organization');
