import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type ExecutionResult } from 'graphql';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../../src/config';
import { Account, Role } from '../../src/modules/account/account.entity';
import { hashPassword } from '../../src/modules/account/password';
import { Organization, OrganizationLevel } from '../../src/modules/organization/organization.entity';
import { createApp, type App } from '../../src/server';
import { withDatabase } from '../../src/shared/db/database';
import { initOrm, type MikroORM } from '../../src/orm';
import { toGlobalId } from '../../src/shared/graphql/relay';
import { SignInTokenDocument } from '../generated/graphql';
import { adminUrl, templateName, withAdminClient } from './db';

export interface Auth {
  token?: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

export interface GqlResult<T> extends ExecutionResult<T> {
  status: number;
}

export interface RawResponse {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export const PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | null = null;

export interface TestApp {
  app: App;
  orm: MikroORM;
  url: string;
  database: string;
  gql<R, V>(doc: TypedDocumentNode<R, V>, variables?: V, auth?: Auth): Promise<GqlResult<R>>;
  /**
   * Posts any body as it is: only for what a typed document cannot say (malformed or hostile
   * documents, batches, trusted-document ids). Everything else goes through `gql`.
   */
  raw(body: unknown, auth?: Auth): Promise<{ status: number; json: RawResponse }>;
  /** Inserts an account directly and signs it in over the API. */
  account(
    role: Role,
    organization: Organization | null,
    username?: string,
  ): Promise<{ token: string; account: Account }>;
  /** Inserts an organization directly (fixtures); the API path is tested on its own. */
  org(name: string, level: OrganizationLevel, parent?: Organization | null): Promise<Organization>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * A server on its own database cloned from the migrated template, listening on a free port;
 * or, with `database`, another instance on that test app's database (which its owner drops).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { database?: string; clock?: () => Date; logDestination?: DestinationStream } = {},
): Promise<TestApp> {
  const owner = !options.database;
  const database =
    options.database ?? `jingsai_t_${process.env.JINGSAI_TEST_RUN_PID}_${randomBytes(4).toString('hex')}`;
  const template = templateName(Number(process.env.JINGSAI_TEST_RUN_PID));
  if (owner) await withAdminClient((c) => c.query(`create database "${database}" template "${template}"`));
  const databaseUrl = withDatabase(adminUrl(), database);
  // Suites send thousands of requests from one IP; the rate-limit tests set their own small limits.
  const generous = {
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_ACCOUNT_PER_MINUTE: '1000000',
    RATE_LIMIT_API_KEY_PER_MINUTE: '1000000',
    // Bursts of anonymous reads wait for the public lane rather than being shed (tests that shed set their own).
    PUBLIC_QUEUE_MAX: '100000',
    PUBLIC_QUEUE_WAIT_MS: '8000',
    // The outbox dispatcher's and the webhook worker's idle turns would show in the suites that
    // count statements and pool requests; each still runs once at start (awaited), and the outbox
    // and webhook tests set their own intervals.
    OUTBOX_POLL_MS: '600000',
    WEBHOOKS_POLL_MS: '600000',
  };
  // Quiet logs even for the production-mode apps; a test that reads the log sets its own level.
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    ...generous,
    ...env,
  });
  const orm = await initOrm({ databaseUrl, poolMax: 5, statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS });
  const app = await createApp({ config, orm, clock: options.clock, logDestination: options.logDestination });

  const post = async (body: unknown, auth: Auth = {}) => {
    // English unless a test asks otherwise: assertions on messages read the English text.
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'accept-language': 'en',
      ...auth.headers,
    };
    if (auth.token) headers.authorization = `Bearer ${auth.token}`;
    if (auth.apiKey) headers['x-api-key'] = auth.apiKey;
    const res = await fetch(app.url, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as RawResponse };
  };

  const t: TestApp = {
    app,
    orm,
    url: app.url,
    database,
    async gql(doc, variables, auth) {
      const { status, json } = await post({ query: print(doc), variables }, auth);
      return { ...(json as ExecutionResult<never>), status } as GqlResult<never>;
    },
    raw: post,
    async account(role, organization, username) {
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
      const res = await t.gql(SignInTokenDocument, { input: { username: name, password: PASSWORD } });
      const token = res.data?.signIn.token;
      if (!token) throw new Error(`signIn failed: ${JSON.stringify(res)}`);
      return { token, account };
    },
    async org(name, level, parent = null) {
      const em = orm.em.fork();
      const o = em.create(Organization, {
        name,
        level,
        parent: parent ? em.getReference(Organization, parent.id) : null,
      });
      await em.flush();
      return o;
    },
    sql: async (text, params = []) => {
      const rows = await orm.em.getConnection().execute(text, params);
      // A write behind the API's back, as from another instance: the tests want it seen at once.
      app.forgetRecentReads();
      return rows as never;
    },
    async close() {
      await app.close();
      await orm.close(true);
      if (!owner) return;
      await withAdminClient((c) => c.query(`drop database if exists "${database}" with (force)`)).catch(
        () => {},
      );
    },
  };
  return t;
}

export const gid = toGlobalId;

/**
 * Sends as a well-behaved client does under load: while the API calls a failure retryable
 * (429 or 503, or every error with `extensions.retryable`), waits with jittered back-off and
 * sends again, for up to `patienceMs`; any other answer is returned as it is.
 */
export async function asClient<T extends { status: number; json: RawResponse }>(
  send: () => Promise<T>,
  patienceMs = 180_000,
): Promise<T> {
  const deadline = Date.now() + patienceMs;
  for (let attempt = 0; ; attempt++) {
    const r = await send();
    const errors = r.json.errors ?? [];
    const retryable =
      r.status === 429 ||
      r.status === 503 ||
      (errors.length > 0 && errors.every((e) => e.extensions?.retryable === true));
    if (!retryable || Date.now() > deadline) return r;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt) * (0.5 + Math.random())),
    );
  }
}
