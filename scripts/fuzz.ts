import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type ExecutionResult, print } from 'graphql';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { Account, type Role } from '../src/modules/account/account.entity';
import { hashPassword } from '../src/modules/account/password';
import { Organization, type OrganizationLevel } from '../src/modules/organization/organization.entity';
import { createApp, type App } from '../src/server';
import { resolveDatabase, withDatabase } from '../src/shared/db/database';
import { initOrm, migrate, type MikroORM } from '../src/orm';
import { type Auth, type GqlResult, PASSWORD, type RawResponse, type TestApp } from '../test/support/app';
import { isAlive } from '../test/support/db';
import {
  buildFuzzFixtures,
  fuzzEnv,
  loadFuzzSchema,
  planOperations,
  runCampaign,
  startPlannedServer,
  summarize,
  type FuzzStats,
} from '../test/support/fuzz';

/**
 * A long fuzzing run against a server of its own, on a scratch database:
 *
 *   node -r @swc-node/register scripts/fuzz.ts --operations 20000 --seed 1
 *
 * Uses DATABASE_URL's server when set, otherwise the embedded PostgreSQL. Creates
 * `jingsai_fuzz_<pid>` there, migrates it, builds the fixtures of the test world,
 * runs the campaign (the same generator and checks as test/fuzz.test.ts) and drops
 * the database. Exits 1 when any internal error or malformed answer was seen.
 */
const HELP = `Usage: scripts/fuzz.ts [--operations N] [--seed N] [--concurrency N] [--ws-rate R] [--out FILE]
  --operations   total operations, shared evenly by the six callers (default 20000)
  --seed         PRNG seed; the same seed replays the same operations (default 1)
  --concurrency  requests in flight (default 1: fully reproducible order)
  --ws-rate      share of operations sent over graphql-ws (default 0.08)
  --examples     distinct problems printed in full (default 30)
  --out          write every failure (operation, variables, role, answer) as JSON to FILE`;

const log = (line: string) => console.log(`[fuzz] ${line}`);

function options() {
  const { values } = parseArgs({
    options: {
      operations: { type: 'string', default: '20000' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '1' },
      'ws-rate': { type: 'string', default: '0.08' },
      examples: { type: 'string', default: '30' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      console.error(`--${name} must be a whole number ≥ ${min}\n${HELP}`);
      process.exit(2);
    }
    return n;
  };
  const wsRate = Number(values['ws-rate']);
  if (!(wsRate >= 0 && wsRate <= 1)) {
    console.error(`--ws-rate must be between 0 and 1\n${HELP}`);
    process.exit(2);
  }
  return {
    operations: int('operations', values.operations, 1),
    seed: int('seed', values.seed, 0),
    concurrency: int('concurrency', values.concurrency, 1),
    examples: int('examples', values.examples, 0),
    wsRate,
    out: values.out,
  };
}

async function withServer<T>(serverUrl: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The helpers of test/support/app.ts around an app of our own (no jest, no template database). */
function harness(app: App, orm: MikroORM, database: string): TestApp {
  let passwordHash: Promise<string> | null = null;
  const post = async (body: unknown, auth: Auth = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...auth.headers };
    if (auth.token) headers.authorization = `Bearer ${auth.token}`;
    if (auth.apiKey) headers['x-api-key'] = auth.apiKey;
    const res = await fetch(app.url, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as RawResponse };
  };
  return {
    app,
    orm,
    url: app.url,
    database,
    async gql<R, V>(doc: TypedDocumentNode<R, V>, variables?: V, auth?: Auth): Promise<GqlResult<R>> {
      const { status, json } = await post({ query: print(doc), variables }, auth);
      return { ...(json as ExecutionResult<R>), status };
    },
    raw: post,
    async account(role: Role, organization: Organization | null, username?: string) {
      passwordHash ??= hashPassword(PASSWORD);
      const em = orm.em.fork();
      const name = username ?? `${role.toLowerCase()}_${randomBytes(3).toString('hex')}`;
      const account = em.create(Account, {
        username: name,
        passwordHash: await passwordHash,
        displayName: name,
        role,
        organization: organization ? em.getReference(Organization, organization.id) : null,
      });
      await em.flush();
      const res = await post({
        query: 'mutation($i: SignInInput!) { signIn(input: $i) { token } }',
        variables: { i: { username: name, password: PASSWORD } },
      });
      const token = (res.json.data as { signIn: { token: string } } | undefined)?.signIn.token;
      if (!token) throw new Error(`sign-in of ${name} failed: ${JSON.stringify(res.json)}`);
      return { token, account };
    },
    async org(name: string, level: OrganizationLevel, parent: Organization | null = null) {
      const em = orm.em.fork();
      const o = em.create(Organization, {
        name,
        level,
        parent: parent ? em.getReference(Organization, parent.id) : null,
      });
      await em.flush();
      return o;
    },
    sql: async (text, params = []) => orm.em.getConnection().execute(text, params) as never,
    close: async () => {},
  };
}

async function main(): Promise<number> {
  const opts = options();
  const started = Date.now();
  // As under jest: Express then does not print every refused request body on stderr.
  process.env.NODE_ENV = 'test';
  const env = fuzzEnv(randomBytes(32).toString('hex'));
  const config = loadConfig({ LOG_LEVEL: 'silent', ...process.env, NODE_ENV: 'test', PORT: '0', ...env });
  const db = await resolveDatabase(config, log);
  const scratch = `jingsai_fuzz_${process.pid}`;
  let orm: MikroORM | null = null;
  let app: App | null = null;
  let planned: Awaited<ReturnType<typeof startPlannedServer>> | null = null;
  const abort = new AbortController();
  const onSignal = () => {
    log('interrupted: stopping after the operations in flight');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let stats: FuzzStats | null = null;
  try {
    await withServer(db.url, async (c) => {
      // Scratch databases of crashed runs (their pid is gone) go first.
      const { rows } = await c.query<{ datname: string }>(
        `select datname from pg_database where datname ~ '^jingsai_fuzz_[0-9]+$'`,
      );
      for (const { datname } of rows) {
        if (!isAlive(Number(datname.slice('jingsai_fuzz_'.length)))) {
          await c.query(`drop database if exists "${datname}" with (force)`);
        }
      }
      await c.query(`create database "${scratch}"`);
    });
    orm = await initOrm({ databaseUrl: withDatabase(db.url, scratch), poolMax: 5 });
    await migrate(orm);
    app = await createApp({ config, orm });
    const t = harness(app, orm, scratch);
    const fixtures = await buildFuzzFixtures(t);
    const schema = loadFuzzSchema();
    const perRole = Math.ceil(opts.operations / fixtures.callers.length);
    const plans = Object.fromEntries(
      fixtures.callers
        .filter((c) => c.firstParty)
        .map((c) => [c.role, planOperations(schema, fixtures.pool, c.role, perRole, opts.seed)]),
    );
    planned = await startPlannedServer(orm, env, plans);
    log(
      `database ${scratch}; ${perRole} operations × ${fixtures.callers.length} callers ` +
        `(${fixtures.callers.map((c) => c.role).join(', ')}), seed ${opts.seed}, concurrency ${opts.concurrency}`,
    );
    stats = await runCampaign({
      url: planned.app.url,
      schema,
      pool: fixtures.pool,
      callers: fixtures.callers,
      operationsPerRole: perRole,
      seed: opts.seed,
      plans,
      wsRate: opts.wsRate,
      concurrency: opts.concurrency,
      signal: abort.signal,
      progressEvery: 1000,
      onProgress: (done, total, s) => {
        const rate = done / ((Date.now() - started) / 1000);
        log(
          `${done}/${total} operations (${Math.round((100 * done) / total)}%), ${rate.toFixed(0)}/s; ` +
            `internal errors ${s.internalErrors}, failing ${s.failures.length}, ` +
            `invalid accepted ${s.invalidAccepted.length}`,
        );
      },
    });
    console.log(summarize(stats, opts.examples));
    if (opts.out) {
      writeFileSync(
        opts.out,
        JSON.stringify(
          {
            seed: opts.seed,
            failures: stats.failures,
            invalidAccepted: stats.invalidAccepted,
            generatorMisses: stats.generatorMisses,
          },
          null,
          2,
        ),
      );
      log(`failures written to ${opts.out}`);
    }
  } finally {
    await planned?.close().catch((e) => log(`closing the server: ${String(e)}`));
    await app?.close().catch((e) => log(`closing the server: ${String(e)}`));
    await orm?.close(true).catch(() => {});
    await withServer(db.url, (c) => c.query(`drop database if exists "${scratch}" with (force)`)).catch((e) =>
      log(`could not drop ${scratch}: ${String(e)}`),
    );
    await db.embedded?.stop().catch((e) => log(`stopping PostgreSQL: ${String(e)}`));
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!stats) return 1;
  const bad = stats.internalErrors > 0 || stats.failures.length > 0 || stats.invalidAccepted.length > 0;
  return bad ? 1 : 0;
}

main()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
