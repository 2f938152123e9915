import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { PubSub } from '../../shared/graphql/pubsub';
import { toGlobalId } from '../../shared/graphql/relay';
import { metrics } from '../../shared/observability';
import {
  Board,
  type BoardFrameView,
  type BoardLens,
  type BoardRowView,
  FREEZE_MARGIN_MS,
  MAX_TIMER_MS,
} from './board';
import { FrameQueue } from './frame-queue';
import { recordFrame, replayFrames, windowKey } from './board-history';

/** Subscribers who see the same window of the same board the same way: one frame serves them all. */
interface Group {
  key: string;
  /** The window as the shared history names it. */
  lensKey: string;
  board: Board;
  lens: BoardLens;
  first: number;
  subscribers: Set<FrameQueue>;
  window: BoardRowView[];
  seq: number;
  /** What the group's screens were last told about the freeze. */
  frozen: boolean;
  /** The snapshot new subscribers get, shared until the window changes. */
  snapshot: BoardFrameView | null;
}

const rowKey = (r: BoardRowView) =>
  `${r.rank}|${r.total}|${r.awardTier}|${r.name}|${r.modules.map((m) => m.weighted).join(',')}`;

declare module '../../shared/graphql/context' {
  interface ContextServices {
    /** The process's live leaderboards. */
    boards: BoardHub;
  }
}

/**
 * The process's boards and their live subscribers. A burst of changes to one board becomes at
 * most one push per `flushMs`; each push is computed once per group of subscribers who see the
 * same window, and reads the rows at push time, so the last state is never lost.
 */
export class BoardHub {
  private readonly boards = new Map<number, Board>();
  private readonly groups = new Map<string, Group>();
  private readonly creating = new Map<string, Promise<Group>>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /** When a board's first unpushed change was heard, for the commit-to-frame lag. */
  private readonly heardAt = new Map<number, number>();
  /** Per trade: a push at its freeze moment, so screens show the freeze without waiting for a mark. */
  private readonly freezeTimers = new Map<number, { at: number; timer: NodeJS.Timeout }>();
  private readonly lastFlush = new Map<number, number>();
  /** Boards being flushed now, and those that changed meanwhile (each gets one more flush). */
  private readonly flushing = new Set<number>();
  private readonly again = new Set<number>();
  private readonly listening = new Map<number, AsyncIterator<unknown>>();
  private readonly competitions = new Map<number, AsyncIterator<unknown>>();
  private closed = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly pubsub: PubSub,
    private readonly flushMs = 200,
    private readonly log: (message: string) => void = () => {},
    /** Told of every change to a board this process holds (answers shared with it are stale). */
    private readonly onChange: () => void = () => {},
    /** Whether a board checked at a moment is still as read unless a change is announced. */
    private readonly trusts: (readAt: number) => boolean = () => false,
  ) {}

  private em(): EntityManager {
    return this.orm.em.fork({ clear: true, useContext: false }) as EntityManager;
  }

  /** The board, caught up with the database. */
  /** `em` is called only when the board must read the database (a trusted board does not). */
  async board(tradeId: number, em: () => EntityManager = () => this.em()): Promise<Board> {
    let b = this.boards.get(tradeId);
    if (!b) {
      this.boards.set(tradeId, (b = new Board(tradeId, this.trusts)));
      this.listen(tradeId);
    }
    await b.catchUp(em);
    this.armFreeze(b);
    return b;
  }

  private armFreeze(b: Board): void {
    const at = b.freezeAt;
    const armed = this.freezeTimers.get(b.tradeId);
    if (armed?.at === at || this.closed) return;
    if (armed) clearTimeout(armed.timer);
    this.freezeTimers.delete(b.tradeId);
    if (at === null) return;
    const wait = at - Date.now();
    // Past moments are already on the board; a timer cannot wait beyond ~24 days (a later read re-arms).
    if (wait < 0 || wait > MAX_TIMER_MS) return;
    const timer = setTimeout(() => {
      this.freezeTimers.delete(b.tradeId);
      b.markDirty();
      this.onChange();
      this.schedule(b.tradeId);
    }, wait + FREEZE_MARGIN_MS);
    timer.unref();
    this.freezeTimers.set(b.tradeId, { at, timer });
  }

  /**
   * A subscriber's frames: a SNAPSHOT, then DELTAs. With `afterSeq` (the seq the client holds) the
   * frames it missed are replayed from the shared history instead, or, when the history no longer
   * has them, a SNAPSHOT flagged `restart`.
   */
  async subscribe(
    tradeId: number,
    lens: BoardLens,
    first: number,
    afterSeq: number | null = null,
  ): Promise<AsyncIterableIterator<BoardFrameView>> {
    const lensKey = windowKey(lens.view, lens.identities, lens.awards, first);
    const key = `${tradeId}|${lensKey}`;
    // Listen before reading the snapshot, so a change committed meanwhile is pushed.
    this.listen(tradeId);
    let group = this.groups.get(key);
    if (!group) {
      // Screens that reconnect together share one creation of their group (and join it).
      let creating = this.creating.get(key);
      if (!creating) {
        creating = (async () => {
          const board = await this.board(tradeId);
          const window = await board.rows(() => this.em(), lens, 0, first);
          const g: Group = {
            key,
            lensKey,
            board,
            lens,
            first,
            subscribers: new Set(),
            window,
            seq: board.seqFor(lens.view),
            frozen: board.frozenFor(lens.view),
            snapshot: null,
          };
          this.groups.set(key, g);
          return g;
        })().finally(() => this.creating.delete(key));
        this.creating.set(key, creating);
      }
      group = await creating;
    }
    this.listen(tradeId);
    this.listenCompetition(group.board.competitionId);
    const g = group;
    const queue = new FrameQueue(() => {
      g.subscribers.delete(queue);
      if (g.subscribers.size === 0 && this.groups.get(g.key) === g) this.groups.delete(g.key);
    });
    const missed = afterSeq === null ? null : await this.missed(g, afterSeq);
    g.subscribers.add(queue);
    if (missed) for (const f of missed) queue.push(f);
    else if (afterSeq === null) queue.push((g.snapshot ??= this.frame(g, 'SNAPSHOT', g.window, [], null)));
    else queue.push({ ...this.frame(g, 'SNAPSHOT', g.window, [], null), restart: true });
    return queue;
  }

  /**
   * The frames that bring a client from `afterSeq` to the group's seq, from the shared history;
   * null when it has not got them. Ends with an empty DELTA when the freeze state moved since the
   * last frame replayed (or nothing was missed), so the client knows where it stands.
   */
  private async missed(g: Group, afterSeq: number): Promise<BoardFrameView[] | null> {
    // The group may move while the history is read: read again up to its new seq.
    for (let tries = 0; tries < 3; tries++) {
      const to = g.seq;
      const frames = await replayFrames(this.em(), g.board.tradeId, g.lensKey, afterSeq, to);
      if (!frames) return null;
      if (g.seq !== to) continue;
      const last = frames.at(-1);
      if (!last || last.frozen !== g.frozen)
        frames.push(this.frame(g, 'DELTA', [], [], last?.seq ?? afterSeq));
      return frames;
    }
    return null;
  }

  private frame(
    g: Group,
    kind: 'SNAPSHOT' | 'DELTA' | 'END',
    rows: BoardRowView[],
    removed: string[],
    previousSeq: number | null,
    end: Pick<BoardFrameView, 'stage' | 'endReason'> = { stage: null, endReason: null },
  ): BoardFrameView {
    return {
      ...end,
      restart: false,
      tradeId: toGlobalId('Trade', g.board.tradeId),
      kind,
      seq: g.seq,
      previousSeq,
      view: g.lens.view,
      frozen: g.frozen,
      entrantCount: g.board.index(g.lens.view).size,
      rows,
      removed,
    };
  }

  private listen(tradeId: number): void {
    if (this.listening.has(tradeId)) return;
    const events = this.pubsub.subscribe('BOARD_CHANGED', tradeId)[Symbol.asyncIterator]();
    this.listening.set(tradeId, events);
    void (async () => {
      for (;;) {
        const next = await events.next();
        if (next.done || this.closed) return;
        this.heard(tradeId);
      }
    })();
  }

  /** A change to the trade (its board, its freeze moment, its rules), announced by whoever made it. */
  heard(tradeId: number): void {
    if (!this.heardAt.has(tradeId)) this.heardAt.set(tradeId, Date.now());
    this.boards.get(tradeId)?.markDirty();
    this.onChange();
    this.schedule(tradeId);
  }

  /** Changes may have gone unannounced (change notices were not heard for a while): check every board. */
  checkAll(): void {
    this.onChange();
    for (const [id, board] of this.boards) {
      board.markDirty();
      this.schedule(id);
    }
  }

  /** Publication and finality change what the public sees: its subscriptions complete, and screens resubscribe. */
  private listenCompetition(competitionId: number): void {
    if (this.competitions.has(competitionId)) return;
    const events = this.pubsub.subscribe('COMPETITION_STATUS_CHANGED', competitionId)[Symbol.asyncIterator]();
    this.competitions.set(competitionId, events);
    void (async () => {
      for (;;) {
        const next = await events.next();
        if (next.done || this.closed) return;
        this.restartCompetition(competitionId, (next.value as { to?: string } | undefined)?.to ?? null);
      }
    })();
  }

  /** At most one flush per board per interval; a change during a flush schedules the next. */
  schedule(tradeId: number): void {
    if (this.closed) return;
    if (this.timers.has(tradeId)) {
      // A flush already running may have read the board before this change: one more follows it.
      if (this.flushing.has(tradeId)) this.again.add(tradeId);
      return;
    }
    // Leading edge: the first change after a quiet interval is pushed at once; later ones in
    // the same interval wait for its end, so a burst still makes one push per interval.
    const since = Date.now() - (this.lastFlush.get(tradeId) ?? 0);
    this.timers.set(
      tradeId,
      setTimeout(
        () => {
          this.lastFlush.set(tradeId, Date.now());
          this.flushing.add(tradeId);
          const finished = () => {
            this.flushing.delete(tradeId);
            this.timers.delete(tradeId);
            return this.again.delete(tradeId);
          };
          this.flush(tradeId).then(
            () => {
              if (finished()) this.schedule(tradeId);
            },
            (err: unknown) => {
              // The database may be away: try again, so the last state still reaches the screens.
              finished();
              this.log(`board ${tradeId}: push failed (${(err as Error).message}); retrying`);
              setTimeout(() => this.schedule(tradeId), this.flushMs * 5).unref();
            },
          );
        },
        Math.max(0, this.flushMs - since),
      ),
    );
  }

  async flush(tradeId: number): Promise<void> {
    const groups = [...this.groups.values()].filter((g) => g.board.tradeId === tradeId);
    // The lag runs from the first change heard since the last push to this push.
    const heardAt = this.heardAt.get(tradeId);
    this.heardAt.delete(tradeId);
    if (groups.length === 0) return;
    const em = this.em();
    const board = await this.board(tradeId, () => em);
    for (const g of groups) {
      const window = await board.rows(() => em, g.lens, 0, g.first);
      const before = new Map(g.window.map((r) => [r.entrantId, rowKey(r)]));
      const now = new Set(window.map((r) => r.entrantId));
      const changed = window.filter((r) => before.get(r.entrantId) !== rowKey(r));
      const removed = g.window.filter((r) => !now.has(r.entrantId)).map((r) => r.entrantId);
      const frozen = board.frozenFor(g.lens.view);
      const seq = board.seqFor(g.lens.view);
      if (changed.length === 0 && removed.length === 0 && seq === g.seq && frozen === g.frozen) continue;
      const previousSeq = g.seq;
      g.window = window;
      g.seq = seq;
      g.frozen = frozen;
      g.snapshot = null;
      const frame = this.frame(g, 'DELTA', changed, removed, previousSeq);
      // Kept before it is pushed, so a client resuming anywhere after seeing it finds it.
      await recordFrame(em, tradeId, g.lensKey, frame).catch((err: unknown) =>
        this.log(`board ${tradeId}: frame history not written (${(err as Error).message})`),
      );
      for (const s of g.subscribers) s.push(frame);
      metrics.boardFrames.inc(g.subscribers.size);
      if (heardAt !== undefined) metrics.boardLag.observe((Date.now() - heardAt) / 1000);
    }
  }

  private stopListening(tradeId: number): void {
    void this.listening.get(tradeId)?.return?.();
    this.listening.delete(tradeId);
  }

  /**
   * The competition changed stage (identities or awards may become visible): every subscription
   * to its boards ends with an END frame naming the new stage, and screens resubscribe.
   */
  restartCompetition(competitionId: number, stage: string | null = null): void {
    this.onChange();
    for (const b of this.boards.values()) if (b.competitionId === competitionId) b.forgetDetails();
    for (const g of [...this.groups.values()]) {
      if (g.board.competitionId !== competitionId) continue;
      this.end(g, { stage, endReason: 'STAGE_CHANGED' });
    }
  }

  private end(g: Group, why: Pick<BoardFrameView, 'stage' | 'endReason'>): void {
    const last = this.frame(g, 'END', [], [], g.seq, why);
    for (const s of [...g.subscribers]) {
      s.push(last);
      void s.return();
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const f of this.freezeTimers.values()) clearTimeout(f.timer);
    this.freezeTimers.clear();
    for (const id of [...this.listening.keys()]) this.stopListening(id);
    for (const events of this.competitions.values()) void events.return?.();
    this.competitions.clear();
    for (const g of [...this.groups.values()]) this.end(g, { stage: null, endReason: 'SHUTTING_DOWN' });
    this.groups.clear();
  }
}
