import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, ErrorCode, forbidden, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { fromGlobalId, toGlobalId } from '../../shared/graphql/relay';
import { decodeId, optionalText, requiredText } from '../../shared/validation';
import { isAdmin } from '../../shared/access/viewer';
import { appendAudit } from '../audit/audit.service';
import {
  type Competition,
  CompetitionKind,
  CompetitionStatus,
  Entrant,
} from '../competition/competition.entity';
import { recordCampaignHonors } from '../campaign/honors';
import { loadManagedCompetition, recordTransition } from '../competition/competition.service';
import { isChiefJudge, loadTradeForJury } from './jury';
import { revealLots } from './lots.service';
import { ENTRANT_LOCKED_SQL, ENTRANT_UNIT } from './marks.service';
import { recheckSample } from './ranking';
import { computeTradeResults } from './results.service';
import type { MarkingScheme } from './scheme';
import {
  Appeal,
  AppealStatus,
  type DrawRecheckInput,
  type FileAppealInput,
  type PublishResultsInput,
  RecheckKind,
  type RecheckReason,
  type RecheckType,
  type RecordRecheckInput,
  type ResolveAppealInput,
} from './review.types';

/** Above this share of re-checked sheets with errors, the whole trade is re-checked (技术规程). */
export const FULL_RECHECK_ERROR_RATE = 0.05;
export const MIN_RECHECK_PERCENT = 15;

// ---------------------------------------------------------------- 复核 re-check

interface RoundRow {
  id: number;
  kind: RecheckKind;
  top_n: number;
  percent: string;
  seed: string;
  drawn_at: Date;
}
interface ItemRow {
  round_id: number;
  entrant_id: number;
  reason: RecheckReason;
  errors_found: number | null;
  note: string | null;
  checked_at: Date | null;
}

export async function recheckView(em: EntityManager, tradeId: number): Promise<RecheckType | null> {
  const rounds = await em.execute<RoundRow[]>(
    `select * from recheck_round where trade_id = ? order by case kind when 'SAMPLE' then 0 else 1 end`,
    [tradeId],
  );
  if (rounds.length === 0) return null;
  const items = await em.execute<ItemRow[]>(
    'select * from recheck_item where round_id = any(?::int[]) order by round_id, position',
    [`{${rounds.map((r) => r.id).join(',')}}`],
  );
  const entrants = new Map(
    (await em.find(Entrant, { id: { $in: [...new Set(items.map((i) => i.entrant_id))] } })).map((e) => [
      e.id,
      e,
    ]),
  );
  const view = rounds.map((r) => {
    const list = items.filter((i) => i.round_id === r.id);
    const checked = list.filter((i) => i.checked_at !== null);
    const withErrors = checked.filter((i) => (i.errors_found ?? 0) > 0).length;
    return {
      kind: r.kind,
      topN: r.top_n,
      percent: Number(r.percent),
      seed: r.seed,
      drawnAt: new Date(r.drawn_at),
      checked: checked.length,
      withErrors,
      errorRate: checked.length ? withErrors / checked.length : null,
      items: list.map((i) => ({
        entrant: entrants.get(i.entrant_id)!,
        anonymousNumber: entrants.get(i.entrant_id)?.anonymousNumber ?? null,
        reason: i.reason,
        errorsFound: i.errors_found,
        note: i.note,
        checkedAt: i.checked_at === null ? null : new Date(i.checked_at),
      })),
    };
  });
  const sample = view.find((r) => r.kind === RecheckKind.SAMPLE);
  const sampleDone = !!sample && sample.checked === sample.items.length;
  const fullRecheckRequired = sampleDone && (sample.errorRate ?? 0) > FULL_RECHECK_ERROR_RATE;
  const full = view.find((r) => r.kind === RecheckKind.FULL);
  const complete = sampleDone && (!fullRecheckRequired || (!!full && full.checked === full.items.length));
  return { rounds: view, fullRecheckRequired, complete };
}

async function schemeOf(em: EntityManager, tradeId: number): Promise<MarkingScheme | null> {
  const [row] = await em.execute<{ marking_scheme: MarkingScheme | null; locked: boolean }[]>(
    'select marking_scheme from trade where id = ?',
    [tradeId],
  );
  return row?.marking_scheme ?? null;
}

/**
 * Draws the re-check list of a signed-off trade: the top N and a seeded sample of at least 15 %
 * of the rest (ranking by the current marks). The seed and the list go into the audit log.
 */
export async function drawRecheck(
  ctx: Context,
  em: EntityManager,
  input: DrawRecheckInput,
): Promise<RecheckType> {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', input.tradeId, 'Trade');
  if (!Number.isInteger(input.topN) || input.topN < 0 || input.topN > 100)
    p.add(ErrorCode.OUT_OF_RANGE, 'topN is a whole number from 0 to 100.', 'input.topN');
  if (!Number.isFinite(input.percent) || input.percent < MIN_RECHECK_PERCENT || input.percent > 100)
    p.add(ErrorCode.OUT_OF_RANGE, `percent is from ${MIN_RECHECK_PERCENT} to 100.`, 'input.percent');
  const seed = optionalText(p, 'input.seed', input.seed, 100) ?? randomBytes(8).toString('hex');
  p.throwIfAny();
  const { trade, competition } = await loadTradeForJury(
    ctx,
    em,
    tradeId,
    'input.tradeId',
    { chief: true },
    true,
  );
  if (competition.status !== CompetitionStatus.SCORING_CLOSED)
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      'Re-checks are drawn once scoring is closed.',
      'input.tradeId',
    );
  const [state] = await em.execute<{ signed: boolean; drawn: boolean }[]>(
    `select t.marks_locked_at is not null as signed,
            exists (select 1 from recheck_round r where r.trade_id = t.id) as drawn
       from trade t where t.id = ?`,
    [tradeId],
  );
  if (!state!.signed)
    throw new DomainError(
      ErrorCode.TRADE_NOT_SIGNED_OFF,
      'The chief judge locks the trade’s marks first.',
      'input.tradeId',
    );
  if (state!.drawn)
    throw new DomainError(
      ErrorCode.RECHECK_ALREADY_DRAWN,
      'This trade’s re-check list is already drawn.',
      'input.tradeId',
    );
  const scheme = await schemeOf(em, tradeId);
  if (!scheme)
    throw new DomainError(ErrorCode.VALIDATION, 'The trade has no marking scheme.', 'input.tradeId');
  const ranked = (await computeTradeResults(em, trade.id, scheme)).entries.map((e) => String(e.entrant.id));
  const { top, sample } = recheckSample(ranked, input.topN, input.percent, seed);
  const [round] = await em.execute<{ id: number }[]>(
    `insert into recheck_round (trade_id, kind, top_n, percent, seed, drawn_by) values (?, 'SAMPLE', ?, ?, ?, ?) returning id`,
    [tradeId, input.topN, input.percent, seed, ctx.access.accountId],
  );
  const items = [...top.map((id) => [id, 'TOP']), ...sample.map((id) => [id, 'SAMPLE'])];
  if (items.length) {
    await em.execute(
      `insert into recheck_item (round_id, entrant_id, reason, position)
       select ?, v.id, v.reason, v.ord from unnest(?::int[], ?::text[]) with ordinality as v(id, reason, ord)`,
      [round!.id, `{${items.map((i) => i[0]).join(',')}}`, `{${items.map((i) => i[1]).join(',')}}`],
    );
  }
  await appendAudit(em, {
    competitionId: competition.id,
    kind: 'RECHECK_DRAWN',
    actorId: ctx.access.accountId,
    subject: { tradeId },
    after: {
      seed,
      topN: input.topN,
      percent: input.percent,
      ranking: ranked.map(Number),
      top: top.map(Number),
      sample: sample.map(Number),
    },
  });
  return (await recheckView(em, tradeId))!;
}

/**
 * Records one re-checked sheet. When the sample is complete with an error rate above 5 %, a full
 * round of every other checked-in entrant is opened at once.
 */
export async function recordRecheck(
  ctx: Context,
  em: EntityManager,
  input: RecordRecheckInput,
): Promise<RecheckType> {
  const p = new Problems();
  const entrantId = decodeId(p, 'input.entrantId', input.entrantId, 'Entrant');
  if (!Number.isInteger(input.errorsFound) || input.errorsFound < 0 || input.errorsFound > 10_000)
    p.add(ErrorCode.OUT_OF_RANGE, 'errorsFound is a whole number ≥ 0.', 'input.errorsFound');
  const note = optionalText(p, 'input.note', input.note, 500);
  p.throwIfAny();
  const [e] = await em.execute<{ trade_id: number }[]>('select trade_id from entrant where id = ?', [
    entrantId,
  ]);
  if (!e) throw new DomainError(ErrorCode.NOT_FOUND, 'No such entrant.', 'input.entrantId');
  const { competition } = await loadTradeForJury(
    ctx,
    em,
    e.trade_id,
    'input.entrantId',
    { chief: true },
    true,
  );
  if (competition.status !== CompetitionStatus.SCORING_CLOSED)
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      'Re-checks are recorded while scoring is closed.',
      'input.entrantId',
    );
  const [item] = await em.execute<(ItemRow & { kind: RecheckKind })[]>(
    `select i.*, r.kind from recheck_item i join recheck_round r on r.id = i.round_id
      where r.trade_id = ? and i.entrant_id = ? order by case r.kind when 'FULL' then 0 else 1 end limit 1`,
    [e.trade_id, entrantId],
  );
  if (!item)
    throw new DomainError(
      ErrorCode.NOT_IN_RECHECK,
      'This entrant is not on the re-check list.',
      'input.entrantId',
    );
  await em.execute(
    `update recheck_item set errors_found = ?, note = ?, checked_by = ?, checked_at = now()
      where round_id = ? and entrant_id = ?`,
    [input.errorsFound, note, ctx.access.accountId, item.round_id, entrantId],
  );
  await appendAudit(em, {
    competitionId: competition.id,
    kind: 'RECHECK_RECORDED',
    actorId: ctx.access.accountId,
    subject: { tradeId: e.trade_id, entrantId, round: item.kind },
    before: item.checked_at ? { errorsFound: item.errors_found, note: item.note } : null,
    after: { errorsFound: input.errorsFound, note },
  });
  let view = (await recheckView(em, e.trade_id))!;
  if (view.fullRecheckRequired && !view.rounds.some((r) => r.kind === RecheckKind.FULL)) {
    const sample = view.rounds.find((r) => r.kind === RecheckKind.SAMPLE)!;
    const [round] = await em.execute<{ id: number }[]>(
      `insert into recheck_round (trade_id, kind, top_n, percent, seed, drawn_by)
       values (?, 'FULL', 0, 100, ?, ?) returning id`,
      [e.trade_id, sample.seed, ctx.access.accountId],
    );
    // Everyone checked in and not already re-checked in the sample, in rank order.
    const scheme = (await schemeOf(em, e.trade_id))!;
    const inSample = new Set(sample.items.map((i) => i.entrant.id));
    const rest = (await computeTradeResults(em, e.trade_id, scheme)).entries
      .map((r) => r.entrant.id)
      .filter((id) => !inSample.has(id));
    if (rest.length) {
      await em.execute(
        `insert into recheck_item (round_id, entrant_id, reason, position)
         select ?, v.id, 'FULL', v.ord from unnest(?::int[]) with ordinality as v(id, ord)`,
        [round!.id, `{${rest.join(',')}}`],
      );
    }
    await appendAudit(em, {
      competitionId: competition.id,
      kind: 'RECHECK_DRAWN',
      actorId: ctx.access.accountId,
      subject: { tradeId: e.trade_id, full: true },
      after: { errorRate: sample.errorRate, entrants: rest },
    });
    view = (await recheckView(em, e.trade_id))!;
  }
  return view;
}

// ---------------------------------------------------------------- 公示 publication and finality

/**
 * Publishes the results: every trade with checked-in entrants must have lots drawn for all of
 * them, be signed off with no entrant reopened, and have its re-check complete. Reveals the
 * identities (the draws' seeds and the number table go into the audit log) and opens the notice
 * period; appeals are taken until the deadline.
 */
export async function publishResults(
  ctx: Context,
  em: EntityManager,
  input: PublishResultsInput,
): Promise<Competition> {
  const p = new Problems();
  const now = Date.now();
  const noticeEndsAt = new Date(input.noticeEndsAt);
  const appealDeadline = input.appealDeadline ? new Date(input.appealDeadline) : noticeEndsAt;
  if (!(noticeEndsAt.getTime() > now))
    p.add(ErrorCode.OUT_OF_RANGE, 'The notice period must end in the future.', 'input.noticeEndsAt');
  if (!(appealDeadline.getTime() > now) || appealDeadline > noticeEndsAt)
    p.add(
      ErrorCode.OUT_OF_RANGE,
      'The appeal deadline lies in the future, at the latest when the notice ends.',
      'input.appealDeadline',
    );
  p.throwIfAny();
  const c = await loadManagedCompetition(ctx, em, input.competitionId, 'input.competitionId', true);
  if (c.status !== CompetitionStatus.SCORING_CLOSED)
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `Results are published from SCORING_CLOSED, not ${c.status}.`,
      'input.competitionId',
    );
  const trades = await em.execute<
    { id: number; name: string; signed: boolean; undrawn: string; reopened: string }[]
  >(
    `select t.id, t.name, t.marks_locked_at is not null as signed,
            count(*) filter (where e.lot_number is null) as undrawn,
            count(*) filter (where not ${ENTRANT_LOCKED_SQL}) as reopened
       from trade t join entrant e on e.trade_id = t.id and e.status = 'CHECKED_IN'
      where t.competition_id = ? group by t.id order by t.id`,
    [c.id],
  );
  for (const t of trades) {
    const field = `trades.${toGlobalId('Trade', t.id)}`;
    if (t.undrawn !== '0')
      p.add(ErrorCode.LOTS_NOT_DRAWN, `${t.name}: ${t.undrawn} entrants have no anonymous number.`, field);
    if (!t.signed)
      p.add(ErrorCode.TRADE_NOT_SIGNED_OFF, `${t.name}: the chief judge has not locked the marks.`, field);
    else if (t.reopened !== '0')
      p.add(ErrorCode.MARKS_REOPENED, `${t.name}: ${t.reopened} entrants are reopened.`, field);
    // 复核 is a skills-contest rule (技术规程); campaign rounds are signed off without it.
    const recheck =
      c.kind === CompetitionKind.INNOVATION
        ? { complete: true, fullRecheckRequired: false }
        : await recheckView(em, t.id);
    if (recheck?.fullRecheckRequired && !recheck.complete)
      p.add(
        ErrorCode.FULL_RECHECK_REQUIRED,
        `${t.name}: the sample’s error rate exceeded 5 %; finish the full re-check.`,
        field,
      );
    else if (!recheck?.complete)
      p.add(ErrorCode.RECHECK_INCOMPLETE, `${t.name}: the re-check is not complete.`, field);
  }
  p.throwIfAny();
  await revealLots(em, c.id, ctx.access.accountId);
  c.resultsPublishedAt = new Date(now);
  c.noticeEndsAt = noticeEndsAt;
  c.appealDeadline = appealDeadline;
  await recordTransition(ctx, em, c, CompetitionStatus.PUBLISHED, null);
  await appendAudit(em, {
    competitionId: c.id,
    kind: 'RESULTS_PUBLISHED',
    actorId: ctx.access.accountId,
    subject: { competitionId: c.id },
    after: {
      noticeEndsAt: noticeEndsAt.toISOString(),
      appealDeadline: appealDeadline.toISOString(),
      results: await resultsDigest(em, c.id),
    },
  });
  return c;
}

/** Rank, total and tier of every entrant: recorded in the audit log at publication and at finality. */
async function resultsDigest(em: EntityManager, competitionId: number) {
  const trades = await em.execute<{ id: number; marking_scheme: MarkingScheme | null }[]>(
    'select id, marking_scheme from trade where competition_id = ? and marking_scheme is not null order by id',
    [competitionId],
  );
  const out: { tradeId: number; entries: [number, number, number, string | null][] }[] = [];
  for (const t of trades) {
    const r = await computeTradeResults(em, t.id, t.marking_scheme!);
    out.push({ tradeId: t.id, entries: r.entries.map((e) => [e.entrant.id, e.rank, e.total, e.awardTier]) });
  }
  return out;
}

/** After the notice period, with every appeal resolved and every reopened entrant locked again. */
export async function finalizeResults(
  ctx: Context,
  em: EntityManager,
  competitionGlobalId: string,
): Promise<Competition> {
  const c = await loadManagedCompetition(ctx, em, competitionGlobalId, 'input.competitionId', true);
  if (c.status !== CompetitionStatus.PUBLISHED)
    throw new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `Results become final from PUBLISHED, not ${c.status}.`,
      'input.competitionId',
    );
  const p = new Problems();
  if (c.noticeEndsAt && c.noticeEndsAt.getTime() > Date.now())
    p.add(
      ErrorCode.NOTICE_PERIOD_OPEN,
      `The notice period runs until ${c.noticeEndsAt.toISOString()}.`,
      'input.competitionId',
    );
  const [state] = await em.execute<{ pending: string; reopened: string }[]>(
    `select (select count(*) from appeal a join trade t on t.id = a.trade_id where t.competition_id = ? and a.status = 'PENDING') as pending,
            (select count(*) from entrant e join trade t on t.id = e.trade_id
              where t.competition_id = ? and e.status = 'CHECKED_IN' and not ${ENTRANT_LOCKED_SQL}) as reopened`,
    [c.id, c.id],
  );
  if (state!.pending !== '0')
    p.add(ErrorCode.APPEALS_PENDING, `${state!.pending} appeals are not resolved.`, 'input.competitionId');
  if (state!.reopened !== '0')
    p.add(
      ErrorCode.MARKS_REOPENED,
      `${state!.reopened} entrants’ marks are reopened: the chief judge locks them again.`,
      'input.competitionId',
    );
  p.throwIfAny();
  c.resultsFinalAt = new Date();
  await recordTransition(ctx, em, c, CompetitionStatus.FINAL, null);
  if (c.kind === CompetitionKind.INNOVATION) {
    const recorded = await recordCampaignHonors(em, c.id);
    await appendAudit(em, {
      competitionId: c.id,
      kind: 'HONORS_RECORDED',
      actorId: ctx.access.accountId,
      subject: { competitionId: c.id },
      after: recorded,
    });
  }
  await appendAudit(em, {
    competitionId: c.id,
    kind: 'RESULTS_FINAL',
    actorId: ctx.access.accountId,
    subject: { competitionId: c.id },
    after: { results: await resultsDigest(em, c.id) },
  });
  return c;
}

// ---------------------------------------------------------------- 申诉 appeals

interface AppealRow {
  id: number;
  entrant_id: number;
  trade_id: number;
  reason: string;
  filed_at: Date;
  status: AppealStatus;
  response: string | null;
  resolved_at: Date | null;
}

export async function appealView(em: EntityManager, rows: AppealRow[]): Promise<Appeal[]> {
  const entrants = new Map(
    (await em.find(Entrant, { id: { $in: [...new Set(rows.map((r) => r.entrant_id))] } })).map((e) => [
      e.id,
      e,
    ]),
  );
  // Instances, not literals: `node(id:)` tells the types apart by class.
  return rows.map((r) =>
    Object.assign(new Appeal(), {
      id: toGlobalId('Appeal', r.id),
      entrant: entrants.get(r.entrant_id)!,
      reason: r.reason,
      filedAt: new Date(r.filed_at),
      status: r.status,
      response: r.response,
      resolvedAt: r.resolved_at === null ? null : new Date(r.resolved_at),
    }),
  );
}

export async function tradeAppeals(em: EntityManager, tradeId: number): Promise<Appeal[]> {
  return appealView(
    em,
    await em.execute<AppealRow[]>('select * from appeal where trade_id = ? order by id', [tradeId]),
  );
}

/**
 * Filed by an organizer of the entrant's own unit (their delegation, 领队) or of the host, while
 * the results are published and the deadline has not passed. One pending appeal per entrant.
 */
export async function fileAppeal(ctx: Context, em: EntityManager, input: FileAppealInput): Promise<Appeal> {
  const p = new Problems();
  const entrantId = decodeId(p, 'input.entrantId', input.entrantId, 'Entrant');
  const reason = requiredText(p, 'input.reason', input.reason, 2000);
  p.throwIfAny();
  const [e] = await em.execute<
    {
      trade_id: number;
      competition_id: number;
      status: CompetitionStatus;
      appeal_deadline: Date | null;
      unit_path: string | null;
      host_path: string;
    }[]
  >(
    `select e.trade_id, c.id as competition_id, c.status, c.appeal_deadline,
            ${ENTRANT_UNIT.path} as unit_path, h.path::text as host_path
       from entrant e join trade t on t.id = e.trade_id join competition c on c.id = t.competition_id
       join organization h on h.id = c.host_id
       ${ENTRANT_UNIT.joins}
      where e.id = ? for no key update of e`,
    [entrantId],
  );
  if (!e) throw new DomainError(ErrorCode.NOT_FOUND, 'No such entrant.', 'input.entrantId');
  if (!(ctx.access.manages(e.host_path) || (e.unit_path && ctx.access.manages(e.unit_path))))
    throw forbidden('Appeals come from the organizers of the entrant’s unit or of the host.');
  if (
    e.status !== CompetitionStatus.PUBLISHED ||
    !e.appeal_deadline ||
    new Date(e.appeal_deadline).getTime() < Date.now()
  )
    throw new DomainError(
      ErrorCode.APPEAL_WINDOW_CLOSED,
      'Appeals are taken after publication, until the deadline.',
      'input.entrantId',
    );
  const [pending] = await em.execute<{ n: string }[]>(
    `select count(*) as n from appeal where entrant_id = ? and status = 'PENDING'`,
    [entrantId],
  );
  if (pending!.n !== '0')
    throw new DomainError(
      ErrorCode.APPEAL_PENDING,
      'An appeal for this entrant is already pending.',
      'input.entrantId',
    );
  const [row] = await em.execute<AppealRow[]>(
    'insert into appeal (entrant_id, trade_id, filed_by, reason) values (?, ?, ?, ?) returning *',
    [entrantId, e.trade_id, ctx.access.accountId, reason],
  );
  await appendAudit(em, {
    competitionId: e.competition_id,
    kind: 'APPEAL_FILED',
    actorId: ctx.access.accountId,
    subject: { appealId: row!.id, entrantId, tradeId: e.trade_id },
    after: { reason },
  });
  return (await appealView(em, [row!]))[0]!;
}

/** The chief judge decides; upholding reopens the entrant's marks so corrections take the audited mark path. */
export async function resolveAppeal(
  ctx: Context,
  em: EntityManager,
  input: ResolveAppealInput,
): Promise<Appeal> {
  const p = new Problems();
  const d = fromGlobalId(input.appealId);
  if (!d || d.type !== 'Appeal') p.add(ErrorCode.INVALID_ID, 'Not a valid appeal ID.', 'input.appealId');
  const response = requiredText(p, 'input.response', input.response, 2000);
  p.throwIfAny();
  const [a] = await em.execute<
    (AppealRow & { competition_id: number; competition_status: CompetitionStatus })[]
  >(
    `select a.*, c.id as competition_id, c.status as competition_status
       from appeal a join trade t on t.id = a.trade_id join competition c on c.id = t.competition_id
      where a.id = ? for update of a`,
    [d!.id],
  );
  if (!a) throw new DomainError(ErrorCode.NOT_FOUND, 'No such appeal.', 'input.appealId');
  if (!isAdmin(ctx.viewer) && !(await isChiefJudge(em, a.trade_id, ctx.access.accountId)))
    throw forbidden('Only the trade’s chief judge resolves its appeals.');
  if (a.status !== AppealStatus.PENDING)
    throw new DomainError(
      ErrorCode.APPEAL_ALREADY_RESOLVED,
      `The appeal is already ${a.status}.`,
      'input.appealId',
    );
  if (a.competition_status !== CompetitionStatus.PUBLISHED)
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      `The competition is ${a.competition_status}.`,
      'input.appealId',
    );
  const [row] = await em.execute<AppealRow[]>(
    `update appeal set status = ?, response = ?, resolved_by = ?, resolved_at = now() where id = ? returning *`,
    [input.decision, response, ctx.access.accountId, a.id],
  );
  if (input.decision === 'UPHELD') {
    await em.execute(
      'update entrant set marks_locked_at = null, marks_unlocked_at = clock_timestamp() where id = ?',
      [a.entrant_id],
    );
    await appendAudit(em, {
      competitionId: a.competition_id,
      kind: 'ENTRANT_UNLOCKED',
      actorId: ctx.access.accountId,
      subject: { entrantId: a.entrant_id, reason: `appeal ${a.id} upheld: ${response}` },
    });
  }
  await appendAudit(em, {
    competitionId: a.competition_id,
    kind: 'APPEAL_RESOLVED',
    actorId: ctx.access.accountId,
    subject: { appealId: a.id, entrantId: a.entrant_id, tradeId: a.trade_id },
    before: { status: a.status },
    after: { status: input.decision, response },
  });
  return (await appealView(em, [row!]))[0]!;
}
