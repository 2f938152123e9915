/**
 * An ordered index of a board: entries sorted best first (total, then each tie-break, higher
 * is better; then id for a stable order). Rank, position and pages come from binary search,
 * so the rank of an entrant never counts the rows above it: O(log n) to find, O(n) memmove to
 * move one entry (about a millisecond at a million entries), O(1) to read a page.
 *
 * The entries live in typed arrays, not as objects: a million-entrant board held as objects
 * (two of them per entrant, two boards per trade) gave the garbage collector millions of
 * objects to trace, and every request paid for it in pauses at the 99th percentile.
 */
export interface RankEntry {
  id: number;
  total: number;
  tieBreak: readonly number[];
}

const INITIAL = 16;

export class RankIndex {
  /** Entries, as slots, in board order (positions 0 … n-1). */
  private order = new Int32Array(INITIAL);
  private n = 0;
  /** Per slot: the entrant, its total, its tie-break values (`width` per slot, -∞ padded). */
  private ids = new Int32Array(INITIAL);
  private totals = new Float64Array(INITIAL);
  private tieLengths = new Uint8Array(INITIAL);
  private ties = new Float64Array(0);
  private width = 0;
  private slotCount = 0;
  private readonly freeSlots: number[] = [];
  private readonly slotOf = new Map<number, number>();

  get size(): number {
    return this.n;
  }

  get(id: number): RankEntry | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.entryAt(slot);
  }

  upsert(e: RankEntry): void {
    this.remove(e.id);
    const slot = this.store(e);
    const pos = this.lowerBound(slot, true);
    this.ensureOrderCapacity(this.n + 1);
    this.order.copyWithin(pos + 1, pos, this.n);
    this.order[pos] = slot;
    this.n++;
  }

  remove(id: number): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    const pos = this.lowerBound(slot, true);
    this.order.copyWithin(pos, pos + 1, this.n);
    this.n--;
    this.slotOf.delete(id);
    this.freeSlots.push(slot);
  }

  /** Builds from scratch (faster than n upserts); a later entry for the same id wins. */
  reset(entries: readonly RankEntry[]): void {
    this.n = 0;
    this.slotCount = 0;
    this.freeSlots.length = 0;
    this.slotOf.clear();
    this.width = 0;
    this.ties = new Float64Array(0);
    for (const e of entries) {
      const known = this.slotOf.get(e.id);
      if (known !== undefined) {
        this.slotOf.delete(e.id);
        this.freeSlots.push(known);
      }
      this.store(e);
    }
    const slots = [...this.slotOf.values()];
    // A plain array of small integers sorts faster with a comparator than a typed array.
    slots.sort((a, b) => this.compare(a, b, true));
    this.order = new Int32Array(Math.max(INITIAL, slots.length));
    this.order.set(slots);
    this.n = slots.length;
  }

  /** Zero-based position in board order, or -1. */
  positionOf(id: number): number {
    const slot = this.slotOf.get(id);
    return slot === undefined ? -1 : this.lowerBound(slot, true);
  }

  /** Competition rank (1, 1, 3): 1 + the number of entries strictly better. */
  rankOf(id: number): number | null {
    const slot = this.slotOf.get(id);
    return slot === undefined ? null : this.lowerBound(slot, false) + 1;
  }

  /** Rank of the entry at a position. */
  rankAt(position: number): number {
    return this.lowerBound(this.order[position]!, false) + 1;
  }

  /** Ranks of the entries at positions [from, from + count): one search, then a walk down the page. */
  ranksAt(from: number, count: number): number[] {
    const ranks: number[] = [];
    const end = Math.min(this.n, from + count);
    for (let p = Math.max(0, from); p < end; p++) {
      const tied = ranks.length > 0 && this.compare(this.order[p - 1]!, this.order[p]!, false) === 0;
      ranks.push(ranks.length === 0 ? this.rankAt(p) : tied ? ranks[ranks.length - 1]! : p + 1);
    }
    return ranks;
  }

  /** Ids and totals at positions [from, from + count): a page of a board, without tie-breaks. */
  page(from: number, count: number): Pick<RankEntry, 'id' | 'total'>[] {
    const start = Math.max(0, from);
    const end = Math.min(this.n, start + Math.max(0, count));
    const out: Pick<RankEntry, 'id' | 'total'>[] = [];
    for (let p = start; p < end; p++) {
      const slot = this.order[p]!;
      out.push({ id: this.ids[slot]!, total: this.totals[slot]! });
    }
    return out;
  }

  slice(from: number, count: number): RankEntry[] {
    const start = Math.max(0, from);
    const end = Math.min(this.n, start + Math.max(0, count));
    const out: RankEntry[] = [];
    for (let p = start; p < end; p++) out.push(this.entryAt(this.order[p]!));
    return out;
  }

  // ------------------------------------------------------------------ storage

  private entryAt(slot: number): RankEntry {
    const base = slot * this.width;
    return {
      id: this.ids[slot]!,
      total: this.totals[slot]!,
      tieBreak: Array.from(this.ties.subarray(base, base + this.tieLengths[slot]!)),
    };
  }

  /** Writes the entry into a free slot and maps its id there. */
  private store(e: RankEntry): number {
    if (e.tieBreak.length > this.width) this.widen(e.tieBreak.length);
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotCount++;
      if (slot >= this.ids.length) this.growSlots(slot + 1);
    }
    this.ids[slot] = e.id;
    this.totals[slot] = e.total;
    this.tieLengths[slot] = e.tieBreak.length;
    const base = slot * this.width;
    for (let i = 0; i < this.width; i++) this.ties[base + i] = e.tieBreak[i] ?? -Infinity;
    this.slotOf.set(e.id, slot);
    return slot;
  }

  private growSlots(needed: number): void {
    const size = Math.max(needed, this.ids.length * 2);
    const grow = <A extends Int32Array | Float64Array | Uint8Array>(old: A, make: (n: number) => A): A => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.ids = grow(this.ids, (k) => new Int32Array(k));
    this.totals = grow(this.totals, (k) => new Float64Array(k));
    this.tieLengths = grow(this.tieLengths, (k) => new Uint8Array(k));
    const ties = new Float64Array(size * this.width).fill(-Infinity);
    ties.set(this.ties);
    this.ties = ties;
  }

  /** More tie-break values per slot than before: re-lay the slots, padding with -∞. */
  private widen(width: number): void {
    const ties = new Float64Array(this.ids.length * width).fill(-Infinity);
    for (let s = 0; s < this.slotCount; s++) {
      for (let i = 0; i < this.width; i++) ties[s * width + i] = this.ties[s * this.width + i]!;
    }
    this.ties = ties;
    this.width = width;
  }

  private ensureOrderCapacity(needed: number): void {
    if (needed <= this.order.length) return;
    const order = new Int32Array(Math.max(needed, this.order.length * 2));
    order.set(this.order.subarray(0, this.n));
    this.order = order;
  }

  // ------------------------------------------------------------------ order

  /** Score order (total, then tie-breaks; a missing value is -∞), then id when `byId`. */
  private compare(a: number, b: number, byId: boolean): number {
    const ta = this.totals[a]!;
    const tb = this.totals[b]!;
    if (ta !== tb) return ta > tb ? -1 : 1;
    const w = this.width;
    for (let i = 0; i < w; i++) {
      const x = this.ties[a * w + i]!;
      const y = this.ties[b * w + i]!;
      if (x !== y) return x > y ? -1 : 1;
    }
    return byId ? this.ids[a]! - this.ids[b]! : 0;
  }

  /** First position whose entry is not before the slot's (by score, and by id when `byId`). */
  private lowerBound(slot: number, byId: boolean): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.order[mid]!, slot, byId) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
