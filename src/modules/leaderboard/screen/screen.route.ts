import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type Response } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { VenueScreen } from '../../../shared/http/dev-pages';
import { fromGlobalId, toGlobalId } from '../../../shared/graphql/relay';
import { loadManifest } from '../../../shared/security/trusted-documents';

/**
 * The venue big screen: `GET /screen/trades/:tradeId` serves a plain HTML page (no build step)
 * that subscribes to `boardUpdates` over graphql-ws on the same origin, plus its script, its
 * style sheet and graphql-ws's browser build. Nothing is loaded from anywhere but this server.
 */
// Served from the source folder, as the server runs (like the trusted-document manifest).
const STATIC = __dirname;
const GRAPHQL_WS = path.join(path.dirname(require.resolve('graphql-ws')), '..', 'umd', 'graphql-ws.min.js');
/**
 * The page's own CJK font (Noto Sans SC, OFL, from the npm registry): a screen's browser may
 * have no Chinese font at all. Served whole under a name carrying the package version, so it is
 * cached for a year and never fetched twice (ETag for the rare revalidation).
 */
const FONT_PACKAGE = path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
const FONT_FILE = path.join(FONT_PACKAGE, '400Regular', 'NotoSansSC_400Regular.ttf');
const FONT_VERSION = (
  JSON.parse(readFileSync(path.join(FONT_PACKAGE, 'package.json'), 'utf8')) as {
    version: string;
  }
).version;
/** Where the screen's style sheet finds the font. */
export const SCREEN_FONT_PATH = `/screen/fonts/noto-sans-sc-400-${FONT_VERSION}.ttf`;

/** Only this server: scripts, styles and connections (http and ws) to the page's own origin. */
export const SCREEN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/** The `ScreenBoard` operation and its documentId, as the committed trusted-document manifest holds them. */
export function screenBoardDocument(): { query: string; documentId: string } {
  const found = Object.entries(loadManifest()).find(([, text]) => /^subscription ScreenBoard\b/m.test(text));
  if (!found) throw new Error('the trusted-document manifest has no ScreenBoard operation');
  return { documentId: found[0], query: found[1] };
}

export function screenRouter(graphqlPath: string): Router {
  const template = readFileSync(path.join(STATIC, 'index.html'), 'utf8');
  const board = screenBoardDocument();
  const router = Router();
  const asset = (file: string, type: string) => (_req: unknown, res: Response) => {
    res.type(type).setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(file);
  };
  router.get('/screen.js', asset(path.join(STATIC, 'screen.js'), 'text/javascript'));
  router.get('/graphql-ws.js', asset(GRAPHQL_WS, 'text/javascript'));
  router.get(SCREEN_FONT_PATH.slice('/screen'.length), (_req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(FONT_FILE, {
      maxAge: '365d',
      immutable: true,
      etag: true,
      headers: { 'Content-Type': 'font/ttf' },
    });
  });
  // The style sheet names the versioned font file, so it is written once at start.
  const css = readFileSync(path.join(STATIC, 'screen.css'), 'utf8').replace('{{FONT_URL}}', SCREEN_FONT_PATH);
  router.get('/screen.css', (_req, res) => {
    res.type('text/css').setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(css);
  });
  router.get('/favicon.svg', asset(path.join(STATIC, 'favicon.svg'), 'image/svg+xml'));
  router.get('/trades/:tradeId', (req, res) => {
    const tradeId = req.params.tradeId;
    res.setHeader('Content-Security-Policy', SCREEN_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // A first-party key may be in the address (?key=): never send it on as a referrer.
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    if (fromGlobalId(tradeId)?.type !== 'Trade') {
      res.status(404).type('text/plain').send('No such trade. 没有这个赛项。');
      return;
    }
    // A data block, not a script: the CSP allows no inline script.
    const config = JSON.stringify({ tradeId, graphqlPath, ...board }).replace(/</g, '\\u003c');
    res.type('html').send(template.replace('{{CONFIG}}', () => config));
  });
  return router;
}

/** Trades whose screens are worth opening: running competitions first, then the latest others. */
export async function venueScreens(em: EntityManager, limit = 12): Promise<VenueScreen[]> {
  const rows = await em
    .getConnection()
    .execute<{ id: number; trade: string; competition: string; status: string }[]>(
      `select t.id, t.name as trade, c.name as competition, c.status
       from trade t join competition c on c.id = t.competition_id
      where c.status <> 'DRAFT'
      order by (c.status = 'RUNNING') desc, c.id desc, t.id
      limit ?`,
      [limit],
    );
  return rows.map((r) => ({
    label: `${r.competition} · ${r.trade}`,
    href: `/screen/trades/${toGlobalId('Trade', r.id)}`,
    stage: r.status,
  }));
}
