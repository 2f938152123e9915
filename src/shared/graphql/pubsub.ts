import { randomUUID } from 'node:crypto';
import { createPubSub, type PubSubEventTarget } from '@graphql-yoga/subscription';
import Redis from 'ioredis';
import { currentEventId } from '../events/domain-events';

/**
 * Topics and their payloads. With Redis configured they travel between instances as JSON, so
 * payloads are plain data (checked below at compile time): no Date, Map, bigint or methods.
 * Modules add their own topics by declaration merging
 * (`declare module '.../shared/graphql/pubsub' { interface Topics { … } }`), so this file names
 * no module's types.
 */
export interface Topics {
  /** An account was disabled or an API key revoked: its live connections must close. */
  VIEWER_REVOKED: [payload: { accountId?: number; apiKeyId?: number; shutdown?: boolean }];
  COMPETITION_STATUS_CHANGED: [
    competitionId: number,
    payload: { competitionId: number; from: string; to: string; at: string },
  ];
}

/** The topics as an object type (an interface has no index signature, which `createPubSub` asks for). */
type TopicMap = { [K in keyof Topics]: Topics[K] };

type Payloads = {
  [K in keyof TopicMap]: TopicMap[K] extends [unknown, infer P]
    ? P
    : TopicMap[K] extends [infer P]
      ? P
      : never;
};
type JsonSafe<T> = T extends string | number | boolean | null | undefined
  ? true
  : T extends bigint | symbol | Date | Map<unknown, unknown> | Set<unknown> | ((...args: never[]) => unknown)
    ? false
    : T extends readonly (infer U)[]
      ? JsonSafe<U>
      : T extends object
        ? false extends { [K in keyof T]-?: JsonSafe<T[K]> }[keyof T]
          ? false
          : true
        : false;
type NotJson = { [K in keyof Payloads]: false extends JsonSafe<Payloads[K]> ? K : never }[keyof Payloads];
/** Does not compile while a topic's payload would not survive JSON; the error names the topic. */
export type PayloadsAreJson = Assert<[NotJson] extends [never] ? true : `payload not JSON-safe: ${NotJson}`>;
type Assert<T extends true> = T;

export interface EventBusSettings {
  /** Redis carrying events between instances; without it events stay in this process. */
  REDIS_URL?: string | undefined;
  /** Channels are named `<prefix>:events:<topic>`, so deployments can share a Redis. */
  REDIS_KEY_PREFIX?: string | undefined;
}

export type PubSub = ReturnType<typeof createPubSub<TopicMap>> & {
  /** Closes the Redis connections, if any. Subscribers get nothing more from other instances. */
  close(): Promise<void>;
};

/**
 * The process's event bus; callers publish and subscribe by topic and id. With `REDIS_URL`
 * every event also reaches the subscribers of every other instance on that Redis (and prefix).
 */
export function createEventBus(
  settings: EventBusSettings = {},
  log: (line: string) => void = () => {},
): PubSub {
  if (!settings.REDIS_URL) return Object.assign(createPubSub<TopicMap>(), { close: async () => {} });
  const bridge = redisBridge(settings.REDIS_URL, settings.REDIS_KEY_PREFIX || 'jingsai', log);
  return Object.assign(createPubSub<TopicMap>({ eventTarget: bridge.target }), { close: bridge.close });
}

type Listener = ((event: CustomEvent) => void) | { handleEvent(event: CustomEvent): void };

/**
 * An event target that delivers at once to this process's listeners and publishes the event,
 * tagged with this instance's id, on `<prefix>:events:<topic>`; what arrives from Redis is
 * delivered unless this instance sent it. So each subscriber gets each event exactly once, and
 * this process's own subscribers keep theirs while Redis is down.
 *
 * Not @graphql-yoga/redis-event-target: it has no channel prefix, delivers even local events
 * only through Redis, and leaves the promises of PUBLISH/SUBSCRIBE unhandled, so a publish
 * while Redis is unreachable ends the process (unhandled rejection).
 *
 * Events are at most once across instances: what is published while Redis is unreachable for
 * longer than ioredis' retries is lost for the other instances (logged).
 */
function redisBridge(url: string, prefix: string, log: (line: string) => void) {
  const origin = randomUUID();
  const channelPrefix = `${prefix}:events:`;
  const listeners = new Map<string, Set<Listener>>();
  let closing = false;
  // Domain events are at least once (the outbox delivers again what a crash may have left
  // unmarked): a message carrying an event id this instance has delivered on that topic is dropped.
  const seen = new Set<string>();
  const firstTime = (topic: string, eventId: unknown): boolean => {
    if (typeof eventId !== 'string') return true;
    const key = `${topic} ${eventId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (seen.size > 20_000) seen.delete(seen.values().next().value!);
    return true;
  };

  const connect = (role: 'publish' | 'subscribe') => {
    const redis = new Redis(url, {
      lazyConnect: true, // connects with its first command, so an app that fails to start holds no socket
      autoResubscribe: false, // done on 'ready' below, from the listeners, also after a failed SUBSCRIBE
      disconnectTimeout: 200, // ioredis keeps a timer this long after disconnect(), even with no socket
      connectionName: `${channelPrefix}${role}`.replace(/[^\w:.-]/g, '_'),
    });
    let up = false;
    let reported = false;
    redis.on('ready', () => {
      if (reported) log(`event bus: Redis ${role} connection restored`);
      up = true;
      reported = false;
    });
    redis.on('close', () => {
      if (up && !closing) log(`event bus: Redis ${role} connection lost; reconnecting`);
      reported ||= up && !closing;
      up = false;
    });
    redis.on('error', (e: Error) => {
      if (!reported && !closing) log(`event bus: Redis ${role} connection: ${e.message}; reconnecting`);
      reported = true;
    });
    return redis;
  };
  const pub = connect('publish');
  const sub = connect('subscribe');
  const failed = (what: string) => (e: unknown) => {
    if (!closing) log(`event bus: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  };

  const deliver = (topic: string, detail: unknown) => {
    const set = listeners.get(topic);
    if (!set) return;
    const event = new CustomEvent(topic, { detail });
    for (const listener of [...set]) {
      try {
        if (typeof listener === 'function') listener(event);
        else listener.handleEvent(event);
      } catch (e) {
        failed(`a listener of ${topic}`)(e);
      }
    }
  };

  sub.on('ready', () => {
    // A new connection has no subscriptions: take up those of the current listeners. (On the
    // first connection this repeats queued SUBSCRIBEs, which is harmless, and recovers any
    // that ioredis gave up on while Redis was unreachable.)
    const channels = [...listeners.keys()].map((topic) => channelPrefix + topic);
    if (channels.length) sub.subscribe(...channels).catch(failed('SUBSCRIBE'));
  });
  sub.on('message', (channel: string, message: string) => {
    if (!channel.startsWith(channelPrefix)) return;
    let envelope: { origin?: unknown; detail?: unknown; event?: unknown };
    try {
      envelope = JSON.parse(message) as typeof envelope;
    } catch {
      log(`event bus: dropped an unreadable message on ${channel}`);
      return;
    }
    if (envelope.origin === origin) return; // delivered here when it was published
    const topic = channel.slice(channelPrefix.length);
    if (firstTime(topic, envelope.event)) deliver(topic, envelope.detail ?? null);
  });

  const target = {
    addEventListener(topic: string, listener: Listener | null) {
      if (!listener) return;
      let set = listeners.get(topic);
      if (!set) {
        listeners.set(topic, (set = new Set()));
        sub.subscribe(channelPrefix + topic).catch(failed(`SUBSCRIBE ${channelPrefix}${topic}`));
      }
      set.add(listener);
    },
    removeEventListener(topic: string, listener: Listener | null) {
      const set = listeners.get(topic);
      if (!set || !listener || !set.delete(listener) || set.size > 0) return;
      listeners.delete(topic);
      if (!closing)
        sub.unsubscribe(channelPrefix + topic).catch(failed(`UNSUBSCRIBE ${channelPrefix}${topic}`));
    },
    dispatchEvent(event: CustomEvent) {
      const eventId = currentEventId();
      if (!firstTime(event.type, eventId)) return true;
      deliver(event.type, event.detail);
      const message = JSON.stringify({ origin, detail: event.detail, event: eventId });
      pub.publish(channelPrefix + event.type, message).catch(failed(`PUBLISH ${channelPrefix}${event.type}`));
      return true;
    },
  } as unknown as PubSubEventTarget<TopicMap>;

  const close = async () => {
    if (closing) return;
    closing = true;
    listeners.clear();
    await Promise.all(
      [pub, sub].map(async (redis) => {
        if (redis.status === 'ready') {
          // QUIT lets what is queued go out first; a Redis that does not answer within a second is cut off.
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)));
          await Promise.race([redis.quit().catch(() => {}), late]);
          clearTimeout(timer);
        }
        // Not connected, or QUIT unanswered: cut off. Commands still queued are dropped (a rejection,
        // if ioredis settles them at all, is caught above and not logged while closing).
        if (redis.status !== 'end') redis.disconnect();
      }),
    );
  };

  return { target, close };
}
