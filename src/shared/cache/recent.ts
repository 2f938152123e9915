import type { FormattedExecutionResult } from 'graphql';

/**
 * What anonymous readers of one app instance read in the last moments, shared among them: a
 * public screen or union app polling a board would otherwise have the same rows read and the same
 * answer computed hundreds of times a second. Anonymous callers write nothing, so none of them can
 * miss its own change; every commit through this instance empties the caches
 * (`RecentReads.forget`, run after every commit of `inTransaction`), and so does every change the
 * instance hears of: a board event (from itself or, through Redis, another instance) or one of
 * PostgreSQL's change notices. A value lasts `ttlMs` (the freshness a board read keeps when no
 * notice can be heard); with `trusted`, a value read while notices were heard lasts longer, as any
 * change to it is then announced. Requests with an identity, and subscriptions, never use them.
 */
export class Recent<V> {
  private readonly entries = new Map<string, { at: number; value: V; renewing: boolean }>();
  /** Counts `clear`s: a value read before one must not be kept after it. */
  generation = 0;

  constructor(
    readonly ttlMs: number,
    private readonly max: number,
    /** While it trusts a value read at a moment (change notices heard), that value lasts `trusted.ttlMs`. */
    private readonly trusted: { trusts: (readAt: number) => boolean; ttlMs: number } | null = null,
  ) {}

  /**
   * The value, if read less than `ttlMs` ago. Past half that age, `renew` (when given) is called
   * once, to read it again behind the caller's back: under steady reads an entry is replaced
   * before it expires and no reader waits for the database (refresh-ahead).
   */
  get(key: string, renew?: (key: string) => void): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    const age = Date.now() - hit.at;
    const ttl = this.trusted?.trusts(hit.at) ? this.trusted.ttlMs : this.ttlMs;
    if (age >= ttl) {
      this.entries.delete(key);
      return undefined;
    }
    if (renew && !hit.renewing && age >= ttl / 2) {
      hit.renewing = true;
      renew(key);
    }
    return hit.value;
  }

  /**
   * Keeps a value whose read began at `readAt` with the cache at `generation`, unless a commit or
   * a change has emptied the cache since.
   */
  set(key: string, value: V, generation: number, readAt = Date.now()): void {
    // With `ttlMs` 0, only values read while notices are heard are kept.
    if (generation !== this.generation || (this.ttlMs <= 0 && !this.trusted)) return;
    if (this.entries.size >= this.max && !this.entries.has(key))
      this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { at: readAt, value, renewing: false });
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

/** A row read by a by-id loader, as entities of an EntityManager kept for anonymous readers. */
export interface RecentEntities {
  entity: { id: number };
  /** The parent read in the same statement (a trade's competition), if any. */
  parent: { id: number } | null;
}

/**
 * How long trade and competition rows are shared while PostgreSQL's change notices are heard: a
 * safety bound, since every change to them is then announced (src/shared/db/changes.ts).
 */
const TRUSTED_ROWS_MS = 60_000;

/** One app instance's shared anonymous reads: rows of by-id loaders and whole answers. */
export class RecentReads {
  /** Trades (with their competitions) as by-id loaders read them, mapped once for every reader. */
  readonly rows: Recent<RecentEntities | null>;
  /**
   * Whole answers to anonymous HTTP queries (shared-reads.ts): never longer than `ttlMs`, as they
   * may hold rows of any table, and only trades and competitions announce their changes.
   */
  readonly answers: Recent<FormattedExecutionResult>;

  constructor(answersTtlMs: number, rowsTtlMs: number, trusts?: (readAt: number) => boolean) {
    this.rows = new Recent<RecentEntities | null>(
      rowsTtlMs,
      2_000,
      trusts ? { trusts, ttlMs: TRUSTED_ROWS_MS } : null,
    );
    // Public pages ask a handful of distinct questions, each many times.
    this.answers = new Recent<FormattedExecutionResult>(answersTtlMs, 1_000);
  }

  /** After a write or a change: no request reads what was there before it. */
  forget(): void {
    this.rows.clear();
    this.answers.clear();
  }
}
