import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { withDatabase } from '../src/shared/db/database';
import { adminUrl } from './support/db';
import { metrics } from '../src/shared/observability';
import { Role } from '../src/modules/account/account.entity';
import { OrganizationLevel } from '../src/modules/organization/organization.entity';
import { documentId, loadManifest } from '../src/shared/security/trusted-documents';
import {
  AssignJudgeDocument,
  NodeByIdDocument,
  type PanelRole,
  SetMarkingSchemeDocument,
} from './generated/graphql';
import { asClient, gid, type RawResponse, startTestApp, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  moveTo,
  drawLots,
  type World,
  registerEntrant,
  dbId,
} from './support/world';

/**
 * Marks from tablets: idempotent replays, optimistic corrections, the rules
 * checked when a mark arrives, locks, and the hash-chained audit log.
 * Tablets (judge accounts) send only trusted documents, by id.
 */
const manifest = loadManifest();
const doc = (name: string) => documentId(Object.values(manifest).find((d) => d.includes(` ${name}(`))!);
const SUBMIT = doc('TabletSubmitMarks');
const LOCK = doc('TabletLockMarks');
const UNLOCK = doc('TabletUnlockMarks');
const VERIFY = doc('TabletVerifyAuditChain');
const AS_OF = doc('TabletMarksAsOf');

const SCHEME = {
  modules: [
    {
      code: 'P',
      name: '实际操作',
      weight: 100,
      criteria: [
        {
          code: 'P1',
          name: '焊缝',
          aspects: [
            {
              code: 'A',
              description: '外观',
              kind: 'MEASUREMENT',
              maxMark: 10,
              aggregation: { method: 'MEAN' },
              tolerance: 2,
            },
            {
              code: 'B',
              description: '尺寸',
              kind: 'MEASUREMENT',
              maxMark: 10,
              aggregation: { method: 'MEAN' },
              tolerance: null,
            },
          ],
        },
      ],
    },
  ],
};

let t: TestApp;
let w: World;
let competitionId: string;
let tradeId: string;
let entrants: string[];
let conflicted: string;
let judge: string;
let judgeB: string;
let chief: string;

interface Outcome {
  idempotencyKey: string;
  status: 'ACCEPTED' | 'REFUSED';
  code: string | null;
  mark: { id: string; value: number; version: number } | null;
  toleranceBreached: boolean;
}

async function submit(
  token: string,
  marks: Record<string, unknown>[],
  deviceId = 'tablet-01',
): Promise<Outcome[]> {
  // Retried like a tablet: on a loaded machine the pool may answer DATABASE_UNAVAILABLE (retryable).
  const r = await asClient(() =>
    t.raw({ documentId: SUBMIT, variables: { input: { deviceId, marks } } }, { token }),
  );
  if (r.json.errors) throw new Error(JSON.stringify(r.json.errors));
  return (r.json.data as { submitMarks: { outcomes: Outcome[] } }).submitMarks.outcomes;
}

const counts = async () => {
  const [r] = await t.sql<{ marks: string; events: string }>(
    'select (select count(*) from mark) marks, (select count(*) from audit_event) events',
  );
  return { marks: Number(r!.marks), events: Number(r!.events) };
};

beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_ACCOUNT_PER_MINUTE: '1000000' });
  w = await buildWorld(t);
  competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '焊工大赛' });
  tradeId = await createTrade(t, w.tokens.xian, competitionId, { name: '焊工', capacity: 100 });
  await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: JSON.stringify(SCHEME) } },
    { token: w.tokens.xian },
  );
  // The judge works for 莲湖 enterprise A; entrants come from enterprise B, one from A (conflict).
  const firmB = await t.org('西安电力检修公司', OrganizationLevel.ENTERPRISE, w.orgs.lianhu);
  const judgePerson = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '裁判王');
  const people = await Promise.all(
    Array.from({ length: 4 }, (_, i) => createPerson(t, w.tokens.xian, firmB, `选手${i}`)),
  );
  const colleague = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '同事');
  const register = (personId: string) =>
    registerEntrant(t, w.tokens.xian, tradeId, personId, { checkIn: true });
  entrants = [];
  for (const p of people) entrants.push(await register(p));
  conflicted = await register(colleague);

  const judgeAcc = await t.account(Role.JUDGE, w.orgs.xian, 'judge.wang');
  await t.sql('update account set person_id = ? where id = ?', [dbId(judgePerson), judgeAcc.account.id]);
  const judgeBAcc = await t.account(Role.JUDGE, w.orgs.xian, 'judge.li');
  const chiefAcc = await t.account(Role.CHIEF_JUDGE, w.orgs.xian, 'chief.zhao');
  [judge, judgeB, chief] = [judgeAcc.token, judgeBAcc.token, chiefAcc.token];
  const seat = async (accountId: number, role: PanelRole, aspectCodes?: string[]) =>
    t.gql(
      AssignJudgeDocument,
      { input: { tradeId, accountId: gid('Account', accountId), role, aspectCodes } },
      { token: w.tokens.xian },
    );
  await seat(judgeAcc.account.id, 'JUDGE');
  await seat(judgeBAcc.account.id, 'JUDGE', ['B']);
  await seat(chiefAcc.account.id, 'CHIEF_JUDGE');
  await moveTo(t, w.tokens.xian, competitionId, 'REGISTRATION_OPEN', 'RUNNING');
  await drawLots(t, w.tokens.xian, tradeId);
});
afterAll(async () => t?.close());

test('10,000 submissions of one mark with one key from 50 clients: one mark, one audit event, identical answers', async () => {
  const before = await counts();
  const key = randomUUID();
  const mark = { idempotencyKey: key, entrantId: entrants[0], aspectCode: 'A', value: 8.5 };
  const bodies: string[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (sent < 10_000) {
        sent += 1;
        bodies.push(JSON.stringify(await submit(judge, [mark])));
      }
    }),
  );
  expect(bodies).toHaveLength(10_000);
  expect(new Set(bodies).size).toBe(1);
  expect(JSON.parse(bodies[0]!)[0]).toMatchObject({ status: 'ACCEPTED', mark: { value: 8.5, version: 1 } });
  expect(await counts()).toEqual({ marks: before.marks + 1, events: before.events + 1 });

  const reused = await submit(judge, [{ ...mark, value: 9 }]);
  expect(reused[0]).toMatchObject({ status: 'REFUSED', code: 'IDEMPOTENCY_KEY_REUSED' });
}, 600_000); // a ceiling: 10,000 requests through the whole pipeline, on a machine that may be busy

test('two tablets correcting the same version: one wins, one gets STALE_VERSION; over 1,000 pairs no update is lost', async () => {
  const [created] = await submit(judge, [
    { idempotencyKey: randomUUID(), entrantId: entrants[1], aspectCode: 'A', value: 5 },
  ]);
  expect(created!.status).toBe('ACCEPTED');
  let version = 1;
  let lastValue = 5;
  for (let pair = 0; pair < 1_000; pair++) {
    const a = {
      idempotencyKey: randomUUID(),
      entrantId: entrants[1],
      aspectCode: 'A',
      value: (pair % 10) + 0.5,
      correctsVersion: version,
      reason: '复核',
    };
    const b = { ...a, idempotencyKey: randomUUID(), value: (pair % 10) + 0.25 };
    const [[ra], [rb]] = await Promise.all([submit(judge, [a], 'tablet-a'), submit(judge, [b], 'tablet-b')]);
    const winners = [ra!, rb!].filter((o) => o.status === 'ACCEPTED');
    expect(winners).toHaveLength(1);
    expect([ra!, rb!].find((o) => o.status === 'REFUSED')!.code).toBe('STALE_VERSION');
    version += 1;
    lastValue = winners[0]!.mark!.value;
  }
  const [row] = await t.sql<{ value: string; version: number }>(
    `select value, version from mark where entrant_id = ? and aspect_code = 'A'`,
    [dbId(entrants[1]!)],
  );
  expect({ value: Number(row!.value), version: row!.version }).toEqual({ value: lastValue, version: 1_001 });
  const [events] = await t.sql<{ n: string }>(
    `select count(*) n from audit_event where kind = 'MARK_CORRECTED' and (subject->>'entrantId')::int = ?`,
    [dbId(entrants[1]!)],
  );
  expect(Number(events!.n)).toBe(1_000);
}, 600_000);

test('conflicted, locked, out-of-range and unassigned marks are refused with distinct codes, nothing written', async () => {
  // Lock entrant 3 (chief judge), so its marks are refused.
  const lock = await t.raw(
    { documentId: LOCK, variables: { input: { targetId: entrants[3] } } },
    { token: chief },
  );
  expect((lock.json.data as { lockMarks: { locked: boolean } }).lockMarks.locked).toBe(true);
  const before = await counts();
  const key = () => randomUUID();
  const outcomes = await submit(judge, [
    { idempotencyKey: key(), entrantId: conflicted, aspectCode: 'A', value: 5 },
    { idempotencyKey: key(), entrantId: entrants[3], aspectCode: 'A', value: 5 },
    { idempotencyKey: key(), entrantId: entrants[2], aspectCode: 'A', value: 10.5 },
    { idempotencyKey: key(), entrantId: entrants[2], aspectCode: 'Z', value: 5 },
  ]);
  const onlyB = await submit(judgeB, [
    { idempotencyKey: key(), entrantId: entrants[2], aspectCode: 'A', value: 5 },
  ]);
  expect([...outcomes, ...onlyB].map((o) => o.code)).toEqual([
    'CONFLICT_OF_INTEREST',
    'MARKS_LOCKED',
    'MARK_OUT_OF_RANGE',
    'UNKNOWN_ASPECT',
    'ASPECT_NOT_ASSIGNED',
  ]);
  // Refusals are recorded neither as marks nor as audit events (the lock above is one event).
  expect(await counts()).toEqual(before);

  const noReason = await t.raw(
    { documentId: UNLOCK, variables: { input: { targetId: entrants[3] } } },
    { token: chief },
  );
  expect(
    (noReason.json.data as { unlockMarks: { errors: { code: string }[] } }).unlockMarks.errors[0]!.code,
  ).toBe('REQUIRED');
  const notChief = await t.raw(
    { documentId: UNLOCK, variables: { input: { targetId: entrants[3], reason: 'x' } } },
    { token: judge },
  );
  expect(notChief.json.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  await t.raw(
    { documentId: UNLOCK, variables: { input: { targetId: entrants[3], reason: '裁判长复核后解锁' } } },
    { token: chief },
  );
  const after = await submit(judge, [
    { idempotencyKey: key(), entrantId: entrants[3], aspectCode: 'A', value: 5 },
  ]);
  expect(after[0]!.status).toBe('ACCEPTED');
});

test('a mark that spreads the panel beyond the tolerance is flagged', async () => {
  await submit(judge, [{ idempotencyKey: randomUUID(), entrantId: entrants[2], aspectCode: 'B', value: 9 }]);
  const [far] = await submit(judgeB, [
    { idempotencyKey: randomUUID(), entrantId: entrants[2], aspectCode: 'B', value: 1 },
  ]);
  expect(far).toMatchObject({ status: 'ACCEPTED', toleranceBreached: false }); // B has no tolerance
  const [a1] = await submit(judge, [
    { idempotencyKey: randomUUID(), entrantId: entrants[2], aspectCode: 'A', value: 9 },
  ]);
  expect(a1!.toleranceBreached).toBe(false);
  // A tolerates a spread of 2: the chief judge's 5 against 9 breaks it.
  const [a2] = await submit(chief, [
    { idempotencyKey: randomUUID(), entrantId: entrants[2], aspectCode: 'A', value: 5 },
  ]);
  expect(a2).toMatchObject({ status: 'ACCEPTED', toleranceBreached: true });
  // A mark is a Relay node: the jury reaches it by its global ID, an outside organizer does not.
  const markId = a2!.mark!.id;
  const byId = await t.gql(NodeByIdDocument, { id: markId }, { token: w.tokens.xian });
  expect(byId.data!.node).toMatchObject({ __typename: 'Mark', id: markId, aspectCode: 'A', markValue: 5 });
  expect((await t.gql(NodeByIdDocument, { id: markId }, { token: w.tokens.xianyang })).data!.node).toBeNull();
  expect((await t.gql(NodeByIdDocument, { id: markId })).data!.node).toBeNull();
});

test('marks as of a past moment are rebuilt from the audit log', async () => {
  const entrant = entrants[0]!;
  const before = new Date();
  await new Promise((r) => setTimeout(r, 20));
  const [fix] = await submit(judge, [
    {
      idempotencyKey: randomUUID(),
      entrantId: entrant,
      aspectCode: 'A',
      value: 9,
      correctsVersion: 1,
      reason: '计分错误',
    },
  ]);
  expect(fix!.mark).toMatchObject({ value: 9, version: 2 });
  const then = await t.raw(
    { documentId: AS_OF, variables: { entrantId: entrant, asOf: before.toISOString() } },
    { token: chief },
  );
  const now = await t.raw(
    { documentId: AS_OF, variables: { entrantId: entrant, asOf: new Date().toISOString() } },
    { token: chief },
  );
  const read = (r: { json: RawResponse }) =>
    (r.json.data as { entrantMarksAsOf: { value: number; version: number }[] }).entrantMarksAsOf;
  expect(read(then)).toEqual([expect.objectContaining({ aspectCode: 'A', value: 8.5, version: 1 })]);
  expect(read(now)).toEqual([expect.objectContaining({ aspectCode: 'A', value: 9, version: 2 })]);
});

test('the audit log refuses edits, and tampering with one row in SQL is detected at that row', async () => {
  const cid = dbId(competitionId);
  const verify = async () =>
    (await t.raw({ documentId: VERIFY, variables: { competitionId } }, { token: chief })).json.data as {
      verifyAuditChain: { ok: boolean; checked: number; firstBrokenSeq: number | null };
    };
  const good = (await verify()).verifyAuditChain;
  expect(good.ok).toBe(true);
  expect(good.checked).toBeGreaterThan(1_000);

  await expect(
    t.sql(`update audit_event set after = '{"value": 10}' where competition_id = ? and seq = 5`, [cid]),
  ).rejects.toThrow(/append-only/);
  await expect(t.sql('delete from audit_event where competition_id = ? and seq = 5', [cid])).rejects.toThrow(
    /append-only/,
  );

  // A superuser can switch the guard off; the chain still gives the edit away.
  await t.sql('alter table audit_event disable trigger audit_event_no_update');
  await t.sql(
    `update audit_event set after = jsonb_set(after, '{value}', '10') where competition_id = ? and seq = 7`,
    [cid],
  );
  await t.sql('alter table audit_event enable trigger audit_event_no_update');
  const broken = (await verify()).verifyAuditChain;
  expect(broken).toMatchObject({ ok: false, firstBrokenSeq: 7, checked: 6 });

  // The same verdict from the command line.
  const cli = spawnSync(
    process.execPath,
    ['-r', '@swc-node/register', 'scripts/verify-audit.ts', competitionId],
    {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, DATABASE_URL: withDatabase(adminUrl(), t.database) },
      encoding: 'utf8',
    },
  );
  expect(cli.status).toBe(1);
  expect(cli.stdout).toContain('is broken at event 7');
});

test('only judges’ accounts submit marks, and organizers read the audit trail of their own competitions only', async () => {
  const organizer = await t.raw(
    {
      query: Object.values(manifest).find((d) => d.includes(' TabletSubmitMarks('))!,
      variables: { input: { deviceId: 'x', marks: [] } },
    },
    { token: w.tokens.xian },
  );
  expect(organizer.json.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  const neighbour = await t.raw(
    {
      query: Object.values(manifest).find((d) => d.includes(' TabletVerifyAuditChain('))!,
      variables: { competitionId },
    },
    { token: w.tokens.xianyang },
  );
  expect(neighbour.json.errors![0]!.extensions!.code).toBe('FORBIDDEN');
});

/** A running trade of its own (the shared one's marks belong to the tests above), with two judges. */
async function freshTrade(name: string, entrantCount: number) {
  const compId = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: `${name}大赛` });
  const trade = await createTrade(t, w.tokens.xian, compId, { name, capacity: 100 });
  await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId: trade, format: 'JSON', content: JSON.stringify(SCHEME) } },
    { token: w.tokens.xian },
  );
  const firm = await t.org(`${name}公司`, OrganizationLevel.ENTERPRISE, w.orgs.lianhu);
  const ids: string[] = [];
  for (let i = 0; i < entrantCount; i++) {
    const person = await createPerson(t, w.tokens.xian, firm, `${name}选手${i}`);
    ids.push(await registerEntrant(t, w.tokens.xian, trade, person, { checkIn: true }));
  }
  const tokens: string[] = [];
  for (const who of ['甲', '乙']) {
    const acc = await t.account(Role.JUDGE, w.orgs.xian, `judge.${name}.${who}`);
    await t.gql(
      AssignJudgeDocument,
      { input: { tradeId: trade, accountId: gid('Account', acc.account.id), role: 'JUDGE' } },
      { token: w.tokens.xian },
    );
    tokens.push(acc.token);
  }
  await moveTo(t, w.tokens.xian, compId, 'REGISTRATION_OPEN', 'RUNNING');
  await drawLots(t, w.tokens.xian, trade);
  return { tradeId: trade, competitionId: compId, entrants: ids, judges: tokens };
}

const boardSeq = async (trade: string) =>
  Number(
    (await t.sql<{ board_seq: string }>('select board_seq from trade where id = ?', [dbId(trade)]))[0]!
      .board_seq,
  );
const split = async () => (await metrics.markBatchesSplit.get()).values[0]?.value ?? 0;

test('a batch commits as one: outcomes in the order sent, refused marks write nothing, one board step', async () => {
  const f = await freshTrade('批量', 3);
  const [j] = f.judges;
  const before = await counts();
  const seq = await boardSeq(f.tradeId);
  const splitBefore = await split();
  const first = { idempotencyKey: randomUUID(), entrantId: f.entrants[2], aspectCode: 'B', value: 7 };
  const third = { idempotencyKey: randomUUID(), entrantId: f.entrants[0], aspectCode: 'B', value: 6 };
  const outcomes = await submit(j!, [
    first,
    { idempotencyKey: randomUUID(), entrantId: f.entrants[0], aspectCode: 'A', value: 10.5 },
    third,
    first, // a tablet's queue holding the same mark twice: the same answer
    { idempotencyKey: randomUUID(), entrantId: gid('Trade', 1), aspectCode: 'B', value: 6 },
    { idempotencyKey: randomUUID(), entrantId: f.entrants[0], aspectCode: 'B', value: 9 },
  ]);
  expect(outcomes.map((o) => [o.status, o.code])).toEqual([
    ['ACCEPTED', null],
    ['REFUSED', 'MARK_OUT_OF_RANGE'],
    ['ACCEPTED', null],
    ['ACCEPTED', null],
    ['REFUSED', 'INVALID_ID'],
    ['REFUSED', 'MARK_EXISTS'],
  ]);
  expect(outcomes[3]).toEqual(outcomes[0]);
  expect(outcomes[2]!.mark).toMatchObject({ value: 6, version: 1 });
  // Two marks, two audit events; one projection of the trade's board for the batch.
  expect(await counts()).toEqual({ marks: before.marks + 2, events: before.events + 2 });
  expect(await boardSeq(f.tradeId)).toBe(seq + 1);
  const rows = await t.sql<{ entrant_id: number; total: string; seq: string }>(
    'select entrant_id, total, seq from board_entry where trade_id = ? and active order by entrant_id',
    [dbId(f.tradeId)],
  );
  expect(rows.map((r) => [r.entrant_id, Number(r.seq)])).toEqual([
    [dbId(f.entrants[0]!), seq + 1],
    [dbId(f.entrants[2]!), seq + 1],
  ]);
  expect(await split()).toBe(splitBefore);

  // Sent again whole (the tablet never saw the answer): the same outcomes, nothing new written.
  const again = await submit(j!, [first, third]);
  expect(again).toEqual([outcomes[0], outcomes[2]]);
  expect(await counts()).toEqual({ marks: before.marks + 2, events: before.events + 2 });
});

test('batches of two tablets over the same entrants in opposite orders, and one over a part, commit without a deadlock', async () => {
  const f = await freshTrade('交叉', 10);
  const [j1, j2] = f.judges;
  const before = await counts();
  const splitBefore = await split();
  const batch = (aspectCode: string, entrants: string[], value: number) =>
    entrants.map((entrantId) => ({ idempotencyKey: randomUUID(), entrantId, aspectCode, value }));
  const reversed = [...f.entrants].reverse();
  // Whole board against whole board reversed; then whole board against its last half only.
  const [a, b] = await Promise.all([
    submit(j1!, batch('A', f.entrants, 8), 'tablet-1'),
    submit(j2!, batch('A', reversed, 7), 'tablet-2'),
  ]);
  const [c, d] = await Promise.all([
    submit(j1!, batch('B', f.entrants, 6), 'tablet-1'),
    submit(j2!, batch('B', reversed.slice(0, 5), 5), 'tablet-2'),
  ]);
  for (const outcomes of [a, b, c, d]) expect(outcomes.every((o) => o.status === 'ACCEPTED')).toBe(true);
  expect(await counts()).toEqual({ marks: before.marks + 35, events: before.events + 35 });
  // Each batch committed as one: none fell back to one transaction per mark.
  expect(await split()).toBe(splitBefore);
  const [created] = await t.sql<{ n: string }>(
    `select count(*) n from audit_event where competition_id = ? and kind = 'MARK_CREATED'`,
    [dbId(f.competitionId)],
  );
  expect(Number(created!.n)).toBe(35);
  const verified = (
    await t.raw(
      { documentId: VERIFY, variables: { competitionId: f.competitionId } },
      { token: w.tokens.xian },
    )
  ).json.data as { verifyAuditChain: { ok: boolean } };
  expect(verified.verifyAuditChain.ok).toBe(true);
});
