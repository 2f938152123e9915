import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { CreateApiKeyDocument, SetResultsRulesDocument } from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import { launchBrowser, type Browser } from './support/browser';
import {
  buildWorld,
  moveTo,
  orgId,
  signOffAndRecheck,
  tablet,
  type World,
  runningTrade,
} from './support/world';

/**
 * The venue big screen end to end: the page served by the server, in headless Chromium (Debian's
 * `chromium`, or the one in the `@sparticuz/chromium` package; driven by playwright-core), shows the board as marks arrive through the API,
 * highlights rank changes, rotates pages, and reconnects by itself when the server drops it.
 */
/** The page's DOM as the functions run in the browser use it (the test's own types have no DOM). */
interface PageNode {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  querySelector(selector: string): PageNode | null;
}
declare const document: { body: PageNode; getElementById(id: string): PageNode | null } & PageNode;

const SCREENSHOT = path.join(os.tmpdir(), 'jingsai-screen.png');
const SCREENSHOT_RECONNECTING = path.join(os.tmpdir(), 'jingsai-screen-reconnecting.png');
const SCREENSHOT_PUBLISHED = path.join(os.tmpdir(), 'jingsai-screen-published.png');

let t: TestApp;
let w: World;
let tradeId: string;
let entrants: string[];
let judge: string;
let chief: string;
let competitionId: string;
let origin: string;
let browser: Browser | undefined;
const upgraded = new Set<Socket>();
const version = new Map<string, number>();

async function mark(entrantId: string, value: number) {
  const v = version.get(entrantId);
  const m = {
    idempotencyKey: randomUUID(),
    entrantId,
    aspectCode: 'P1',
    value,
    ...(v ? { correctsVersion: v, reason: '更正' } : {}),
  };
  const r = await tablet<{ submitMarks: { outcomes: { code: string | null; mark: { version: number } }[] } }>(
    t,
    judge,
    'TabletSubmitMarks',
    { input: { deviceId: 'tablet', marks: [m] } },
  );
  const o = r.submitMarks.outcomes[0]!;
  if (o.code) throw new Error(o.code);
  version.set(entrantId, o.mark.version);
}

interface ShownRow {
  id: string;
  rank: string;
  total: string;
  cls: string;
  move: string;
}

/** The rows the page shows now, top to bottom. */
const shown = (page: Page): Promise<ShownRow[]> =>
  page.$$eval('#rows .row', (els) =>
    els.map((e) => ({
      id: e.getAttribute('data-entrant'),
      rank: e.querySelector('.rank').firstChild.textContent,
      total: e.querySelector('.total').textContent,
      cls: e.className,
      move: e.querySelector('.move')?.textContent ?? '',
    })),
  );

/** Waits until the page shows these [entrant, rank, total] rows in this order, then asserts it. */
async function expectRows(
  page: Page,
  expected: [string, number, number][],
  ms = 30_000,
): Promise<ShownRow[]> {
  const want = expected.map(([id, rank, total]) => ({ id, rank: String(rank), total: total.toFixed(2) }));
  const plain = (rows: ShownRow[]) => rows.map(({ id, rank, total }) => ({ id, rank, total }));
  let rows: ShownRow[] = [];
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    rows = await shown(page);
    if (JSON.stringify(plain(rows)) === JSON.stringify(want)) break;
  }
  expect(plain(rows)).toEqual(want);
  return rows;
}

const state = (page: Page) => page.evaluate(() => document.body.dataset.state);

/** Opens the screen in a new tab; records what the browser reports about the page. */
async function open(
  query = '',
  prepare: (page: Page) => Promise<void> = async () => {},
): Promise<{ page: Page; problems: string[]; sent: string[] }> {
  const page = await browser!.context.newPage();
  await prepare(page);
  const problems: string[] = [];
  const sent: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text()))
      problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
  const res = await page.goto(`${origin}/screen/trades/${tradeId}${query}`);
  expect(res?.status()).toBe(200);
  const csp = res!.headers()['content-security-policy']!;
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).toContain("default-src 'none'");
  return { page, problems, sent };
}

beforeAll(async () => {
  // Fails (never skips) with a clear message when no Chromium can be had.
  browser = await launchBrowser();
  t = await startTestApp();
  origin = new URL(t.url).origin;
  // Every WebSocket the server accepts, so the test can drop them all server-side.
  t.app.httpServer.on('upgrade', (_req, socket: Socket) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
  });

  w = await buildWorld(t);
  ({ competitionId, tradeId, judge, chief, entrants } = await runningTrade(t, w, {
    name: '电工',
    entrants: 4,
    configure: async (tradeId) => {
      const rules = await t.gql(
        SetResultsRulesDocument,
        {
          input: {
            tradeId,
            tieBreak: [],
            awards: {
              by: 'COUNT',
              tiers: [
                { tier: 'FIRST', count: 1 },
                { tier: 'SECOND', count: 1 },
                { tier: 'THIRD', count: 1 },
              ],
            },
          },
        },
        { token: w.tokens.xian },
      );
      expect(rules.data!.setResultsRules.errors).toEqual([]);
    },
  }));
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

test('the screen shows marks as they arrive, highlights rank changes and reconnects by itself', async () => {
  const [e0, e1, e2, e3] = entrants as [string, string, string, string];
  const { page, problems } = await open();
  await page.waitForFunction(() => document.body.dataset.state === 'live');
  await page.waitForFunction(() => document.getElementById('trade')!.textContent!.startsWith('电工'));
  expect(await page.textContent('#competition')).toContain('电工测试赛');
  expect(await page.isVisible('#empty')).toBe(true);
  expect(await page.isVisible('#banner')).toBe(false);

  // Marks through the API appear, best first.
  await mark(e0, 70);
  await mark(e1, 90);
  await mark(e2, 80);
  await expectRows(page, [
    [e1, 1, 90],
    [e2, 2, 80],
    [e0, 3, 70],
  ]);
  const numbers = await page.$$eval('#rows .who', (els) => els.map((e) => e.textContent));
  expect(numbers.every((n) => /^\d{3,}$/.test(n!))).toBe(true); // anonymous numbers until publication

  // A correction takes e0 to the top: its rise and the others' fall are highlighted.
  await mark(e0, 95);
  const after = await expectRows(page, [
    [e0, 1, 95],
    [e1, 2, 90],
    [e2, 3, 80],
  ]);
  expect(after.map((r) => [r.cls, r.move])).toEqual([
    ['row up', '▲2'],
    ['row down', '▼1'],
    ['row down', '▼1'],
  ]);
  await page.screenshot({ path: SCREENSHOT });

  // The server drops every WebSocket and refuses new ones for a while; a mark lands meanwhile.
  const server = t.app.httpServer;
  const listeners = server.listeners('upgrade') as ((...a: unknown[]) => void)[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (_req, socket: Socket) => socket.destroy());
  expect(upgraded.size).toBeGreaterThan(0);
  for (const s of upgraded) s.destroy();
  await page.waitForFunction(() => document.body.dataset.state === 'reconnecting');
  expect(await page.textContent('#banner')).toContain('Connection lost');
  await page.screenshot({ path: SCREENSHOT_RECONNECTING });
  await mark(e3, 85);
  await new Promise((r) => setTimeout(r, 300));
  expect(await state(page)).toBe('reconnecting');
  server.removeAllListeners('upgrade');
  for (const l of listeners) server.on('upgrade', l);

  // Back by itself, with the state as it is now (a new snapshot).
  await expectRows(
    page,
    [
      [e0, 1, 95],
      [e1, 2, 90],
      [e3, 3, 85],
      [e2, 4, 80],
    ],
    10_000,
  );
  expect(await state(page)).toBe('live');
  expect(await page.isVisible('#banner')).toBe(false);
  expect(problems.filter((p) => !/WebSocket connection .* failed/.test(p))).toEqual([]);
  await page.close();
});

test('the page brings its own Chinese font and draws Chinese text with it', async () => {
  const { page, problems } = await open();
  await page.waitForFunction(() => document.getElementById('trade')!.textContent!.startsWith('电工'));
  // The style sheet names the font file; it is served by the API itself, cached for a long time.
  const css = await (await fetch(`${origin}/screen/screen.css`)).text();
  const fontPath = /url\('([^']+\.ttf)'\)/.exec(css)?.[1];
  expect(fontPath).toMatch(/^\/screen\/fonts\//);
  const font = await fetch(`${origin}${fontPath}`);
  expect(font.status).toBe(200);
  expect(font.headers.get('content-type')).toBe('font/ttf');
  expect(font.headers.get('cache-control')).toContain('immutable');
  const etag = font.headers.get('etag');
  expect(etag).toBeTruthy();
  await font.arrayBuffer();
  // Plain http: fetch adds `Cache-Control: no-cache` to a conditional request, which forbids a 304.
  const again = await new Promise<number | undefined>((resolve, reject) =>
    http
      .get(`${origin}${fontPath}`, { headers: { 'If-None-Match': etag! } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
      .on('error', reject),
  );
  expect(again).toBe(304);

  // The browser loaded the face and reports it usable for the trade name's characters.
  await page.waitForFunction(
    () =>
      (document as unknown as { fonts: { check(f: string, t: string): boolean } }).fonts.check(
        '48px "Jingsai Noto Sans SC"',
        '电工实时成绩',
      ),
    undefined,
    { timeout: 30_000 },
  );
  const status = await page.evaluate(() =>
    [...(document as unknown as { fonts: Iterable<{ family: string; status: string }> }).fonts].map(
      (f) => `${f.family}:${f.status}`,
    ),
  );
  expect(status.map((s) => s.replace(/"/g, ''))).toContain('Jingsai Noto Sans SC:loaded');
  // The renderer itself says which font drew the trade name and the column labels: ours.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  for (const selector of ['#trade', '.row.head .rank']) {
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    const cjk = fonts.filter(
      (f) => /Noto Sans SC/i.test(f.familyName) || /NotoSansSC/i.test(f.postScriptName),
    );
    expect({ selector, custom: cjk.some((f) => f.isCustomFont && f.glyphCount > 0) }).toEqual({
      selector,
      custom: true,
    });
  }
  expect(problems).toEqual([]);
  await page.close();
});

test('a long board rotates its pages', async () => {
  const { page, problems } = await open('?rows=2&rotate=2');
  await page.waitForFunction(() => document.body.dataset.state === 'live');
  expect(await page.evaluate(() => document.body.dataset.page)).toBe('1/2');
  expect((await shown(page)).map((r) => r.rank)).toEqual(['1', '2']);
  expect(await page.textContent('#page')).toContain('Page 1/2');
  await page.waitForFunction(() => document.body.dataset.page === '2/2', undefined, { timeout: 30_000 });
  expect((await shown(page)).map((r) => r.rank)).toEqual(['3', '4']);
  expect(problems).toEqual([]);
  await page.close();
});

test('a first-party screen key sends the trusted document by id', async () => {
  const created = await t.gql(
    CreateApiKeyDocument,
    {
      input: {
        name: '大屏',
        scopes: ['competitions:read'],
        organizationId: orgId(w.orgs.xian),
        firstParty: true,
      },
    },
    { token: w.tokens.xian },
  );
  const secret = created.data!.createApiKey.secret!;
  expect(secret).toBeTruthy();
  const { page, problems, sent } = await open(`?key=${encodeURIComponent(secret)}`);
  await page.waitForFunction(() => document.body.dataset.state === 'live');
  expect((await shown(page)).map((r) => r.total)).toEqual(['95.00', '90.00', '85.00', '80.00']);
  const subscribe = sent.map((f) => JSON.parse(f)).find((m) => m.type === 'subscribe');
  expect(subscribe.payload.query).toBe('');
  expect(subscribe.payload.extensions.documentId).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(sent.find((f) => f.includes('connection_init'))).toContain(secret);
  expect(problems).toEqual([]);
  await page.close();
});

test('the WebSocket origin check accepts the page’s own origin and refuses others', async () => {
  const attempt = (from: string) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(t.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { origin: from });
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(0));
    });
  expect(await attempt(origin)).toBe(101);
  expect(await attempt('http://elsewhere.example')).toBe(403);
});

test('an id that is not a trade is not found', async () => {
  const res = await fetch(`${origin}/screen/trades/nope`);
  expect(res.status).toBe(404);
  const js = await fetch(`${origin}/screen/graphql-ws.js`);
  expect(js.status).toBe(200);
  expect(await js.text()).toContain('graphql-transport-ws');
});

test('a missed frame (a seq gap) makes the screen resubscribe and catch up', async () => {
  const [e0, e1, e2, e3] = entrants as [string, string, string, string];
  let drop = false;
  let dropped = 0;
  let subscribes = 0;
  // Between the page and the server: count subscribes, lose one DELTA on the way.
  const { page, problems } = await open('', (p) =>
    p.routeWebSocket(/\/graphql$/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        if (String(m).includes('"type":"subscribe"')) subscribes += 1;
        server.send(m);
      });
      server.onMessage((m) => {
        if (drop && String(m).includes('"DELTA"')) {
          drop = false;
          dropped += 1;
          return;
        }
        ws.send(m);
      });
    }),
  );
  await page.waitForFunction(() => document.body.dataset.state === 'live');
  expect(subscribes).toBe(1);
  drop = true;
  await mark(e2, 82);
  for (let i = 0; i < 1000 && dropped === 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(dropped).toBe(1);
  await mark(e2, 84);
  await expectRows(page, [
    [e0, 1, 95],
    [e1, 2, 90],
    [e3, 3, 85],
    [e2, 4, 84],
  ]);
  expect(subscribes).toBe(2);
  expect(problems).toEqual([]);
  await page.close();
});

test('publication completes the subscription; the screen resubscribes and shows names, units and awards', async () => {
  const [e0, e1, e2, e3] = entrants as [string, string, string, string];
  const { page, problems } = await open();
  await page.waitForFunction(() => document.body.dataset.state === 'live');
  await moveTo(t, w.tokens.xian, competitionId, 'SCORING_CLOSED');
  await signOffAndRecheck(t, chief, tradeId);
  await moveTo(t, w.tokens.xian, competitionId, 'PUBLISHED');
  await page.waitForFunction(() => document.querySelector('#rows .who')?.textContent?.startsWith('电工'));
  await expectRows(page, [
    [e0, 1, 95],
    [e1, 2, 90],
    [e3, 3, 85],
    [e2, 4, 84],
  ]);
  const cells = await page.$$eval('#rows .row', (els) =>
    els.map((e) => [e.querySelector('.who').textContent, e.querySelector('.award').textContent]),
  );
  expect(cells).toEqual([
    ['电工0西安秦川焊接有限公司', '一等奖First'],
    ['电工1西安秦川焊接有限公司', '二等奖Second'],
    ['电工3西安秦川焊接有限公司', '三等奖Third'],
    ['电工2西安秦川焊接有限公司', ''],
  ]);
  expect(await page.textContent('#who-label')).toContain('Name / Unit');
  await page.waitForFunction(() =>
    document.getElementById('competition')!.textContent!.includes('Published'),
  );
  expect(await state(page)).toBe('live');
  await page.screenshot({ path: SCREENSHOT_PUBLISHED });
  expect(problems).toEqual([]);
  await page.close();
});
