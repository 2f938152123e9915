import type { NextFunction, Request, Response } from 'express';
import type { ExecutionArgs, ExecutionResult, GraphQLError } from 'graphql';
import type { PromiseOrValue } from 'graphql/jsutils/PromiseOrValue';
import type { Viewer } from '../shared/access/viewer';
import { TopLevelCode } from '../shared/errors';
import { topLevel } from './errors';
import { metrics } from '../shared/observability';
import { text } from '../shared/i18n';

export interface LaneSettings {
  /** Operations of the lane running at once. */
  concurrency: number;
  /** Operations that may wait for a place; beyond them the lane sheds at once. */
  queueMax: number;
  /** The longest an operation waits for a place before it is shed. */
  waitMs: number;
}

/** Why a lane turned an operation away. */
export type Shed = 'full' | 'waited';

/**
 * A bounded lane: at most `concurrency` operations in it at once, at most `queueMax` waiting,
 * none waiting longer than `waitMs`. Entering resolves with a release function, or with the
 * reason it was shed.
 */
export class Lane {
  private running = 0;
  private lastAdmitted = 0;
  /** Operations of a higher class in flight: while there are any, this lane admits none. */
  private yielding = 0;
  private readonly waiting: { admit: () => void; timer: NodeJS.Timeout }[] = [];
  /** Counts since start, for the benchmark and metrics. */
  readonly counts = { admitted: 0, shedFull: 0, shedWaited: 0 };

  constructor(private readonly s: LaneSettings) {}

  private get limit(): number {
    return this.yielding > 0 ? 0 : this.s.concurrency;
  }

  /**
   * Marks higher-priority work in flight until the returned function is called: meanwhile the lane
   * admits nobody new (unless it has admitted nobody for half the wait), so the event loop, the CPU and the
   * pool serve that work first, and a steady stream of it cannot starve the lane.
   */
  yieldTo(): () => void {
    this.yielding += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.yielding -= 1;
      while (this.running < this.limit && this.waiting.length) this.admitNext();
    };
  }

  private admitNext(): void {
    const next = this.waiting.shift();
    if (!next) return;
    clearTimeout(next.timer);
    next.admit();
  }

  enter(): Promise<(() => void) | Shed> {
    if (this.running < this.limit && !this.waiting.length) return Promise.resolve(this.admit());
    if (this.waiting.length >= this.s.queueMax) {
      this.counts.shedFull += 1;
      return Promise.resolve('full');
    }
    return new Promise((resolve) => {
      const leave = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
      };
      const shed = () => {
        leave();
        this.counts.shedWaited += 1;
        resolve('waited');
      };
      const entry = {
        admit: () => resolve(this.admit()),
        // Half way, if the lane has admitted nobody for that long (it kept yielding), a place
        // under its own cap admits this one: steady staff work slows the public, never stops it.
        timer: setTimeout(
          () => {
            const starved = Date.now() - this.lastAdmitted >= this.s.waitMs / 2;
            if (starved && this.running < this.s.concurrency) {
              leave();
              entry.admit();
            } else entry.timer = setTimeout(shed, this.s.waitMs - Math.floor(this.s.waitMs / 2));
          },
          Math.floor(this.s.waitMs / 2),
        ),
      };
      this.waiting.push(entry);
    });
  }

  private admit(): () => void {
    this.running += 1;
    this.counts.admitted += 1;
    this.lastAdmitted = Date.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      while (this.running < this.limit && this.waiting.length) this.admitNext();
    };
  }
}

/**
 * Admission by class of caller: anonymous operations (the public board, searches) run in a
 * bounded lane and are shed early with 503 + `Retry-After` when it is full; judges, staff and API
 * keys never enter it, so marks, corrections, locks and organizers' writes never queue behind
 * the public, and the public can hold at most `concurrency` of the pool's connections. While any
 * of theirs is in flight the public lane narrows to one operation, so the event loop (one core)
 * goes to the judges first too.
 */
export function publicLane(
  lane: Lane,
  refuse: (res: Response, status: number, errors: GraphQLError[]) => void,
): (req: Request, res: Response, next: NextFunction) => void {
  return (_req: Request, res: Response, next: NextFunction) => {
    if ((res.locals.viewer as Viewer).kind !== 'anonymous') {
      const done = lane.yieldTo();
      res.once('finish', done);
      res.once('close', done);
      return next();
    }
    void lane.enter().then((entered) => {
      if (typeof entered === 'function') {
        res.once('finish', entered);
        res.once('close', entered);
        if (res.writableEnded || res.destroyed) entered();
        return next();
      }
      const retryAfterSeconds = 1;
      res.setHeader('Retry-After', String(retryAfterSeconds));
      refuse(res, 503, [busy(retryAfterSeconds)]);
    });
  };
}

/** The refusal of an anonymous operation when the public lane is full (503, with `Retry-After`). */
export const busy = (retryAfterSeconds: number) =>
  topLevel(
    TopLevelCode.SERVER_BUSY,
    text('公共服务繁忙，请稍后重试。', 'The public service is busy; retry shortly.'),
    {
      retryable: true,
      retryAfterSeconds,
    },
  );

/**
 * graphql-ws's `execute` through the same lane: an anonymous query or mutation sent over a
 * WebSocket waits for (or is shed by) the public lane as over HTTP; other callers' yield it.
 * Subscriptions are not executions and do not hold a place.
 */
export function laneExecute(
  lane: Lane,
  execute: (args: ExecutionArgs) => PromiseOrValue<ExecutionResult>,
): (args: ExecutionArgs) => Promise<ExecutionResult> {
  return async (args) => {
    const viewer = (args.contextValue as { viewer?: Viewer } | undefined)?.viewer;
    if (viewer && viewer.kind !== 'anonymous') {
      const done = lane.yieldTo();
      try {
        return await execute(args);
      } finally {
        done();
      }
    }
    const entered = await lane.enter();
    if (typeof entered !== 'function') {
      metrics.refusals.inc({ reason: TopLevelCode.SERVER_BUSY, transport: 'ws' });
      return { errors: [busy(1)] };
    }
    try {
      return await execute(args);
    } finally {
      entered();
    }
  };
}
