import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian's nginx (package nginx-light); NGINX names another binary. */
export const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';

/**
 * The proxy configuration README.md documents: its first ```nginx block, taken literally so that
 * the documented configuration is the tested one. The test puts its own addresses in place of
 * the upstream, the listening port and the cache folder the README names.
 */
export function readmeProxyConfig(): string {
  const readme = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = /^```nginx\n([\s\S]*?)^```$/m.exec(readme);
  if (!block) throw new Error('README.md has no ```nginx block (the proxy configuration)');
  return block[1]!;
}

export const README_UPSTREAM = 'server 127.0.0.1:4000;';
export const README_LISTEN = 'listen 80;';
export const README_CACHE_PATH = '/var/cache/nginx/jingsai';

export interface Nginx {
  /** http://127.0.0.1:<port> */
  origin: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function replaceOnce(text: string, from: string, to: string): string {
  if (text.split(from).length !== 2) throw new Error(`the README's nginx block must say \`${from}\` once`);
  return text.replace(from, () => to);
}

/**
 * Starts nginx as a single foreground process of this user (no master, no daemon) with a
 * prefix of its own in a temporary folder, proxying to `upstream` (host:port) with the README's
 * configuration. A machine without nginx fails the test: it never skips.
 */
export async function startNginx(upstream: string): Promise<Nginx> {
  if (!existsSync(NGINX)) {
    throw new Error(
      `nginx is not installed (${NGINX} is missing): the caching-proxy test needs it. ` +
        'Install it with `apt-get install nginx-light` (.ci/run does so).',
    );
  }
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'jingsai-nginx-'));
  const port = await freePort();
  let site = readmeProxyConfig();
  site = replaceOnce(site, README_UPSTREAM, `server ${upstream};`);
  site = replaceOnce(site, README_LISTEN, `listen 127.0.0.1:${port};`);
  site = replaceOnce(site, README_CACHE_PATH, path.join(prefix, 'cache'));
  const conf = path.join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    [
      'daemon off;',
      'master_process off;',
      'worker_processes 1;',
      `pid ${path.join(prefix, 'nginx.pid')};`,
      `error_log ${path.join(prefix, 'error.log')} warn;`,
      'events { worker_connections 256; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (t) => `  ${t}_temp_path ${path.join(prefix, `${t}_temp`)};`,
      ),
      site,
      '}',
      '',
    ].join('\n'),
  );

  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', conf, '-e', path.join(prefix, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const log = () => {
    try {
      return readFileSync(path.join(prefix, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };

  const origin = `http://127.0.0.1:${port}`;
  // Ready once it answers; the deadline names what went wrong.
  for (const end = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 25))) {
    if (exited !== undefined) throw new Error(`nginx exited (${exited}): ${stderr}${log()}`);
    try {
      await fetch(`${origin}/nginx-ready`);
      break;
    } catch {
      if (Date.now() > end) {
        child.kill('SIGKILL');
        throw new Error(`nginx did not listen on ${origin} within 10 s: ${stderr}${log()}`);
      }
    }
  }

  return {
    origin,
    async close() {
      if (exited === undefined) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
