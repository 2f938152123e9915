import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { sqlStatements } from '../src/shared/db/orm';
import { print } from 'graphql';
import { Role } from '../src/modules/account/account.entity';
import { NodeByIdDocument, SetAccountActiveDocument, ViewerDocument } from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import { buildWorld, dbId, runningTrade, tablet, type World } from './support/world';
import { watchBoard } from './support/ws';

/**
 * PostgreSQL's change notices (migration change_notices, src/shared/db/changes.ts): two instances
 * on one database, no Redis. What one instance, a tool or an operator commits to a trade or a
 * competition is heard by every instance, which then trusts what it read until the next notice.
 */
const JWT_SECRET = randomBytes(32).toString('hex');
let a: TestApp;
let b: TestApp;
let w: World;
let tradeId: string;
let judge: string;
let entrants: string[];
let sql: Client;

/** A connection of its own: a change the API is not told about, as from another tool. */
async function behindTheApisBack(text: string, params: unknown[]) {
  await sql.query(text, params);
}

const listeners = async () =>
  Number(
    (
      await sql.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity
          where application_name = 'jingsai-changes' and datname = current_database()
            and state = 'idle' and query = 'listen jingsai_changes'`,
      )
    ).rows[0]!.n,
  );

const tradeName = async (app: TestApp) => {
  const r = await app.gql(NodeByIdDocument, { id: tradeId });
  return (r.data!.node as { name: string }).name;
};

/**
 * Whether a read 150 ms after another (well past the 50 ms an unannounced change may stay unseen)
 * costs no statement: the row is trusted. A few tries, as a late notice may drop the row between.
 */
async function trustedAfterAWhile(app: TestApp): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await tradeName(app);
    await new Promise((r) => setTimeout(r, 150));
    const statements = sqlStatements.count;
    await tradeName(app);
    if (sqlStatements.count === statements) return true;
  }
  return false;
}

async function until(what: () => Promise<boolean>, ms = 15_000): Promise<number> {
  const started = Date.now();
  while (!(await what())) {
    if (Date.now() - started > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

beforeAll(async () => {
  a = await startTestApp({ JWT_SECRET });
  b = await startTestApp({ JWT_SECRET }, { database: a.database });
  w = await buildWorld(a);
  ({ tradeId, judge, entrants } = await runningTrade(a, w, { name: '通知', entrants: 3 }));
  sql = new Client({ connectionString: a.orm.config.get('clientUrl') });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await b?.close(); // B first: A drops the database
  await a?.close();
});

test('without Redis, a mark submitted to instance A reaches a screen on instance B', async () => {
  const screen = watchBoard(b.url, tradeId);
  const frames = screen.frames;
  try {
    await until(async () => frames.length >= 1);
    expect(frames[0]!.kind).toBe('SNAPSHOT');
    const r = await tablet<{ submitMarks: { outcomes: { code: string | null }[] } }>(
      a,
      judge,
      'TabletSubmitMarks',
      {
        input: {
          deviceId: 'tablet',
          marks: [{ idempotencyKey: randomUUID(), entrantId: entrants[0], aspectCode: 'P1', value: 77 }],
        },
      },
    );
    expect(r.submitMarks.outcomes[0]!.code).toBeNull();
    await until(async () => frames.length >= 2);
    expect(frames[1]).toMatchObject({ kind: 'DELTA', rows: [{ entrantId: entrants[0], total: 77 }] });
  } finally {
    await screen.dispose();
  }
});

test('rows read while notices are heard are trusted; a change made behind the API’s back is seen at once', async () => {
  expect(await trustedAfterAWhile(b)).toBe(true);
  await behindTheApisBack('update trade set name = $1 where id = $2', ['通知改名', dbId(tradeId)]);
  const waited = await until(async () => (await tradeName(b)) === '通知改名');
  expect(waited).toBeLessThan(1000);
});

test('when the notices’ connection drops, each instance reconnects and trusts its reads again', async () => {
  expect(await listeners()).toBe(2);
  await sql.query(
    `select pg_terminate_backend(pid) from pg_stat_activity
      where application_name = 'jingsai-changes' and datname = current_database()`,
  );
  await until(async () => (await listeners()) === 2, 30_000);
  // Listening in PostgreSQL; the instances take note of it a moment later.
  await new Promise((r) => setTimeout(r, 100));
  await behindTheApisBack('update trade set name = $1 where id = $2', ['通知再改', dbId(tradeId)]);
  await until(async () => (await tradeName(b)) === '通知再改');
  expect(await trustedAfterAWhile(b)).toBe(true);
});

/** The answer to `viewer` with this token: OK, or the top-level error's code. */
async function viewerCode(app: TestApp, token: string): Promise<string> {
  const r = await app.raw({ query: print(ViewerDocument) }, { token });
  return (r.json.errors?.[0]?.extensions?.code as string | undefined) ?? 'OK';
}

/** How many times one request with this token read its account. */
async function accountReads(app: TestApp, token: string): Promise<number> {
  sqlStatements.log = [];
  sqlStatements.keepLog = true;
  try {
    expect(await viewerCode(app, token)).toBe('OK');
  } finally {
    sqlStatements.keepLog = false;
  }
  return sqlStatements.log.filter((s) => s.includes('from account a left join organization o')).length;
}

test('accounts behind checked tokens are kept while notices are heard; a change to one is seen on every instance', async () => {
  const { account, token } = await a.account(Role.ORGANIZER, w.orgs.xian, 'notice.organizer');
  // Kept: once read, the next request reads no account (a few tries: a late notice may empty it).
  await until(async () => (await accountReads(b, token)) === 0 && (await accountReads(a, token)) === 0);

  // Deactivated behind the API's back: both instances refuse the token once the notice arrives.
  await behindTheApisBack('update account set active = false where id = $1', [account.id]);
  await until(async () => (await viewerCode(a, token)) === 'UNAUTHENTICATED');
  await until(async () => (await viewerCode(b, token)) === 'UNAUTHENTICATED');
  await behindTheApisBack('update account set active = true where id = $1', [account.id]);
  await until(async () => (await viewerCode(a, token)) === 'OK' && (await viewerCode(b, token)) === 'OK');

  // Through instance A: its next request refuses the token without waiting for the notice; B follows.
  const off = await a.gql(
    SetAccountActiveDocument,
    { input: { id: gid('Account', account.id), active: false } },
    { token: w.tokens.xian },
  );
  expect(off.data!.setAccountActive.account).toMatchObject({ active: false });
  expect(await viewerCode(a, token)).toBe('UNAUTHENTICATED');
  await until(async () => (await viewerCode(b, token)) === 'UNAUTHENTICATED');
});
