import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * A headless Chromium for the browser tests, with nothing but `npm install`: Debian's
 * `/usr/bin/chromium` when the machine has it, otherwise the build shipped inside the
 * `@sparticuz/chromium` npm package (unpacked once into the system temp folder).
 */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** As the machine notes launch it: root, closed network, no GPU. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-zygote',
];

// In a child process: the package is ESM-only, and unpacking it is serialised across test
// processes (and concurrent suites) by a lock directory, so nobody starts a half-written binary.
const UNPACK = `
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const lock = path.join(os.tmpdir(), 'jingsai-chromium.lock');
const deadline = Date.now() + 120000;
(async () => {
  for (;;) {
    try { fs.mkdirSync(lock); break; } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 120000) { fs.rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new Error('timed out waiting for ' + lock);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    const { default: c } = await import('@sparticuz/chromium');
    process.stdout.write(await c.executablePath());
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
`;

let resolved: string | undefined;

/** The Chromium binary to drive; throws with a clear message when none can be had. */
export function chromiumPath(): string {
  if (resolved) return resolved;
  if (existsSync(SYSTEM_CHROMIUM)) return (resolved = SYSTEM_CHROMIUM);
  try {
    const out = execFileSync(process.execPath, ['-e', UNPACK], {
      cwd: path.resolve(__dirname, '..', '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180_000,
    }).trim();
    if (!out || !existsSync(out)) throw new Error(`@sparticuz/chromium returned "${out}"`);
    return (resolved = out);
  } catch (err) {
    throw new Error(
      `No Chromium for the browser tests: ${SYSTEM_CHROMIUM} is missing and the one inside the ` +
        `@sparticuz/chromium npm package could not be unpacked (run \`npm install\`): ${String(err)}`,
    );
  }
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh persistent context in a profile folder of its own, removed on close. */
export async function launchBrowser(viewport = { width: 1600, height: 900 }): Promise<Browser> {
  const executablePath = chromiumPath();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'jingsai-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport,
    });
    return {
      context,
      close: async () => {
        await context.close().catch(() => {});
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}
