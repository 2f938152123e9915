import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { print } from 'graphql';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { Role } from '../src/modules/account/account.entity';
import { OrganizationLevel } from '../src/modules/organization/organization.entity';
import { withDatabase } from '../src/shared/db/database';
import {
  OrganizationTreeDocument,
  SignInTokenDocument,
  StudiosDocument,
  ViewerKindDocument,
} from './generated/graphql';
import { startTestApp, PASSWORD, type TestApp } from './support/app';
import { adminUrl, templateName, withAdminClient } from './support/db';
import { Peer } from './support/ws';
import { Lane } from '../src/transport/lanes';

/** Counts the connections asked of the app's pool from now on. */
function poolRequests(t: TestApp): { count: () => number; stop: () => void } {
  const pool = (t.orm.em.getConnection().getKnex().client as { pool: NodeJS.EventEmitter }).pool;
  let n = 0;
  const on = () => (n += 1);
  pool.on('acquireRequest', on);
  return { count: () => n, stop: () => pool.removeListener('acquireRequest', on) };
}

const VIEWER_KIND = print(ViewerKindDocument);
const MEGABYTE = 'x'.repeat(1024 * 1024);
const code = (r: { errors?: readonly { extensions?: Record<string, unknown> }[] | undefined }) =>
  r.errors?.[0]?.extensions?.code;

describe('bounded input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  test('a 1 MB search is refused with BAD_USER_INPUT over HTTP before any pool connection is asked for', async () => {
    const pool = poolRequests(t);
    try {
      const r = await t.gql(OrganizationTreeDocument, { first: 5, filter: { search: MEGABYTE } });
      expect(r.status).toBe(400);
      expect(code(r)).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.message).toMatch(/organizations\(filter\)\.search takes at most 200 characters/);
      expect(pool.count()).toBe(0);
      // At the bound the search runs, and does take a connection: the counter sees the pool.
      const ok = await t.gql(OrganizationTreeDocument, { first: 5, filter: { search: '工'.repeat(200) } });
      expect(ok.errors).toBeUndefined();
      expect(pool.count()).toBeGreaterThan(0);
    } finally {
      pool.stop();
    }
  });

  test('the same over WebSocket, and the schema states the bound', async () => {
    const peer = new Peer(t.url);
    const pool = poolRequests(t);
    try {
      await peer.init();
      const before = pool.count();
      peer.subscribe('long', StudiosDocument, { first: 5, filter: { field: MEGABYTE } });
      const m = await peer.waitFor((x) => x.id === 'long' && x.type === 'error', 'the refusal');
      expect((m.payload as { extensions: { code: string } }[])[0]!.extensions.code).toBe('BAD_USER_INPUT');
      expect(pool.count()).toBe(before);
    } finally {
      pool.stop();
      peer.terminate();
    }
    const filter = t.app.schema.getType('OrganizationFilter') as import('graphql').GraphQLInputObjectType;
    expect(filter.getFields().search!.description).toMatch(/above 200 characters\.$/);
  });
});

describe('admission: the pool and the public lane', () => {
  test('a pool that cannot hand out a connection in time answers the retryable DATABASE_UNAVAILABLE', async () => {
    const t = await startTestApp();
    const client = t.orm.em.getConnection().getKnex().client as {
      acquireConnection(): Promise<unknown>;
      releaseConnection(c: unknown): Promise<void>;
    };
    const held: unknown[] = [];
    try {
      // The test app's pool has 5 connections: hold them all.
      for (let i = 0; i < 5; i++) held.push(await client.acquireConnection());
      const r = await t.gql(OrganizationTreeDocument, { first: 1 });
      expect(code(r)).toBe('DATABASE_UNAVAILABLE');
      expect(r.errors?.[0]?.extensions?.retryable).toBe(true);
    } finally {
      for (const c of held) await client.releaseConnection(c);
      await t.close();
    }
  });

  test('a full public lane sheds anonymous reads (503 and Retry-After over HTTP) on both transports while staff pass', async () => {
    const t = await startTestApp({ PUBLIC_CONCURRENCY: '1', PUBLIC_QUEUE_MAX: '0' });
    const blocker = new Client({ connectionString: withDatabase(adminUrl(), t.database) });
    await blocker.connect();
    try {
      const org = await t.org('车道测试总工会', OrganizationLevel.CITY);
      const { token } = await t.account(Role.ORGANIZER, org);
      // The studio table locked: an anonymous studio search holds the lane's only place.
      await blocker.query('begin');
      await blocker.query('lock table studio in access exclusive mode');
      const first = t.gql(StudiosDocument, { first: 1 });
      await waitUntil(async () => {
        const rows = await blocker.query(
          `select 1 from pg_locks l join pg_class c on c.oid = l.relation
            where c.relname = 'studio' and not l.granted`,
        );
        return rows.rowCount! > 0;
      });
      const res = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: VIEWER_KIND }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
      expect(body.errors[0]!.extensions).toMatchObject({ code: 'SERVER_BUSY', retryable: true });
      // An anonymous query over a WebSocket waits in the same lane, and is shed the same way.
      const peer = new Peer(t.url);
      try {
        await peer.init();
        peer.subscribe('q', ViewerKindDocument, {});
        const m = await peer.waitFor((x) => x.id === 'q' && x.type === 'next', 'the answer');
        expect((m.payload as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
          'SERVER_BUSY',
        );
      } finally {
        peer.terminate();
      }
      // An organizer is not in the public lane.
      const staff = await t.gql(ViewerKindDocument, {}, { token });
      expect(staff.status).toBe(200);
      expect(staff.errors).toBeUndefined();
      await blocker.query('rollback');
      expect((await first).errors).toBeUndefined();
    } finally {
      await blocker.end();
      await t.close();
    }
  });

  test('failed authentication counts against the address: a bad key over the limit gets 429', async () => {
    const t = await startTestApp({ AUTH_FAILURES_PER_MINUTE: '3' });
    try {
      const badKey = { apiKey: `jsk_000000000000_${'B'.repeat(32)}` };
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await t.gql(ViewerKindDocument, {}, badKey)).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const refused = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': badKey.apiKey },
        body: JSON.stringify({ query: VIEWER_KIND }),
      });
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(
        ((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
      ).toBe('RATE_LIMITED');
      // Anonymous reads from that address still pass.
      expect((await t.gql(ViewerKindDocument, {})).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('production safety', () => {
  test('a bearer token without exp is refused, even signed with the secret', async () => {
    const secret = 'a-test-secret-of-at-least-32-characters-long';
    const t = await startTestApp({ JWT_SECRET: secret });
    try {
      const { account } = await t.account(Role.PLATFORM_ADMIN, null);
      const forever = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('jingsai')
        .setSubject(String(account.id))
        .setIssuedAt()
        .sign(new TextEncoder().encode(secret));
      const r = await t.gql(ViewerKindDocument, {}, { token: forever });
      expect(r.status).toBe(401);
      expect(code(r)).toBe('UNAUTHENTICATED');
    } finally {
      await t.close();
    }
  });

  test('every answer carries X-Content-Type-Options: nosniff', async () => {
    const t = await startTestApp();
    try {
      const answers = [
        await fetch(t.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: VIEWER_KIND }),
        }),
        await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
        await fetch(t.url.replace('/graphql', '/healthz')),
        await fetch(t.url.replace('/graphql', '/no-such-page')),
      ];
      for (const a of answers) expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await t.close();
    }
  });

  describe('TRUST_PROXY', () => {
    const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

    test('behind a trusted proxy the per-IP limit counts the forwarded client, not the proxy', async () => {
      const t = await startTestApp({ TRUST_PROXY: 'loopback', RATE_LIMIT_IP_PER_MINUTE: '3' });
      try {
        const a: number[] = [];
        for (let i = 0; i < 4; i++) a.push((await t.gql(ViewerKindDocument, {}, from('203.0.113.5'))).status);
        expect(a).toEqual([200, 200, 200, 429]);
        expect((await t.gql(ViewerKindDocument, {}, from('203.0.113.6'))).status).toBe(200);
      } finally {
        await t.close();
      }
    });

    test('from an untrusted peer a spoofed X-Forwarded-For is ignored', async () => {
      const t = await startTestApp({ RATE_LIMIT_IP_PER_MINUTE: '3' });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++)
          statuses.push((await t.gql(ViewerKindDocument, {}, from(`198.51.100.${i + 1}`))).status);
        expect(statuses).toEqual([200, 200, 200, 429]);
      } finally {
        await t.close();
      }
    });

    test('the sign-in lock-out by address falls on the forwarded client only', async () => {
      // One failure locks a name; four lock the address.
      const t = await startTestApp({
        TRUST_PROXY: '1',
        SIGN_IN_MAX_FAILURES: '1',
        SIGN_IN_LOCKOUT_SECONDS: '60',
      });
      try {
        await t.account(Role.PLATFORM_ADMIN, null, 'proxied');
        for (let i = 0; i < 4; i++) {
          const r = await t.gql(
            SignInTokenDocument,
            { input: { username: `nobody${i}`, password: 'wrong password' } },
            from('203.0.113.7'),
          );
          expect(r.data?.signIn.token).toBeNull();
        }
        const locked = await t.gql(
          SignInTokenDocument,
          { input: { username: 'proxied', password: PASSWORD } },
          from('203.0.113.7'),
        );
        expect(locked.data?.signIn.errors.map((e) => e.code)).toEqual(['TOO_MANY_ATTEMPTS']);
        const other = await t.gql(
          SignInTokenDocument,
          { input: { username: 'proxied', password: PASSWORD } },
          from('203.0.113.8'),
        );
        expect(other.data?.signIn.token).toEqual(expect.any(String));
      } finally {
        await t.close();
      }
    });
  });

  describe('NODE_ENV=production start', () => {
    const root = path.resolve(__dirname, '..');
    let database = '';
    beforeAll(async () => {
      database = `jingsai_t_${process.env.JINGSAI_TEST_RUN_PID}_prod_${randomBytes(4).toString('hex')}`;
      const template = templateName(Number(process.env.JINGSAI_TEST_RUN_PID));
      await withAdminClient((c) => c.query(`create database "${database}" template "${template}"`));
    });
    afterAll(async () => {
      await withAdminClient((c) => c.query(`drop database if exists "${database}" with (force)`));
    });

    function start(env: Record<string, string>): {
      child: ChildProcess;
      output: () => string;
      exited: Promise<number | null>;
    } {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          PORT: '0',
          JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
          PERSON_ID_HMAC_KEY: 'a-production-person-id-key-of-32-characters',
          DATABASE_URL: withDatabase(adminUrl(), database),
          ...env,
        },
      });
      let out = '';
      child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      return { child, output: () => out, exited };
    }

    test('an empty database gets no demo data and the log no password', async () => {
      const p = start({});
      try {
        await waitUntil(async () => /Jingsai GraphQL API:/.test(p.output()), 60_000, p.output);
        const c = new Client({ connectionString: withDatabase(adminUrl(), database) });
        await c.connect();
        try {
          const { rows } = await c.query<{ n: string }>('select count(*) as n from organization');
          expect(Number(rows[0]!.n)).toBe(0);
        } finally {
          await c.end();
        }
        expect(p.output()).not.toMatch(/password/i);
        expect(p.output()).not.toMatch(/demo/i);
      } finally {
        p.child.kill('SIGTERM');
        await p.exited;
      }
    });

    test('asking for demo data in production needs a chosen password', async () => {
      const p = start({ SEED_DEMO: 'auto' });
      expect(await p.exited).toBe(1);
      expect(p.output()).toMatch(/SEED_ADMIN_PASSWORD: required for SEED_DEMO=auto when NODE_ENV=production/);
    });
  });
});

async function waitUntil(
  condition: () => Promise<boolean>,
  timeoutMs = 20_000,
  describe: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms ${describe()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the public lane (rules, no server)', () => {
  /** Lets the promise callbacks of an admission run. */
  const flush = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('caps concurrency, bounds the queue and the wait, and yields to judges without starving', async () => {
    const lane = new Lane({ concurrency: 2, queueMax: 2, waitMs: 1000 });
    const a = await lane.enter();
    const b = await lane.enter();
    expect(typeof a).toBe('function');
    expect(typeof b).toBe('function');
    const c = lane.enter();
    const d = lane.enter();
    expect(await lane.enter()).toBe('full'); // the queue holds two
    (a as () => void)();
    expect(typeof (await c)).toBe('function'); // a place freed goes to the first waiting
    jest.advanceTimersByTime(1000);
    expect(await d).toBe('waited'); // nobody left in time: shed, never a wait without end
    (b as () => void)();
    ((await c) as () => void)();

    // A judge's mark in flight: nobody new enters while it runs …
    const judge = lane.yieldTo();
    let entered: unknown = null;
    void lane.enter().then((r) => (entered = r));
    jest.advanceTimersByTime(100);
    await flush();
    expect(entered).toBeNull();
    judge();
    await flush();
    expect(typeof entered).toBe('function'); // … and the public goes on once it is done.
    (entered as () => void)();

    // Staff work without pause: after half the wait without any admission, one enters anyway.
    const steady = lane.yieldTo();
    jest.advanceTimersByTime(600);
    let late: unknown = null;
    void lane.enter().then((r) => (late = r));
    jest.advanceTimersByTime(500);
    await flush();
    expect(typeof late).toBe('function');
    steady();
  });
});
