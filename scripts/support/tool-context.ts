import type { Config } from '../../src/config';
import { createDomainEvents } from '../../src/events';
import { createLoaders } from '../../src/loaders';
import { Role } from '../../src/modules/account/account.entity';
import { DocumentLinks } from '../../src/modules/documents/links';
import { BoardHub } from '../../src/modules/leaderboard/board.service';
import { PersonKeys } from '../../src/modules/person/person-keys';
import { WebhookWorker } from '../../src/modules/webhook/worker';
import type { MikroORM } from '../../src/orm';
import type { Viewer } from '../../src/shared/access/viewer';
import type { ResolvedDatabase } from '../../src/shared/db/database';
import { createContext, type Context } from '../../src/shared/graphql/context';
import { createEventBus } from '../../src/shared/graphql/pubsub';
import { openDatabase } from './command';

/** A command's request context: the database (embedded or DATABASE_URL) and a context as admin. */
export interface ToolContext {
  ctx: Context;
  /** Closes the connection and stops an embedded PostgreSQL; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens the database the way the server does and builds one request context acting as a
 * platform admin: anyone who may run a command on the machine already has the database.
 * Account id 0 exists nowhere, so a command never writes the acting account.
 */
export async function openToolContext(config: Config, err: (line: string) => void): Promise<ToolContext> {
  let db: ResolvedDatabase | null = null;
  let orm: MikroORM | null = null;
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await orm?.close(true).catch((e) => err(`error closing the database connection: ${String(e)}`));
      await db?.embedded?.stop().catch((e) => err(`error stopping PostgreSQL: ${String(e)}`));
    })());
  try {
    ({ db, orm } = await openDatabase(config, err));
  } catch (e) {
    await close();
    throw e;
  }
  const viewer: Viewer = {
    kind: 'account',
    accountId: 0,
    role: Role.PLATFORM_ADMIN,
    organizationId: null,
    organizationPath: null,
  };
  const pubsub = createEventBus();
  const opened = orm;
  const ctx = createContext(
    {
      orm: opened,
      pubsub,
      modules: {
        tokens: { secret: config.JWT_SECRET, ttlSeconds: config.JWT_TTL_SECONDS },
        boards: new BoardHub(opened, pubsub),
        documentLinks: new DocumentLinks(config.JWT_SECRET, config.DOCUMENT_LINK_TTL_SECONDS),
        personKeys: new PersonKeys(config.PERSON_ID_HMAC_KEY),
        // Not started and not listening: a command's events stay undelivered in the outbox, and
        // a server's dispatcher turns them into webhook deliveries.
        webhooks: new WebhookWorker(() => opened.em.fork() as never, {
          pollMs: config.WEBHOOKS_POLL_MS,
          timeoutMs: config.WEBHOOKS_TIMEOUT_MS,
          allowPrivate: config.WEBHOOKS_ALLOW_PRIVATE,
          clock: () => new Date(),
        }),
      },
      loaders: createLoaders,
      events: createDomainEvents(pubsub),
    },
    viewer,
  );
  return { ctx, close };
}
