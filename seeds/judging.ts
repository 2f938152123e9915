import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAudit } from '../src/modules/audit/audit.service';
import { refreshBoard } from '../src/modules/leaderboard/board-write';
import { commitmentOf, drawNumbers, lotDigits } from '../src/modules/scoring/lots';
import { validateScheme } from '../src/modules/scoring/scheme-validation';

/**
 * A trade under way: a marking scheme, the demo judge and chief judge on its panel, lots drawn
 * and marks given, written the way the API writes them (audit events, board rows), so a fresh
 * `npm start` shows a live board, results and an audit trail that verifies.
 */
export async function seedJudging(
  tx: EntityManager,
  opts: {
    tradeId: number;
    competitionId: number;
    theoryWeight: number;
    judgeId: number;
    chiefId: number;
    judgeEmployerId: number | null;
    rng: () => number;
    /** Further judges on the panel, who mark alongside the first (every mark of theirs near its). */
    moreJudgeIds?: number[];
    /** Mark only this many entrants (the rest wait for the contest to go on); all when absent. */
    markLimit?: number;
    /** The practical aspects' tolerance (largest spread between judges), so alerts can fire. */
    tolerance?: number | null;
  },
): Promise<{ marked: number }> {
  const { tradeId, competitionId, judgeId, chiefId, rng } = opts;
  const judges = [judgeId, ...(opts.moreJudgeIds ?? [])];
  const tolerance = opts.tolerance ?? null;
  const raw = {
    modules: [
      {
        code: 'T',
        name: '理论知识',
        weight: opts.theoryWeight,
        criteria: [{ code: 'T-1', name: '笔试', aspects: [aspect('T1', '理论考试成绩', 100)] }],
      },
      {
        code: 'P',
        name: '实际操作',
        weight: 100 - opts.theoryWeight,
        criteria: [
          {
            code: 'P-1',
            name: '作品质量',
            aspects: [aspect('P1', '尺寸精度', 40, tolerance), aspect('P2', '外观质量', 30, tolerance)],
          },
          {
            code: 'P-2',
            name: '安全文明生产',
            aspects: [
              {
                code: 'P3',
                description: '违规操作扣分',
                kind: 'DEDUCTION',
                maxMark: 10,
                aggregation: { method: 'MEAN' },
                tolerance: null,
              },
            ],
          },
        ],
      },
    ].filter((m) => m.weight > 0),
  };
  const { scheme } = validateScheme(raw);
  if (!scheme) throw new Error('the demo marking scheme is invalid');
  await tx.execute('update trade set marking_scheme = ?::jsonb where id = ?', [
    JSON.stringify(scheme),
    tradeId,
  ]);
  await tx.execute(
    `insert into judge_assignment (trade_id, account_id, role)
     select ?, j, 'JUDGE' from unnest(?::int[]) j union all select ?, ?, 'CHIEF_JUDGE'`,
    [tradeId, `{${judges.join(',')}}`, tradeId, chiefId],
  );

  const entrants = await tx.execute<{ id: number; employer_id: number | null }[]>(
    `select e.id, p.employer_id from entrant e left join person p on p.id = e.person_id
      where e.trade_id = ? and e.status = 'CHECKED_IN' order by e.id`,
    [tradeId],
  );
  const seed = randomBytes(32).toString('hex');
  const digits = lotDigits(entrants.length);
  const numbers = drawNumbers(
    seed,
    tradeId,
    1,
    entrants.map((e) => e.id),
    new Set(),
    digits,
  );
  const [draw] = await tx.execute<{ id: number }[]>(
    `insert into lot_draw (trade_id, seq, seed, commitment, digits, entrant_count, drawn_by)
     values (?, 1, ?, ?, ?, ?, ?) returning id`,
    [tradeId, seed, commitmentOf(seed), digits, entrants.length, chiefId],
  );
  for (const e of entrants) {
    const n = numbers.get(e.id)!;
    await tx.execute(
      'update entrant set lot_number = ?, lot_code = lpad(?::text, ?, ?), lot_draw_id = ? where id = ?',
      [n, n, digits, '0', draw!.id, e.id],
    );
  }
  await appendAudit(tx, {
    competitionId,
    kind: 'LOTS_DRAWN',
    actorId: chiefId,
    subject: { tradeId, seq: 1 },
    after: { commitment: commitmentOf(seed), entrantCount: entrants.length, digits },
  });

  // The judge marks everyone but colleagues of their own employer (a conflict of interest).
  let marked = 0;
  const aspects = scheme.modules.flatMap((m) => m.criteria.flatMap((c) => c.aspects));
  for (const e of entrants) {
    if (e.employer_id !== null && e.employer_id === opts.judgeEmployerId) continue;
    if (opts.markLimit !== undefined && marked >= opts.markLimit) break;
    const skill = 0.55 + rng() * 0.4;
    for (const a of aspects) {
      const value =
        a.kind === 'DEDUCTION'
          ? rng() < 0.2
            ? Math.round(rng() * 4)
            : 0
          : Math.round(a.maxMark * Math.min(1, skill + (rng() - 0.5) * 0.1) * 2) / 2;
      // Every judge of the panel marks; the others within half a point of the first.
      for (const [i, j] of judges.entries()) {
        const v =
          i === 0 || a.kind === 'DEDUCTION'
            ? value
            : Math.min(a.maxMark, Math.max(0, value + (i % 2 ? 0.5 : -0.5)));
        await tx.execute(
          `insert into mark (trade_id, entrant_id, aspect_code, judge_id, value, device_id)
           values (?, ?, ?, ?, ?, 'demo-tablet') returning id`,
          [tradeId, e.id, a.code, j, v],
        );
        const key = `demo-${tradeId}-${e.id}-${a.code}${i ? `-${j}` : ''}`;
        await appendAudit(tx, {
          competitionId,
          kind: 'MARK_CREATED',
          actorId: j,
          deviceId: 'demo-tablet',
          idempotencyKey: key,
          subject: { entrantId: e.id, tradeId, aspectCode: a.code, judgeId: j },
          after: { value: v, version: 1 },
        });
      }
    }
    marked += 1;
  }
  await refreshBoard(tx, tradeId, null);
  return { marked };
}

function aspect(code: string, description: string, maxMark: number, tolerance: number | null = null) {
  return {
    code,
    description,
    kind: 'MEASUREMENT',
    maxMark,
    aggregation: { method: 'MEAN' },
    tolerance,
  } satisfies Record<string, unknown>;
}
