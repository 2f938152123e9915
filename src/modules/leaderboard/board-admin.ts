import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { toGlobalId } from '../../shared/graphql/relay';
import { decodeId } from '../../shared/validation';
import { CompetitionStatus } from '../competition/competition.entity';
import { loadTradeForJury } from '../scoring/jury';
import { announceBoard } from './board-write';
import { text } from '../../shared/i18n';

const FREEZE_STAGES = [
  CompetitionStatus.REGISTRATION_OPEN,
  CompetitionStatus.RUNNING,
  CompetitionStatus.SCORING_CLOSED,
];
// The ceremony comes once scoring is closed; publication reveals whatever is still hidden.
const REVEAL_STAGES = [CompetitionStatus.SCORING_CLOSED];
/** How far in the past a freeze moment may lie and still mean "now" (clocks of the organizer's device). */
const FREEZE_GRACE_MS = 5_000;
// Rows whose public columns differ from the live ones: what the freeze hides (new rows included).
export const HIDDEN = `(active is distinct from public_active or active and (public_total is distinct from total
  or public_tie_break is distinct from tie_break or public_modules is distinct from modules))`;
/** Makes the public columns of the hidden rows chosen by `where` the live ones. */
export const REVEAL_SET = `public_total = total, public_tie_break = tie_break, public_modules = modules,
  public_active = active`;

export async function nextSeq(em: EntityManager, tradeId: number): Promise<number> {
  const [r] = await em.execute<{ board_seq: string }[]>(
    'update trade set board_seq = board_seq + 1, public_seq = public_seq + 1 where id = ? returning board_seq',
    [tradeId],
  );
  return Number(r!.board_seq);
}

async function hiddenCount(em: EntityManager, tradeId: number): Promise<number> {
  const [r] = await em.execute<{ n: string }[]>(
    `select count(*) as n from board_entry where trade_id = ? and ${HIDDEN}`,
    [tradeId],
  );
  return Number(r!.n);
}

/**
 * The organizer sets the moment the public board stops moving (or clears it: the public board
 * then catches up with the live one at once). The jury board never freezes.
 */
export async function setBoardFreeze(
  ctx: Context,
  em: EntityManager,
  tradeGlobalId: string,
  freezeAt: Date | null,
) {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', tradeGlobalId, 'Trade');
  // Refused rather than honoured from that moment: marks accepted since are already on screens.
  if (freezeAt && new Date(freezeAt).getTime() < Date.now() - FREEZE_GRACE_MS)
    p.add(
      ErrorCode.FREEZE_IN_PAST,
      text(
        '封榜时刻已过：此后受理的评分已显示在公开榜单上。请从现在起封榜。',
        'The freeze moment has passed: marks accepted since then are already on the public board. Freeze from now on.',
      ),
      'input.freezeAt',
    );
  p.throwIfAny();
  const { competition } = await loadTradeForJury(ctx, em, tradeId, 'input.tradeId', { manager: true }, true);
  if (!FREEZE_STAGES.includes(competition.status))
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text(`竞赛当前状态为 ${competition.status}。`, `The competition is ${competition.status}.`),
      'input.tradeId',
    );
  // A moment within the grace is "now" by the database's clock, the one marks are judged by.
  const [stored] = await em.execute<{ board_freeze_at: Date | null }[]>(
    `update trade set board_freeze_at = case when ?::timestamptz is null then null else greatest(?::timestamptz, now()) end
      where id = ? returning board_freeze_at`,
    [freezeAt, freezeAt, tradeId],
  );
  freezeAt = stored?.board_freeze_at ? new Date(stored.board_freeze_at) : null;
  if (!freezeAt) {
    const seq = await nextSeq(em, tradeId);
    await em.execute(`update board_entry set ${REVEAL_SET}, seq = ? where trade_id = ? and ${HIDDEN}`, [
      seq,
      tradeId,
    ]);
    announceBoard(ctx, { tradeId, seq });
  } else {
    // No row moves; every instance re-reads the board's settings and arms its push at the moment.
    const [t] = await em.execute<{ board_seq: string }[]>('select board_seq from trade where id = ?', [
      tradeId,
    ]);
    announceBoard(ctx, { tradeId, seq: Number(t!.board_seq) });
  }
  return { revealed: [], remaining: await hiddenCount(em, tradeId), freezeAt };
}

/**
 * The reveal ceremony after the results are final: each step moves one hidden row onto the
 * public board, from the bottom of the frozen board upwards (as in ICPC), with its own board seq,
 * so every screen shows the steps in the same order.
 */
export async function revealBoard(ctx: Context, em: EntityManager, tradeGlobalId: string, all: boolean) {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', tradeGlobalId, 'Trade');
  p.throwIfAny();
  const { competition, trade } = await loadTradeForJury(
    ctx,
    em,
    tradeId,
    'input.tradeId',
    { manager: true },
    true,
  );
  if (!REVEAL_STAGES.includes(competition.status))
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text(
        '揭晓仪式须在评分结束后、成绩公布前进行（公布时揭晓其余成绩）。',
        'The reveal ceremony comes once scoring is closed and before publication (which reveals the rest).',
      ),
      'input.tradeId',
    );
  const hidden = await em.execute<{ entrant_id: number }[]>(
    `select entrant_id from board_entry where trade_id = ? and ${HIDDEN}
      order by public_active asc, public_total asc nulls first, public_tie_break asc nulls first, entrant_id desc
      ${all ? '' : 'limit 1'}`,
    [tradeId],
  );
  if (hidden.length === 0)
    throw new DomainError(
      ErrorCode.NOTHING_TO_DRAW,
      text('没有隐藏的内容：公开榜单已完整。', 'Nothing is hidden: the public board is complete.'),
      'input.tradeId',
    );
  const seq = await nextSeq(em, tradeId);
  await em.execute(`update board_entry set ${REVEAL_SET}, seq = ? where entrant_id = any(?::int[])`, [
    seq,
    `{${hidden.map((h) => h.entrant_id).join(',')}}`,
  ]);
  announceBoard(ctx, { tradeId, seq });
  const [f] = await em.execute<{ board_freeze_at: Date | null }[]>(
    'select board_freeze_at from trade where id = ?',
    [trade.id],
  );
  return {
    revealed: hidden.map((h) => toGlobalId('Entrant', h.entrant_id)),
    remaining: await hiddenCount(em, tradeId),
    freezeAt: f?.board_freeze_at ? new Date(f.board_freeze_at) : null,
  };
}
