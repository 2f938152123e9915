import type { IncomingMessage } from 'node:http';

/**
 * Browser origins allowed to call the API: the configured allowlist plus the
 * server's own origin (pages it serves). Requests without an Origin header are
 * not from a browser page and are not subject to CORS.
 */
export function originAllowed(
  origin: string | undefined,
  allowlist: string[],
  req: IncomingMessage,
): boolean {
  if (!origin) return true;
  if (allowlist.includes('*') || allowlist.includes(origin)) return true;
  const host = req.headers.host;
  return !!host && (origin === `http://${host}` || origin === `https://${host}`);
}

/** The client address; behind a proxy set `app.set('trust proxy', …)` in one place instead. */
export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
