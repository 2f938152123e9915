import { Client } from 'pg';
import { withDatabase } from '../../src/shared/db/database';

/** Server-level URL for creating and dropping the test databases. */
export function adminUrl(): string {
  const url = process.env.JINGSAI_TEST_SERVER_URL;
  if (!url) throw new Error('JINGSAI_TEST_SERVER_URL is unset: run the tests through jest (globalSetup).');
  return url;
}

export async function withAdminClient<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(adminUrl(), 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Database names carry the creating process's pid so leftovers of a crashed run can be recognised. */
export function templateName(runPid: number): string {
  return `jingsai_tpl_${runPid}`;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
