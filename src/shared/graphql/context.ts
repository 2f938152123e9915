import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Access } from '../access/access';
import type { Viewer } from '../access/viewer';
import type { DomainEventBus, EventUnit } from '../events/domain-events';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../security/rate-limits';
import { DEFAULT_LANGUAGE, type Language } from '../i18n';
import type { PubSub } from './pubsub';
import type { Recent, RecentEntities, RecentReads } from '../cache/recent';

/**
 * What modules add to every context (e.g. the leaderboard's `boards`). Each module declares its
 * own by declaration merging (`declare module '.../shared/graphql/context' { interface
 * ContextServices { … } }`); the composition root passes them in `Services.modules`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ContextServices {}

/** The request's DataLoader set; its members are declared where it is built (src/loaders.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Loaders {}

/**
 * Everything a resolver or service needs for one request (HTTP) or one subscription operation
 * (WebSocket): its own forked EntityManager and its own DataLoader set, so what one caller with
 * an identity reads is not served to another. Anonymous HTTP callers are the exception: they
 * share trade and competition rows, and whole answers, read in the last moments (`RecentReads`).
 */
export interface Context extends ContextServices {
  em: EntityManager;
  loaders: Loaders;
  viewer: Viewer;
  access: Access;
  pubsub: PubSub;
  rateLimits: RateLimits;
  /** The caller's address, for per-IP limits (sign-in lock-out). */
  ip: string;
  /** The events of the transaction running now; dispatched once it commits (`inTransaction`). */
  events: EventUnit;
  /** The caller's language for messages (`Accept-Language`, or the WebSocket `connection_init`). */
  language: Language;
}

export interface Services {
  orm: MikroORM;
  pubsub: PubSub;
  /** The process's domain events, with the modules' projections and reactions. */
  events: DomainEventBus;
  /** The modules' services, copied into every context. */
  modules: ContextServices;
  /** Builds a request's loaders; `recent` is given for anonymous HTTP requests only. */
  loaders: (em: () => EntityManager, recent: Recent<RecentEntities | null> | null) => Loaders;
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
  language: Language = DEFAULT_LANGUAGE,
): Context {
  const { orm, pubsub } = services;
  const rateLimits = services.rateLimits ?? (localLimits ??= new RateLimits(DEFAULT_RATE_LIMITS, null));
  const rows = recentReads && viewer.kind === 'anonymous' ? (services.recent?.rows ?? null) : null;
  // Forked on first use: an answer from the in-memory boards or the shared rows needs neither, and
  // a fork costs more than the rest of such a request's context (it writes process.env twice).
  let em: EntityManager | undefined;
  let loaders: Loaders | undefined;
  return {
    ...services.modules,
    get em(): EntityManager {
      return (em ??= orm.em.fork({ clear: true, useContext: false }) as EntityManager);
    },
    set em(value: EntityManager) {
      em = value;
    },
    get loaders(): Loaders {
      return (loaders ??= services.loaders(() => this.em, rows));
    },
    set loaders(value: Loaders) {
      loaders = value;
    },
    viewer,
    access: new Access(viewer),
    pubsub,
    rateLimits,
    ip,
    events: services.events.unit(),
    language,
  };
}
