import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import {
  AccessNodesDocument,
  BenchFloorDocument,
  BoardAroundDocument,
  BoardRankDetailsDocument,
  CompetitionBoardDocument,
  CompetitionByIdDocument,
  CompetitionsDocument,
  CompiledBoardBadCursorDocument,
  CompiledBoardBothWaysDocument,
  CompiledMutationTypenameDocument,
  OrganizationCountDocument,
  TradeBoardDocument,
} from './generated/graphql';
import { Client } from 'pg';
import { withDatabase } from '../src/shared/db/database';
import { gid, startTestApp, type TestApp } from './support/app';
import { adminUrl } from './support/db';
import { until } from './support/until';
import { buildWorld, runningTrade, tablet, trustedDoc, type World } from './support/world';

/**
 * Anonymous queries over HTTP run as compiled functions past Apollo's pipeline
 * (src/transport/compiled.ts). Two instances on one database, one with that path and one
 * without, must answer every request alike: status, content type, cache headers and body (error
 * ids and, outside production, stack traces aside); and the compiled one must leave to Apollo
 * everything it does not take.
 */

jest.setTimeout(120_000);

let compiled: TestApp;
let apollo: TestApp;
let w: World;
let trade: { tradeId: string; competitionId: string; entrants: string[]; judge: string };
const logLines: Record<string, unknown>[] = [];
const tightLines: Record<string, unknown>[] = [];
/** A union app's origin, allowed on both instances. */
const ALLOWED_ORIGIN = 'https://app.union.example';

beforeAll(async () => {
  // Shared answers off on both: every request below is executed, not served from a moment ago.
  compiled = await startTestApp(
    { LOG_LEVEL: 'info', SHARED_READS_MS: '0', CORS_ORIGINS: ALLOWED_ORIGIN },
    { logDestination: { write: (line: string) => void logLines.push(JSON.parse(line)) } },
  );
  apollo = await startTestApp(
    { SHARED_READS_MS: '0', COMPILED_QUERIES: 'false', CORS_ORIGINS: ALLOWED_ORIGIN },
    { database: compiled.database },
  );
  w = await buildWorld(compiled);
  trade = await runningTrade(compiled, w, { name: '编译', entrants: 3 });
  for (const [i, entrantId] of trade.entrants.entries()) {
    const mark = { idempotencyKey: randomUUID(), entrantId, aspectCode: 'P1', value: 70 + i * 5 };
    await tablet(compiled, trade.judge, 'TabletSubmitMarks', {
      input: { deviceId: 'tablet', marks: [mark] },
    });
  }
});

afterAll(async () => {
  await apollo?.close();
  await compiled?.close();
});

interface Answer {
  status: number;
  /** Every header but those that differ by nature (date, request id, connection). */
  headers: Record<string, string>;
  contentType: string | null;
  cacheControl: string | null;
  etag: string | null;
  requestId: string;
  body: unknown;
}

/** Error ids are new on every answer, and stack traces name the path that ran: both set aside. */
function comparable(body: unknown): unknown {
  return JSON.parse(
    JSON.stringify(body, (key, value: unknown) =>
      key === 'errorId' || key === 'stacktrace' ? undefined : value,
    ),
  );
}

async function send(
  t: TestApp,
  init: { method?: 'GET' | 'POST'; body?: unknown; search?: string; headers?: Record<string, string> },
): Promise<Answer> {
  const requestId = randomUUID();
  const url = init.search ? `${t.url}?${init.search}` : t.url;
  const res = await fetch(url, {
    method: init.method ?? 'POST',
    headers: {
      ...(init.method === 'GET' ? {} : { 'content-type': 'application/json' }),
      'x-request-id': requestId,
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    // The length follows the body (stack traces outside production name the path that ran).
    if (!['date', 'x-request-id', 'connection', 'keep-alive', 'content-length'].includes(name))
      headers[name] = value;
  });
  return {
    status: res.status,
    headers,
    contentType: res.headers.get('content-type'),
    cacheControl: res.headers.get('cache-control'),
    etag: res.headers.get('etag'),
    requestId,
    body: text ? comparable(JSON.parse(text)) : null,
  };
}

/** The path the compiled instance logged for a request. */
function pathOf(requestId: string): unknown {
  return logLines.find((l) => l.requestId === requestId && l.msg === 'graphql operation')?.path;
}

async function bothAnswer(init: Parameters<typeof send>[1]): Promise<Answer> {
  const a = await send(compiled, init);
  const b = await send(apollo, init);
  expect({ ...a, requestId: '' }).toEqual({ ...b, requestId: '' });
  return a;
}

test('anonymous queries answer exactly as through Apollo, in both languages', async () => {
  const { tradeId, competitionId, entrants } = trade;
  const requests: { query: string; variables?: Record<string, unknown> }[] = [
    { query: print(TradeBoardDocument), variables: { tradeId, first: 2 } },
    {
      query: print(BoardAroundDocument),
      variables: { tradeId, entrantId: entrants[1], before: 1, after: 1 },
    },
    { query: print(BoardRankDetailsDocument), variables: { tradeId, entrantId: entrants[0] } },
    { query: print(CompetitionBoardDocument), variables: { id: competitionId } },
    { query: print(CompetitionByIdDocument), variables: { id: competitionId } },
    { query: print(CompetitionsDocument), variables: { first: 2 } },
    { query: print(OrganizationCountDocument) },
    // Ids of the wrong kind, unknown ids and ids that are not ids: errors and nulls, as through Apollo.
    { query: print(AccessNodesDocument), variables: { ids: [tradeId, gid('Trade', 999_999), 'not-an-id'] } },
    { query: print(BoardAroundDocument), variables: { tradeId: competitionId, entrantId: entrants[0] } },
    { query: print(BenchFloorDocument) },
    // Refused by the resolver: an error with its code and path beside the data.
    { query: print(CompiledBoardBothWaysDocument), variables: { tradeId } },
    { query: print(CompiledBoardBadCursorDocument), variables: { tradeId } },
  ];
  for (const language of ['zh', 'en']) {
    for (const body of requests) {
      const a = await bothAnswer({ body, headers: { 'accept-language': language } });
      expect(a.status).toBe(200);
      // A text's first run compiles it (through Express; the setup ran some already); from then on
      // it is answered directly.
      if (language === 'en') expect(pathOf(a.requestId)).toBe('direct');
      else expect(['compiled', 'direct']).toContain(pathOf(a.requestId));
    }
  }
  const board = await send(compiled, { body: requests[0] });
  expect(board.body).toMatchObject({ data: { trade: { board: { totalCount: 3 } } } });
  const refused = await send(compiled, { body: requests[10], headers: { 'accept-language': 'en' } });
  expect(refused.body).toMatchObject({
    data: { trade: { id: tradeId, board: null } },
    errors: [{ path: ['trade', 'board'], extensions: { code: 'BAD_USER_INPUT' } }],
  });
});

test('a public read by GET and trusted id: same answer, same ETag and Cache-Control, and 304 on a match', async () => {
  const search = new URLSearchParams({
    documentId: trustedDoc('PublicTradeBoard'),
    variables: JSON.stringify({ tradeId: trade.tradeId, first: 10 }),
  }).toString();
  const a = await bothAnswer({ method: 'GET', search });
  expect(a.status).toBe(200);
  expect(a.etag).toMatch(/^"/);
  expect(a.cacheControl).toMatch(/^public, max-age=5/);
  expect(pathOf(a.requestId)).toBe('compiled');
  const again = await bothAnswer({ method: 'GET', search, headers: { 'if-none-match': a.etag! } });
  expect(again.status).toBe(304);
});

test('refusals before execution are the gate’s, whichever path follows', async () => {
  // Variables that do not coerce, an unknown operation name, variables that are not an object.
  await bothAnswer({ body: { query: print(TradeBoardDocument), variables: { tradeId: 5 } } });
  await bothAnswer({ body: { query: print(TradeBoardDocument), operationName: 'Nope', variables: {} } });
  const notObject = await bothAnswer({ body: { query: print(BenchFloorDocument), variables: 'x' } });
  expect(notObject.status).toBe(400);
  const badJson = await bothAnswer({ method: 'GET', search: 'query=%7B__typename%7D&variables=%7B' });
  expect(badJson.status).toBe(400);
});

test('what the compiled path does not take goes to Apollo: identity, mutations, other media types, GET without preflight', async () => {
  const query = print(OrganizationCountDocument);
  const signedIn = await send(compiled, {
    body: { query },
    headers: { authorization: `Bearer ${w.tokens.xian}` },
  });
  expect(signedIn.status).toBe(200);
  expect(pathOf(signedIn.requestId)).toBe('apollo');

  const mutation = await send(compiled, {
    body: { query: print(CompiledMutationTypenameDocument) },
  });
  expect(mutation.status).toBe(200);
  expect(pathOf(mutation.requestId)).toBe('apollo');

  const media = await bothAnswer({
    body: { query },
    headers: { accept: 'application/graphql-response+json' },
  });
  expect(media.contentType).toMatch(/^application\/graphql-response\+json/);
  expect(pathOf(media.requestId)).toBe('apollo');

  // A GET by query text carries no preflight header: Apollo's CSRF prevention refuses it.
  const get = await bothAnswer({ method: 'GET', search: `query=${encodeURIComponent(query)}` });
  expect(get.status).toBe(400);
  const preflight = await bothAnswer({
    method: 'GET',
    search: `query=${encodeURIComponent(query)}`,
    headers: { 'apollo-require-preflight': 'true' },
  });
  expect(preflight.status).toBe(200);
  expect(pathOf(preflight.requestId)).toBe('compiled');
});

test('an unexpected error on the compiled path reaches the client as an error id, logged with its stack', async () => {
  await compiled.sql('alter table organization rename to organization_gone');
  try {
    const r = await send(compiled, { body: { query: print(OrganizationCountDocument) } });
    expect(r.status).toBe(200);
    expect(pathOf(r.requestId)).toBe('direct');
    const raw = await fetch(compiled.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(OrganizationCountDocument) }),
    }).then((res) => res.json() as Promise<{ errors: { extensions: { code: string; errorId: string } }[] }>);
    const { code, errorId } = raw.errors[0]!.extensions;
    expect(code).toBe('INTERNAL_SERVER_ERROR');
    const logged = logLines.find((l) => l.errorId === errorId);
    expect(logged).toMatchObject({ level: 50, msg: 'unexpected error' });
    expect((logged!.err as { stack: string }).stack).toMatch(/organization/);
  } finally {
    await compiled.sql('alter table organization_gone rename to organization');
  }
});

test('the direct path answers with every header Express would send, and hands on what it read but does not take', async () => {
  const body = { query: print(TradeBoardDocument), variables: { tradeId: trade.tradeId, first: 2 } };
  await send(compiled, { body });
  const direct = await bothAnswer({ body });
  expect(pathOf(direct.requestId)).toBe('direct');
  expect(direct.headers).toMatchObject({
    'cache-control': 'no-store',
    vary: 'Accept, Authorization, X-Api-Key, Origin',
    'x-content-type-options': 'nosniff',
    'access-control-allow-credentials': 'true',
  });

  // A browser's request (after its preflight) carries its origin: named back when allowed, not
  // otherwise, exactly as the Express chain's CORS step does.
  const allowed = await bothAnswer({ body, headers: { origin: ALLOWED_ORIGIN } });
  expect(pathOf(allowed.requestId)).toBe('direct');
  expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
  const other = await bothAnswer({ body, headers: { origin: 'https://elsewhere.example' } });
  expect(pathOf(other.requestId)).toBe('direct');
  expect(other.headers['access-control-allow-origin']).toBeUndefined();

  // Read by the direct listener, then left to Express with the body: not JSON, a batch, a JSON
  // value that is not an object, a mutation, an unknown trusted id, an operation name not compiled.
  const raw = async (t: TestApp, payload: string) => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
    return { status: res.status, body: comparable(await res.json()) };
  };
  for (const payload of ['{"query": ', '[{"query":"{ __typename }"}]', '"{ __typename }"', 'null']) {
    const a = await raw(compiled, payload);
    expect(a).toEqual(await raw(apollo, payload));
    expect(a.status).toBe(400);
  }
  const handedOn = [
    { query: print(CompiledMutationTypenameDocument) },
    { documentId: 'sha256:0000', variables: {} },
    { query: print(TradeBoardDocument), operationName: 'Nope', variables: {} },
  ];
  for (const b of handedOn) {
    const a = await bothAnswer({ body: b });
    expect(pathOf(a.requestId)).not.toBe('direct');
  }

  // Refused by admission on the direct path as by the gate: variables that do not coerce, and
  // variables that are not an object.
  const badVariables = await bothAnswer({
    body: { ...body, variables: { ...body.variables, first: 'many' } },
  });
  expect(badVariables.status).toBe(400);
  const notObject = await bothAnswer({ body: { ...body, variables: 'x' } });
  expect(notObject.status).toBe(400);
});

test('the direct path keeps the rate limit and the public lane', async () => {
  const tight = await startTestApp(
    {
      LOG_LEVEL: 'info',
      SHARED_READS_MS: '0',
      RATE_LIMIT_IP_PER_MINUTE: '6',
      PUBLIC_CONCURRENCY: '1',
      PUBLIC_QUEUE_MAX: '0',
    },
    {
      database: compiled.database,
      logDestination: { write: (line: string) => void tightLines.push(JSON.parse(line)) },
    },
  );
  const pathIn = (requestId: string) =>
    tightLines.find((l) => l.requestId === requestId && l.msg === 'graphql operation')?.path;
  try {
    const body = { query: print(OrganizationCountDocument) };
    const first = await send(tight, { body }); // 1: compiles the text through Express
    expect(first.status).toBe(200);
    const second = await send(tight, { body }); // 2
    expect(pathIn(second.requestId)).toBe('direct');

    // One anonymous operation holds the lane (it waits on a lock); the next is shed at once.
    const locker = new Client({ connectionString: withDatabase(adminUrl(), compiled.database) });
    await locker.connect();
    let held: Promise<Answer>;
    try {
      await locker.query('begin');
      await locker.query('lock table organization in access exclusive mode');
      held = send(tight, { body }); // 3
      await until(
        'the held operation waiting on the lock',
        async () => {
          const [row] = (
            await locker.query<{ n: string }>('select count(*) as n from pg_locks where not granted')
          ).rows;
          return Number(row!.n) > 0;
        },
        20_000,
      );
      const shed = await send(tight, { body }); // 4
      expect(shed.status).toBe(503);
      expect(shed.headers['retry-after']).toBe('1');
      expect(shed.body).toMatchObject({ errors: [{ extensions: { code: 'SERVER_BUSY', retryable: true } }] });
    } finally {
      await locker.query('rollback').catch(() => {});
      await locker.end();
    }
    const released = await held;
    expect(released.status).toBe(200);
    expect(pathIn(released.requestId)).toBe('direct');

    // Six a minute: the fifth and sixth pass, the seventh is refused here as Express refuses the eighth.
    for (let i = 5; i <= 6; i++) expect((await send(tight, { body })).status).toBe(200);
    const limited = await send(tight, { body });
    const viaExpress = await send(tight, { body, headers: { accept: 'application/json, text/plain, */*' } });
    for (const a of [limited, viaExpress]) {
      expect(a.status).toBe(429);
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
      expect(a.body).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
    }
    const { 'retry-after': _a, ...limitedHeaders } = limited.headers;
    const { 'retry-after': _b, ...expressHeaders } = viaExpress.headers;
    expect(limitedHeaders).toEqual(expressHeaders);
  } finally {
    await tight.close();
  }
});
