import 'reflect-metadata';
import { loadToolConfig } from '../src/config';
import { verifyChain } from '../src/modules/audit/audit.service';
import { resolveDatabase } from '../src/shared/db/database';
import { initOrm } from '../src/orm';
import { fromGlobalId } from '../src/shared/graphql/relay';

/**
 * Recomputes a competition's audit chain from the database and points at the
 * first broken event: `npm run audit:verify -- <competition global ID or number>`.
 * Exit code 0 when the chain holds, 1 when it is broken, 2 on bad usage.
 */
async function main(argv: string[]): Promise<number> {
  const arg = argv[0];
  const id = arg ? (fromGlobalId(arg)?.type === 'Competition' ? fromGlobalId(arg)!.id : Number(arg)) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) {
    console.error('usage: npm run audit:verify -- <competition ID>');
    return 2;
  }
  const config = loadToolConfig();
  const db = await resolveDatabase(config, (l) => console.error(l), { shareRunning: true });
  try {
    const orm = await initOrm({ databaseUrl: db.url });
    try {
      const verdict = await verifyChain(orm.em.fork() as never, id);
      if (verdict.ok) {
        console.log(`Audit chain of competition ${id} holds: ${verdict.checked} events.`);
        return 0;
      }
      console.log(
        `Audit chain of competition ${id} is broken at event ${verdict.firstBrokenSeq}: ${verdict.reason}.`,
      );
      console.log(`${verdict.checked} events before it hold.`);
      return 1;
    } finally {
      await orm.close(true);
    }
  } finally {
    await db.embedded?.stop();
  }
}

// Exit explicitly: an exit hook of the embedded server would otherwise turn a failure into 0.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
