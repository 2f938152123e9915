import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { resolveDatabase, withDatabase } from '../src/shared/db/database';
import { initOrm, migrate } from '../src/orm';
import { createApp } from '../src/server';
import { seedDemo } from '../seeds/demo';
import { print } from 'graphql';
import {
  BenchUnionStatisticsDocument,
  SignInTokenDocument,
  ViewerKindDocument,
  type SignInTokenMutation,
} from '../test/generated/graphql';

/**
 * Subtree rollups on the demo data, over HTTP, side by side with the cheapest
 * authenticated request the same pipeline serves (`viewer`): the ratio says
 * what the four rollup statements cost on top of the request itself.
 *   node -r @swc-node/register bench/statistics.ts [--requests 2000] [--concurrency 8]
 */
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REQUESTS = arg('requests', 2000);
const CONCURRENCY = arg('concurrency', 8);

async function run(url: string, token: string, query: string, variables: object) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next += 1;
        const t0 = performance.now();
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await res.json()) as { errors?: unknown };
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return { rps: latencies.length / seconds, p50: pct(50), p99: pct(99) };
}

async function main() {
  const base = loadConfig({
    LOG_LEVEL: 'warn',
    ...process.env,
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_ACCOUNT_PER_MINUTE: '1000000',
  });
  const server = await resolveDatabase(base, console.log);
  const name = `jingsai_bench_${process.pid}`;
  const admin = new Client({ connectionString: withDatabase(server.url, 'postgres') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = withDatabase(server.url, name);
  const orm = await initOrm({ databaseUrl: url });
  try {
    await migrate(orm);
    await seedDemo(orm.em.fork() as never, { adminPassword: 'bench-password' });
    const app = await createApp({ config: { ...base, PORT: 0, DATABASE_URL: url }, orm });
    const sign = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: print(SignInTokenDocument),
        variables: { input: { username: 'admin', password: 'bench-password' } },
      }),
    });
    const token = ((await sign.json()) as { data: SignInTokenMutation }).data.signIn.token!;
    const [{ id }] = (await orm.em
      .getConnection()
      .execute(`select id from organization where name = '中华全国总工会'`)) as { id: number }[];
    const unionId = Buffer.from(`Organization:${id}`).toString('base64url');
    const stats = print(BenchUnionStatisticsDocument);
    // Warm up both, then alternate rounds so machine noise hits both alike.
    await run(app.url, token, print(ViewerKindDocument), {});
    await run(app.url, token, stats, { u: unionId });
    const peer = await run(app.url, token, print(ViewerKindDocument), {});
    const rollup = await run(app.url, token, stats, { u: unionId });
    console.log(`requests ${REQUESTS}, concurrency ${CONCURRENCY}, national union subtree of the demo data`);
    console.log(
      `viewer (peer):     ${peer.rps.toFixed(0)} req/s, p50 ${peer.p50.toFixed(1)} ms, p99 ${peer.p99.toFixed(1)} ms`,
    );
    console.log(
      `unionStatistics:   ${rollup.rps.toFixed(0)} req/s, p50 ${rollup.p50.toFixed(1)} ms, p99 ${rollup.p99.toFixed(1)} ms`,
    );
    console.log(`ratio (statistics / peer throughput): ${(rollup.rps / peer.rps).toFixed(2)}`);
    await app.close();
  } finally {
    await orm.close(true);
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await server.embedded?.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
