import './promise-with-resolvers';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

/**
 * The peer of bench/board-read.ts: PostGraphile 5 (amber preset) in a process of its own,
 * serving only the `bench_peer` schema of the bench database (the `board_top` function that
 * board-read.ts creates), production mode, no GraphiQL, no watch. Reports its URL over IPC.
 * PostGraphile 5 declares Node ≥ 22: on Node 20 it runs with the polyfill imported first.
 */
async function main() {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error('postgraphile-peer.ts needs DATABASE_URL');
  const pgl = postgraphile({
    extends: [PostGraphileAmberPreset],
    pgServices: [
      makePgService({
        connectionString,
        schemas: ['bench_peer'],
        poolConfig: { max: Number(process.env.DB_POOL_MAX ?? 10) },
      }),
    ],
    grafserv: { graphiql: false, watch: false },
  });
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  await serv.addTo(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'stop') void Promise.resolve(pgl.release()).finally(() => process.exit(0));
  });
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}/graphql` });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
