import { randomUUID } from 'node:crypto';
import { getOperationAST, parse, print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadManifest } from '../src/shared/security/trusted-documents';
import { PUBLIC_READ_POLICIES, trustedOperations } from '../src/transport/http-cache';
import { BoardResumeDocument, type BoardResumeSubscription } from './generated/graphql';
import { asClient, type RawResponse, startTestApp, type TestApp } from './support/app';
import { startNginx, type Nginx } from './support/nginx';
import { buildWorld, runningTrade, tablet, trustedDoc, type World } from './support/world';

/**
 * Public reads as a shared cache sees them: an anonymous GET by the id of a trusted public query
 * passes CSRF prevention and is answered with Cache-Control, a strong ETag (304 on
 * If-None-Match) and Vary; everything else is `no-store`. Then a real nginx, configured with
 * the README's block, in front of the server.
 */

interface Board {
  view: string;
  totalCount: number;
  nodes: { entrantId: string; total: number | null }[];
}

let t: TestApp;
let w: World;
let trade: Awaited<ReturnType<typeof runningTrade>>;

const BOARD = trustedDoc('PublicTradeBoard');
const COMPETITION = trustedDoc('PublicCompetition');

function query(id: string, variables: Record<string, unknown>): string {
  return `?${new URLSearchParams({ documentId: id, variables: JSON.stringify(variables) }).toString()}`;
}

/** A GET as a browser, CDN or proxy sends it: no preflight header; retried while the API says retryable. */
async function get(
  base: string,
  search: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: RawResponse }> {
  return asClient(async () => {
    const res = await fetch(`${base}${search}`, { headers });
    const text = await res.text();
    let json: RawResponse = {};
    try {
      json = text ? (JSON.parse(text) as RawResponse) : {};
    } catch {
      json = { errors: [{ message: text }] };
    }
    return { status: res.status, headers: res.headers, text, json };
  });
}

const boardOf = (r: { json: RawResponse }) => (r.json.data as { trade: { board: Board } }).trade.board;

async function mark(judge: string, entrantId: string, value: number) {
  const r = await tablet<{ submitMarks: { outcomes: { code: string | null }[] } }>(
    t,
    judge,
    'TabletSubmitMarks',
    {
      input: {
        deviceId: 'tablet',
        marks: [{ idempotencyKey: randomUUID(), entrantId, aspectCode: 'P1', value }],
      },
    },
  );
  const code = r.submitMarks.outcomes[0]!.code;
  if (code) throw new Error(code);
}

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
  trade = await runningTrade(t, w, { name: '钳工', entrants: 3 });
  await mark(trade.judge, trade.entrants[0]!, 70);
});
afterAll(async () => t?.close());

test('every policy names a trusted public query', () => {
  const operations = Object.values(loadManifest()).map((text) => getOperationAST(parse(text))!);
  for (const name of Object.keys(PUBLIC_READ_POLICIES)) {
    const found = operations.filter((op) => op.name?.value === name);
    expect(found.map((op) => op.operation)).toEqual(['query']);
  }
});

test('a manifest entry that does not parse, or holds two operations, names nothing', () => {
  const ops = trustedOperations({
    'sha256:a': 'query PublicTradeBoard { viewer { kind } }',
    'sha256:b': 'mutation M { x }',
    'sha256:c': 'query {',
    'sha256:d': 'query A { a } query B { b }',
    'sha256:e': 'query Other { viewer { kind } }',
  });
  expect(['a', 'b', 'c', 'd', 'e'].map((k) => ops.kindOf(`sha256:${k}`))).toEqual([
    'query',
    'mutation',
    undefined,
    undefined,
    'query',
  ]);
  expect(ops.policyOf('sha256:a')).toBe(PUBLIC_READ_POLICIES.PublicTradeBoard);
  expect(ops.policyOf('sha256:e')).toBeUndefined();
  expect(ops.policyOf('sha256:nothing')).toBeUndefined();
});

describe('on the server', () => {
  test('an anonymous GET of a public read passes without the preflight header and may be cached', async () => {
    const r = await get(t.url, query(BOARD, { tradeId: trade.tradeId, first: 20 }));
    expect(r.status).toBe(200);
    expect(r.json.errors).toBeUndefined();
    expect(boardOf(r).nodes.map((n) => n.total)).toEqual([70]);
    expect(r.headers.get('cache-control')).toBe('public, max-age=5, stale-while-revalidate=5');
    const etag = r.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    // CORS names Origin after the cache's own fields.
    expect(r.headers.get('vary')).toBe('Accept, Authorization, X-Api-Key, Origin');

    // The same answer, the same tag; If-None-Match with it: 304 and no body, the headers kept.
    const again = await get(t.url, query(BOARD, { tradeId: trade.tradeId, first: 20 }));
    expect(again.headers.get('etag')).toBe(etag);
    const notModified = await get(t.url, query(BOARD, { tradeId: trade.tradeId, first: 20 }), {
      'if-none-match': etag,
    });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(notModified.headers.get('cache-control')).toBe('public, max-age=5, stale-while-revalidate=5');
    const stale = await get(t.url, query(BOARD, { tradeId: trade.tradeId, first: 20 }), {
      'if-none-match': '"another"',
    });
    expect(stale.status).toBe(200);

    const competition = await get(t.url, query(COMPETITION, { id: trade.competitionId }));
    expect(competition.status).toBe(200);
    expect((competition.json.data as { competition: { id: string } }).competition.id).toBe(
      trade.competitionId,
    );
    expect(competition.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=300');

    // A cacheable answer carries no message, so it is the same in either language: Vary needs no
    // Accept-Language and a proxy keeps one copy.
    for (const [doc, variables] of [
      [BOARD, { tradeId: trade.tradeId, first: 20 }],
      [COMPETITION, { id: trade.competitionId }],
    ] as const) {
      const zh = await get(t.url, query(doc, variables), { 'accept-language': 'zh-CN' });
      const en = await get(t.url, query(doc, variables), { 'accept-language': 'en' });
      expect(zh.status).toBe(200);
      expect(en.text).toBe(zh.text);
      expect(en.headers.get('etag')).toBe(zh.headers.get('etag'));
    }
  });

  test('signed-in, POSTed, failed and unlisted reads are no-store, without an ETag', async () => {
    const noStore = (r: { headers: Headers }) => {
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('etag')).toBeNull();
    };
    // Signed in: the organizer sees the jury board, which no cache may keep.
    const signedIn = await get(t.url, query(BOARD, { tradeId: trade.tradeId, first: 20 }), {
      authorization: `Bearer ${w.tokens.xian}`,
    });
    expect(signedIn.status).toBe(200);
    expect(boardOf(signedIn).view).toBe('JURY');
    noStore(signedIn);
    // The same read POSTed.
    const posted = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ documentId: BOARD, variables: { tradeId: trade.tradeId } }),
    });
    expect(posted.status).toBe(200);
    noStore(posted);
    // An answer with errors (a variable missing; a page too large).
    const missing = await get(t.url, query(BOARD, {}));
    expect(missing.json.errors).toBeDefined();
    noStore(missing);
    const tooLarge = await get(t.url, query(BOARD, { tradeId: trade.tradeId, first: 1000 }));
    expect(tooLarge.json.errors).toBeDefined();
    noStore(tooLarge);
    // A trusted query without a policy passes CSRF prevention too, but is not cached.
    const viewer = await get(t.url, query(trustedDoc('TabletViewer'), {}));
    expect(viewer.status).toBe(200);
    expect(viewer.json.data).toEqual({ viewer: expect.objectContaining({ kind: 'ANONYMOUS' }) });
    noStore(viewer);
    // An unknown id.
    const unknown = await get(t.url, query('sha256:0000', {}));
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors![0]!.extensions!.code).toBe('TRUSTED_DOCUMENT_NOT_FOUND');
    noStore(unknown);
  });

  test('a trusted mutation over GET is 405 with Allow: POST; CSRF prevention still guards everything else', async () => {
    const submit = trustedDoc('TabletSubmitMarks');
    const byGet = await get(t.url, query(submit, { input: { deviceId: 'x', marks: [] } }), {
      authorization: `Bearer ${trade.judge}`,
    });
    expect(byGet.status).toBe(405);
    expect(byGet.headers.get('allow')).toBe('POST');
    expect(byGet.headers.get('cache-control')).toBe('no-store');

    // A GET with query text and no preflight header, and a simple POST, are refused as before.
    const text = await fetch(`${t.url}?${new URLSearchParams({ query: '{ viewer { kind } }' }).toString()}`);
    expect(text.status).toBe(400);
    const plain = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ documentId: BOARD, variables: { tradeId: trade.tradeId } }),
    });
    expect(plain.status).toBe(400);
    // Text sent beside a trusted id does not run: the trusted query does.
    const smuggled = await get(
      t.url,
      `${query(BOARD, { tradeId: trade.tradeId })}&${new URLSearchParams({ query: '{ viewer { kind } }' }).toString()}`,
    );
    expect(smuggled.status).toBe(200);
    expect(boardOf(smuggled).nodes.length).toBe(1);
  });
});

describe('behind nginx with the README configuration', () => {
  let proxy: Nginx;
  beforeAll(async () => {
    proxy = await startNginx(new URL(t.url).host);
  });
  afterAll(async () => proxy?.close());

  const path = (search: string) => `/graphql${search}`;

  test('the second read of a board comes from the proxy; a mark shows within the max-age; a signed-in read never comes from it', async () => {
    // A board of its own, so that no earlier read is in the cache.
    const own = await runningTrade(t, w, { name: '电工', entrants: 2 });
    await mark(own.judge, own.entrants[0]!, 60);
    const search = path(query(BOARD, { tradeId: own.tradeId, first: 20 }));

    const first = await get(proxy.origin, search);
    // The proxy stored its copy before this moment.
    const storedBy = Date.now();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache-status')).toBe('MISS');
    expect(boardOf(first).nodes.map((n) => n.total)).toEqual([60]);
    const second = await get(proxy.origin, search);
    expect(second.headers.get('x-cache-status')).toBe('HIT');
    expect(second.text).toBe(first.text);

    // A signed-in read of the same URL bypasses the cache (the jury view) and is not stored.
    const signedIn = await get(proxy.origin, search, { authorization: `Bearer ${w.tokens.xian}` });
    expect(signedIn.headers.get('x-cache-status')).toBe('BYPASS');
    expect(boardOf(signedIn).view).toBe('JURY');
    const afterSignedIn = await get(proxy.origin, search);
    expect(afterSignedIn.headers.get('x-cache-status')).toBe('HIT');
    expect(afterSignedIn.text).toBe(first.text);

    // A mark: within the board's max-age the proxy's answer shows it. The copy was stored
    // before `storedBy`, so it expires at most max-age later (nginx counts whole seconds: up to
    // 1 s more); a request sent after that gets the fresh board, however long it then takes.
    await mark(own.judge, own.entrants[1]!, 80);
    const marked = Date.now();
    const maxAgeMs = PUBLIC_READ_POLICIES.PublicTradeBoard!.maxAgeSeconds * 1000;
    const seen: string[] = [];
    let fresh: Awaited<ReturnType<typeof get>> | undefined;
    const expiredBy = storedBy + maxAgeMs + 1_000;
    for (;;) {
      const sent = Date.now();
      const r = await get(proxy.origin, search);
      seen.push(`${sent - marked} ms ${String(r.headers.get('x-cache-status'))}`);
      if (boardOf(r).nodes.length === 2) {
        fresh = r;
        break;
      }
      // Sent after the copy had expired and still the old board: the proxy kept it too long.
      if (sent > expiredBy) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!fresh)
      throw new Error(`the mark did not show through the proxy within the max-age: ${seen.join(', ')}`);
    expect(boardOf(fresh).nodes.map((n) => n.total)).toEqual([80, 60]);
    // The copy was expired, so the proxy asked the server again (a new body: not a 304).
    expect(['EXPIRED', 'MISS']).toContain(fresh.headers.get('x-cache-status'));
    expect((await get(proxy.origin, search)).headers.get('x-cache-status')).toBe('HIT');

    // Nothing changes now: once the copy expires, the proxy revalidates it with its ETag and the
    // server answers 304 (REVALIDATED), the same bytes served.
    let revalidated: Awaited<ReturnType<typeof get>> | undefined;
    for (
      const end = Date.now() + maxAgeMs + 2_000;
      Date.now() < end;
      await new Promise((r) => setTimeout(r, 100))
    ) {
      const r = await get(proxy.origin, search);
      if (r.headers.get('x-cache-status') !== 'HIT') {
        revalidated = r;
        break;
      }
    }
    expect(revalidated?.headers.get('x-cache-status')).toBe('REVALIDATED');
    expect(revalidated?.text).toBe(fresh.text);

    // An API key is a signed-in caller too.
    const keyed = await get(proxy.origin, search, { 'x-api-key': 'jsk_not_a_key' });
    expect(keyed.headers.get('x-cache-status')).toBe('BYPASS');
    expect(keyed.status).toBe(401);
  });

  test('graphql-ws passes through the same location: a board subscription gets its snapshot', async () => {
    const client = createClient({
      url: `${proxy.origin.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      const first = await new Promise<BoardResumeSubscription['boardUpdates']>((resolve, reject) => {
        const stop = client.subscribe(
          { query: print(BoardResumeDocument), variables: { tradeId: trade.tradeId, first: 10 } },
          {
            next: (m) => {
              stop();
              resolve((m.data as BoardResumeSubscription).boardUpdates);
            },
            error: reject,
            complete: () => reject(new Error('completed before any frame')),
          },
        );
      });
      expect(first.kind).toBe('SNAPSHOT');
      expect(first.rows.map((r) => r.total)).toEqual([70]);
    } finally {
      await client.dispose();
    }
  });
});
