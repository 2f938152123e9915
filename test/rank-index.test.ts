import fc from 'fast-check';
import { RankIndex, type RankEntry } from '../src/modules/leaderboard/rank-index';

/** Board order and competition ranks the slow way: sort everything, count the better rows. */
function naive(entries: Iterable<RankEntry>) {
  const better = (a: RankEntry, b: RankEntry) => {
    if (a.total !== b.total) return a.total > b.total;
    for (let i = 0; i < Math.max(a.tieBreak.length, b.tieBreak.length); i++) {
      const x = a.tieBreak[i] ?? -Infinity;
      const y = b.tieBreak[i] ?? -Infinity;
      if (x !== y) return x > y;
    }
    return false;
  };
  const all = [...entries];
  const sorted = [...all].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : a.id - b.id));
  const rank = (e: RankEntry) => 1 + all.filter((o) => better(o, e)).length;
  return { order: sorted.map((e) => e.id), ranks: sorted.map(rank) };
}

// Few distinct scores, so ties (shared ranks) are common.
const entry = fc.record({
  id: fc.integer({ min: 1, max: 40 }),
  total: fc.integer({ min: 0, max: 4 }).map((t) => t * 2.5),
  tieBreak: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
});
const op = fc.oneof(
  entry.map((e) => ({ kind: 'upsert' as const, e })),
  fc.integer({ min: 1, max: 40 }).map((id) => ({ kind: 'remove' as const, id })),
);

test('the rank index agrees with a full sort after any sequence of upserts and removals', () => {
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 30 }), fc.array(op, { maxLength: 40 }), (initial, ops) => {
      const index = new RankIndex();
      const truth = new Map<number, RankEntry>();
      for (const e of initial) truth.set(e.id, e);
      index.reset(initial);
      for (const o of ops) {
        if (o.kind === 'upsert') {
          index.upsert(o.e);
          truth.set(o.e.id, o.e);
        } else {
          index.remove(o.id);
          truth.delete(o.id);
        }
      }
      const { order, ranks } = naive(truth.values());
      expect(index.size).toBe(order.length);
      expect(index.slice(0, order.length).map((e) => e.id)).toEqual(order);
      expect(index.page(0, order.length)).toEqual(
        index.slice(0, order.length).map(({ id, total }) => ({ id, total })),
      );
      expect(order.map((id) => index.rankOf(id))).toEqual(ranks);
      expect(order.map((id) => index.positionOf(id))).toEqual(order.map((_, i) => i));
      expect(order.map((_, p) => index.rankAt(p))).toEqual(ranks);
      // Any page's ranks, walked from one search, equal the per-position ranks.
      for (let from = 0; from < order.length; from += 7) {
        expect(index.ranksAt(from, 10)).toEqual(ranks.slice(from, from + 10));
      }
      expect(index.rankOf(41)).toBeNull();
    }),
    { numRuns: 300 },
  );
});
