import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { pgArray } from '../../shared/db/paging';
import { decodeId } from '../../shared/validation';
import { appendAudit } from '../audit/audit.service';
import { CompetitionStatus } from '../competition/competition.entity';
import { loadTradeForJury } from './jury';
import { commitmentOf, drawNumbers, lotDigits } from './lots';
import { text } from '../../shared/i18n';

export interface LotDrawRow {
  id: number;
  trade_id: number;
  seq: number;
  seed: string;
  commitment: string;
  digits: number;
  entrant_count: number;
  drawn_at: Date;
  revealed_at: Date | null;
}

/** Draws happen once entrants check in, before marking ends. */
const DRAW_STAGES = [CompetitionStatus.REGISTRATION_OPEN, CompetitionStatus.RUNNING];

/**
 * Gives every checked-in entrant of the trade without a number an anonymous number. A later
 * draw numbers late check-ins and never changes an existing number. The audit log gets the
 * seed's commitment, not the seed or the numbers: the judges' chief may read the log.
 */
export async function drawLots(ctx: Context, em: EntityManager, tradeGlobalId: string): Promise<LotDrawRow> {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', tradeGlobalId, 'Trade');
  p.throwIfAny();
  const { competition } = await loadTradeForJury(
    ctx,
    em,
    tradeId,
    'input.tradeId',
    { chief: true, manager: true },
    true,
  );
  if (!DRAW_STAGES.includes(competition.status)) {
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text(
        `抽签须在报名期间或比赛进行中进行，当前状态为 ${competition.status}。`,
        `Lots are drawn while registration is open or the contest runs, not when it is ${competition.status}.`,
      ),
      'input.tradeId',
    );
  }
  const draw = await drawPending(em, tradeId, competition.id, ctx.access.accountId);
  if (!draw) {
    throw new DomainError(
      ErrorCode.NOTHING_TO_DRAW,
      text('每位已检录的参赛选手都已有号码。', 'Every checked-in entrant already has a number.'),
      'input.tradeId',
    );
  }
  return draw;
}

/** Numbers the trade's checked-in entrants without one (null when there are none); audited. */
export async function drawPending(
  em: EntityManager,
  tradeId: number,
  competitionId: number,
  actorId: number | null,
): Promise<LotDrawRow | null> {
  const pending = await em.execute<{ id: number }[]>(
    `select id from entrant where trade_id = ? and status = 'CHECKED_IN' and lot_number is null order by id`,
    [tradeId],
  );
  if (pending.length === 0) return null;
  const taken = await em.execute<{ lot_number: number }[]>(
    'select lot_number from entrant where trade_id = ? and lot_number is not null',
    [tradeId],
  );
  const [last] = await em.execute<{ seq: number; digits: number }[]>(
    'select seq, digits from lot_draw where trade_id = ? order by seq desc limit 1',
    [tradeId],
  );
  const seq = (last?.seq ?? 0) + 1;
  const digits = Math.max(last?.digits ?? 0, lotDigits(taken.length + pending.length));
  const seed = randomBytes(32).toString('hex');
  const numbers = drawNumbers(
    seed,
    tradeId,
    seq,
    pending.map((e) => e.id),
    new Set(taken.map((r) => r.lot_number)),
    digits,
  );
  const [draw] = await em.execute<LotDrawRow[]>(
    `insert into lot_draw (trade_id, seq, seed, commitment, digits, entrant_count, drawn_by)
     values (?, ?, ?, ?, ?, ?, ?) returning *`,
    [tradeId, seq, seed, commitmentOf(seed), digits, pending.length, actorId],
  );
  const ids = [...numbers.keys()];
  await em.execute(
    `update entrant e set lot_number = v.n, lot_code = lpad(v.n::text, ?, '0'), lot_draw_id = ?
       from unnest(?::int[], ?::int[]) as v(id, n) where e.id = v.id`,
    [digits, draw!.id, pgArray(ids), pgArray(ids.map((id) => numbers.get(id)!))],
  );
  await appendAudit(em, {
    competitionId,
    kind: 'LOTS_DRAWN',
    actorId,
    subject: { tradeId, seq },
    after: { commitment: draw!.commitment, entrantCount: pending.length, digits },
  });
  return draw!;
}

/**
 * At publication: every draw's seed and the number → entrant table go into the audit log, so
 * anyone can replay the draws and check them against the commitments made at the time.
 */
export async function revealLots(
  em: EntityManager,
  competitionId: number,
  actorId: number | null,
): Promise<void> {
  const draws = await em.execute<LotDrawRow[]>(
    `select d.* from lot_draw d join trade t on t.id = d.trade_id
      where t.competition_id = ? and d.revealed_at is null order by d.trade_id, d.seq`,
    [competitionId],
  );
  const byTrade = new Map<number, LotDrawRow[]>();
  for (const d of draws) byTrade.set(d.trade_id, [...(byTrade.get(d.trade_id) ?? []), d]);
  for (const [tradeId, list] of byTrade) {
    const lots = await em.execute<{ id: number; lot_number: number; lot_draw_id: number }[]>(
      'select id, lot_number, lot_draw_id from entrant where trade_id = ? and lot_number is not null order by lot_number',
      [tradeId],
    );
    await appendAudit(em, {
      competitionId,
      kind: 'IDENTITIES_REVEALED',
      actorId,
      subject: { tradeId },
      after: {
        draws: list.map((d) => ({ seq: d.seq, seed: d.seed, commitment: d.commitment, digits: d.digits })),
        lots: lots.map((l) => ({ lotNumber: l.lot_number, entrantId: l.id })),
      },
    });
  }
  await em.execute(
    `update lot_draw d set revealed_at = now() from trade t
      where t.id = d.trade_id and t.competition_id = ? and d.revealed_at is null`,
    [competitionId],
  );
}

export function lotDrawView(d: LotDrawRow) {
  return {
    seq: d.seq,
    drawnAt: new Date(d.drawn_at),
    commitment: d.commitment,
    entrantCount: d.entrant_count,
    digits: d.digits,
    seed: d.revealed_at ? d.seed : null,
    revealedAt: d.revealed_at === null ? null : new Date(d.revealed_at),
  };
}
