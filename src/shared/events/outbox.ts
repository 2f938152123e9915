import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvent, DomainEventBus } from './domain-events';

export interface OutboxSettings {
  /** How often the dispatcher looks for undelivered rows. */
  pollMs: number;
  /**
   * How old an undelivered row must be before the dispatcher takes it: younger ones are being
   * delivered by the instance that committed them.
   */
  graceMs: number;
  /** Rows per claim. */
  batch?: number;
}

/**
 * The outbox's two halves outside the transaction: the instance that committed marks the rows it
 * delivered (in the background, off the caller's path), and a dispatcher, in every instance, hands
 * rows left undelivered (the process died between the commit and the mark, or the mark failed) to
 * the bus's reactions and marks them. Rows are claimed with FOR UPDATE SKIP LOCKED, so two
 * instances never take the same row at once; a crash mid-claim leaves them for the next turn.
 */
export class Outbox {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private closed = false;
  private readonly marking = new Set<Promise<void>>();
  private readonly unmarked: string[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private prunedAt = 0;

  constructor(
    private readonly fork: () => EntityManager,
    private readonly bus: DomainEventBus,
    private readonly settings: OutboxSettings,
    private readonly log: (line: string) => void = () => {},
  ) {
    bus.onDelivered((ids) => this.markDelivered(ids));
  }

  /**
   * Starts the dispatcher: a first turn now (what a crash left), then one every `pollMs`.
   * Resolves when the first turn is over: an instance has caught up when its start-up returns.
   */
  start(): Promise<void> {
    const turn = () => {
      if (this.closed) return Promise.resolve();
      return this.dispatchOnce()
        .catch((e: unknown) =>
          this.log(`outbox: dispatch failed: ${e instanceof Error ? e.message : String(e)}`),
        )
        .finally(() => {
          if (!this.closed) this.timer = setTimeout(turn, this.settings.pollMs);
        })
        .then(() => {});
    };
    return turn();
  }

  /** Delivers one batch of undelivered rows older than the grace period; resolves with how many. */
  dispatchOnce(): Promise<number> {
    this.running ??= this.claim().finally(() => (this.running = null));
    return this.running;
  }

  private async claim(): Promise<number> {
    // Delivered rows are kept a week (to look into what happened), then dropped a batch at a time,
    // at most once a minute: an idle dispatcher's turn is then a single indexed select.
    if (Date.now() - this.prunedAt >= 60_000) {
      this.prunedAt = Date.now();
      await this.fork().execute(
        `delete from outbox_event where id in (select id from outbox_event
          where delivered_at < now() - interval '7 days' limit 1000)`,
      );
    }
    return this.fork().transactional(async (em) => {
      const rows = await (em as EntityManager).execute<{ id: string; name: string; payload: unknown }[]>(
        `select id, name, payload from outbox_event
          where delivered_at is null and recorded_at < now() - make_interval(secs => ?)
          order by seq limit ? for update skip locked`,
        [this.settings.graceMs / 1000, this.settings.batch ?? 200],
      );
      if (!rows.length) return 0;
      // Marked in this transaction rather than by the bus's listener: the claim and the mark commit together.
      await this.bus.redeliver(rows as DomainEvent[], false);
      await (em as EntityManager).execute(
        'update outbox_event set delivered_at = now() where id = any(?::uuid[])',
        [`{${rows.map((r) => r.id).join(',')}}`],
      );
      return rows.length;
    });
  }

  // Marks from many commits go out together, a moment later: one UPDATE per burst, not per commit.
  private markDelivered(ids: string[]): void {
    if (this.closed) return; // left to the dispatchers; consumers drop the repeat
    for (const id of ids) this.unmarked.push(id);
    this.flushTimer ??= setTimeout(() => this.flushMarks(), 20);
  }

  private flushMarks(): void {
    this.flushTimer = null;
    const ids = this.unmarked.splice(0);
    if (!ids.length) return;
    const done = this.fork()
      .execute(
        'update outbox_event set delivered_at = now() where id = any(?::uuid[]) and delivered_at is null',
        [`{${ids.join(',')}}`],
      )
      .then(
        () => {},
        (e: unknown) =>
          // The dispatcher delivers them again after the grace period; consumers drop the repeat.
          this.log(
            `outbox: marking ${ids.length} events delivered failed: ${e instanceof Error ? e.message : String(e)}`,
          ),
      )
      .finally(() => this.marking.delete(done));
    this.marking.add(done);
  }

  /**
   * Resolves when this instance's committed events have been handed on and marked: no reaction
   * working, no mark waiting or in flight. A test that counts statements waits for it first.
   */
  async settled(): Promise<void> {
    for (;;) {
      await this.bus.idle();
      // The mark is queued in the callback that follows a reaction's settling.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.flushTimer) {
        clearTimeout(this.flushTimer);
        this.flushMarks();
      }
      if (this.marking.size) await Promise.all([...this.marking]);
      else if (!this.unmarked.length) return;
    }
  }

  /** Stops the dispatcher and waits for the marks in flight. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushMarks();
    await this.running?.catch(() => {});
    await Promise.all([...this.marking]);
  }
}
