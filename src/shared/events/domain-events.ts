import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * What happened in a committed change, by event name. Each module declares the events it records
 * by declaration merging (`declare module '.../shared/events/domain-events' { interface
 * DomainEvents { … } }`), so this file names no module's types.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEvents {}

export type DomainEventName = keyof DomainEvents;

/** The envelope: an event's name and payload, in the order the transaction recorded it. */
export interface DomainEvent<K extends DomainEventName = DomainEventName> {
  name: K;
  payload: DomainEvents[K];
}

/**
 * Runs inside the recording transaction, for what must commit (or roll back) with the rows: a read
 * model kept in the database, such as the board rows. It may record further events.
 */
export type Projection<K extends DomainEventName> = (
  em: EntityManager,
  payload: DomainEvents[K],
  unit: EventUnit,
) => Promise<void>;

/** Runs once the recording transaction has committed; never after a rollback. */
export type Reaction<K extends DomainEventName> = (payload: DomainEvents[K]) => void;

/**
 * The process's domain events: modules subscribe at start-up (the composition root wires them),
 * and the writers record events without knowing who listens. Events are in process and at most
 * once: a crash between a commit and its reactions loses the reactions (the board rows, written by
 * a projection, are not lost; screens catch up on their next check).
 */
export class DomainEventBus {
  private readonly projections = new Map<DomainEventName, Projection<never>[]>();
  private readonly reactions = new Map<DomainEventName, Reaction<never>[]>();
  private readonly commits: (() => void)[] = [];
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

  /** @internal Hands the committed events to their reactions, in the order they were recorded. */
  dispatch(events: DomainEvent[]): void {
    for (const listener of this.commits) this.guard('a commit listener', listener);
    for (const e of events)
      for (const reaction of this.reactions.get(e.name) ?? [])
        this.guard(`a reaction to ${e.name}`, () => (reaction as Reaction<typeof e.name>)(e.payload));
  }

  // The commit is done: one failing reaction must not keep the others, or the caller's answer, back.
  private guard(what: string, run: () => void): void {
    try {
      run();
    } catch (e) {
      this.log(`domain events: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** The events recorded by the transaction running now; dispatched at its commit, dropped at its rollback. */
export class EventUnit {
  private pending: DomainEvent[] = [];
  constructor(private readonly bus: DomainEventBus) {}

  /** Records an event of the transaction `em` belongs to, and runs its projections there. */
  async record<K extends DomainEventName>(
    em: EntityManager,
    name: K,
    payload: DomainEvents[K],
  ): Promise<void> {
    this.pending.push({ name, payload } as DomainEvent);
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
    this.pending.push({ name, payload } as DomainEvent);
  }

  /** The transaction committed: its events go to their reactions. */
  committed(): void {
    const events = this.pending;
    this.pending = [];
    this.bus.dispatch(events);
  }

  /** The transaction rolled back: what it recorded never happened. */
  rolledBack(): void {
    this.pending = [];
  }
}
