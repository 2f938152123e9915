import v8 from 'node:v8';
import vm from 'node:vm';
import { createClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { Role } from '../src/modules/account/account.entity';
import { type Organization, OrganizationLevel } from '../src/modules/organization/organization.entity';
import { withDatabase } from '../src/shared/db/database';
import { sqlStatements } from '../src/shared/db/orm';
import { print } from 'graphql';
import {
  type CompetitionStatus,
  CreateApiKeyDocument,
  CreateCompetitionIdDocument,
  RevokeApiKeyDocument,
  SetAccountActiveDocument,
  TransitionCompetitionErrorsDocument,
  ViewerDocument,
  WatchCompetitionStatusDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import { adminUrl } from './support/db';
import { type Closed, type Message, Peer, type PeerOptions } from './support/ws';

/**
 * The WebSocket transport's own defences, at the protocol level: the
 * graphql-transport-ws close codes (PROTOCOL.md), the Origin check and per-IP
 * cap at the upgrade, the per-account and per-socket caps, revocation closing
 * live sockets, the operation limits, and 1,000 idle sockets timing out
 * without leaking. Tests that change a setting start their own app.
 */

const SUB = WatchCompetitionStatusDocument;
/** Long enough for a subscribe to pass its checks and reach the event bus before an event is published. */
const SETTLE_MS = 300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every raw client opened by a test; terminated after it, whatever happened. */
const peers: Peer[] = [];
function connect(t: TestApp, options?: PeerOptions): Peer {
  const p = new Peer(t.url, options);
  peers.push(p);
  return p;
}
afterEach(() => {
  for (const p of peers.splice(0)) p.terminate();
});

/** Runs a test against its own app with these settings; closes it whatever happens. */
async function withApp(env: Record<string, string>, fn: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await startTestApp(env);
  try {
    await fn(t);
  } finally {
    for (const p of peers.splice(0)) p.terminate();
    await t.close();
  }
}

interface Fixture {
  union: Organization;
  admin: string;
  /** A new competition, open for registration (so public), hosted by `union`. */
  competition(): Promise<string>;
  transition(id: string, to: CompetitionStatus): Promise<void>;
}

/** A union and a platform admin; documents kept shallow so they pass small depth limits too. */
async function fixture(t: TestApp): Promise<Fixture> {
  const union = await t.org('中华全国总工会', OrganizationLevel.NATIONAL);
  const { token: admin } = await t.account(Role.PLATFORM_ADMIN, null);
  const transition = async (id: string, to: CompetitionStatus) => {
    const r = await t.gql(TransitionCompetitionErrorsDocument, { input: { id, to } }, { token: admin });
    const errors = r.data?.transitionCompetition.errors;
    if (r.errors || !errors || errors.length) throw new Error(`transition failed: ${JSON.stringify(r)}`);
  };
  let n = 0;
  return {
    union,
    admin,
    transition,
    async competition() {
      const r = await t.gql(
        CreateCompetitionIdDocument,
        {
          input: {
            name: `职工技能大赛${++n}`,
            kind: 'SKILLS',
            year: 2024,
            hostId: gid('Organization', union.id),
          },
        },
        { token: admin },
      );
      const id = r.data?.createCompetition.competition?.id;
      if (!id) throw new Error(`createCompetition failed: ${JSON.stringify(r)}`);
      await transition(id, 'REGISTRATION_OPEN');
      return id;
    },
  };
}

const codes = (m: Message) =>
  (m.payload as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code ?? null);
const changedTo = (to: string) => (payload: unknown) =>
  (payload as { data?: { competitionStatusChanged?: { to?: string } } }).data?.competitionStatusChanged
    ?.to === to;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Retries until a fresh socket is accepted (the server counts a close when its own 'close' event fires). */
async function eventuallyAccepted(
  t: TestApp,
  payload?: Record<string, unknown>,
  timeoutMs = 3000,
): Promise<Peer> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const p = connect(t);
    if ((await p.upgraded) === 101) {
      p.sendInit(payload);
      const ok = await p
        .waitFor((m) => m.type === 'connection_ack', 'connection_ack', 2000)
        .then(
          () => true,
          () => false,
        );
      if (ok) return p;
    }
    p.terminate();
    if (Date.now() > until) throw new Error(`no socket accepted within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('with the default settings', () => {
  let t: TestApp;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApp();
    f = await fixture(t);
  });
  afterAll(async () => {
    for (const p of peers.splice(0)) p.terminate();
    await t?.close();
  });

  test('bad credentials in connection_init close the socket with 4403, before any ack', async () => {
    const attempts = [
      bearer('not-a-jwt'),
      bearer('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'),
      { authorization: 'Basic YWRtaW46YWRtaW4=' },
      { apiKey: `jsk_000000000000_${'A'.repeat(32)}` },
      { apiKey: 'jsk_malformed' },
    ];
    for (const payload of attempts) {
      const s = connect(t);
      expect(await s.upgraded).toBe(101);
      s.sendInit(payload);
      expect((await s.closedWithin(3000)).code).toBe(4403);
      expect(s.messages).toEqual([]);
    }
  });

  test('a second connection_init closes the socket with 4429', async () => {
    const s = connect(t);
    await s.upgraded;
    s.sendInit();
    s.sendInit();
    expect((await s.closedWithin(3000)).code).toBe(4429);
  });

  test('a subscribe before connection_ack closes the socket with 4401', async () => {
    const id = await f.competition();
    const s = connect(t);
    await s.upgraded;
    s.subscribe('1', SUB, { id });
    expect((await s.closedWithin(3000)).code).toBe(4401);
    expect(s.messages).toEqual([]);
  });

  test('a subscribe reusing the id of an active subscription closes the socket with 4409', async () => {
    const id = await f.competition();
    const s = connect(t);
    await s.init();
    s.subscribe('1', SUB, { id });
    await sleep(SETTLE_MS);
    await f.transition(id, 'RUNNING');
    await s.next('1', changedTo('RUNNING')); // the first is live
    s.subscribe('1', SUB, { id });
    expect((await s.closedWithin(3000)).code).toBe(4409);
  });

  test('disabling an account closes its sockets with 4403, other accounts keep theirs, no event follows', async () => {
    const { token, account } = await t.account(Role.ORGANIZER, f.union);
    const id = await f.competition();
    const victim = connect(t);
    const bystander = connect(t);
    await victim.init(bearer(token));
    await bystander.init(bearer(f.admin));
    victim.subscribe('s', SUB, { id });
    bystander.subscribe('s', SUB, { id });
    await sleep(SETTLE_MS);
    await f.transition(id, 'RUNNING');
    await victim.next('s', changedTo('RUNNING'));
    await bystander.next('s', changedTo('RUNNING'));

    const off = await t.gql(
      SetAccountActiveDocument,
      { input: { id: gid('Account', account.id), active: false } },
      { token: f.admin },
    );
    expect(off.data?.setAccountActive.account?.active).toBe(false);
    expect((await victim.closedWithin(3000)).code).toBe(4403);
    const seen = victim.messages.length;

    await f.transition(id, 'SCORING_CLOSED');
    await bystander.next('s', changedTo('SCORING_CLOSED'));
    expect(victim.messages.length).toBe(seen);
    expect(victim.about('s').filter((m) => m.type === 'next')).toHaveLength(1);
    await bystander.ping();

    // Nor can it come back.
    const again = connect(t);
    await again.upgraded;
    again.sendInit(bearer(token));
    expect((await again.closedWithin(3000)).code).toBe(4403);
  });

  test('revoking an API key closes its sockets with 4403, other keys keep theirs, no event follows', async () => {
    const key = async (name: string) => {
      const r = await t.gql(
        CreateApiKeyDocument,
        { input: { name, scopes: ['competitions:read'], organizationId: gid('Organization', f.union.id) } },
        { token: f.admin },
      );
      const created = r.data?.createApiKey;
      if (!created?.secret || !created.apiKey) throw new Error(`createApiKey failed: ${JSON.stringify(r)}`);
      return { secret: created.secret, id: created.apiKey.id };
    };
    const [revoked, kept] = [await key('大屏幕'), await key('指尖工会')];
    const id = await f.competition();
    const victim = connect(t);
    const bystander = connect(t);
    await victim.init({ apiKey: revoked.secret });
    await bystander.init({ apiKey: kept.secret });
    victim.subscribe('s', SUB, { id });
    bystander.subscribe('s', SUB, { id });
    await sleep(SETTLE_MS);
    await f.transition(id, 'RUNNING');
    await victim.next('s', changedTo('RUNNING'));
    await bystander.next('s', changedTo('RUNNING'));

    const r = await t.gql(RevokeApiKeyDocument, { id: revoked.id }, { token: f.admin });
    expect(r.data?.revokeApiKey.apiKey?.revokedAt).toBeTruthy();
    expect((await victim.closedWithin(3000)).code).toBe(4403);
    const seen = victim.messages.length;

    await f.transition(id, 'SCORING_CLOSED');
    await bystander.next('s', changedTo('SCORING_CLOSED'));
    expect(victim.messages.length).toBe(seen);
    await bystander.ping();

    const again = connect(t);
    await again.upgraded;
    again.sendInit({ apiKey: revoked.secret });
    expect((await again.closedWithin(3000)).code).toBe(4403);
  });
});

test('no connection_init within WS_INIT_TIMEOUT_MS closes the socket with 4408', () =>
  withApp({ WS_INIT_TIMEOUT_MS: '300' }, async (t) => {
    const s = connect(t);
    expect(await s.upgraded).toBe(101);
    const opened = Date.now();
    const closed = await s.closedWithin(3000);
    expect(closed.code).toBe(4408);
    expect(closed.at - opened).toBeGreaterThanOrEqual(250);
    expect(closed.at - opened).toBeLessThan(2000);

    // An init in time keeps the socket past the timeout.
    const ok = connect(t);
    await ok.init();
    await sleep(500);
    await ok.ping();
  }));

test('Origin: a foreign origin is refused at the upgrade (403); an allowed one, the own one and none connect', () =>
  withApp({ CORS_ORIGINS: 'https://screen.example' }, async (t) => {
    const evil = connect(t, { origin: 'https://evil.example' });
    expect(await evil.upgraded).toBe(403);
    expect(evil.refusedHeaders?.['x-content-type-options']).toBe('nosniff');

    const own = new URL(t.url);
    for (const origin of ['https://screen.example', `http://${own.host}`, undefined]) {
      const s = connect(t, origin ? { origin } : {});
      expect(await s.upgraded).toBe(101);
      await s.init();
      await s.ping();
    }

    // The graphql-ws client sees a refused upgrade as a failed connection.
    const client = createClient({
      url: t.url.replace(/^http/, 'ws'),
      retryAttempts: 0,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { origin: 'https://evil.example' });
        }
      },
    });
    try {
      const outcome = await new Promise<string>((resolve) => {
        client.subscribe(
          { query: print(ViewerDocument) },
          { next: () => resolve('next'), error: () => resolve('error'), complete: () => resolve('complete') },
        );
      });
      expect(outcome).toBe('error');
    } finally {
      await client.dispose();
    }
  }));

test('at most WS_MAX_SUBSCRIPTIONS_PER_SOCKET subscriptions per socket; completing one frees its slot', () =>
  withApp({ WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2' }, async (t) => {
    const f = await fixture(t);
    const id = await f.competition();
    const s = connect(t);
    await s.init();
    s.subscribe('a', SUB, { id });
    s.subscribe('b', SUB, { id });
    await sleep(SETTLE_MS);
    s.subscribe('c', SUB, { id });
    const refused = await s.waitFor((m) => m.id === 'c', 'the answer to c');
    expect(refused.type).toBe('error');
    expect(codes(refused)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);

    // The first two keep working; the refused one gets nothing.
    await f.transition(id, 'RUNNING');
    expect((await s.next('a')).payload).toEqual({
      data: { competitionStatusChanged: { from: 'REGISTRATION_OPEN', to: 'RUNNING' } },
    });
    await s.next('b', changedTo('RUNNING'));

    s.complete('a');
    await sleep(SETTLE_MS);
    s.subscribe('d', SUB, { id });
    await sleep(SETTLE_MS);
    await f.transition(id, 'SCORING_CLOSED');
    await s.next('d', changedTo('SCORING_CLOSED'));
    await s.next('b', changedTo('SCORING_CLOSED'));
    expect(s.about('a')).toHaveLength(1);
    expect(s.about('c')).toEqual([refused]);
    expect(s.open).toBe(true);
  }));

// Fails today: src/server.ts checks `state.subscriptions.size` before `await rateLimits.request(…)` and adds
// the id only after it, so subscribes read from one TCP chunk all pass the check (see the report).
test('the per-socket cap also holds for subscribes arriving in one burst', () =>
  withApp({ WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2' }, async (t) => {
    const f = await fixture(t);
    const id = await f.competition();
    const s = connect(t);
    await s.init();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const x of ids) s.subscribe(x, SUB, { id });
    await sleep(SETTLE_MS);
    await f.transition(id, 'RUNNING');
    await sleep(SETTLE_MS);
    const live = ids.filter((x) => s.about(x).some((m) => m.type === 'next'));
    const refused = ids.filter((x) =>
      s.about(x).some((m) => m.type === 'error' && codes(m)[0] === 'TOO_MANY_SUBSCRIPTIONS'),
    );
    expect({ live: live.length, refused: refused.length }).toEqual({ live: 2, refused: 4 });
  }));

// Fails today: the slot is released in `onComplete`, which graphql-ws calls only after the
// subscription's iterator has wound down, not when the client's `complete` arrives.
test('a subscribe right after a complete reuses the freed slot', () =>
  withApp({ WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '1' }, async (t) => {
    const f = await fixture(t);
    const id = await f.competition();
    const s = connect(t);
    await s.init();
    s.subscribe('a', SUB, { id });
    await sleep(SETTLE_MS);
    s.complete('a');
    s.subscribe('b', SUB, { id });
    await sleep(SETTLE_MS);
    await f.transition(id, 'RUNNING');
    const answer = await s.waitFor((m) => m.id === 'b', 'the answer to b');
    expect(answer).toMatchObject({
      type: 'next',
      payload: { data: { competitionStatusChanged: { to: 'RUNNING' } } },
    });
    expect(s.about('a')).toEqual([]);
  }));

test('at most WS_MAX_SOCKETS_PER_ACCOUNT sockets per account: the next one is closed with 4403', () =>
  withApp({ WS_MAX_SOCKETS_PER_ACCOUNT: '2' }, async (t) => {
    const f = await fixture(t);
    const { token } = await t.account(Role.ORGANIZER, f.union);
    const [first, second, third] = [connect(t), connect(t), connect(t)];
    await first.init(bearer(token));
    await second.init(bearer(token));
    await third.upgraded;
    third.sendInit(bearer(token));
    const closed = await third.closedWithin(3000);
    expect(closed.code).toBe(4403);
    expect(third.messages).toEqual([]);
    await first.ping();
    await second.ping();

    // Another account is not affected; and a closed socket frees its place.
    const other = connect(t);
    await other.init(bearer(f.admin));
    first.ws.close(1000);
    await first.closed;
    await eventuallyAccepted(t, bearer(token));
    await second.ping();
  }));

// Fails today: onConnect registers the socket after `await viewerFor(…)` even when the socket closed
// meanwhile (its 'close' cleanup already ran), so a dead socket keeps one of the account's places forever.
test('a socket closed while its connection_init is being authenticated does not keep a place of the account', () =>
  withApp({ WS_MAX_SOCKETS_PER_ACCOUNT: '1' }, async (t) => {
    const f = await fixture(t);
    const { token } = await t.account(Role.ORGANIZER, f.union);
    // Hold authentication (it reads `account`) until the client is gone.
    const lock = new Client({ connectionString: withDatabase(adminUrl(), t.database) });
    await lock.connect();
    try {
      await lock.query('begin');
      await lock.query('lock table account in access exclusive mode');
      const quitter = connect(t);
      await quitter.upgraded;
      quitter.sendInit(bearer(token));
      await sleep(200);
      quitter.terminate();
      await quitter.closed;
      await sleep(200);
      await lock.query('commit');
    } finally {
      await lock.end();
    }
    await sleep(200);
    const s = connect(t);
    await s.upgraded;
    s.sendInit(bearer(token));
    const answer = await Promise.race([
      s.waitFor((m) => m.type === 'connection_ack', 'connection_ack', 15_000).then(() => 'ack'),
      s.closed.then((c) => `closed ${c.code} ${c.reason}`),
    ]);
    expect(answer).toBe('ack');
  }));

test('at most WS_MAX_SOCKETS_PER_IP sockets per IP: the next upgrade is refused with 429', () =>
  withApp({ WS_MAX_SOCKETS_PER_IP: '3' }, async (t) => {
    const three = [connect(t), connect(t), connect(t)];
    expect(await Promise.all(three.map((p) => p.upgraded))).toEqual([101, 101, 101]);
    const fourth = connect(t);
    expect(await fourth.upgraded).toBe(429);
    expect(fourth.refusedHeaders?.['x-content-type-options']).toBe('nosniff');
    for (const p of three) await p.ping(); // still served
    three[0]!.ws.close(1000);
    await three[0]!.closed;
    await eventuallyAccepted(t);
  }));

test('operation limits hold on the WebSocket path: refused with their code, before any event or SQL', () =>
  withApp({ MAX_QUERY_DEPTH: '3', MAX_QUERY_ALIASES: '3' }, async (t) => {
    const f = await fixture(t);
    const id = await f.competition();
    const s = connect(t);
    await s.init();
    // Raw on purpose, beyond the limits: the document carries a 5-level query next to the
    // subscription it runs (the document is too deep), and aliases by the handful.
    const deep = `${print(SUB)} query Deep { organizations(first: 1) { nodes { parent { parent { name } } } } }`;
    const aliased = (n: number) =>
      `subscription($id: ID!) { competitionStatusChanged(competitionId: $id) { ${Array.from(
        { length: n },
        (_, i) => `a${i}: to`,
      ).join(' ')} } }`;

    // The fixture's commits are marked in the outbox just after their answers: let that finish.
    await t.app.eventsSettled();
    const statements = sqlStatements.count;
    s.subscribeRaw('deep', deep, { id }, 'WatchCompetitionStatus');
    s.subscribeRaw('aliases', aliased(4), { id });
    const tooDeep = await s.waitFor((m) => m.id === 'deep', 'the answer to deep');
    const tooMany = await s.waitFor((m) => m.id === 'aliases', 'the answer to aliases');
    expect(tooDeep.type).toBe('error');
    expect(codes(tooDeep)).toEqual(['QUERY_TOO_DEEP']);
    expect(tooMany.type).toBe('error');
    expect(codes(tooMany)).toEqual(['TOO_MANY_ALIASES']);
    expect(sqlStatements.count).toBe(statements);

    // At the limits it runs; the refused ones get nothing of the event, and the socket stays.
    s.subscribeRaw('ok', aliased(3), { id });
    await sleep(SETTLE_MS);
    await f.transition(id, 'RUNNING');
    expect((await s.next('ok')).payload).toEqual({
      data: { competitionStatusChanged: { a0: 'RUNNING', a1: 'RUNNING', a2: 'RUNNING' } },
    });
    expect(s.about('deep')).toEqual([tooDeep]);
    expect(s.about('aliases')).toEqual([tooMany]);
    expect(s.open).toBe(true);
  }));

/** A callable gc: node's --expose-gc, or the flag set at run time (fresh context); undefined when neither works. */
function collector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

test('1,000 sockets that never send connection_init are all closed (4408) in time, leaving no trace', () =>
  withApp({ WS_INIT_TIMEOUT_MS: '1000', WS_MAX_SOCKETS_PER_IP: '1000' }, async (t) => {
    const N = 1000;
    const BATCH = 100;
    const gc = collector();
    const heap = async () => {
      await sleep(gc ? 50 : 1000);
      gc?.();
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    // Warm the code paths up once, so the baseline includes them.
    const warm = connect(t);
    await warm.init();
    warm.terminate();
    await warm.closed;
    const before = await heap();

    let sockets: Peer[] = [];
    const closes: Closed[] = [];
    let firstOpened = 0;
    let lastOpened = 0;
    let heapOpen = 0;
    try {
      firstOpened = Date.now();
      for (let i = 0; i < N; i += BATCH) {
        const batch = Array.from({ length: BATCH }, () => new Peer(t.url));
        sockets.push(...batch);
        const statuses = await Promise.all(batch.map((p) => p.upgraded));
        expect(statuses.filter((s) => s !== 101)).toEqual([]);
      }
      lastOpened = Date.now();
      gc?.();
      heapOpen = process.memoryUsage().heapUsed;
      closes.push(
        ...(await Promise.all(sockets.map((p) => p.closedWithin(lastOpened + 1000 + 3000 - Date.now())))),
      );
    } finally {
      for (const p of sockets) p.terminate();
      sockets = [];
    }
    const lastClosed = Math.max(...closes.map((c) => c.at));
    const firstClosed = Math.min(...closes.map((c) => c.at));
    const byCode = closes.reduce<Record<number, number>>(
      (acc, c) => ({ ...acc, [c.code]: (acc[c.code] ?? 0) + 1 }),
      {},
    );
    expect(byCode).toEqual({ 4408: N });
    expect(firstClosed - firstOpened).toBeGreaterThanOrEqual(950);
    expect(lastClosed - lastOpened).toBeLessThanOrEqual(1000 + 3000);
    closes.length = 0;

    const after = await heap();
    const MB = 1024 * 1024;
    console.log(
      `1,000 idle sockets: opened in ${lastOpened - firstOpened} ms; all closed ${lastClosed - lastOpened} ms ` +
        `after the last opened (first close ${firstClosed - firstOpened} ms after the first open); heapUsed ` +
        `${(before / MB).toFixed(1)} MB before, ${(heapOpen / MB).toFixed(1)} MB open, ` +
        `${(after / MB).toFixed(1)} MB after (gc ${gc ? 'forced' : 'not available'})`,
    );
    expect(after - before).toBeLessThan((gc ? 4 : 20) * MB);

    // The per-IP count is back to zero: 1,000 sockets fit again (and stay, initialised), the next is refused.
    const again: Peer[] = [];
    try {
      for (let i = 0; i < N; i += BATCH) {
        const batch = Array.from({ length: BATCH }, () => new Peer(t.url));
        again.push(...batch);
        expect((await Promise.all(batch.map((p) => p.upgraded))).filter((s) => s !== 101)).toEqual([]);
        await Promise.all(batch.map((p) => p.init()));
      }
      const extra = connect(t);
      expect(await extra.upgraded).toBe(429);
    } finally {
      for (const p of again) p.terminate();
    }
    await eventuallyAccepted(t);
  }));
