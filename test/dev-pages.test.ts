import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app';
import { launchBrowser, type Browser } from './support/browser';
import { buildWorld, createCompetition, createTrade, moveTo, type World } from './support/world';

/**
 * The first minute of a developer, in a real browser: the start page at `/` links the IDE,
 * the venue screens and the README's sections; the API's own URL opened in a browser is a
 * GraphQL IDE served from this server alone, which runs queries and subscriptions.
 */
/** The page's DOM as functions run in the browser use it (the test's own types have no DOM). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

let t: TestApp;
let w: World;
let browser: Browser;
let tradeId: string;

beforeAll(async () => {
  browser = await launchBrowser({ width: 1400, height: 900 });
  t = await startTestApp();
  w = await buildWorld(t);
  const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian, {
    name: '2024年西安市焊工大赛',
  });
  tradeId = await createTrade(t, w.tokens.xian, competitionId, { name: '焊工' });
  await moveTo(t, w.tokens.xian, competitionId, 'REGISTRATION_OPEN');
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A new tab that records requests leaving for anywhere but this server, and page errors. */
async function open(path: string): Promise<{ page: Page; foreign: string[]; problems: string[] }> {
  const page = await browser.context.newPage();
  const origin = new URL(t.url).origin;
  const foreign: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('ws://127.0.0.1') && !/^(data|blob):/.test(url))
      foreign.push(url);
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused/.test(m.text())) problems.push(m.text());
  });
  const res = await page.goto(origin + path);
  expect(res?.status()).toBe(200);
  return { page, foreign, problems };
}

test('the start page links the IDE, the venue screens and the README sections', async () => {
  const { page, foreign, problems } = await open('/');
  expect(await page.title()).toContain('Jingsai');
  expect(await page.getAttribute('a:text("GraphQL IDE")', 'href')).toBe('/graphql');
  const screen = page.locator(`a[href="/screen/trades/${tradeId}"]`);
  expect(await screen.textContent()).toBe('2024年西安市焊工大赛 · 焊工');

  await page.click('a:text("Using the API")');
  await page.waitForURL(/\/readme#using-the-api$/);
  expect(await page.isVisible('h2#using-the-api')).toBe(true);

  await page.goto(new URL(t.url).origin + '/');
  await screen.click();
  await page.waitForURL(new RegExp(`/screen/trades/${tradeId}$`));
  expect(foreign).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
});

test('the API URL opened in a browser is a GraphQL IDE that runs queries and subscriptions', async () => {
  const { page, foreign, problems } = await open('/graphql');
  // The schema arrives through introspection, and the documentation explorer can show it.
  await page.waitForSelector('.graphiql-query-editor .monaco-editor', { timeout: 60_000 });
  // A top-level `const` of the page's script: reachable by name, not as a property of window.
  const config = (await page.evaluate('RURU_CONFIG')) as Record<string, string>;
  expect(config.endpoint).toBe('/graphql');
  expect(config.subscriptionEndpoint).toBe(`ws://${new URL(t.url).host}/graphql`);
  expect(config.staticPath).toBe('/ruru-static/');

  // Replace the example with one query and run it with the editor's shortcut.
  const run = async (text: string) => {
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
    // The IDE names the tab after the operation once it has parsed the new text: run after that.
    const name = /^\w+ (\w+)/.exec(text)![1]!;
    await page.waitForFunction(
      (n) => document.querySelector('.graphiql-tab-active')?.textContent?.includes(n),
      name,
    );
    await page.keyboard.press('Control+Enter');
  };
  const response = page.locator('.graphiql-response .result-window');
  /** The response pane's text once it matches (or whatever it shows after a minute). */
  const shows = async (pattern: RegExp): Promise<string> => {
    let text = '';
    for (const end = Date.now() + 60_000; Date.now() < end; await page.waitForTimeout(100)) {
      text = (await response.textContent()) ?? '';
      if (pattern.test(text)) break;
    }
    if (!pattern.test(text))
      await page.screenshot({ path: path.join(os.tmpdir(), 'jingsai-ide-failed.png') });
    return text;
  };
  await run('query Orgs { organizations(first: 3) { totalCount } }');
  expect(await shows(/"totalCount":\s*7/)).toMatch(/"totalCount":\s*7/);

  // A subscription goes over graphql-ws to the same URL: the board's first frame is a snapshot.
  await run(`subscription Board { boardUpdates(tradeId: "${tradeId}") { kind seq } }`);
  expect(await shows(/"kind":\s*"SNAPSHOT"/)).toMatch(/"kind":\s*"SNAPSHOT"/);

  expect(foreign).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
}, 180_000);

test('a GraphQL request to the same URL is still answered as GraphQL', async () => {
  const res = await fetch(`${t.url}?query=${encodeURIComponent('{ __typename }')}`, {
    headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
  });
  expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  const post = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/html, application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
});
