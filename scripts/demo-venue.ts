import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { playVenue } from '../seeds/venue';

/**
 * `npm run demo:venue`: plays the demo's contest under way on a running server (see
 * seeds/venue.ts). Start the server (`npm start`) on a seeded database first, then open the
 * screen address this prints.
 *
 * Exit codes: 0 played to the end (or interrupted); 1 failed; 2 usage error.
 */
const USAGE = `Usage: npm run demo:venue [-- --url <graphql url>] [--step <seconds>]

The demo judges mark the entrants of 2024年西安市职工职业技能大赛 · 焊工 still waiting, one per
step, through the API; the organizer freezes the public board two thirds of the way through,
closes scoring at the end and runs the reveal ceremony. Open the screen address it prints.

Options:
      --url <url>      The GraphQL endpoint (default http://127.0.0.1:$PORT/graphql, PORT 4000).
      --step <seconds> Time between steps (default 4).
  -h, --help           Print this help.

The demo accounts' password is SEED_ADMIN_PASSWORD (as given to \`npm run seed\`).`;

async function main(argv: string[]): Promise<number> {
  let values: { url?: string; step?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { url: { type: 'string' }, step: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const step = Number(values.step ?? 4);
  if (!Number.isFinite(step) || step < 0.05 || step > 600) {
    process.stderr.write(`error: --step must be a number of seconds between 0.05 and 600\n\n${USAGE}\n`);
    return 2;
  }
  const password = process.env.SEED_ADMIN_PASSWORD;
  if (!password) {
    process.stderr.write('error: SEED_ADMIN_PASSWORD is not set (the demo accounts’ password)\n');
    return 2;
  }
  const url = values.url ?? `http://127.0.0.1:${process.env.PORT ?? 4000}/graphql`;
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  try {
    await playVenue({
      url,
      password,
      tickMs: step * 1000,
      log: (l) => process.stdout.write(`${l}\n`),
      signal: stop.signal,
    });
    return 0;
  } catch (e) {
    process.stderr.write(`demo:venue: ${(e as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
