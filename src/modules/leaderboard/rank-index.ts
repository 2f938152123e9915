/**
 * An ordered index of a board: entries sorted best first (total, then each tie-break, higher
 * is better; then id for a stable order). Rank, position and pages come from binary search,
 * so the rank of an entrant never counts the rows above it: O(log n) to find, O(n) memmove to
 * move one entry (a few milliseconds at a million entries), O(1) to read a page.
 */
export interface RankEntry {
  id: number;
  total: number;
  tieBreak: readonly number[];
}

function compareScore(a: RankEntry, b: RankEntry): number {
  if (a.total !== b.total) return a.total > b.total ? -1 : 1;
  const n = Math.max(a.tieBreak.length, b.tieBreak.length);
  for (let i = 0; i < n; i++) {
    const x = a.tieBreak[i] ?? -Infinity;
    const y = b.tieBreak[i] ?? -Infinity;
    if (x !== y) return x > y ? -1 : 1;
  }
  return 0;
}

function compareEntry(a: RankEntry, b: RankEntry): number {
  return compareScore(a, b) || a.id - b.id;
}

export class RankIndex {
  private readonly sorted: RankEntry[] = [];
  private readonly byId = new Map<number, RankEntry>();

  get size(): number {
    return this.sorted.length;
  }

  get(id: number): RankEntry | undefined {
    return this.byId.get(id);
  }

  /** First position whose entry is not before `e` under `cmp`. */
  private lowerBound(e: RankEntry, cmp: (a: RankEntry, b: RankEntry) => number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(this.sorted[mid]!, e) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  upsert(e: RankEntry): void {
    this.remove(e.id);
    this.sorted.splice(this.lowerBound(e, compareEntry), 0, e);
    this.byId.set(e.id, e);
  }

  remove(id: number): void {
    const old = this.byId.get(id);
    if (!old) return;
    this.sorted.splice(this.lowerBound(old, compareEntry), 1);
    this.byId.delete(id);
  }

  /** Builds from scratch (faster than n upserts). */
  reset(entries: RankEntry[]): void {
    this.byId.clear();
    for (const e of entries) this.byId.set(e.id, e);
    // No spread: a million arguments overflow the call stack.
    this.sorted.length = 0;
    for (const e of this.byId.values()) this.sorted.push(e);
    this.sorted.sort(compareEntry);
  }

  /** Zero-based position in board order, or -1. */
  positionOf(id: number): number {
    const e = this.byId.get(id);
    return e ? this.lowerBound(e, compareEntry) : -1;
  }

  /** Competition rank (1, 1, 3): 1 + the number of entries strictly better. */
  rankOf(id: number): number | null {
    const e = this.byId.get(id);
    return e ? this.lowerBound(e, compareScore) + 1 : null;
  }

  /** Rank of the entry at a position. */
  rankAt(position: number): number {
    return this.lowerBound(this.sorted[position]!, compareScore) + 1;
  }

  /** Ranks of the entries at positions [from, from + count): one search, then a walk down the page. */
  ranksAt(from: number, count: number): number[] {
    const ranks: number[] = [];
    const end = Math.min(this.sorted.length, from + count);
    for (let p = Math.max(0, from); p < end; p++) {
      const tied = ranks.length > 0 && compareScore(this.sorted[p - 1]!, this.sorted[p]!) === 0;
      ranks.push(ranks.length === 0 ? this.rankAt(p) : tied ? ranks[ranks.length - 1]! : p + 1);
    }
    return ranks;
  }

  slice(from: number, count: number): RankEntry[] {
    return this.sorted.slice(Math.max(0, from), Math.max(0, from) + count);
  }
}
