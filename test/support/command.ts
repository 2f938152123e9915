import { spawn } from 'node:child_process';
import path from 'node:path';
import { withDatabase } from '../../src/shared/db/database';
import { adminUrl } from './db';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const ROOT = path.resolve(__dirname, '../..');

/**
 * Runs one of the project's commands (`scripts/<name>.ts`) as a child process, the way
 * `npm run` would, against the given test database; stdout is not a terminal, so progress
 * comes as plain lines.
 */
export function runCommand(script: string, args: string[], database: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', path.join(ROOT, 'scripts', script), ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: withDatabase(adminUrl(), database),
          LOG_QUERIES: 'false',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
