import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { trustProxy } from './shared/security/origins';

/**
 * The one place configuration is read. Everything else receives a `Config`.
 * Validation fails loudly at start-up rather than at the first request.
 */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  /** Prefix of this deployment's Redis keys and event channels, so deployments can share a Redis. */
  REDIS_KEY_PREFIX: z.string().min(1).default('jingsai'),
  EMBEDDED_PG_DIR: z.string().default(path.resolve(process.cwd(), '.data', 'postgres')),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  JWT_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 3600),
  /**
   * Key of the HMAC under which national IDs are stored (never in the clear). Changing it
   * makes every stored ID unmatchable, so it is set once per deployment; required in production.
   */
  PERSON_ID_HMAC_KEY: z.string().min(32, 'PERSON_ID_HMAC_KEY must be at least 32 characters').optional(),
  /** How long a printable document's download link works (it carries its own authorization). */
  DOCUMENT_LINK_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  /** auto: load demo data when the database is empty. Unset means auto, except in production: never. */
  SEED_DEMO: z.enum(['auto', 'never']).optional(),
  SEED_ADMIN_PASSWORD: z.string().min(8).optional(),
  DB_POOL_MAX: z.coerce.number().int().positive().default(10),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  LOG_QUERIES: bool('false'),

  // --- API protection (see src/shared/security) ---
  /** Introspection; off in production unless turned on explicitly. */
  INTROSPECTION: z.enum(['true', 'false']).optional(),
  /** Browser origins allowed for CORS and WebSocket upgrades, comma-separated; the server's own origin always is. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  /** Manifest of trusted documents (id → text) for first-party clients; generated into schema/. */
  TRUSTED_DOCUMENTS_PATH: z.string().optional(),
  MAX_QUERY_CHARACTERS: z.coerce.number().int().positive().default(15_000),
  MAX_QUERY_TOKENS: z.coerce.number().int().positive().default(1_000),
  MAX_QUERY_DEPTH: z.coerce.number().int().positive().default(12),
  MAX_QUERY_ALIASES: z.coerce.number().int().nonnegative().default(15),
  MAX_QUERY_DIRECTIVES: z.coerce.number().int().nonnegative().default(50),
  MAX_QUERY_COST: z.coerce.number().int().positive().default(5_000),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  WS_INIT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().positive().default(20),
  WS_MAX_SOCKETS_PER_ACCOUNT: z.coerce.number().int().positive().default(10),
  WS_MAX_SOCKETS_PER_IP: z.coerce.number().int().positive().default(200),
  /**
   * Bytes a WebSocket may hold unsent (its `bufferedAmount`) before the server stops writing to it
   * and cuts it (a slow consumer: close code 4008 in the log); 0 turns the bound off.
   */
  WS_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(1024 * 1024),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_ACCOUNT_PER_MINUTE: z.coerce.number().int().positive().default(1_200),
  RATE_LIMIT_API_KEY_PER_MINUTE: z.coerce.number().int().positive().default(3_000),
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  SIGN_IN_LOCKOUT_SECONDS: z.coerce.number().int().positive().default(900),
  /**
   * Which forwarded address is the client's, with Express's `trust proxy` semantics: `false` (the
   * socket address, the default), `true`, a hop count, or comma-separated addresses / CIDR ranges
   * / `loopback`, `linklocal`, `uniquelocal`.
   */
  TRUST_PROXY: z.string().default('false'),
  /** Failed authentications (bad key or token) one address may make per minute before 429. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** Anonymous operations running at once; the rest of the pool stays free for judges and staff. */
  PUBLIC_CONCURRENCY: z.coerce.number().int().positive().optional(),
  /** Anonymous operations that may wait for a place, and for how long, before 503 + Retry-After. */
  PUBLIC_QUEUE_MAX: z.coerce.number().int().nonnegative().default(64),
  PUBLIC_QUEUE_WAIT_MS: z.coerce.number().int().positive().default(1_000),
  /** How long anonymous HTTP queries share an answer (src/shared/cache/shared-reads.ts); 0 turns it off. */
  SHARED_READS_MS: z.coerce.number().int().min(0).max(1_000).default(50),
  /**
   * How long anonymous HTTP readers share the trade and competition rows they read when no change
   * notice can be heard (while notices are heard, until one comes, 60 s at most); 0 turns it off.
   */
  SHARED_ROWS_MS: z.coerce.number().int().min(0).max(1_000).default(50),
  /** Anonymous HTTP queries run as compiled functions, past Apollo's pipeline (src/transport/compiled.ts). */
  COMPILED_QUERIES: bool('true'),
  /** With COMPILED_QUERIES, anonymous POSTs of queries compiled already skip Express (src/transport/direct.ts). */
  DIRECT_QUERIES: bool('true'),
  // The outbox dispatcher: how often it looks for undelivered events, and how old they must be.
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(3_600_000).default(1_000),
  OUTBOX_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  // Webhook deliveries: how often the worker looks for due ones, how long a receiver may take to
  // answer, and whether receivers on private, loopback or link-local addresses are allowed (SSRF).
  WEBHOOKS_POLL_MS: z.coerce.number().int().min(10).max(3_600_000).default(1_000),
  WEBHOOKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOKS_ALLOW_PRIVATE: bool('false'),

  // --- Operations (see src/shared/observability and the README's "Running it at a venue") ---
  /** pino level (in-process test servers set `silent`). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** Port of the separate `/metrics` listener (0: any free port); unset: no metrics endpoint. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Interface the metrics listener binds; keep it off the public network. */
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** OTLP/HTTP collector base URL (traces go to `<url>/v1/traces`); unset: no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** After SIGTERM, how long `/readyz` says 503 before the server stops taking requests. */
  SHUTDOWN_READY_DELAY_MS: z.coerce.number().int().min(0).default(5_000),
});

function bool(defaultValue: 'true' | 'false') {
  return z
    .enum(['true', 'false'])
    .default(defaultValue)
    .transform((v) => v === 'true');
}

export type Config = Omit<
  z.infer<typeof schema>,
  'JWT_SECRET' | 'INTROSPECTION' | 'SEED_DEMO' | 'PUBLIC_CONCURRENCY' | 'PERSON_ID_HMAC_KEY' | 'LOG_LEVEL'
> & {
  JWT_SECRET: string;
  PERSON_ID_HMAC_KEY: string;
  /** True when PERSON_ID_HMAC_KEY was not set and the development default is in use. */
  PERSON_ID_HMAC_KEY_IS_DEFAULT: boolean;
  INTROSPECTION: boolean;
  SEED_DEMO: 'auto' | 'never';
  PUBLIC_CONCURRENCY: number;
  LOG_LEVEL: NonNullable<z.infer<typeof schema>['LOG_LEVEL']>;
};

export class ConfigError extends Error {}

/** The public development key for national ID hashes; refused in production (see loadConfig). */
export const DEV_PERSON_ID_HMAC_KEY = 'jingsai-development-person-id-key-not-secret';

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const cfg = parsed.data;
  if (cfg.NODE_ENV === 'production' && !cfg.JWT_SECRET) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required when NODE_ENV=production');
  }
  if (cfg.NODE_ENV === 'production' && !cfg.PERSON_ID_HMAC_KEY) {
    throw new ConfigError('Invalid configuration:\n  PERSON_ID_HMAC_KEY: required when NODE_ENV=production');
  }
  // A statement must be cancelled before the request's deadline answers, so a
  // timed-out request never commits behind the client's back.
  if (cfg.DB_STATEMENT_TIMEOUT_MS >= cfg.REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      'Invalid configuration:\n  DB_STATEMENT_TIMEOUT_MS: must be below REQUEST_TIMEOUT_MS',
    );
  }
  try {
    trustProxy(cfg.TRUST_PROXY);
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  TRUST_PROXY: ${(err as Error).message}`);
  }
  const production = cfg.NODE_ENV === 'production';
  // Demo data (and its shared password) only where asked for; in production only explicitly,
  // and then with a password the operator chose, since none is ever printed there.
  const SEED_DEMO = cfg.SEED_DEMO ?? (production ? 'never' : 'auto');
  if (production && SEED_DEMO === 'auto' && !cfg.SEED_ADMIN_PASSWORD) {
    throw new ConfigError(
      'Invalid configuration:\n  SEED_ADMIN_PASSWORD: required for SEED_DEMO=auto when NODE_ENV=production',
    );
  }
  // A quarter of the pool for anonymous work by default: the rest never waits behind the public.
  // More does not serve the public faster (its reads are shared and short) but slows the judges.
  const PUBLIC_CONCURRENCY = cfg.PUBLIC_CONCURRENCY ?? Math.max(1, Math.floor(cfg.DB_POOL_MAX / 4));
  // Outside production a missing secret gets a per-process random one: tokens
  // then die with the process, which is the safe failure for a dev machine.
  const JWT_SECRET = cfg.JWT_SECRET ?? randomBytes(32).toString('hex');
  const INTROSPECTION = cfg.INTROSPECTION ? cfg.INTROSPECTION === 'true' : cfg.NODE_ENV !== 'production';
  // Not random like JWT_SECRET: stored hashes must still match after a restart, and a server
  // and the import command must agree. The fixed default is public, so it is for development only.
  const PERSON_ID_HMAC_KEY = cfg.PERSON_ID_HMAC_KEY ?? DEV_PERSON_ID_HMAC_KEY;
  const PERSON_ID_HMAC_KEY_IS_DEFAULT = !cfg.PERSON_ID_HMAC_KEY;
  const LOG_LEVEL = cfg.LOG_LEVEL ?? 'info';
  return {
    ...cfg,
    JWT_SECRET,
    INTROSPECTION,
    SEED_DEMO,
    PUBLIC_CONCURRENCY,
    PERSON_ID_HMAC_KEY,
    PERSON_ID_HMAC_KEY_IS_DEFAULT,
    LOG_LEVEL,
    ...overrides,
  };
}

/**
 * Configuration for local commands (migrate, seed, import, audit): they sign
 * no tokens, so a missing JWT_SECRET is no error even in production.
 */
export function loadToolConfig(
  env: NodeJS.ProcessEnv = process.env,
  { hashesNationalIds = false }: { hashesNationalIds?: boolean } = {},
): Config {
  // Only commands that hash national IDs (the imports) need the deployment's key; the others
  // get a throwaway one so that a production migrate or seed does not ask for it.
  const throwaway = env.NODE_ENV === 'production' && !hashesNationalIds;
  return loadConfig({
    ...env,
    JWT_SECRET: env.JWT_SECRET || randomBytes(32).toString('hex'),
    PERSON_ID_HMAC_KEY: env.PERSON_ID_HMAC_KEY || (throwaway ? randomBytes(32).toString('hex') : undefined),
  });
}
