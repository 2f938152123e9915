import { Arg, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { runMutation } from '../../shared/graphql/mutation';
import { fromGlobalId, toGlobalId } from '../../shared/graphql/relay';
import { guardSubscribe } from '../../shared/access/policy';
import { isJury } from './results.service';
import { DomainError, ErrorCode, forbidden, localizedError } from '../../shared/errors';
import { verifyChain } from '../audit/audit.service';
import * as marks from './marks.service';
import * as audit from './marks-audit.service';
import * as locks from './marks-locks.service';
import * as panel from './panel.service';
import {
  AssignJudgeInput,
  AuditVerdict,
  DeclareConflictInput,
  DeclareConflictPayload,
  MarkAsOf,
  MarksLockInput,
  MarksLockPayload,
  PanelPayload,
  SubmitMarksInput,
  SubmitMarksPayload,
  ToleranceAlert,
} from './marks.types';
import { text } from '../../shared/i18n';

const badId = (what: string) =>
  localizedError('BAD_USER_INPUT', text(`不是有效的 ${what} ID。`, `Not a valid ${what} ID.`));

@Resolver()
export class MarksResolver {
  @Mutation(() => SubmitMarksPayload, {
    description:
      'Marks from a judge’s tablet. Each mark carries an idempotency key: a replay answers with the original outcome and writes nothing.',
  })
  async submitMarks(
    @Arg('input', { description: 'What to do; see the input type.' }) input: SubmitMarksInput,
    @Ctx() ctx: Context,
  ): Promise<SubmitMarksPayload> {
    try {
      return { outcomes: await marks.submitMarks(ctx, input), errors: [] };
    } catch (err) {
      if (err instanceof DomainError) return { outcomes: [], errors: err.errors };
      throw err;
    }
  }

  @Mutation(() => PanelPayload, { description: 'Seats a judge or the chief judge on a trade’s panel.' })
  async assignJudge(
    @Arg('input', { description: 'What to do; see the input type.' }) input: AssignJudgeInput,
    @Ctx() ctx: Context,
  ): Promise<PanelPayload> {
    const r = await runMutation(ctx, (em) => panel.assignJudge(ctx, em, input));
    return { seat: r.value, errors: r.errors };
  }

  @Mutation(() => DeclareConflictPayload, {
    description: 'Records a judge’s declared conflict with an entrant; the judge may then not mark them.',
  })
  async declareConflict(
    @Arg('input', { description: 'What to do; see the input type.' }) input: DeclareConflictInput,
    @Ctx() ctx: Context,
  ): Promise<DeclareConflictPayload> {
    const r = await runMutation(ctx, (em) => panel.declareConflict(ctx, em, input));
    return { declared: r.value === true, errors: r.errors };
  }

  @Mutation(() => MarksLockPayload, {
    description: 'The chief judge locks an entrant’s or a whole trade’s marks.',
  })
  async lockMarks(
    @Arg('input', { description: 'What to do; see the input type.' }) input: MarksLockInput,
    @Ctx() ctx: Context,
  ): Promise<MarksLockPayload> {
    const r = await runMutation(ctx, (em) =>
      locks.setMarksLock(ctx, em, input.targetId, true, input.reason ?? null),
    );
    return { locked: r.value, errors: r.errors };
  }

  @Mutation(() => MarksLockPayload, { description: 'The chief judge unlocks marks, giving a reason.' })
  async unlockMarks(
    @Arg('input', { description: 'What to do; see the input type.' }) input: MarksLockInput,
    @Ctx() ctx: Context,
  ): Promise<MarksLockPayload> {
    const r = await runMutation(ctx, (em) =>
      locks.setMarksLock(ctx, em, input.targetId, false, input.reason ?? null),
    );
    return { locked: r.value, errors: r.errors };
  }

  @Subscription(() => ToleranceAlert, {
    description:
      'Tolerance breaches on one trade as they happen: for its chief judge and the host’s organizers.',
    subscribe: guardSubscribe('toleranceBreached', async (args, ctx) => {
      const d = fromGlobalId(args.tradeId as string);
      const trade = d?.type === 'Trade' ? await ctx.loaders.tradeById.load(d.id) : null;
      if (!trade) throw localizedError('NOT_FOUND', text('没有该工种。', 'No such trade.'));
      if (!(await isJury(ctx, trade)))
        throw forbidden(
          text(
            '只有该工种的裁判长和主办单位的组织者可以操作。',
            'Only the trade’s chief judge and the host’s organizers.',
          ),
        );
      return ctx.pubsub.subscribe('TOLERANCE_BREACHED', trade.id);
    }),
  })
  toleranceBreached(
    @Arg('tradeId', () => ID, { description: 'Global ID of the trade.' }) _tradeId: string,
    @Root() n: marks.ToleranceNotice,
  ): ToleranceAlert {
    return toleranceAlert(n);
  }

  @Query(() => AuditVerdict, {
    description:
      'Recomputes an audit chain (a competition’s, or a host enterprise’s studio registry) and points at the first broken event.',
  })
  async verifyAuditChain(
    @Arg('competitionId', () => ID, {
      nullable: true,
      description: 'Global ID of the competition whose chain to verify; give this or registryId.',
    })
    competitionId: string | null,
    @Arg('registryId', () => ID, {
      nullable: true,
      description:
        'Global ID of the host enterprise (an organization) whose studio registry chain to verify; organizers managing it only.',
    })
    registryId: string | null,
    @Ctx() ctx: Context,
  ): Promise<AuditVerdict> {
    if ((competitionId == null) === (registryId == null))
      throw localizedError(
        'BAD_USER_INPUT',
        text(
          'competitionId 与 registryId 须且只能给出其一。',
          'Give exactly one of competitionId and registryId.',
        ),
      );
    if (registryId != null) {
      const r = fromGlobalId(registryId);
      const org = r?.type === 'Organization' ? await ctx.loaders.organizationById.load(r.id) : null;
      if (!org) throw badId('organization');
      ctx.access.assertManages(org.path, text('此名录', 'this registry'));
      return verifyChain(ctx.em, { registryId: org.id });
    }
    const d = fromGlobalId(competitionId!);
    if (!d || d.type !== 'Competition') throw badId('competition');
    await audit.assertMayAudit(ctx, d.id);
    return verifyChain(ctx.em, d.id);
  }

  @Query(() => [MarkAsOf], {
    description: 'An entrant’s marks as they stood at a past moment, rebuilt from the audit log.',
  })
  async entrantMarksAsOf(
    @Arg('entrantId', () => ID, { description: 'Global ID of the entrant.' }) entrantId: string,
    @Arg('asOf', () => Date, { description: 'The moment.' }) asOf: Date,
    @Ctx() ctx: Context,
  ): Promise<MarkAsOf[]> {
    const d = fromGlobalId(entrantId);
    if (!d || d.type !== 'Entrant') throw badId('entrant');
    const [row] = await ctx.em.execute<{ competition_id: number }[]>(
      'select t.competition_id from entrant e join trade t on t.id = e.trade_id where e.id = ?',
      [d.id],
    );
    if (!row)
      throw new DomainError(ErrorCode.NOT_FOUND, text('没有该参赛选手。', 'No such entrant.'), 'entrantId');
    await audit.assertMayAudit(ctx, row.competition_id);
    return audit.marksAsOf(ctx.em, d.id, asOf);
  }
}

export function toleranceAlert(n: marks.ToleranceNotice): ToleranceAlert {
  return {
    tradeId: toGlobalId('Trade', n.tradeId),
    entrantId: toGlobalId('Entrant', n.entrantId),
    anonymousNumber: n.anonymousNumber,
    aspectCode: n.aspectCode,
    spread: n.spread,
    tolerance: n.tolerance,
    message: n.message,
    marks: n.marks.map((m) => ({ judgeId: toGlobalId('Account', m.judgeId), value: m.value })),
    at: new Date(n.at),
  };
}
