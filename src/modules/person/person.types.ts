import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { Payload } from '../../shared/graphql/mutation';
import { Connection, OrderByInput, type OrderColumn } from '../../shared/graphql/relay';
import { OrganizationLevel } from '../organization/organization.entity';
import { Gender, Honor, HonorKind, Person } from './person.entity';

export const PersonConnection = Connection(Person, 'Person');

export enum PersonOrderField {
  ID = 'ID',
  NAME = 'NAME',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(PersonOrderField, {
  name: 'PersonOrderField',
  description: 'Fields people can be ordered by.',
  valuesConfig: {
    ID: { description: 'Creation order (the id).' },
    NAME: { description: 'The name, in the database collation.' },
    CREATED_AT: { description: 'When the person was created.' },
  },
});
export const PersonOrder = OrderByInput('Person', PersonOrderField, 'people');
export const PERSON_ORDER: Record<PersonOrderField, OrderColumn<Person> | null> = {
  ID: null,
  NAME: { column: 'name', cast: 'text', value: (x) => x.name },
  CREATED_AT: { column: 'created_at', cast: 'timestamptz', value: (x) => x.createdAt },
};

@InputType({ description: 'Filters on people; all given filters must match.' })
export class PersonFilter {
  @Field(() => String, { nullable: true, description: 'Name contains this text.' })
  search?: string | null;

  @Field(() => ID, { nullable: true, description: 'Employer is this organization or lies under it.' })
  employerUnder?: string | null;

  @Field(() => [HonorKind], { nullable: true, description: 'Holds at least one honor of these kinds.' })
  honorKinds?: HonorKind[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'Holds an honor whose title contains this text (e.g. 工匠).',
  })
  honorTitle?: string | null;
}

@InputType({ description: 'A new person.' })
export class CreatePersonInput {
  @Field({ description: 'Full name (1–100 characters).' })
  name!: string;

  @Field(() => Gender, { nullable: true, description: 'Gender.' })
  gender?: Gender | null;

  @Field(() => Int, { nullable: true, description: 'Year of birth.' })
  birthYear?: number | null;

  @Field(() => ID, { description: 'Employer: an organization you manage.' })
  employerId!: string;

  @Field(() => String, { nullable: true, description: 'Occupation (工种).' })
  occupation?: string | null;

  @Field(() => String, { nullable: true, description: 'Occupation code.' })
  occupationCode?: string | null;
}

@InputType({ description: 'Changes to a person; omitted fields stay as they are.' })
export class UpdatePersonInput {
  @Field(() => ID, { description: 'The person.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name.' })
  name?: string | null;

  @Field(() => ID, { nullable: true, description: 'New employer (within your union).' })
  employerId?: string | null;

  @Field(() => String, { nullable: true, description: 'New occupation; empty clears it.' })
  occupation?: string | null;
}

@InputType({ description: 'An honor to record on a person.' })
export class AddHonorInput {
  @Field(() => ID, { description: 'The person.' })
  personId!: string;

  @Field(() => HonorKind, { description: 'Kind.' })
  kind!: HonorKind;

  @Field(() => OrganizationLevel, { nullable: true, description: 'Level awarded at.' })
  level?: OrganizationLevel | null;

  @Field({ description: 'Exact title (1–100 characters).' })
  title!: string;

  @Field(() => Int, { description: 'Year awarded (1950–2100).' })
  year!: number;

  @Field({ description: 'Awarding body (1–200 characters).' })
  awardingBody!: string;
}

export const PersonPayload = Payload(Person, 'Person', 'person');
export const HonorPayload = Payload(Honor, 'Honor', 'honor');
