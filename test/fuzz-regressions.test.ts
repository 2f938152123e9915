import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { TradeEntrantStatusesDocument, TransitionCompetitionErrorsDocument } from './generated/graphql';
import { type RawResponse, startTestApp, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  orgId,
  type World,
  registerEntrant,
} from './support/world';

/**
 * Minimal reproductions of what test/fuzz.test.ts and scripts/fuzz.ts found, each
 * asserting the behaviour the fuzzer's checker demands: a JSON answer, status 200
 * or 4xx, and errors whose code is a string other than INTERNAL_SERVER_ERROR
 * (nor DATABASE_UNAVAILABLE while the database is up).
 */
let t: TestApp;
let w: World;
let competitionId: string;
let tradeId: string;
let entrantId: string;

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
  competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
  tradeId = await createTrade(t, w.tokens.xian, competitionId);
  const personId = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '回归选手');
  await t.gql(
    TransitionCompetitionErrorsDocument,
    { input: { id: competitionId, to: 'REGISTRATION_OPEN' } },
    { token: w.tokens.xian },
  );
  entrantId = await registerEntrant(t, w.tokens.xian, tradeId, personId);
});
afterAll(async () => t?.close());

/** An answer over HTTP or graphql-ws, raw or typed. */
type Answer = Pick<RawResponse, 'errors'> | { errors?: readonly { extensions?: Record<string, unknown> }[] };

const codes = (r: Answer) => (r.errors ?? []).map((e) => e.extensions?.code);

/** No internal error, no false "database unavailable", every error with a string code. */
function expectWellFormed(r: Answer) {
  for (const code of codes(r)) expect(typeof code).toBe('string');
  expect(codes(r)).not.toContain('INTERNAL_SERVER_ERROR');
  expect(codes(r)).not.toContain('DATABASE_UNAVAILABLE');
}

async function viaWs(
  payload: { query: string; variables?: Record<string, unknown>; operationName?: string },
  token?: string,
): Promise<RawResponse> {
  const client = createClient({
    url: t.url.replace('http', 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
  try {
    return await new Promise<RawResponse>((resolve) => {
      let result: RawResponse = {};
      client.subscribe(payload, {
        next: (r) => (result = r as RawResponse),
        error: (e) => resolve(Array.isArray(e) ? { errors: e as RawResponse['errors'] } : { errors: [] }),
        complete: () => resolve(result),
      });
    });
  } finally {
    await client.dispose();
  }
}

// Raw on purpose below: documents and variables as the fuzzer sent them (the wrong transport, NUL
// characters and lone surrogates, values that do not coerce, an unknown operation name).

test('a subscription sent over HTTP is refused, not run into a TypeError', async () => {
  // Was: 200 {"errors":[{"message":"Cannot read properties of undefined (reading 'competitionId')",
  // "extensions":{"code":"INTERNAL_SERVER_ERROR"}}]} from competition.resolver.ts (the @Root() event
  // is undefined: Apollo executes the subscription's resolve function without an event).
  const r = await t.raw({
    query: 'subscription($id: ID!) { competitionStatusChanged(competitionId: $id) { to } }',
    variables: { id: competitionId },
  });
  expect(r.status === 200 || (r.status >= 400 && r.status < 500)).toBe(true);
  expect(codes(r.json).length).toBeGreaterThan(0);
  expectWellFormed(r.json);
});

test('Trade.entrants filtered by statuses runs and filters', async () => {
  // Was: INTERNAL_SERVER_ERROR "… c.status = any(21::text[]) ) x where x.page_rn <= '{"REGISTERED"}' …
  // cannot cast type integer to text[]": childPageLoader (src/shared/graphql/loaders.ts) binds the
  // page size and the status filter in the wrong order.
  const registered = await t.gql(
    TradeEntrantStatusesDocument,
    { id: tradeId, statuses: ['REGISTERED'] },
    { token: w.tokens.xian },
  );
  expectWellFormed(registered);
  expect(registered.errors).toBeUndefined();
  expect(registered.data).toEqual({
    trade: { entrants: { totalCount: 1, nodes: [{ id: entrantId, status: 'REGISTERED' }] } },
  });
  const approved = await t.gql(
    TradeEntrantStatusesDocument,
    { id: tradeId, statuses: ['APPROVED'] },
    { token: w.tokens.xian },
  );
  expect(approved.errors).toBeUndefined();
  expect(approved.data).toEqual({ trade: { entrants: { totalCount: 0, nodes: [] } } });
});

describe('a NUL character (U+0000) in a string input is bad input, not "database unavailable"', () => {
  // Was: 200 {"errors":[{"message":"The database is unavailable; retry shortly.",
  // "extensions":{"code":"DATABASE_UNAVAILABLE","retryable":true}}],"data":null}: PostgreSQL refuses
  // the statement with SQLSTATE 08P01 (protocol violation, "invalid message format"), which
  // src/shared/db/availability.ts classes as a lost connection (class 08): clients would retry forever.
  test('in a search filter (anonymous)', async () => {
    const r = await t.raw({
      query: 'query($s: String) { organizations(filter: { search: $s }) { totalCount } }',
      variables: { s: 'a\u0000b' },
    });
    expectWellFormed(r.json);
  });

  test('in a mutation input (organizer)', async () => {
    const r = await t.raw(
      {
        query:
          'mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } errors { code } } }',
        variables: { i: { name: '张\u0000三', employerId: orgId(w.orgs.xianFirm) } },
      },
      { token: w.tokens.xian },
    );
    expectWellFormed(r.json);
  });

  test('in signIn (anonymous)', async () => {
    const r = await t.raw({
      query: 'mutation($i: SignInInput!) { signIn(input: $i) { token errors { code } } }',
      variables: { i: { username: 'admin\u0000', password: 'whatever-password' } },
    });
    expectWellFormed(r.json);
  });
});

test('over graphql-ws, variables that do not coerce are BAD_USER_INPUT, as over HTTP', async () => {
  // Was: {"message":"Variable \"$id\" got invalid value true; ID cannot represent value: true",
  // "extensions":{"code":"INTERNAL_SERVER_ERROR"}}: graphql-js gives these errors no code, Apollo adds
  // BAD_USER_INPUT on HTTP, and formatError in src/server.ts defaults the WebSocket ones to internal.
  const payload = { query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: true } };
  const http = await t.raw(payload);
  expect(codes(http.json)).toEqual(['BAD_USER_INPUT']);
  const ws = await viaWs(payload);
  expectWellFormed(ws);
  expect(codes(ws)).toEqual(['BAD_USER_INPUT']);
});

test('over graphql-ws, an operationName matching no operation is not an internal error', async () => {
  // Was: error message [{"message":"Unable to identify operation","extensions":{"code":"INTERNAL_SERVER_ERROR"}}];
  // HTTP answers 400 OPERATION_RESOLUTION_FAILURE.
  const payload = { query: 'query Viewer { viewer { kind } }', operationName: 'NoSuchOperation' };
  const http = await t.raw(payload);
  expect(codes(http.json)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
  const ws = await viaWs(payload);
  expect(codes(ws).length).toBeGreaterThan(0);
  expectWellFormed(ws);
});

test('a body that is not JSON gets a JSON error, not an HTML page with a stack trace', async () => {
  // Was: 400 text/html "<pre>SyntaxError: Unterminated string in JSON at position 10<br> at JSON.parse …"
  // from Express's default error handler (express.json() fails before any GraphQL middleware).
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"query":"',
  });
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
  const body = (await res.json()) as RawResponse;
  expect(typeof body.errors?.[0]?.extensions?.code).toBe('string');
  expect(JSON.stringify(body)).not.toContain('node_modules');
});

test('a lone surrogate in a string input is bad input, not an internal error from jsonb', async () => {
  // Was: 200 INTERNAL_SERVER_ERROR "invalid input syntax for type json … Unicode low surrogate must
  // follow a high surrogate" from the audit insert of lockMarks with reason "\udbff".
  const r = await t.raw({
    query: 'query($s: String) { organizations(filter: { search: $s }) { totalCount } }',
    variables: { s: 'x\udbff' },
  });
  expect(r.json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});

test('an expected failure raised by a query keeps its code instead of INTERNAL_SERVER_ERROR', async () => {
  // Was (20,000-operation run, admin): entrantMarksAsOf on an entrant that no longer exists answered
  // INTERNAL_SERVER_ERROR "No such entrant." with a stack trace.
  const r = await t.raw(
    {
      query: '{ entrantMarksAsOf(entrantId: "RW50cmFudDo5OTk5OTk", asOf: "2030-01-01T00:00:00Z") { value } }',
    },
    { token: w.tokens.admin },
  );
  expect(r.json.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
});
