import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Role } from '../src/modules/account/account.entity';
import { OrganizationLevel } from '../src/modules/organization/organization.entity';
import { documentId, loadManifest } from '../src/shared/security/trusted-documents';
import { CreateApiKeyDocument } from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import { adminUrl } from './support/db';
import { withDatabase } from '../src/shared/db/database';
import { buildWorld, createCompetition, createPerson, createTrade, orgId } from './support/world';

// Raw on purpose: these tests speak to the transport and its defences (CSRF, GET, introspection
// in production, unknown fields, untrusted documents, rate limits, lock-out, time-outs), so they
// build the request bodies themselves.
const signIn = (username: string, password: string) => ({
  query: 'mutation($i: SignInInput!) { signIn(input: $i) { token errors { code } } }',
  variables: { i: { username, password } },
});

describe('browsers: CSRF, CORS and GET', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://screen.example' });
  });
  afterAll(async () => t?.close());

  test('a simple (CSRF-able) POST is refused; mutations never run over GET', async () => {
    const plain = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"query":"{ viewer { kind } }"}',
    });
    expect(plain.status).toBe(400);
    const noPreflight = await fetch(`${t.url}?query=${encodeURIComponent('{ viewer { kind } }')}`);
    expect(noPreflight.status).toBe(400);
    const get = await fetch(`${t.url}?query=${encodeURIComponent('{ viewer { kind } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(200);
    const mutation = await fetch(
      `${t.url}?query=${encodeURIComponent('mutation { signIn(input: {username: "a", password: "b"}) { token } }')}`,
      { headers: { 'apollo-require-preflight': 'true' } },
    );
    expect(mutation.status).toBe(405);
  });

  test('CORS answers only allowlisted origins', async () => {
    const preflight = (origin: string) =>
      fetch(t.url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    expect((await preflight('https://screen.example')).headers.get('access-control-allow-origin')).toBe(
      'https://screen.example',
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('production behaviour', () => {
  let t: TestApp;
  let open: TestApp;
  beforeAll(async () => {
    const secret = randomBytes(32).toString('hex');
    t = await startTestApp({ NODE_ENV: 'production', JWT_SECRET: secret, PERSON_ID_HMAC_KEY: secret });
    open = await startTestApp({
      NODE_ENV: 'production',
      JWT_SECRET: secret,
      PERSON_ID_HMAC_KEY: secret,
      INTROSPECTION: 'true',
    });
  });
  afterAll(async () => {
    await t?.close();
    await open?.close();
  });

  test('introspection is off unless configured, suggestions are stripped, errors carry codes and no stack', async () => {
    const intro = await t.raw({ query: '{ __schema { queryType { name } } }' });
    expect(intro.json.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const allowed = await open.raw({ query: '{ __schema { queryType { name } } }' });
    expect(allowed.json.errors).toBeUndefined();

    const typo = await t.raw({ query: '{ viewr { kind } }' });
    expect(typo.json.errors![0]!.message).not.toMatch(/Did you mean/);
    expect(typo.json.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const bad = await t.raw({ query: '{ organizations(first: 1000) { totalCount } }' });
    for (const e of [...bad.json.errors!, ...typo.json.errors!]) {
      expect(typeof e.extensions!.code).toBe('string');
      expect(e.extensions!.stacktrace).toBeUndefined();
    }
  });
});

describe('trusted documents', () => {
  let t: TestApp;
  let judge: string;
  let screenKey: string;
  let appKey: string;
  beforeAll(async () => {
    t = await startTestApp();
    const w = await buildWorld(t);
    judge = w.tokens.judge;
    const key = async (firstParty: boolean) =>
      (
        await t.gql(
          CreateApiKeyDocument,
          {
            input: {
              name: firstParty ? '会场大屏' : '指尖工会',
              scopes: ['competitions:read'],
              organizationId: orgId(w.orgs.xian),
              firstParty,
            },
          },
          { token: w.tokens.xian },
        )
      ).data!.createApiKey.secret!;
    screenKey = await key(true);
    appKey = await key(false);
  });
  afterAll(async () => t?.close());

  const tabletViewer = Object.values(loadManifest()).find((d) => d.startsWith('query TabletViewer'))!;

  test('a tablet (judge) may send only registered documents, by id', async () => {
    const byText = await t.raw({ query: tabletViewer }, { token: judge });
    expect(byText.json.errors![0]!.extensions!.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    const byId = await t.raw({ documentId: documentId(tabletViewer) }, { token: judge });
    expect(byId.json.errors).toBeUndefined();
    expect(byId.json.data).toMatchObject({ viewer: { kind: 'ACCOUNT', role: 'JUDGE' } });
    const unknown = await t.raw({ documentId: 'sha256:0000' }, { token: judge });
    expect(unknown.json.errors![0]!.extensions!.code).toBe('TRUSTED_DOCUMENT_NOT_FOUND');
  });

  test('a screen key is first-party too; a third-party key may send any document within limits', async () => {
    const screen = await t.raw({ query: '{ competitions(first: 5) { totalCount } }' }, { apiKey: screenKey });
    expect(screen.json.errors![0]!.extensions!.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    const app = await t.raw({ query: '{ competitions(first: 5) { totalCount } }' }, { apiKey: appKey });
    expect(app.json.errors).toBeUndefined();
  });
});

describe('rates and sign-in lock-out', () => {
  test('per IP, per account and per API key, with Retry-After', async () => {
    const t = await startTestApp({ RATE_LIMIT_IP_PER_MINUTE: '8', RATE_LIMIT_ACCOUNT_PER_MINUTE: '3' });
    try {
      const org = await t.org('限流测试总工会', OrganizationLevel.CITY);
      const { token } = await t.account(Role.ORGANIZER, org); // signing in costs one request of the IP
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await t.raw({ query: '{ viewer { kind } }' }, { token })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ viewer { kind } }' }),
      });
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(
        ((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
      ).toBe('RATE_LIMITED');
      // The IP's own budget (8) runs out for anonymous callers too.
      let last = 200;
      for (let i = 0; i < 4; i++) last = (await t.raw({ query: '{ viewer { kind } }' })).status;
      expect(last).toBe(429);
    } finally {
      await t.close();
    }
  });

  test('failed sign-ins lock the name out, counting aliased attempts inside one document', async () => {
    const t = await startTestApp({ SIGN_IN_MAX_FAILURES: '3', SIGN_IN_LOCKOUT_SECONDS: '60' });
    try {
      await t.account(Role.PLATFORM_ADMIN, null, 'target'); // password: the fixture's
      const aliased = await t.raw({
        query: `mutation {
          a: signIn(input: {username: "target", password: "guess-1"}) { errors { code } }
          b: signIn(input: {username: "target", password: "guess-2"}) { errors { code } }
          c: signIn(input: {username: "target", password: "guess-3"}) { errors { code } }
          d: signIn(input: {username: "target", password: "guess-4"}) { errors { code } }
        }`,
      });
      const codes = Object.values(aliased.json.data as Record<string, { errors: { code: string }[] }>).map(
        (r) => r.errors[0]!.code,
      );
      expect(codes).toEqual([
        'INVALID_CREDENTIALS',
        'INVALID_CREDENTIALS',
        'INVALID_CREDENTIALS',
        'TOO_MANY_ATTEMPTS',
      ]);
      // Locked out: even the right password is refused now.
      const right = await t.raw(signIn('target', 'correct horse battery'));
      expect(
        (right.json.data as { signIn: { token: string | null; errors: { code: string }[] } }).signIn,
      ).toEqual({
        token: null,
        errors: [{ code: 'TOO_MANY_ATTEMPTS' }],
      });
    } finally {
      await t.close();
    }
  });

  test('with Redis, limits hold across instances', async () => {
    const prefix = `jingsai-test-${randomBytes(4).toString('hex')}`;
    const env = {
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_IP_PER_MINUTE: '5',
    };
    const a = await startTestApp(env);
    const b = await startTestApp(env);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await a.raw({ query: '{ viewer { kind } }' })).status);
      for (let i = 0; i < 3; i++) statuses.push((await b.raw({ query: '{ viewer { kind } }' })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('timeouts', () => {
  test('a slow statement is cancelled, its transaction rolled back, and its connection returns to the pool', async () => {
    const t = await startTestApp({ DB_STATEMENT_TIMEOUT_MS: '400', REQUEST_TIMEOUT_MS: '3000' });
    const blocker = new Client({ connectionString: withDatabase(adminUrl(), t.database) });
    await blocker.connect();
    try {
      const w = await buildWorld(t);
      const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
      const tradeId = await createTrade(t, w.tokens.xian, competitionId);
      const personId = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '等锁选手');
      // Another session holds the trade row, as a stuck registration would.
      await blocker.query('begin');
      await blocker.query(`select * from trade for update`);
      const started = Date.now();
      const r = await t.raw(
        {
          query:
            'mutation($i: RegisterEntrantInput!) { registerEntrant(input: $i) { entrant { id } errors { code } } }',
          variables: { i: { tradeId, personId } },
        },
        { token: w.tokens.xian },
      );
      expect(Date.now() - started).toBeLessThan(2500);
      expect(r.json.errors![0]!.extensions).toMatchObject({ code: 'STATEMENT_TIMEOUT', retryable: true });
      await blocker.query('rollback');
      expect((await t.sql<{ n: string }>('select count(*) n from entrant'))[0]!.n).toBe('0');
      // More requests than the pool has connections: none is stuck.
      const again = await Promise.all(
        Array.from({ length: 12 }, () =>
          t.raw({ query: '{ competitions(first: 1) { totalCount } }' }, { token: w.tokens.xian }),
        ),
      );
      expect(again.every((x) => x.status === 200 && !x.json.errors)).toBe(true);
    } finally {
      await blocker.end();
      await t.close();
    }
  });

  test('the request deadline answers REQUEST_TIMEOUT; a statement timeout at or above it is refused at start-up', async () => {
    // Fifteen password checks (scrypt, no SQL while hashing) outlast a 300 ms deadline.
    const t = await startTestApp({
      DB_STATEMENT_TIMEOUT_MS: '250',
      REQUEST_TIMEOUT_MS: '300',
      SIGN_IN_MAX_FAILURES: '100',
    });
    try {
      const aliases = Array.from(
        { length: 15 },
        (_, i) => `a${i}: signIn(input: {username: "nobody", password: "guess-${i}"}) { token }`,
      ).join('\n');
      const started = Date.now();
      const r = await t.raw({ query: `mutation { ${aliases} }` });
      expect(r.status).toBe(503);
      expect(r.json.errors![0]!.extensions).toMatchObject({ code: 'REQUEST_TIMEOUT', retryable: true });
      expect(Date.now() - started).toBeLessThan(1500);
      // The late result is dropped without harm; the server goes on answering.
      await new Promise((res) => setTimeout(res, 1500));
      expect((await t.raw({ query: '{ viewer { kind } }' })).json.data).toEqual({
        viewer: { kind: 'ANONYMOUS' },
      });
    } finally {
      await t.close();
    }
    await expect(
      startTestApp({ DB_STATEMENT_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '1000' }),
    ).rejects.toThrow(/DB_STATEMENT_TIMEOUT_MS/);
  });
});
