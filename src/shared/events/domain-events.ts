import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { writeOutbox } from './outbox-rows';

/**
 * What happened in a committed change, by event name. Each module declares the events it records
 * by declaration merging (`declare module '.../shared/events/domain-events' { interface
 * DomainEvents { … } }`), so this file names no module's types.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEvents {}

export type DomainEventName = keyof DomainEvents;

/**
 * The envelope: an event's id (its outbox row's, by which every consumer drops a repeat), name and
 * payload, in the order the transaction recorded it.
 */
export interface DomainEvent<K extends DomainEventName = DomainEventName> {
  id: string;
  name: K;
  payload: DomainEvents[K];
}

const delivering = new AsyncLocalStorage<string>();

/**
 * The id of the event whose reactions are running now (undefined outside them): what a reaction
 * passes on (the Redis fan-out tags its messages with it) carries the event's identity along.
 */
export function currentEventId(): string | undefined {
  return delivering.getStore();
}

/** How many delivered event ids an instance remembers to drop repeats (at least once delivery). */
const REMEMBERED_IDS = 20_000;

/**
 * Runs inside the recording transaction, for what must commit (or roll back) with the rows: a read
 * model kept in the database, such as the board rows. It may record further events.
 */
export type Projection<K extends DomainEventName> = (
  em: EntityManager,
  payload: DomainEvents[K],
  unit: EventUnit,
) => Promise<void>;

/**
 * Runs once the recording transaction has committed, never after a rollback; at least once (the
 * outbox dispatcher delivers what a crash kept from it), each event id at most once per instance.
 */
/**
 * A reaction may return a promise: the event counts as delivered (its outbox row is marked) only
 * when that has settled, so work a reaction writes (webhook deliveries) survives a crash.
 */
export type Reaction<K extends DomainEventName> = (
  payload: DomainEvents[K],
  event: { id: string },
) => void | Promise<void>;

/**
 * The process's domain events: modules subscribe at start-up (the composition root wires them),
 * and the writers record events without knowing who listens. Every event is also an outbox row
 * written in its transaction (`outbox-rows.ts`): after the commit this instance runs the reactions
 * at once and marks the rows delivered; what a crash left undelivered the outbox dispatcher
 * (`outbox.ts`) hands to `redeliver` later, so reactions are at least once, and a repeat of an id
 * this instance already delivered is dropped here.
 */
export class DomainEventBus {
  private readonly projections = new Map<DomainEventName, Projection<never>[]>();
  private readonly reactions = new Map<DomainEventName, Reaction<never>[]>();
  private readonly commits: (() => void)[] = [];
  private readonly delivered = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private afterDelivery: (ids: string[]) => void = () => {};
  constructor(private readonly log: (line: string) => void = () => {}) {}

  /** `projection` runs inside every transaction that records `name`. */
  project<K extends DomainEventName>(name: K, projection: Projection<K>): void {
    const list = this.projections.get(name) ?? [];
    list.push(projection as Projection<never>);
    this.projections.set(name, list);
  }

  /** `reaction` runs after every commit that recorded `name`. */
  on<K extends DomainEventName>(name: K, reaction: Reaction<K>): void {
    const list = this.reactions.get(name) ?? [];
    list.push(reaction as Reaction<never>);
    this.reactions.set(name, list);
  }

  /** `listener` runs after every commit of a unit of work, with or without events (caches). */
  onCommit(listener: () => void): void {
    this.commits.push(listener);
  }

  /** A unit of work's events: one per context (request or subscription operation). */
  unit(): EventUnit {
    return new EventUnit(this);
  }

  /** @internal */
  projectionsOf(name: DomainEventName): readonly Projection<never>[] {
    return this.projections.get(name) ?? [];
  }

  /** Resolves when no reaction of this instance is still working (tests count statements after it). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** `listener` hears the ids of the events this instance has handed to their reactions (the outbox marks them). */
  onDelivered(listener: (ids: string[]) => void): void {
    this.afterDelivery = listener;
  }

  /** @internal Hands the committed events to their reactions, in the order they were recorded. */
  dispatch(events: DomainEvent[]): void {
    for (const listener of this.commits) this.guard('a commit listener', listener);
    this.redeliver(events);
  }

  /**
   * Hands events to their reactions, skipping the ids this instance has delivered already (the
   * outbox dispatcher calls it with rows a crash or a lost update left undelivered).
   */
  redeliver(events: DomainEvent[], announce = true): Promise<void> {
    const ids: string[] = [];
    const pending: Promise<void>[] = [];
    for (const e of events) {
      ids.push(e.id);
      if (this.delivered.has(e.id)) continue;
      this.remember(e.id);
      for (const reaction of this.reactions.get(e.name) ?? [])
        this.guard(`a reaction to ${e.name}`, () => {
          const done = delivering.run(e.id, () =>
            (reaction as Reaction<typeof e.name>)(e.payload, { id: e.id }),
          );
          if (done instanceof Promise)
            pending.push(done.catch((err: unknown) => this.failed(`a reaction to ${e.name}`, err)));
        });
    }
    const settled = pending.length ? Promise.all(pending).then(() => {}) : Promise.resolve();
    if (pending.length) {
      this.inFlight.add(settled);
      void settled.finally(() => this.inFlight.delete(settled));
    }
    if (announce && ids.length)
      void settled.then(() => this.guard('marking events delivered', () => this.afterDelivery(ids)));
    return settled;
  }

  private remember(id: string): void {
    this.delivered.add(id);
    if (this.delivered.size > REMEMBERED_IDS) this.delivered.delete(this.delivered.values().next().value!);
  }

  // The commit is done: one failing reaction must not keep the others, or the caller's answer, back.
  private guard(what: string, run: () => void): void {
    try {
      run();
    } catch (e) {
      this.failed(what, e);
    }
  }

  private failed(what: string, e: unknown): void {
    this.log(`domain events: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The events recorded by the transaction running now; dispatched at its commit, dropped at its rollback. */
export class EventUnit {
  private pending: DomainEvent[] = [];
  private written = 0;
  constructor(private readonly bus: DomainEventBus) {}

  /** Records an event of the transaction `em` belongs to, and runs its projections there. */
  async record<K extends DomainEventName>(
    em: EntityManager,
    name: K,
    payload: DomainEvents[K],
  ): Promise<void> {
    this.pending.push({ id: randomUUID(), name, payload } as DomainEvent);
    for (const projection of this.bus.projectionsOf(name))
      await (projection as Projection<K>)(em, payload, this);
  }

  /**
   * Records an event that no projection handles, where the transaction's EntityManager is not at
   * hand; refuses an event with projections, which must run in the transaction.
   */
  queue<K extends DomainEventName>(name: K, payload: DomainEvents[K]): void {
    if (this.bus.projectionsOf(name).length)
      throw new Error(`${name} has projections: record it with the transaction`);
    this.pending.push({ id: randomUUID(), name, payload } as DomainEvent);
  }

  /**
   * Writes the events recorded so far as outbox rows in the transaction `em` belongs to: the last
   * step of the work before its commit (`inTransaction`), so the rows commit with the change.
   */
  async persist(em: EntityManager): Promise<void> {
    await writeOutbox(em, this.pending.slice(this.written));
    this.written = this.pending.length;
  }

  /** The transaction committed: its events go to their reactions. */
  committed(): void {
    const events = this.pending;
    this.pending = [];
    this.written = 0;
    this.bus.dispatch(events);
  }

  /** The transaction rolled back: what it recorded never happened. */
  rolledBack(): void {
    this.pending = [];
    this.written = 0;
  }
}
