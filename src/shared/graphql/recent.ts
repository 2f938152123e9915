import type { FormattedExecutionResult } from 'graphql';

/**
 * What anonymous readers of one app instance read in the last few tens of milliseconds, shared
 * among them: a public screen or union app polling a board would otherwise have the same rows read
 * and the same answer computed hundreds of times a second. It is the freshness the boards
 * themselves keep (a board read trusts its last database check for as long). Anonymous callers
 * write nothing, so none of them can miss its own change; every commit through this instance
 * empties the caches (`RecentReads.forget`, run by `runMutation` and the mark path), and so does
 * every board change the instance hears of, from itself or (through Redis) from another, so only a
 * change that is not announced, made elsewhere, can be seen up to `ttlMs` late. Requests with an
 * identity, and subscriptions, never use them.
 */
export class Recent<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();
  /** Counts `clear`s: a value read before one must not be kept after it. */
  generation = 0;

  constructor(
    readonly ttlMs: number,
    private readonly max: number,
    /** Applied on the way in and out, so no caller changes what the next one reads. */
    private readonly copy: (value: V) => V = (value) => value,
  ) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (Date.now() - hit.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return this.copy(hit.value);
  }

  /** Keeps a value read at `generation`, unless a commit or a change has emptied the cache since. */
  set(key: string, value: V, generation: number): void {
    if (generation !== this.generation || this.ttlMs <= 0) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { at: Date.now(), value: this.copy(value) });
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

export type RecentRow = Record<string, unknown> | null;

/** One app instance's shared anonymous reads: rows of by-id loaders and whole answers. */
export class RecentReads {
  /** Trades (with their competitions) as by-id loaders read them; each reader maps its own copy. */
  readonly rows: Recent<RecentRow>;
  /** Whole answers to anonymous HTTP queries (shared-reads.ts). */
  readonly answers: Recent<FormattedExecutionResult>;

  constructor(ttlMs: number) {
    this.rows = new Recent<RecentRow>(ttlMs, 2_000, (row) => row && { ...row });
    // Public pages ask a handful of distinct questions, each many times.
    this.answers = new Recent<FormattedExecutionResult>(ttlMs, 1_000);
  }

  /** After a write or a change: no request reads what was there before it. */
  forget(): void {
    this.rows.clear();
    this.answers.clear();
  }
}
