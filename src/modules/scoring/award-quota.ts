import type { EntityManager } from '@mikro-orm/postgresql';
import type { AwardedEntry, Awards } from './ranking';

/**
 * A campaign category's awards never pass its quota, whatever the award rule (COUNT, PERCENT,
 * THRESHOLD) and however ties fall.
 *
 * The rule's tiers are worked out first (`awardTiers`, on ranks that already apply the trade's
 * tie-break rules: entrants share a rank only when their totals and every tie-break are equal).
 * Then the awarded entrants are taken in rank order, a whole group of equal rank at a time: a
 * group is awarded (each keeping its tier) only if all of it fits in what is left of the quota.
 * The first group that does not fit, and everyone ranked below it, get no award of any tier:
 * a tie across the cut is never split (equal results get equal treatment), never awarded beyond
 * the quota, and nobody ranked below a tied group is awarded ahead of it. The places left over
 * stay unfilled; organizers who want them filled add tie-break rules before publication.
 *
 * Entries come back in the order given, the tier summaries with their `awarded` counts updated.
 */
export function capAwardsAtQuota(awards: Awards, quota: number): Awards {
  const awarded = awards.entries.filter((e) => e.tier !== null);
  if (awarded.length <= quota) return awards;
  const byRank = new Map<number, number>();
  for (const e of awarded) byRank.set(e.rank, (byRank.get(e.rank) ?? 0) + 1);
  let lastRank = 0; // awards go to ranks up to and including this one
  let used = 0;
  for (const [rank, size] of [...byRank].sort((a, b) => a[0] - b[0])) {
    if (used + size > quota) break;
    used += size;
    lastRank = rank;
  }
  const entries: AwardedEntry[] = awards.entries.map((e) =>
    e.tier !== null && e.rank > lastRank ? { ...e, tier: null } : e,
  );
  return {
    entries,
    tiers: awards.tiers.map((t) => ({ ...t, awarded: entries.filter((e) => e.tier === t.tier).length })),
  };
}

/** A trade's awards within its campaign category's quota (a trade outside campaigns is left as is). */
export async function awardsWithinQuota(em: EntityManager, tradeId: number, awards: Awards): Promise<Awards> {
  const [category] = await em.execute<{ award_quota: number }[]>(
    'select k.award_quota from trade t join campaign_category k on k.id = t.category_id where t.id = ?',
    [tradeId],
  );
  return category ? capAwardsAtQuota(awards, category.award_quota) : awards;
}

/**
 * The same cut for callers that hold ranks by position rather than the whole ranking (a board
 * page): an entrant the rule awards stays within the quota when the entrant at position `quota`
 * (0-based: the first one past the quota) ranks strictly below it. The rule's awarded entrants
 * are always the best-ranked ones, so that is when its whole tied group fits.
 */
export function quotaCut(
  quota: number,
  size: number,
  rankAt: (position: number) => number,
): (rank: number) => boolean {
  const cut = quota >= size ? Infinity : rankAt(quota);
  return (rank) => rank < cut;
}
