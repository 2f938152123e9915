import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { registry } from './metrics';

/**
 * `/livez`: the process answers (an orchestrator restarts it when not). `/readyz`: it should get
 * traffic: not draining and `check` finds nothing wrong (database, migrations). `/healthz` is the
 * older name of `/readyz`.
 */
export function healthRouter(state: { draining: boolean }, check: () => Promise<string | null>): Router {
  const router = Router();
  router.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get(['/readyz', '/healthz'], async (_req, res) => {
    if (state.draining) return void res.status(503).json({ status: 'draining' });
    const problem = await check().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
    if (problem) return void res.status(503).json({ status: problem });
    res.json({ status: 'ok' });
  });
  return router;
}

/** `/metrics` on a listener of its own, so the public port never serves it. */
export async function startMetricsServer(
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' ? 'localhost' : host;
  return {
    url: `http://${shown}:${bound}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
