import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import Redis from 'ioredis';
import { withDatabase } from '../src/shared/db/database';
import { DomainEventBus } from '../src/shared/events/domain-events';
import { Outbox } from '../src/shared/events/outbox';
import { createEventBus, type PubSub } from '../src/shared/graphql/pubsub';
import { TransitionCompetitionDocument } from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import { adminUrl } from './support/db';
import { buildWorld, createCompetition, dbId, type World } from './support/world';

/**
 * The transactional outbox: events are rows of the transaction that caused them; what a process
 * killed right after a commit did not mark delivered is delivered after the restart, and every
 * consumer acts on each event once.
 */
const root = path.resolve(__dirname, '..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface ServerProcess {
  child: ChildProcess;
  url: Promise<string>;
  exited: Promise<void>;
}

/** The server as `npm start` runs it (as crash-recovery.test.ts spawns it). */
function startServer(env: NodeJS.ProcessEnv): ServerProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /Jingsai GraphQL API: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}):\n${out}`)));
    setTimeout(() => reject(new Error(`server did not start within 120 s:\n${out}`)), 120_000).unref();
  });
  return { child, url, exited };
}

async function gqlAt<R, V>(url: string, doc: TypedDocumentNode<R, V>, variables: V, token: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  return (await res.json()) as { data?: R; errors?: unknown[] };
}

/** Polls `check` until it holds (a condition, not a sleep); fails with `what` after `ms`. */
async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A Redis fan-out consumer: another instance's event bus, counting the status notices it delivers. */
function listener(prefix: string, competitionId: number) {
  const bus: PubSub = createEventBus({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
  const seen: string[] = [];
  const iterator = bus.subscribe('COMPETITION_STATUS_CHANGED', competitionId)[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      seen.push(next.value.to);
    }
  })();
  return {
    seen,
    close: async () => {
      await iterator.return?.();
      await bus.close();
    },
  };
}

const JWT_SECRET = randomBytes(32).toString('hex');
let t: TestApp;
let w: World;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  // The test app is an instance on the same database without Redis: its dispatcher must leave the
  // killed server's rows to the restarted one, whose Redis consumers the test watches.
  t = await startTestApp({ JWT_SECRET, OUTBOX_GRACE_MS: '600000' });
  w = await buildWorld(t);
}, 180_000);

afterAll(async () => {
  for (const s of servers) {
    if (s.child.exitCode === null && s.child.signalCode === null) {
      s.child.kill('SIGKILL');
      await s.exited;
    }
  }
  await t?.close();
});

test('an event is a row of its transaction: a rollback leaves none, a lost dispatch is delivered once', async () => {
  const bus = new DomainEventBus();
  const heard: string[] = [];
  bus.on('COMPETITION_STATUS_CHANGED', (e, { id }) => {
    heard.push(`${e.to} ${id}`);
  });
  const outbox = new Outbox(() => t.orm.em.fork() as EntityManager, bus, { pollMs: 50, graceMs: 0 });
  const payload = { competitionId: -1, from: 'DRAFT', to: 'CANCELLED', at: new Date().toISOString() };

  // Rolled back: no row.
  const rolled = bus.unit();
  await expect(
    t.orm.em.fork().transactional(async (em) => {
      await rolled.record(em as EntityManager, 'COMPETITION_STATUS_CHANGED', payload);
      await rolled.persist(em as EntityManager);
      throw new Error('rolled back on purpose');
    }),
  ).rejects.toThrow('rolled back on purpose');
  rolled.rolledBack();
  expect(await t.sql(`select 1 from outbox_event where payload->>'competitionId' = '-1'`)).toHaveLength(0);

  // Committed, then the process "died" before handing the event on: the dispatcher delivers it.
  const unit = bus.unit();
  await t.orm.em.fork().transactional(async (em) => {
    await unit.record(em as EntityManager, 'COMPETITION_STATUS_CHANGED', payload);
    await unit.persist(em as EntityManager);
  });
  const [row] = await t.sql<{ id: string; delivered_at: Date | null }>(
    `select id, delivered_at from outbox_event where payload->>'competitionId' = '-1'`,
  );
  expect(row!.delivered_at).toBeNull();
  expect(heard).toEqual([]);
  expect(await outbox.dispatchOnce()).toBeGreaterThanOrEqual(1);
  expect(heard).toEqual([`CANCELLED ${row!.id}`]);
  const [after] = await t.sql<{ delivered_at: Date | null }>(
    `select delivered_at from outbox_event where id = ?`,
    [row!.id],
  );
  expect(after!.delivered_at).not.toBeNull();

  // Delivered again (a mark lost to a crash): the consumer drops the repeat by event id.
  bus.redeliver([{ id: row!.id, name: 'COMPETITION_STATUS_CHANGED', payload }]);
  expect(heard).toHaveLength(1);
  await outbox.close();
});

test('an event whose reaction is still writing is not marked delivered until that work has settled', async () => {
  const bus = new DomainEventBus();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const written: string[] = [];
  let entered = 0;
  // Like the webhook fan-out: the reaction writes rows of its own after the commit.
  bus.on('COMPETITION_STATUS_CHANGED', async (_e, { id }) => {
    entered += 1;
    await gate;
    written.push(id);
  });
  const fork = () => t.orm.em.fork() as EntityManager;
  const payload = { competitionId: -2, from: 'DRAFT', to: 'CANCELLED', at: new Date().toISOString() };
  const commit = async () => {
    const unit = bus.unit();
    await t.orm.em.fork().transactional(async (em) => {
      await unit.record(em as EntityManager, 'COMPETITION_STATUS_CHANGED', payload);
      await unit.persist(em as EntityManager);
    });
    return unit;
  };
  const deliveredAt = async () =>
    (
      await t.sql<{ delivered_at: Date | null }>(
        `select delivered_at from outbox_event where payload->>'competitionId' = '-2'`,
      )
    )[0]!.delivered_at;

  // Live path: the instance hands the event on at once, but the reaction is still at work when the
  // outbox stops (as a crash would stop it): the row stays undelivered for a dispatcher.
  const live = new Outbox(fork, bus, { pollMs: 600_000, graceMs: 600_000 });
  (await commit()).committed();
  await live.close();
  expect(await deliveredAt()).toBeNull();

  // Dispatcher path (a second bus, as after a restart): the claim commits its mark only after the
  // reaction's work is done.
  const restarted = new DomainEventBus();
  restarted.on('COMPETITION_STATUS_CHANGED', async (_e, { id }) => {
    entered += 1;
    await gate;
    written.push(id);
  });
  const dispatcher = new Outbox(fork, restarted, { pollMs: 600_000, graceMs: 0 });
  const dispatched = dispatcher.dispatchOnce();
  let settled = false;
  void dispatched.then(() => (settled = true));
  await until('the redelivered reaction to start', () => entered === 2);
  expect(settled).toBe(false);
  expect(await deliveredAt()).toBeNull();
  release();
  expect(await dispatched).toBeGreaterThanOrEqual(1);
  expect(await deliveredAt()).not.toBeNull();
  expect(written).toHaveLength(2); // once per bus: each instance's reaction ran, to completion
  await dispatcher.close();
});

test('a process killed by SIGKILL right after a commit delivers its notices after the restart, once each', async () => {
  const prefix = `jingsai-outbox-${randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: withDatabase(adminUrl(), t.database),
    // The spawned servers verify the test app's tokens.
    JWT_SECRET,
    SEED_DEMO: 'never',
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    OUTBOX_POLL_MS: '100',
    OUTBOX_GRACE_MS: '500',
  };
  const competition = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '断电后的通知' });
  const id = dbId(competition);
  const early = listener(prefix, id);
  const redis = new Redis(REDIS_URL);
  // A consumer listens once Redis has its SUBSCRIBE.
  const subscribers = async (n: number) =>
    until(`${n} subscribers on Redis`, async () => {
      const reply = (await redis.call(
        'PUBSUB',
        'NUMSUB',
        `${prefix}:events:COMPETITION_STATUS_CHANGED:${id}`,
      )) as [string, number];
      return Number(reply[1]) >= n;
    });
  await subscribers(1);
  try {
    // The killed process's mark of its rows hangs (a trigger sleeps), so it dies with them undelivered.
    await t.sql(`create or replace function outbox_hold() returns trigger language plpgsql as
      $$ begin perform pg_sleep(120); return new; end $$`);
    await t.sql(
      `create trigger outbox_hold before update on outbox_event for each row execute function outbox_hold()`,
    );

    const first = startServer(env);
    servers.push(first);
    const r = await gqlAt(
      await first.url,
      TransitionCompetitionDocument,
      { input: { id: competition, to: 'REGISTRATION_OPEN' } },
      w.tokens.xian,
    );
    expect(r.errors).toBeUndefined();
    // The live path handed the notice on at once (through Redis) and is now marking the row.
    await until('the live notice', () => early.seen.length === 1);
    await until(
      'the mark to hang',
      async () =>
        (
          await t.sql(
            `select 1 from pg_stat_activity where wait_event = 'PgSleep' and datname = current_database()`,
          )
        ).length > 0,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    await t.sql(
      `select pg_terminate_backend(pid) from pg_stat_activity where wait_event = 'PgSleep' and datname = current_database()`,
    );
    await t.sql(`drop trigger outbox_hold on outbox_event`);
    const undelivered = await t.sql<{ id: string }>(
      `select id from outbox_event where name = 'COMPETITION_STATUS_CHANGED' and (payload->>'competitionId')::int = ? and delivered_at is null`,
      [id],
    );
    expect(undelivered).toHaveLength(1);

    // A consumer that joins after the crash hears the notice only from the restarted process.
    const late = listener(prefix, id);
    await subscribers(2);
    try {
      const second = startServer(env);
      servers.push(second);
      const url = await second.url;
      await until(
        'the restarted dispatcher to deliver the row',
        async () =>
          (
            await t.sql(`select 1 from outbox_event where id = ? and delivered_at is not null`, [
              undelivered[0]!.id,
            ])
          ).length === 1,
      );
      await until('the late consumer to hear it', () => late.seen.length === 1);
      // A later change through the restarted process: each consumer hears it after anything sent before.
      const next = await gqlAt(
        url,
        TransitionCompetitionDocument,
        { input: { id: competition, to: 'RUNNING' } },
        w.tokens.xian,
      );
      expect(next.errors).toBeUndefined();
      await until(
        'both consumers to hear the next change',
        () => early.seen.includes('RUNNING') && late.seen.includes('RUNNING'),
      );
      expect(early.seen).toEqual(['REGISTRATION_OPEN', 'RUNNING']);
      expect(late.seen).toEqual(['REGISTRATION_OPEN', 'RUNNING']);
      // The live path marks its rows a moment after handing them on.
      await until(
        'every row to be marked delivered',
        async () => (await t.sql(`select 1 from outbox_event where delivered_at is null`)).length === 0,
      );
    } finally {
      await late.close();
    }
  } finally {
    await early.close();
    redis.disconnect();
  }
}, 300_000);
