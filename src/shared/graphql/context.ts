import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { createLoaders, type Loaders } from '../../loaders';
import { Access } from '../access/policy';
import type { Viewer } from '../access/viewer';
import type { TokenSettings } from '../../modules/account/auth.service';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../security/rate-limits';
import type { PubSub } from './pubsub';
import type { RecentReads } from './recent';
import type { BoardHub } from '../../modules/leaderboard/board.service';

/**
 * Everything a resolver or service needs for one request (HTTP) or one
 * subscription operation (WebSocket): its own forked EntityManager and its own
 * DataLoader set, so nothing cached leaks between callers.
 */
export interface Context {
  em: EntityManager;
  loaders: Loaders;
  viewer: Viewer;
  access: Access;
  pubsub: PubSub;
  tokens: TokenSettings;
  rateLimits: RateLimits;
  /** The process's live leaderboards. */
  boards: BoardHub;
  /** The caller's address, for per-IP limits (sign-in lock-out). */
  ip: string;
  /** Run by `runMutation` once its transaction has committed (events about what it wrote). */
  afterCommit: (() => void)[];
  /** The instance's shared anonymous reads, emptied by every commit; null for local tools. */
  recent: RecentReads | null;
}

export interface Services {
  orm: MikroORM;
  pubsub: PubSub;
  tokens: TokenSettings;
  boards: BoardHub;
  /** Omitted by local tools (CLI): they get a process-local limiter. */
  rateLimits?: RateLimits;
  /** Omitted by local tools (CLI): they share no reads. */
  recent?: RecentReads;
}

let localLimits: RateLimits | null = null;

/**
 * `recentReads`: an anonymous HTTP request may read trades from the last few tens of
 * milliseconds (see `RecentReads`); subscriptions never do, since a screen resubscribing at
 * publication must see the new status.
 */
export function createContext(
  services: Services,
  viewer: Viewer,
  ip = 'local',
  recentReads = false,
): Context {
  const { orm, pubsub, tokens, boards } = services;
  const rateLimits = services.rateLimits ?? (localLimits ??= new RateLimits(DEFAULT_RATE_LIMITS, null));
  const em = orm.em.fork({ clear: true, useContext: false }) as EntityManager;
  return {
    em,
    loaders: createLoaders(
      em,
      recentReads && viewer.kind === 'anonymous' ? (services.recent?.rows ?? null) : null,
    ),
    viewer,
    access: new Access(viewer),
    pubsub,
    tokens,
    rateLimits,
    boards,
    ip,
    afterCommit: [],
    recent: services.recent ?? null,
  };
}
