import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../shared/errors';
import { PageInfo } from '../../shared/graphql/relay';
import { AwardTierEnum } from '../scoring/results-rules.types';
import { CompetitionStatus } from '../competition/competition.entity';

export enum BoardViewEnum {
  JURY = 'JURY',
  PUBLIC = 'PUBLIC',
}
registerEnumType(BoardViewEnum, {
  name: 'BoardView',
  description: 'Which board a viewer sees.',
  valuesConfig: {
    JURY: { description: 'The live truth: for the host’s organizers and the trade’s chief judge.' },
    PUBLIC: { description: 'What is on show: stops moving at the freeze moment until the reveal.' },
  },
});

export enum BoardFrameKind {
  SNAPSHOT = 'SNAPSHOT',
  DELTA = 'DELTA',
  END = 'END',
}
registerEnumType(BoardFrameKind, {
  name: 'BoardFrameKind',
  description: 'A whole window, or what changed in it.',
  valuesConfig: {
    SNAPSHOT: { description: 'The whole window: replace what you show.' },
    DELTA: { description: 'Rows that changed or entered the window, and those that left it.' },
    END: {
      description:
        'The last frame: the subscription completes after it (see `endReason` and `stage`); subscribe again, with `afterSeq`.',
    },
  },
});

export enum BoardEndReason {
  STAGE_CHANGED = 'STAGE_CHANGED',
  SHUTTING_DOWN = 'SHUTTING_DOWN',
}
registerEnumType(BoardEndReason, {
  name: 'BoardEndReason',
  description: 'Why a board subscription ended.',
  valuesConfig: {
    STAGE_CHANGED: {
      description:
        'The competition moved to another stage (`stage`): what the public sees may have changed (names, awards).',
    },
    SHUTTING_DOWN: { description: 'This server instance is shutting down: reconnect (to any instance).' },
  },
});

@ObjectType({
  description: 'A module’s share of a board row’s total.',
  // Plain data, read in bulk (fifty rows to every screen): graphql-js's own property
  // resolver, here and on the board types below.
  simpleResolvers: true,
})
export class BoardModuleScore {
  @Field({ description: 'Module code.' })
  code!: string;

  @Field(() => Float, { description: 'Weighted score (its share of the total out of 100).' })
  weighted!: number;
}

@ObjectType({
  description: 'One entrant on a board.',
  simpleResolvers: true,
})
export class BoardRow {
  @Field(() => Int, { description: 'Rank on this board; true ties share it (1, 1, 3).' })
  rank!: number;

  @Field(() => ID, { description: 'The entrant.' })
  entrantId!: string;

  @Field(() => ID, { description: 'The trade the entrant competes in.' })
  tradeId!: string;

  @Field(() => String, { nullable: true, description: 'Anonymous number from the lot drawing.' })
  anonymousNumber!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Name (person, team or enterprise) once identities are public.',
  })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'Employer or organization, with the name.' })
  unit!: string | null;

  @Field(() => Float, { description: 'Total out of 100.' })
  total!: number;

  @Field(() => [BoardModuleScore], { description: 'Module scores.' })
  modules!: BoardModuleScore[];

  @Field(() => AwardTierEnum, {
    nullable: true,
    description: 'Award tier: for the jury, and for everyone once published.',
  })
  awardTier!: AwardTierEnum | null;

  @Field(() => String, { nullable: true, description: 'The award’s name, e.g. 一等奖.' })
  awardLabel!: string | null;
}

@ObjectType({
  description: 'An edge to a board row.',
  simpleResolvers: true,
})
export class BoardEdge {
  @Field({ description: 'Opaque cursor (a position on the board).' })
  cursor!: string;

  @Field(() => BoardRow, { description: 'The row.' })
  node!: BoardRow;
}

@ObjectType({
  description: 'A page of a trade’s board, best first.',
  simpleResolvers: true,
})
export class BoardConnection {
  @Field(() => BoardViewEnum, { description: 'Which board this is.' })
  view!: BoardViewEnum;

  @Field({ description: 'True when the public board is frozen (changes after the freeze are hidden).' })
  frozen!: boolean;

  @Field(() => Float, { description: 'Board sequence number the page was read at.' })
  seq!: number;

  @Field(() => Int, { description: 'Entrants on the board.' })
  totalCount!: number;

  @Field(() => [BoardEdge], { description: 'The edges.' })
  edges!: BoardEdge[];

  @Field(() => [BoardRow], { description: 'The rows.' })
  nodes!: BoardRow[];

  @Field(() => PageInfo, { description: 'Pagination state.' })
  pageInfo!: PageInfo;
}

@ObjectType({
  description: 'A push of a board subscription.',
  simpleResolvers: true,
})
export class BoardFrame {
  @Field(() => ID, { description: 'The trade.' })
  tradeId!: string;

  @Field(() => BoardFrameKind, {
    description:
      'The first message is a SNAPSHOT (or the DELTAs missed, on a resume), later ones DELTAs, the last an END.',
  })
  kind!: BoardFrameKind;

  @Field({
    description:
      'True on a SNAPSHOT sent to a subscription that asked to resume (`afterSeq`) when the missed frames were no longer kept: replace what you show.',
  })
  restart!: boolean;

  @Field(() => CompetitionStatus, {
    nullable: true,
    description: 'END: the stage the competition moved to; null otherwise.',
  })
  stage!: CompetitionStatus | null;

  @Field(() => BoardEndReason, {
    nullable: true,
    description: 'END: why the subscription ends; null otherwise.',
  })
  endReason!: BoardEndReason | null;

  @Field(() => Float, { description: 'Board sequence number this frame brings the window to.' })
  seq!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'The seq of the frame before it on this subscription (null on a snapshot). If it is not the seq you hold, ' +
      'you missed a frame: refetch (or resubscribe) to be whole again.',
  })
  previousSeq!: number | null;

  @Field(() => BoardViewEnum, { description: 'Which board.' })
  view!: BoardViewEnum;

  @Field({ description: 'True while the public board is frozen.' })
  frozen!: boolean;

  @Field(() => Int, { description: 'Entrants on the board.' })
  entrantCount!: number;

  @Field(() => [BoardRow], { description: 'SNAPSHOT: the window; DELTA: rows that changed or entered it.' })
  rows!: BoardRow[];

  @Field(() => [ID], { description: 'DELTA: entrants who left the window.' })
  removed!: string[];
}

@InputType({ description: 'Sets or clears a trade’s freeze moment.' })
export class SetBoardFreezeInput {
  @Field(() => ID, { description: 'The trade.' })
  tradeId!: string;

  @Field(() => Date, {
    nullable: true,
    description: 'From when the public board stops moving; null to unfreeze.',
  })
  freezeAt?: Date | null;
}

@InputType({ description: 'One step of the reveal ceremony, or all that is left.' })
export class RevealBoardInput {
  @Field(() => ID, { description: 'The trade; its competition’s results must be final.' })
  tradeId!: string;

  @Field({ defaultValue: false, description: 'Reveal everything still hidden at once.' })
  all!: boolean;
}

@ObjectType({ description: 'Result of a board administration step.' })
export class BoardStepPayload {
  @Field(() => [ID], { description: 'Entrants whose true result the public board now shows.' })
  revealed!: string[];

  @Field(() => Int, { description: 'Entrants still hidden behind the freeze.' })
  remaining!: number;

  @Field(() => Date, { nullable: true, description: 'The trade’s freeze moment now.' })
  freezeAt!: Date | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}
