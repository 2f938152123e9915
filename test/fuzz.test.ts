import { getVariableValues, Kind, type OperationDefinitionNode, parse, validate } from 'graphql';
import { startTestApp, type TestApp } from './support/app';
import {
  buildFuzzFixtures,
  checkHttpResponse,
  createIdPool,
  type FuzzFixtures,
  fuzzEnv,
  generateOperation,
  loadFuzzSchema,
  type GeneratedOperation,
  mulberry32,
  planOperations,
  runCampaign,
  startPlannedServer,
  summarize,
} from './support/fuzz';

/**
 * A bounded, seeded fuzzing campaign: random operations generated from the SDL, valid and
 * deliberately invalid, as every kind of caller, over HTTP (and some over graphql-ws).
 * Every answer must be well formed, and no error may be INTERNAL_SERVER_ERROR.
 * For longer runs: `node -r @swc-node/register scripts/fuzz.ts --operations 20000 --seed 1`.
 */
const SEED = 20240501;
const PER_ROLE = 150;
const schema = loadFuzzSchema();
const env = fuzzEnv('fuzz-secret-for-the-bounded-test-run-0123456789');

let t: TestApp;
let f: FuzzFixtures;
let planned: Awaited<ReturnType<typeof startPlannedServer>> | undefined;

beforeAll(async () => {
  t = await startTestApp(env);
  f = await buildFuzzFixtures(t);
});
afterAll(async () => {
  await planned?.close();
  await t?.close();
});

test(`${PER_ROLE} random operations per role: no internal error, every answer well formed`, async () => {
  // Judges send only trusted documents: their operations are planned up front and
  // registered in the manifest of a server started on the same database.
  const plans = Object.fromEntries(
    f.callers
      .filter((c) => c.firstParty)
      .map((c) => [c.role, planOperations(schema, f.pool, c.role, PER_ROLE, SEED)]),
  );
  planned = await startPlannedServer(t.orm, env, plans);
  const stats = await runCampaign({
    url: planned.app.url,
    schema,
    pool: f.pool,
    callers: f.callers,
    operationsPerRole: PER_ROLE,
    seed: SEED,
    plans,
  });
  console.log(summarize(stats, 20));

  expect(stats.operations).toBe(PER_ROLE * f.callers.length);
  for (const c of f.callers) {
    expect(stats.byRole[c.role]!.valid).toBeGreaterThan(PER_ROLE / 2);
    expect(stats.byRole[c.role]!.invalid).toBeGreaterThan(0);
  }
  // The generator must be right about validity, or the counts mean little.
  expect(stats.generatorMisses.map((m) => m.problems[0])).toEqual([]);
  expect(stats.invalidAccepted.map((m) => `${m.op.invalidKind}: ${m.op.query}`)).toEqual([]);
  expect(stats.internalErrors).toBe(0);
  expect(stats.failures.map((m) => `${m.role} ${m.op.rootFields.join('+')}: ${m.problems[0]}`)).toEqual([]);
});

describe('the fuzzer itself (no server)', () => {
  /** Whether graphql-js refuses the operation before execution, as the server would. */
  function refusal(op: GeneratedOperation): string | null {
    if (op.body !== undefined || op.rawText !== undefined) return 'transport';
    let doc;
    try {
      doc = parse(op.query);
    } catch {
      return 'parse';
    }
    const errors = validate(schema, doc);
    if (errors.length) return `validation: ${errors[0]!.message}`;
    const ops = doc.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const chosen =
      op.operationName !== undefined ? ops.find((o) => o.name?.value === op.operationName) : ops[0];
    if (!chosen) return 'operation name';
    const coerced = getVariableValues(schema, chosen.variableDefinitions ?? [], op.variables);
    return coerced.errors ? `variables: ${coerced.errors[0]!.message}` : null;
  }

  test('valid operations validate and coerce; invalid ones are refused before execution', () => {
    const rng = mulberry32(7);
    const pool = createIdPool({
      ids: ['T3JnYW5pemF0aW9uOjE', 'Q29tcGV0aXRpb246MQ', 'VHJhZGU6MQ', 'UGVyc29uOjE'],
    });
    const wrong: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const op = generateOperation(rng, schema, pool);
      const why = refusal(op);
      if (op.valid && why) wrong.push(`valid, yet ${why}: ${op.query} ${JSON.stringify(op.variables)}`);
      if (!op.valid && !why)
        wrong.push(`${op.invalidKind}, yet accepted: ${op.query} ${JSON.stringify(op.variables)}`);
    }
    expect(wrong).toEqual([]);
  });

  test('the same seed gives the same operations', () => {
    const gen = () => {
      const rng = mulberry32(42);
      const pool = createIdPool({ ids: ['T3JnYW5pemF0aW9uOjE'] });
      return Array.from({ length: 50 }, () => generateOperation(rng, schema, pool));
    };
    expect(gen()).toEqual(gen());
  });

  test('the checker catches malformed answers', () => {
    const op: GeneratedOperation = {
      query: '{ competitions(first: 2) { totalCount nodes { id status } } viewer { kind } }',
      variables: {},
      valid: true,
      operationType: 'query',
      rootFields: ['competitions', 'viewer'],
    };
    const check = (status: number, json: unknown) =>
      checkHttpResponse(schema, op, {
        status,
        contentType: 'application/json',
        text: JSON.stringify(json),
        json,
      });
    const good = {
      data: {
        competitions: { totalCount: 1, nodes: [{ id: 'x', status: 'DRAFT' }] },
        viewer: { kind: 'ANONYMOUS' },
      },
    };
    expect(check(200, good).problems).toEqual([]);
    const problems = (status: number, json: unknown) => check(status, json).problems.join('\n');
    expect(problems(500, good)).toMatch(/HTTP status 500/);
    expect(problems(200, { data: { ...good.data, viewer: { kind: 'NOBODY' } } })).toMatch(
      /not a value of ViewerKind/,
    );
    expect(problems(200, { data: { ...good.data, viewer: { kind: null } } })).toMatch(/null for non-null/);
    expect(problems(200, { data: { ...good.data, viewer: { kind: 'ANONYMOUS', role: null } } })).toMatch(
      /not selected/,
    );
    expect(problems(200, { data: { viewer: { kind: 'ANONYMOUS' } } })).toMatch(/selected, yet missing/);
    expect(problems(200, { data: { ...good.data, competitions: { totalCount: '1', nodes: [] } } })).toMatch(
      /is not an Int/,
    );
    expect(
      problems(200, {
        data: { ...good.data, competitions: { totalCount: 0, nodes: [{ id: 'x', status: 'DRAFT' }] } },
      }),
    ).toMatch(/totalCount is 0/);
    expect(problems(400, { errors: [{ message: 'x' }] })).toMatch(/no string extensions.code/);
    expect(
      problems(200, { errors: [{ message: 'x', extensions: { code: 'DATABASE_UNAVAILABLE' } }] }),
    ).toMatch(/unexpected DATABASE_UNAVAILABLE/);
    const internal = check(200, {
      errors: [{ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      data: null,
    });
    expect(internal.internal).toHaveLength(1);
    // A null non-null field is fine when an error explains it (here: the whole root field).
    expect(
      check(200, {
        data: { competitions: null, viewer: { kind: 'ANONYMOUS' } },
        errors: [{ message: 'no', path: ['competitions'], extensions: { code: 'FORBIDDEN' } }],
      }).problems,
    ).toEqual([]);
    expect(check(400, { errors: [] }).problems.join()).toMatch(/empty array/);
    expect(
      checkHttpResponse(schema, op, {
        status: 400,
        contentType: 'text/html',
        text: '<html>',
        json: undefined,
      }).problems,
    ).toEqual([expect.stringMatching(/not a JSON object/)]);
  });
});
