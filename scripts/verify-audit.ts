import 'reflect-metadata';
import { loadToolConfig } from '../src/config';
import { verifyChain } from '../src/modules/audit/audit.service';
import { resolveDatabase } from '../src/shared/db/database';
import { initOrm } from '../src/orm';
import { fromGlobalId } from '../src/shared/graphql/relay';

/**
 * Recomputes an audit chain from the database and points at the first broken event:
 * `npm run audit:verify -- <competition global ID or number>` for a competition's chain,
 * `npm run audit:verify -- --registry <organization global ID or number>` for the studio
 * registry chain of a host enterprise (an Organization global ID alone means the same).
 * Exit code 0 when the chain holds, 1 when it is broken, 2 on bad usage.
 */
async function main(argv: string[]): Promise<number> {
  const flagged = argv[0] === '--registry';
  const arg = flagged ? argv[1] : argv[0];
  const decoded = arg ? fromGlobalId(arg) : null;
  const registry = flagged || decoded?.type === 'Organization';
  const expected = registry ? 'Organization' : 'Competition';
  const id = arg ? (decoded?.type === expected ? decoded.id : Number(arg)) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) {
    console.error('usage: npm run audit:verify -- <competition ID> | --registry <organization ID>');
    return 2;
  }
  const what = registry
    ? `Audit chain of the studio registry of organization ${id}`
    : `Audit chain of competition ${id}`;
  const config = loadToolConfig();
  const db = await resolveDatabase(config, (l) => console.error(l), { shareRunning: true });
  try {
    const orm = await initOrm({ databaseUrl: db.url });
    try {
      const verdict = await verifyChain(
        orm.em.fork() as never,
        registry ? { registryId: id } : { competitionId: id },
      );
      if (verdict.ok) {
        console.log(`${what} holds: ${verdict.checked} events.`);
        return 0;
      }
      console.log(`${what} is broken at event ${verdict.firstBrokenSeq}: ${verdict.reason}.`);
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
