import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root, registerEnumType } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { runMutation } from '../../shared/graphql/mutation';
import {
  Connection,
  ConnectionArgs,
  keysetSql,
  OrderByInput,
  pageRequest,
  sortOrder,
  toConnection,
  toPage,
  type ConnectionShape,
  type OrderColumn,
  type PageRequest,
} from '../../shared/graphql/relay';
import { Competition, CompetitionKind } from '../competition/competition.entity';
import { Entrant } from '../competition/entrant.entity';
import { Trade } from '../competition/trade.entity';
import { canSeeCompetition, canSeeEntrants } from '../competition/competition.service';
import { isJury } from '../scoring/results.service';
import { isOnPanel } from '../competition/panel-membership';
import { ResultsFile, ResultsFileFormat } from '../scoring/results.types';
import { advanceRound } from './advancement.service';
import { campaignResultsFile } from './campaign-export';
import { addRound, categoriesOf, createCampaign } from './campaign-setup.service';
import { assignRoundReviewers, reviewPlan, setReviewers } from './review-panel.service';
import {
  loadSubmissions,
  reviewEligibility,
  submissionView,
  submitEntry,
  type SubmissionRow,
} from './submissions.service';
import {
  AddRoundInput,
  AdvanceRoundInput,
  AdvanceRoundPayload,
  AssignReviewersInput,
  AssignReviewersPayload,
  CampaignCategory,
  CampaignPayload,
  CreateCampaignInput,
  ReviewAssignment,
  ReviewEligibilityInput,
  RoundPayload,
  SetReviewersInput,
  Submission,
  SubmissionPayload,
  SubmitEntryInput,
} from './campaign.types';

export const SubmissionConnection = Connection(Submission, 'Submission');

export enum SubmissionOrderField {
  ID = 'ID',
  TITLE = 'TITLE',
  SUBMITTED_AT = 'SUBMITTED_AT',
}
registerEnumType(SubmissionOrderField, {
  name: 'SubmissionOrderField',
  description: 'Fields submissions can be ordered by.',
  valuesConfig: {
    ID: { description: 'Entry order (the id).' },
    TITLE: { description: 'The title, in the database collation.' },
    SUBMITTED_AT: { description: 'When the submission was entered.' },
  },
});
export const SubmissionOrder = OrderByInput('Submission', SubmissionOrderField, 'submissions');
const SUBMISSION_ORDER: Record<SubmissionOrderField, OrderColumn<SubmissionRow> | null> = {
  ID: null,
  TITLE: { column: 'title', cast: 'text', value: (r) => r.title },
  SUBMITTED_AT: { column: 'submitted_at', cast: 'timestamptz', value: (r) => r.submitted_at },
};

@Resolver(() => Competition)
export class CampaignResolver {
  @FieldResolver(() => [CampaignCategory], {
    nullable: true,
    description: 'Campaigns: the categories with their award quotas and rounds; null for other competitions.',
  })
  async categories(@Root() c: Competition, @Ctx() ctx: Context): Promise<CampaignCategory[] | null> {
    return c.kind === CompetitionKind.INNOVATION ? categoriesOf(ctx, c.id) : null;
  }

  @FieldResolver(() => ResultsFile, {
    nullable: true,
    description:
      'A campaign’s results as a CSV or XLSX file (headings in Chinese and English): each category’s final ' +
      'round, ranked. Null for a skills competition or while no final round’s results are visible to you.',
  })
  async campaignResultsFile(
    @Root() c: Competition,
    @Arg('format', () => ResultsFileFormat, { description: 'File format.' }) format: ResultsFileFormat,
    @Ctx() ctx: Context,
  ): Promise<ResultsFile | null> {
    if (c.kind !== CompetitionKind.INNOVATION) return null;
    return campaignResultsFile(ctx, c, format === ResultsFileFormat.CSV ? 'CSV' : 'XLSX');
  }

  @FieldResolver(() => SubmissionConnection, {
    nullable: true,
    description:
      'Campaigns: the submissions, for the host’s organizers (everyone once results are published).',
  })
  async submissions(
    @Root() c: Competition,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('orderBy', () => SubmissionOrder, {
      nullable: true,
      description: 'The order (default: by id, ascending).',
    })
    orderBy: InstanceType<typeof SubmissionOrder> | null,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<Submission> | null> {
    if (c.kind !== CompetitionKind.INNOVATION || !(await canSeeEntrants(ctx, c))) return null;
    const req = pageRequest(args, sortOrder(orderBy, SUBMISSION_ORDER));
    const k = keysetSql(req as PageRequest<never>, 's');
    const rows = await loadSubmissions(
      ctx.em,
      `s.competition_id = ? and ${k.where}`,
      [c.id, ...k.params],
      k.limit,
      k.orderBy,
    );
    const page = toPage(rows, req, async () => {
      const [n] = await ctx.em.execute<{ n: string }[]>(
        'select count(*) as n from submission where competition_id = ?',
        [c.id],
      );
      return Number(n!.n);
    });
    return toConnection(page, (r) => submissionView(r, true));
  }

  @Mutation(() => CampaignPayload, { description: 'Creates an innovation campaign with its categories.' })
  async createCampaign(
    @Arg('input', { description: 'What to do; see the input type.' }) input: CreateCampaignInput,
    @Ctx() ctx: Context,
  ): Promise<CampaignPayload> {
    const r = await runMutation(ctx, (em) => createCampaign(ctx, em, input));
    return { campaign: r.value, errors: r.errors };
  }

  @Mutation(() => RoundPayload, {
    description:
      'Adds the next judged round to a category (a trade: give it a marking scheme with weighted criteria).',
  })
  async addRound(
    @Arg('input', { description: 'What to do; see the input type.' }) input: AddRoundInput,
    @Ctx() ctx: Context,
  ): Promise<RoundPayload> {
    const r = await runMutation(ctx, (em) => addRound(ctx, em, input));
    return { round: r.value, errors: r.errors };
  }

  @Mutation(() => SubmissionPayload, { description: 'Enters a submission while the window is open.' })
  async submitEntry(
    @Arg('input', { description: 'What to do; see the input type.' }) input: SubmitEntryInput,
    @Ctx() ctx: Context,
  ): Promise<SubmissionPayload> {
    const r = await runMutation(ctx, (em) => submitEntry(ctx, em, input));
    return { submission: r.value, errors: r.errors };
  }

  @Mutation(() => SubmissionPayload, {
    description:
      'The eligibility review (资格审查): eligible entries enter the first round; others get a reason.',
  })
  async reviewEligibility(
    @Arg('input', { description: 'What to do; see the input type.' }) input: ReviewEligibilityInput,
    @Ctx() ctx: Context,
  ): Promise<SubmissionPayload> {
    const r = await runMutation(ctx, (em) => reviewEligibility(ctx, em, input));
    return { submission: r.value, errors: r.errors };
  }

  @Mutation(() => AssignReviewersPayload, {
    description:
      'Assigns K reviewers to each submission of a round, at most L per judge, never a conflicted one, loads balanced.',
  })
  async assignReviewers(
    @Arg('input', { description: 'What to do; see the input type.' }) input: AssignReviewersInput,
    @Ctx() ctx: Context,
  ): Promise<AssignReviewersPayload> {
    const r = await runMutation(ctx, (em) => assignRoundReviewers(ctx, em, input));
    return { loads: r.value?.loads ?? [], assignments: r.value?.assignments ?? [], errors: r.errors };
  }

  @Mutation(() => AssignReviewersPayload, {
    description:
      'Manual assignment: sets one submission’s reviewers in a round; a conflicted judge is refused.',
  })
  async setReviewers(
    @Arg('input', { description: 'What to do; see the input type.' }) input: SetReviewersInput,
    @Ctx() ctx: Context,
  ): Promise<AssignReviewersPayload> {
    const r = await runMutation(ctx, (em) => setReviewers(ctx, em, input));
    return { loads: r.value?.loads ?? [], assignments: r.value?.assignments ?? [], errors: r.errors };
  }

  @Mutation(() => AdvanceRoundPayload, {
    description:
      'Sends a signed-off round’s best to the next round, by its rule (top N, threshold, or chosen).',
  })
  async advanceRound(
    @Arg('input', { description: 'What to do; see the input type.' }) input: AdvanceRoundInput,
    @Ctx() ctx: Context,
  ): Promise<AdvanceRoundPayload> {
    const r = await runMutation(ctx, (em) => advanceRound(ctx, em, input));
    const next = r.value ? await ctx.loaders.tradeById.load(r.value.nextId) : null;
    return { advanced: r.value?.advanced ?? [], nextRound: next, errors: r.errors };
  }
}

@Resolver(() => Trade)
export class CampaignRoundResolver {
  @FieldResolver(() => [ReviewAssignment], {
    nullable: true,
    description: 'Campaign rounds: who reviews which submission; for the jury (null for others).',
  })
  async reviewAssignments(@Root() t: Trade, @Ctx() ctx: Context): Promise<ReviewAssignment[] | null> {
    if (!t.categoryId || !(await isJury(ctx, t))) return null;
    return (await reviewPlan(ctx.em, t.id)).assignments;
  }

  @FieldResolver(() => [Entrant], {
    description:
      'The submissions of this round assigned to you (a judge’s tablet list); empty for anyone else.',
  })
  async myReviews(@Root() t: Trade, @Ctx() ctx: Context): Promise<Entrant[]> {
    if (ctx.viewer.kind !== 'account') return [];
    const rows = await ctx.em.execute<{ entrant_id: number }[]>(
      'select entrant_id from review_assignment where trade_id = ? and judge_id = ? order by entrant_id',
      [t.id, ctx.viewer.accountId],
    );
    return rows.length
      ? ctx.em.find(Entrant, { id: { $in: rows.map((r) => r.entrant_id) } }, { orderBy: { id: 'asc' } })
      : [];
  }
}

@Resolver(() => Entrant)
export class EntrantSubmissionResolver {
  @FieldResolver(() => Submission, {
    nullable: true,
    description:
      'Campaigns: the submission this entrant stands for. Judges on the round see its content; who submitted it ' +
      'only when the round is not blind.',
  })
  async submission(@Root() e: Entrant, @Ctx() ctx: Context): Promise<Submission | null> {
    if (!e.submissionId) return null;
    const trade = await ctx.loaders.tradeById.load(e.trade.id);
    const c = trade && (await ctx.loaders.competitionById.load(trade.competition.id));
    if (!trade || !c || !(await canSeeCompetition(ctx, c))) return null;
    const identities = await canSeeEntrants(ctx, c);
    if (!identities && !(await isOnPanel(ctx.em, trade.id, ctx.access.accountId))) return null;
    const [s] = await loadSubmissions(ctx.em, 's.id = ?', [e.submissionId]);
    return s ? submissionView(s, identities || !trade.blindReview) : null;
  }
}
