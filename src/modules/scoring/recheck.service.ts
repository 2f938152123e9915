import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { decodeId, optionalText } from '../../shared/validation';
import { appendAudit } from '../audit/audit.service';
import { CompetitionStatus } from '../competition/competition.entity';
import { Entrant } from '../competition/entrant.entity';
import { loadTradeForJury } from './jury';
import { recheckSample } from './ranking';
import { computeTradeResults } from './results.service';
import type { MarkingScheme } from './scheme';
import {
  type DrawRecheckInput,
  RecheckKind,
  type RecheckReason,
  type RecheckType,
  type RecordRecheckInput,
} from './review.types';
import { text } from '../../shared/i18n';

/** Above this share of re-checked sheets with errors, the whole trade is re-checked (技术规程). */
export const FULL_RECHECK_ERROR_RATE = 0.05;
export const MIN_RECHECK_PERCENT = 15;

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
  const fullRecheckComplete = fullRecheckRequired && !!full && full.checked === full.items.length;
  const complete = sampleDone && (!fullRecheckRequired || fullRecheckComplete);
  return { rounds: view, fullRecheckRequired, fullRecheckComplete, complete };
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
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('topN 须为 0 到 100 之间的整数。', 'topN is a whole number from 0 to 100.'),
      'input.topN',
    );
  if (!Number.isFinite(input.percent) || input.percent < MIN_RECHECK_PERCENT || input.percent > 100)
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text(
        `percent 须在 ${MIN_RECHECK_PERCENT} 到 100 之间。`,
        `percent is from ${MIN_RECHECK_PERCENT} to 100.`,
      ),
      'input.percent',
    );
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
      text('复核须在评分结束后抽取。', 'Re-checks are drawn once scoring is closed.'),
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
      text('请先由裁判长锁定该工种的评分。', 'The chief judge locks the trade’s marks first.'),
      'input.tradeId',
    );
  if (state!.drawn)
    throw new DomainError(
      ErrorCode.RECHECK_ALREADY_DRAWN,
      text('该工种的复核名单已抽取。', 'This trade’s re-check list is already drawn.'),
      'input.tradeId',
    );
  const scheme = await schemeOf(em, tradeId);
  if (!scheme)
    throw new DomainError(
      ErrorCode.VALIDATION,
      text('该工种没有评分标准。', 'The trade has no marking scheme.'),
      'input.tradeId',
    );
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
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('errorsFound 须为 ≥ 0 的整数。', 'errorsFound is a whole number ≥ 0.'),
      'input.errorsFound',
    );
  const note = optionalText(p, 'input.note', input.note, 500);
  p.throwIfAny();
  const [e] = await em.execute<{ trade_id: number }[]>('select trade_id from entrant where id = ?', [
    entrantId,
  ]);
  if (!e)
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      text('没有该参赛选手。', 'No such entrant.'),
      'input.entrantId',
    );
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
      text('复核结果须在评分结束期间记录。', 'Re-checks are recorded while scoring is closed.'),
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
      text('该参赛选手不在复核名单中。', 'This entrant is not on the re-check list.'),
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
