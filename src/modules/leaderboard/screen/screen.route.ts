import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type Response } from 'express';
import { type DefinitionNode, Kind, parse, print, visit } from 'graphql';
import { fromGlobalId } from '../../../shared/graphql/relay';
import { documentId } from '../../../shared/security/trusted-documents';

/**
 * The venue big screen: `GET /screen/trades/:tradeId` serves a plain HTML page (no build step)
 * that subscribes to `boardUpdates` over graphql-ws on the same origin, plus its script, its
 * style sheet and graphql-ws's browser build. Nothing is loaded from anywhere but this server.
 */
// Served from the source folder, as the server runs (like the trusted-document manifest).
const STATIC = __dirname;
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SCREEN_OPERATIONS = path.join(ROOT, 'clients', 'first-party', 'screen.graphql');
const GRAPHQL_WS = path.join(path.dirname(require.resolve('graphql-ws')), '..', 'umd', 'graphql-ws.min.js');

/** Only this server: scripts, styles and connections (http and ws) to the page's own origin. */
export const SCREEN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * The `ScreenBoard` operation as the trusted-document manifest holds it (printed with the
 * fragments it uses, as `scripts/trusted-documents.ts` builds it) and its documentId.
 */
export function screenBoardDocument(file = SCREEN_OPERATIONS): { query: string; documentId: string } {
  const definitions = parse(readFileSync(file, 'utf8')).definitions;
  const fragments = new Map(
    definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const op = definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === 'ScreenBoard');
  if (!op) throw new Error(`${file} has no ScreenBoard operation`);
  const used = new Set<string>();
  const collect = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        if (used.has(spread.name.value)) return;
        used.add(spread.name.value);
        const frag = fragments.get(spread.name.value);
        if (frag) collect(frag);
      },
    });
  collect(op);
  const query = [op, ...[...used].sort().map((n) => fragments.get(n)!)].map((d) => print(d)).join('\n\n');
  return { query, documentId: documentId(query) };
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
  router.get('/screen.css', asset(path.join(STATIC, 'screen.css'), 'text/css'));
  router.get('/graphql-ws.js', asset(GRAPHQL_WS, 'text/javascript'));
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
