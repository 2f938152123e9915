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
import { gid, startTestApp, type TestApp } from './support/app';
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

beforeAll(async () => {
  // Shared answers off on both: every request below is executed, not served from a moment ago.
  compiled = await startTestApp(
    { LOG_LEVEL: 'info', SHARED_READS_MS: '0' },
    { logDestination: { write: (line: string) => void logLines.push(JSON.parse(line)) } },
  );
  apollo = await startTestApp(
    { SHARED_READS_MS: '0', COMPILED_QUERIES: 'false' },
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
  return {
    status: res.status,
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
      expect(pathOf(a.requestId)).toBe('compiled');
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
    expect(pathOf(r.requestId)).toBe('compiled');
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
