import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Role } from '../src/modules/account/account.entity';
import { type Organization, OrganizationLevel } from '../src/modules/organization/organization.entity';
import { createEventBus } from '../src/shared/graphql/pubsub';
import { SetAccountActiveDocument, WatchCompetitionStatusDocument } from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import { createCompetition, dbId, moveTo } from './support/world';
import { type Message, Peer } from './support/ws';

/**
 * The event bus across instances: two apps on one database, with and without a shared Redis.
 * With it, an event published by either instance reaches the subscribers of both, each exactly
 * once; without it, each instance sees only its own events.
 */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SUB = WatchCompetitionStatusDocument;
/** Long enough for a subscribe to pass its checks and reach the event bus (in-process case). */
const SETTLE_MS = 300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const changedTo = (to: string) => (payload: unknown) =>
  (payload as { data?: { competitionStatusChanged?: { to?: string } } }).data?.competitionStatusChanged
    ?.to === to;
/** The `to` of every event a subscription delivered, in order. */
const received = (p: Peer, id: string) =>
  p
    .about(id)
    .filter((m: Message) => m.type === 'next')
    .map(
      (m) =>
        (m.payload as { data: { competitionStatusChanged: { to: string } } }).data.competitionStatusChanged
          .to,
    );

const peers: Peer[] = [];
function connect(t: TestApp): Peer {
  const p = new Peer(t.url);
  peers.push(p);
  return p;
}
afterEach(() => {
  for (const p of peers.splice(0)) p.terminate();
});

interface Pair {
  a: TestApp;
  b: TestApp;
  union: Organization;
  /** A platform admin's token, valid on both instances (they share JWT_SECRET). */
  admin: string;
  close(): Promise<void>;
}

/** Instance A on a fresh database and instance B on the same one, with the same settings. */
async function startPair(env: Record<string, string>): Promise<Pair> {
  const shared = { JWT_SECRET: randomBytes(32).toString('hex'), ...env };
  const a = await startTestApp(shared);
  let b: TestApp;
  try {
    b = await startTestApp(shared, { database: a.database });
  } catch (e) {
    await a.close();
    throw e;
  }
  const union = await a.org('中华全国总工会', OrganizationLevel.NATIONAL);
  const { token: admin } = await a.account(Role.PLATFORM_ADMIN, null);
  return {
    a,
    b,
    union,
    admin,
    async close() {
      for (const p of peers.splice(0)) p.terminate();
      await b.close(); // B first: A drops the database
      await a.close();
    },
  };
}

describe('with a shared Redis', () => {
  const prefix = `jingsai-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  let pair: Pair;
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    pair = await startPair({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
  });
  afterAll(async () => {
    await pair?.close();
    // Nothing of this run is left connected once both apps are closed.
    if (redis) {
      const left = async () =>
        ((await redis.client('LIST')) as string).split('\n').filter((l) => l.includes(` name=${prefix}:`));
      for (let i = 0; i < 500 && (await left()).length; i++) await sleep(20);
      expect(await left()).toEqual([]);
    }
    redis?.disconnect();
  });

  /** Waits until `count` connections (one per instance) are subscribed to the topic's channel. */
  async function subscribed(topic: string, count: number, timeoutMs = 3000): Promise<void> {
    const channel = `${prefix}:events:${topic}`;
    const until = Date.now() + timeoutMs;
    for (;;) {
      const [, n] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(n) === count) return;
      if (Date.now() > until) throw new Error(`${channel} has ${n} subscribers, not ${count}`);
      await sleep(20);
    }
  }

  test('an event published on either instance reaches the subscribers of both, exactly once each', async () => {
    const { a, b, admin, union } = pair;
    const id = await createCompetition(a, admin, union);
    const onA = connect(a);
    const onB = connect(b);
    await onA.init(bearer(admin));
    await onB.init(bearer(admin));
    onA.subscribe('s', SUB, { id });
    onB.subscribe('s', SUB, { id });
    await subscribed(`COMPETITION_STATUS_CHANGED:${dbId(id)}`, 2);

    await moveTo(a, admin, id, 'REGISTRATION_OPEN');
    expect((await onB.next('s', changedTo('REGISTRATION_OPEN'))).payload).toEqual({
      data: { competitionStatusChanged: { from: 'DRAFT', to: 'REGISTRATION_OPEN' } },
    });
    await onA.next('s', changedTo('REGISTRATION_OPEN'));

    await moveTo(b, admin, id, 'RUNNING');
    await onA.next('s', changedTo('RUNNING'));
    await onB.next('s', changedTo('RUNNING'));

    // A duplicate (local delivery plus the echo from Redis) would have arrived by now.
    await sleep(SETTLE_MS);
    expect(received(onA, 's')).toEqual(['REGISTRATION_OPEN', 'RUNNING']);
    expect(received(onB, 's')).toEqual(['REGISTRATION_OPEN', 'RUNNING']);
  });

  test('disabling an account through instance A closes its socket on instance B', async () => {
    const { a, b, admin, union } = pair;
    const { token, account } = await a.account(Role.ORGANIZER, union);
    const victim = connect(b);
    const bystander = connect(b);
    await victim.init(bearer(token));
    await bystander.init(bearer(admin));
    await subscribed('VIEWER_REVOKED', 2);

    const off = await a.gql(
      SetAccountActiveDocument,
      { input: { id: gid('Account', account.id), active: false } },
      { token: admin },
    );
    expect(off.data?.setAccountActive.account?.active).toBe(false);
    expect((await victim.closedWithin(3000)).code).toBe(4403);
    await bystander.ping();
  });

  test('after the Redis connections drop, the instances reconnect, resubscribe and carry events again', async () => {
    const { a, b, admin, union } = pair;
    const id = await createCompetition(a, admin, union);
    const onB = connect(b);
    await onB.init(bearer(admin));
    onB.subscribe('s', SUB, { id });
    const topic = `COMPETITION_STATUS_CHANGED:${dbId(id)}`;
    await subscribed(topic, 1);

    // Only this run's bus connections (named after its prefix), not other runs sharing the Redis.
    const ours = async () =>
      ((await redis.client('LIST')) as string)
        .split('\n')
        .filter((line) => line.includes(` name=${prefix}:events:`))
        .map((line) => /\bid=(\d+)/.exec(line)![1]!);
    const killed = await ours();
    expect(killed.length).toBeGreaterThanOrEqual(2); // at least the two subscribers
    for (const clientId of killed) await redis.client('KILL', 'ID', clientId);
    for (const until = Date.now() + 3000; (await ours()).some((c) => killed.includes(c));) {
      if (Date.now() > until) throw new Error('the killed connections are still listed');
      await sleep(20);
    }

    await subscribed(topic, 1, 5000);
    await subscribed('VIEWER_REVOKED', 2, 5000);
    await moveTo(a, admin, id, 'REGISTRATION_OPEN');
    await onB.next('s', changedTo('REGISTRATION_OPEN'));
    await onB.ping();
    expect(received(onB, 's')).toEqual(['REGISTRATION_OPEN']);
  });
});

describe('without Redis', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair({});
  });
  afterAll(async () => pair?.close());

  test("two instances do not see each other's events", async () => {
    const { a, b, admin, union } = pair;
    const id = await createCompetition(a, admin, union);
    const onA = connect(a);
    const onB = connect(b);
    await onA.init(bearer(admin));
    await onB.init(bearer(admin));
    onA.subscribe('s', SUB, { id });
    onB.subscribe('s', SUB, { id });
    await sleep(SETTLE_MS);

    await moveTo(b, admin, id, 'REGISTRATION_OPEN');
    await onB.next('s', changedTo('REGISTRATION_OPEN'));
    await moveTo(a, admin, id, 'RUNNING');
    await onA.next('s', changedTo('RUNNING'));
    await moveTo(b, admin, id, 'SCORING_CLOSED');
    await onB.next('s', changedTo('SCORING_CLOSED'));
    await sleep(SETTLE_MS);

    expect(received(onA, 's')).toEqual(['RUNNING']);
    expect(received(onB, 's')).toEqual(['REGISTRATION_OPEN', 'SCORING_CLOSED']);
  });
});

test('with Redis unreachable, local subscribers still get events and closing does not hang', async () => {
  const lines: string[] = [];
  const bus = createEventBus(
    { REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: `jingsai-test-${process.pid}` },
    (line) => lines.push(line),
  );
  const events = bus.subscribe('COMPETITION_STATUS_CHANGED', 7)[Symbol.asyncIterator]();
  const first = events.next();
  const payload = { competitionId: 7, from: 'DRAFT', to: 'REGISTRATION_OPEN', at: new Date().toISOString() };
  bus.publish('COMPETITION_STATUS_CHANGED', 7, payload);
  expect((await first).value).toBe(payload);
  for (let i = 0; i < 500 && !lines.some((l) => l.includes('ECONNREFUSED')); i++) await sleep(20);
  expect(lines.some((l) => l.includes('ECONNREFUSED'))).toBe(true);
  const started = Date.now();
  await events.return?.();
  await bus.close();
  expect(Date.now() - started).toBeLessThan(2000);
});
