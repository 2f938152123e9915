import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { marked } from 'marked';

/**
 * Pages for a developer trying the API, never served in production: a GraphQL IDE (Ruru, the
 * GraphiQL distribution PostGraphile ships) on `GET /graphql` for browsers, its assets from the
 * `ruru` package on this server (nothing from a CDN), the README rendered at `/readme`, and a
 * small start page at `/` linking the three and the venue screens.
 */
export interface VenueScreen {
  /** Shown as the link text, e.g. "2024年石家庄市职工技能大赛 · 焊工". */
  label: string;
  /** Path of the screen page on this server. */
  href: string;
  /** The competition's stage, as the API names it. */
  stage: string;
}

export interface DevPagesOptions {
  graphqlPath: string;
  /** The screens worth opening now (the composition root asks the leaderboard module). */
  venueScreens: () => Promise<VenueScreen[]>;
}

const RURU_STATIC = '/ruru-static/';
const README = path.resolve(__dirname, '..', '..', '..', 'README.md');

/** Ruru runs inline module scripts and Monaco's workers; everything else stays on this origin. */
const IDE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'";

const DEFAULT_QUERY = `# Jingsai GraphQL API — queries, mutations and subscriptions (graphql-ws) on this one URL.
# Public reads need no sign-in. To act as an organizer or a judge, run SignIn with a demo
# account (the password is printed by \`npm start\`), then open "Headers" below and paste
#   { "Authorization": "Bearer <token>" }

query PublicCompetitions {
  competitions(first: 5) {
    totalCount
    nodes { id name status trades(first: 5) { nodes { id name } } }
  }
}

mutation SignIn {
  signIn(input: { username: "xian", password: "paste the demo password" }) {
    token
    errors { field message code }
  }
}
`;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Anchor of a README heading, as GitHub makes them (lower case, spaces to hyphens, punctuation dropped). */
export function headingAnchor(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="icon" href="/screen/favicon.svg">
<style>
body{font:16px/1.55 system-ui,"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
a{color:#0b5cad}code,pre{font-family:ui-monospace,monospace;background:#f3f4f6;border-radius:4px}
pre{padding:.75rem;overflow:auto}code{padding:0 .25rem}table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;vertical-align:top}
h1 small{font-weight:normal;color:#57606a;font-size:.6em}li{margin:.2rem 0}
</style></head><body>${body}</body></html>`;
}

export function devPagesRouter(options: DevPagesOptions): Router {
  const router = Router();
  const secure = (res: Response, csp: string) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
  };

  // The IDE's assets, as the `ruru` package ships them (its own middleware loads them through a
  // dynamic import, which jest's module runtime cannot follow). Resolved on first use: a
  // production start never touches the IDE's code.
  let assets: ReturnType<typeof express.static> | undefined;
  router.use(RURU_STATIC, (req, res, next) => {
    assets ??= express.static(path.join(path.dirname(require.resolve('ruru')), '..', 'static'), {
      fallthrough: false,
      index: false,
      maxAge: '1h',
    });
    res.setHeader('X-Content-Type-Options', 'nosniff');
    assets(req, res, next);
  });
  let ruruHTML: typeof import('ruru/server').ruruHTML | undefined;
  const loadRuruHTML = () =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, on first use
    (ruruHTML ??= (require('ruru/server') as typeof import('ruru/server')).ruruHTML);

  // A browser opening the API's URL gets the IDE; GraphQL requests (GET with ?query=, POST) pass on.
  // Middleware, not `router.get`: a route would also answer OPTIONS /graphql itself, and CORS
  // preflights must reach the GraphQL endpoint's own handling.
  router.use((req: Request, res: Response, next) => {
    if (req.method !== 'GET' || req.path !== options.graphqlPath) return next();
    const wantsPage = req.accepts(['application/json', 'application/graphql-response+json', 'text/html']);
    if (wantsPage !== 'text/html' || Object.keys(req.query).length > 0) return next();
    const wsProtocol = req.protocol === 'https' ? 'wss' : 'ws';
    const html = loadRuruHTML()({
      staticPath: RURU_STATIC,
      endpoint: options.graphqlPath,
      subscriptionEndpoint: `${wsProtocol}://${req.get('host')}${options.graphqlPath}`,
      // Ruru's own type marks every client setting required; these two are all we change.
      clientConfig: { defaultQuery: DEFAULT_QUERY, isHeadersEditorEnabled: true } as never,
      htmlParts: { titleTag: '<title>Jingsai GraphQL IDE · 竞赛 API</title>' },
    });
    secure(res, IDE_CSP);
    res.type('html').send(html);
  });

  router.get('/readme', async (_req, res) => {
    const renderer = new marked.Renderer();
    renderer.heading = ({ tokens, depth }) => {
      const inner = renderer.parser.parseInline(tokens);
      return `<h${depth} id="${headingAnchor(inner)}">${inner}</h${depth}>\n`;
    };
    const html = await marked.parse(readFileSync(README, 'utf8'), { renderer });
    secure(res, PAGE_CSP);
    res.type('html').send(page('Jingsai README', html));
  });

  router.get('/', async (_req, res) => {
    const sections = [...readFileSync(README, 'utf8').matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim());
    let screens: VenueScreen[] = [];
    try {
      screens = await options.venueScreens();
    } catch {
      // The start page still serves its links while the database is away.
    }
    const screenItems = screens.length
      ? screens
          .map(
            (s) =>
              `<li><a href="${escapeHtml(s.href)}">${escapeHtml(s.label)}</a> <small>(${escapeHtml(s.stage)})</small></li>`,
          )
          .join('')
      : '<li>No competition is under way yet.</li>';
    const body = `<h1>Jingsai 竞赛 <small>labor and skills competitions · 劳动和技能竞赛</small></h1>
<ul>
<li><a href="${escapeHtml(options.graphqlPath)}">GraphQL IDE</a>: the API at <code>${escapeHtml(options.graphqlPath)}</code>, with its documentation explorer; paste a bearer token under “Headers”.</li>
<li><a href="/readme">README</a></li>
</ul>
<h2>Venue screens 赛场大屏</h2><ul>${screenItems}</ul>
<h2>README sections</h2><ul>${sections
      .map((s) => `<li><a href="/readme#${headingAnchor(s)}">${escapeHtml(s)}</a></li>`)
      .join('')}</ul>
<p><small>This page and the IDE are served only outside production.</small></p>`;
    secure(res, PAGE_CSP);
    res.type('html').send(page('Jingsai 竞赛', body));
  });

  return router;
}
