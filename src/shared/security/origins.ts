import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

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

type Trust = (address: string, hop: number) => boolean;
const compiled = new Map<string, Trust>();

/**
 * `TRUST_PROXY` as Express reads `trust proxy`: `true`/`false`, a hop count, or comma-separated
 * addresses, CIDR ranges and the names `loopback`, `linklocal`, `uniquelocal`. Throws when invalid.
 */
export function trustProxy(setting: string): Trust {
  const known = compiled.get(setting);
  if (known) return known;
  const v = setting.trim();
  let trust: Trust;
  if (v === '' || v === 'false') trust = () => false;
  else if (v === 'true') trust = () => true;
  else if (/^\d+$/.test(v)) {
    const hops = Number(v);
    trust = (_a, i) => i < hops;
  } else
    trust = proxyaddr.compile(
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );
  compiled.set(setting, trust);
  return trust;
}

/**
 * The client address: the socket's, or with `TRUST_PROXY` the nearest address in
 * `X-Forwarded-For` not vouched for by a trusted proxy (a header from an untrusted peer is ignored).
 */
export function clientIp(req: IncomingMessage, setting = 'false'): string {
  if (!req.socket?.remoteAddress) return 'unknown';
  return proxyaddr(req, trustProxy(setting));
}
