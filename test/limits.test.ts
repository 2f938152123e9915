import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { sqlStatements } from '../src/shared/db/orm';
import { type RawResponse, startTestApp, type TestApp } from './support/app';

/**
 * Each operation limit, at the limit (passes) and one beyond (refused with its
 * code before any resolver runs or any SQL is sent), over HTTP and WebSocket.
 * Small limits keep the documents readable; the defaults are checked apart.
 */
const LIMITS = {
  MAX_QUERY_CHARACTERS: '1000',
  MAX_QUERY_TOKENS: '60',
  MAX_QUERY_DEPTH: '4',
  MAX_QUERY_ALIASES: '3',
  MAX_QUERY_DIRECTIVES: '3',
  MAX_QUERY_COST: '100',
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(LIMITS);
});
afterAll(async () => t?.close());

async function viaHttp(query: string, variables: Record<string, unknown> = {}): Promise<RawResponse> {
  return (await t.raw({ query, variables })).json;
}

async function viaWs(query: string, variables: Record<string, unknown> = {}): Promise<RawResponse> {
  const client = createClient({
    url: t.url.replace('http', 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  try {
    return await new Promise<RawResponse>((resolve) => {
      let result: RawResponse = {};
      client.subscribe(
        { query, variables },
        {
          next: (msg) => (result = msg as RawResponse),
          error: (e) => resolve({ errors: e as RawResponse['errors'] }),
          complete: () => resolve(result),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

const repeat = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

interface LimitCase {
  name: string;
  atLimit: string;
  beyond: string;
  code: string;
  variables?: Record<string, unknown>;
}

const cases: LimitCase[] = [
  {
    name: 'depth',
    // organizations(1) → nodes(2) → parent(3) → name(4)
    atLimit: '{ organizations(first: 1) { nodes { parent { name } } } }',
    beyond: '{ organizations(first: 1) { nodes { parent { parent { name } } } } }',
    code: 'QUERY_TOO_DEEP',
  },
  {
    name: 'aliases',
    atLimit: `{ ${repeat(3, (i) => `a${i}: viewer { kind }`)} }`,
    beyond: `{ ${repeat(4, (i) => `a${i}: viewer { kind }`)} }`,
    code: 'TOO_MANY_ALIASES',
  },
  {
    name: 'directives',
    atLimit: '{ viewer { kind @include(if: true) role @include(if: true) scopes @skip(if: false) } }',
    beyond:
      '{ viewer { kind @include(if: true) role @include(if: true) scopes @skip(if: false) account @skip(if: false) { id } } }',
    code: 'TOO_MANY_DIRECTIVES',
  },
  {
    name: 'tokens',
    // `{ viewer { kind } }` is 6 tokens; each extra `scopes` adds one.
    atLimit: `{ viewer { kind ${repeat(54, () => 'scopes')} } }`,
    beyond: `{ viewer { kind ${repeat(55, () => 'scopes')} } }`,
    code: 'TOO_MANY_TOKENS',
  },
  {
    name: 'characters',
    atLimit: `{ viewer { kind } }${' '.repeat(1000 - '{ viewer { kind } }'.length)}`,
    beyond: `{ viewer { kind } }${' '.repeat(1001 - '{ viewer { kind } }'.length)}`,
    code: 'QUERY_TOO_LARGE',
  },
  {
    name: 'cost, multiplied by `first`',
    // 1 (connection) + first × (1 node + 1 field) + 1 (totalCount)… at first: 49 → 1 + 49 × 2 + … ≤ 100
    atLimit: 'query($n: Int) { organizations(first: $n) { nodes { name } } }',
    beyond: 'query($n: Int) { organizations(first: $n) { nodes { name } } }',
    code: 'QUERY_TOO_COSTLY',
  },
];

describe.each(['HTTP', 'WebSocket'] as const)('over %s', (transport) => {
  const send = (q: string, v?: Record<string, unknown>) =>
    transport === 'HTTP' ? viaHttp(q, v) : viaWs(q, v);

  test.each(cases)('$name: a document at the limit runs, one beyond is refused before any SQL', async (c) => {
    const isCost = c.code === 'QUERY_TOO_COSTLY';
    const ok = await send(c.atLimit, isCost ? { n: 49 } : {});
    expect(ok.errors).toBeUndefined();
    expect(ok.data).toBeDefined();

    const statementsBefore = sqlStatements.count;
    const refused = await send(c.beyond, isCost ? { n: 50 } : {});
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe(c.code);
    expect(sqlStatements.count).toBe(statementsBefore);
  });
});

test('the cost follows every variable it depends on: page sizes and @include / @skip', async () => {
  const q = `query($n: Int, $w: Boolean!) {
    organizations(first: 10) { nodes { children(first: $n) @include(if: $w) { totalCount } } }
  }`;
  expect((await viaHttp(q, { n: 10, w: false })).errors).toBeUndefined();
  const wide = await viaHttp(q, { n: 10, w: true });
  expect(wide.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
  expect((await viaHttp(q, { n: 1, w: true })).errors).toBeUndefined();
  expect((await viaHttp(q, { n: 10, w: false })).errors).toBeUndefined();
});

test('HTTP batching is refused', async () => {
  const r = await t.raw([{ query: '{ viewer { kind } }' }, { query: '{ viewer { kind } }' }]);
  expect(r.status).toBe(400);
  expect(r.json.errors?.[0]?.extensions?.code).toBe('BATCHING_DISABLED');
});

test('with the defaults, the product’s own deep queries pass, nested pages multiply the cost, `first` is capped', async () => {
  const d = await startTestApp();
  try {
    const deep = await d.raw({
      query: `{ competitions(first: 5) { nodes { trades(first: 5) { nodes { entrants(first: 5) {
        nodes { person { employer { parent { name } } } } } } } } } }`,
    });
    expect(deep.json.errors).toBeUndefined();
    const wide = await d.raw({
      query: '{ organizations(first: 100) { nodes { children(first: 100) { nodes { name } } } } }',
    });
    expect(wide.json.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', limit: 5000 });
    const capped = await d.raw({ query: '{ organizations(first: 101) { totalCount } }' });
    expect(capped.json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  } finally {
    await d.close();
  }
});
