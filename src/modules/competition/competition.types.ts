import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../shared/errors';
import { Payload } from '../../shared/graphql/mutation';
import { Connection, OrderByInput, type OrderColumn } from '../../shared/graphql/relay';
import { Competition, CompetitionKind, CompetitionStatus } from './competition.entity';
import { Entrant, EntrantStatus } from './entrant.entity';
import { Team, TeamKind } from './team.entity';
import { Trade } from './trade.entity';
import { DateScalar } from '../../shared/graphql/scalars';

export const CompetitionConnection = Connection(Competition, 'Competition');
export const TradeConnection = Connection(Trade, 'Trade');
export const EntrantConnection = Connection(Entrant, 'Entrant');

export enum CompetitionOrderField {
  ID = 'ID',
  NAME = 'NAME',
  YEAR = 'YEAR',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(CompetitionOrderField, {
  name: 'CompetitionOrderField',
  description: 'Fields competitions can be ordered by.',
  valuesConfig: {
    ID: { description: 'Creation order (the id).' },
    NAME: { description: 'The name, in the database collation.' },
    YEAR: { description: 'The year.' },
    CREATED_AT: { description: 'When the competition was created.' },
  },
});
export const CompetitionOrder = OrderByInput('Competition', CompetitionOrderField, 'competitions');
export const COMPETITION_ORDER: Record<CompetitionOrderField, OrderColumn<Competition> | null> = {
  ID: null,
  NAME: { column: 'name', cast: 'text', value: (c) => c.name },
  YEAR: { column: 'year', cast: 'int', value: (c) => c.year },
  CREATED_AT: { column: 'created_at', cast: 'timestamptz', value: (c) => c.createdAt },
};

export enum TradeOrderField {
  ID = 'ID',
  NAME = 'NAME',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(TradeOrderField, {
  name: 'TradeOrderField',
  description: 'Fields trades can be ordered by.',
  valuesConfig: {
    ID: { description: 'Creation order (the id).' },
    NAME: { description: 'The name, in the database collation.' },
    CREATED_AT: { description: 'When the trade was created.' },
  },
});
export const TradeOrder = OrderByInput('Trade', TradeOrderField, 'trades');
export const TRADE_ORDER: Record<TradeOrderField, OrderColumn<Trade> | null> = {
  ID: null,
  NAME: { column: 'name', cast: 'text', value: (t) => t.name },
  CREATED_AT: { column: 'created_at', cast: 'timestamptz', value: (t) => t.createdAt },
};

@InputType({ description: 'Filters on competitions; all given filters must match.' })
export class CompetitionFilter {
  @Field(() => ID, { nullable: true, description: 'Hosted by this union or one under it.' })
  hostUnder?: string | null;

  @Field(() => CompetitionKind, { nullable: true, description: 'Only this kind.' })
  kind?: CompetitionKind | null;

  @Field(() => [CompetitionStatus], { nullable: true, description: 'Only these states.' })
  statuses?: CompetitionStatus[] | null;

  @Field(() => Int, { nullable: true, description: 'Only this year.' })
  year?: number | null;

  @Field(() => String, { nullable: true, description: 'Name contains this text.' })
  search?: string | null;
}

@InputType({ description: 'A new competition.' })
export class CreateCompetitionInput {
  @Field({ description: 'Name (1–200 characters).' })
  name!: string;

  @Field(() => CompetitionKind, { description: 'Skills or labor.' })
  kind!: CompetitionKind;

  @Field(() => Int, { description: 'Year (2000–2100).' })
  year!: number;

  @Field(() => ID, { description: 'Hosting union: one you manage.' })
  hostId!: string;

  @Field(() => String, { nullable: true, description: 'Description (up to 5,000 characters).' })
  description?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'First day.' })
  startsOn?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day.' })
  endsOn?: string | null;
}

@InputType({ description: 'Changes to a competition; omitted fields stay as they are.' })
export class UpdateCompetitionInput {
  @Field(() => ID, { description: 'The competition.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New description; empty clears it.' })
  description?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'New first day.' })
  startsOn?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'New last day.' })
  endsOn?: string | null;
}

@InputType({ description: 'Moves a competition to another lifecycle state.' })
export class TransitionCompetitionInput {
  @Field(() => ID, { description: 'The competition.' })
  id!: string;

  @Field(() => CompetitionStatus, { description: 'Target state; must be allowed from the current one.' })
  to!: CompetitionStatus;

  @Field(() => String, { nullable: true, description: 'Why, for the record (up to 500 characters).' })
  reason?: string | null;
}

@InputType({ description: 'A new trade or event (工种/赛项).' })
export class CreateTradeInput {
  @Field(() => ID, { description: 'Competition it belongs to.' })
  competitionId!: string;

  @Field({ description: 'Name, unique within the competition (1–100 characters).' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Occupation code, e.g. 6-18-02-04.' })
  occupationCode?: string | null;

  @Field(() => Int, { description: 'Theory weight in percent.' })
  theoryWeight!: number;

  @Field(() => Int, { description: 'Practical weight in percent; theory + practical = 100.' })
  practicalWeight!: number;

  @Field(() => Int, { description: 'Most active entrants (1–1,000,000).' })
  capacity!: number;

  @Field(() => String, { nullable: true, description: 'Venue.' })
  venue?: string | null;

  @Field(() => Date, { nullable: true, description: 'Scheduled start.' })
  startsAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Scheduled end; after the start.' })
  endsAt?: Date | null;
}

@InputType({ description: 'Changes to a trade; omitted fields stay as they are.' })
export class UpdateTradeInput {
  @Field(() => ID, { description: 'The trade.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name.' })
  name?: string | null;

  @Field(() => Int, { nullable: true, description: 'New theory weight (give both weights together).' })
  theoryWeight?: number | null;

  @Field(() => Int, { nullable: true, description: 'New practical weight (give both weights together).' })
  practicalWeight?: number | null;

  @Field(() => Int, { nullable: true, description: 'New capacity; not below the active entrants.' })
  capacity?: number | null;

  @Field(() => String, { nullable: true, description: 'New venue; empty clears it.' })
  venue?: string | null;

  @Field(() => Date, { nullable: true, description: 'New scheduled start.' })
  startsAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'New scheduled end.' })
  endsAt?: Date | null;
}

@InputType({ description: 'A new team or work crew.' })
export class CreateTeamInput {
  @Field({ description: 'Name (1–200 characters).' })
  name!: string;

  @Field(() => TeamKind, { description: 'Team or crew.' })
  kind!: TeamKind;

  @Field(() => ID, { description: 'Its enterprise: one you manage.' })
  organizationId!: string;

  @Field(() => [ID], { description: 'Members (people you manage), at most 100.' })
  memberIds!: string[];
}

@InputType({ description: 'Registers one entrant: give exactly one of person, team or enterprise.' })
export class RegisterEntrantInput {
  @Field(() => ID, { description: 'The trade.' })
  tradeId!: string;

  @Field(() => ID, { nullable: true, description: 'A person (individual entrant).' })
  personId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A team or crew (labor or team events).' })
  teamId?: string | null;

  @Field(() => ID, { nullable: true, description: 'An enterprise (labor competitions only).' })
  enterpriseId?: string | null;
}

@InputType({ description: 'Moves an entrant to another registration state.' })
export class SetEntrantStatusInput {
  @Field(() => ID, { description: 'The entrant.' })
  id!: string;

  @Field(() => EntrantStatus, { description: 'Target state; must be allowed from the current one.' })
  status!: EntrantStatus;
}

export enum ImportFormat {
  CSV = 'CSV',
  XLSX = 'XLSX',
}
registerEnumType(ImportFormat, {
  name: 'ImportFormat',
  description: 'File format of an import.',
  valuesConfig: {
    CSV: { description: 'Comma-separated text (UTF-8).' },
    XLSX: { description: 'An Excel workbook, base64-encoded.' },
  },
});

@InputType({
  description:
    'Bulk registration of individual entrants. Columns (header row, in any order): ' +
    '`name` (required), `employer` (organization name or ID, required), `gender` (男/女/MALE/FEMALE), ' +
    '`birthYear`, `occupation`, `employee_number` (工号), `national_id` (身份证号, 18 characters with its check ' +
    'digit; only its keyed hash is stored). A person is matched by national ID, then by employee number within ' +
    'the employer, then by name and employer when exactly one person fits; ambiguous rows are reported. ' +
    'New people are created.',
})
export class ImportEntrantsInput {
  @Field(() => ID, { description: 'The trade to register into.' })
  tradeId!: string;

  @Field(() => ImportFormat, { description: 'CSV (UTF-8 text) or XLSX (base64).' })
  format!: ImportFormat;

  @Field({ description: 'The file: CSV text, or XLSX bytes in base64. At most 5 MB.' })
  content!: string;
}

@ObjectType({ description: 'Result of an import: all rows registered, or none with every bad row listed.' })
export class ImportEntrantsPayload {
  @Field(() => Int, { description: 'Entrants registered (0 when any row was bad).' })
  imported!: number;

  @Field(() => Int, { description: 'People created because no match existed.' })
  peopleCreated!: number;

  @Field(() => [UserError], {
    description:
      'One error per bad row and column; `field` reads `rows.<line>.<column>`, line 1 being the header.',
  })
  errors!: UserError[];
}

export const CompetitionPayload = Payload(Competition, 'Competition', 'competition');
export const TradePayload = Payload(Trade, 'Trade', 'trade');
export const TeamPayload = Payload(Team, 'Team', 'team');
export const EntrantPayload = Payload(Entrant, 'Entrant', 'entrant');
