import { execFile } from 'node:child_process';
import path from 'node:path';
import { withDatabase } from '../src/shared/db/database';
import { adminUrl } from './support/db';
import {
  AddRoundDocument,
  ApplyStudioDocument,
  CreateCampaignDocument,
  ReviewEligibilityDocument,
  SubmitEntryDocument,
  TransitionStudioDocument,
  VerifyRegistryChainDocument,
} from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import { buildWorld, createPerson, dbId, moveTo, orgId, type World } from './support/world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
});
afterAll(async () => t?.close());

/** Runs the CLI without blocking the test's own server (it shares this process). */
function run(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', '@swc-node/register', 'scripts/verify-audit.ts', ...args],
      {
        cwd: path.resolve(__dirname, '..'),
        env: { ...process.env, DATABASE_URL: withDatabase(adminUrl(), t.database) },
        encoding: 'utf8',
      },
      (err, stdout) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout }),
    );
  });
}

const verify = async (token: string | undefined, registryId: string) =>
  t.gql(VerifyRegistryChainDocument, { registryId }, { token });

test('registry steps are chained per host enterprise; an edited row is found at that row, by the API and the CLI', async () => {
  const token = w.tokens.xian;
  for (let i = 0; i < 2; i++) {
    const leaderId = await createPerson(t, token, w.orgs.xianFirm, `审计领办人${i}`);
    const a = await t.gql(
      ApplyStudioDocument,
      {
        input: {
          name: `审计工作室${i}`,
          hostId: orgId(w.orgs.xianFirm),
          level: 'MUNICIPAL',
          field: '焊接',
          leaderId,
        },
      },
      { token },
    );
    const id = a.data!.applyStudio.studio!.id;
    await t.gql(TransitionStudioDocument, { input: { studioId: id, to: 'UNDER_REVIEW' } }, { token });
  }
  const registry = orgId(w.orgs.xianFirm);
  const rows = await t.sql<{ seq: number; kind: string; competition_id: number | null }>(
    'select seq, kind, competition_id from audit_event where registry_id = ? order by seq',
    [w.orgs.xianFirm.id],
  );
  expect(rows.map((r) => [r.seq, r.kind, r.competition_id])).toEqual([
    [1, 'STUDIO_APPLIED', null],
    [2, 'STUDIO_UNDER_REVIEW', null],
    [3, 'STUDIO_APPLIED', null],
    [4, 'STUDIO_UNDER_REVIEW', null],
  ]);
  expect((await verify(token, registry)).data!.verifyAuditChain).toEqual({
    ok: true,
    checked: 4,
    firstBrokenSeq: null,
    reason: null,
  });
  // The neighbouring city does not read this registry's trail; nor does the public.
  expect((await verify(w.tokens.xianyang, registry)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  expect((await verify(undefined, registry)).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');

  // The log refuses edits; a superuser who switches the guard off is still caught at the edited row.
  await expect(
    t.sql(`update audit_event set after = '{}'::jsonb where registry_id = ? and seq = 3`, [
      w.orgs.xianFirm.id,
    ]),
  ).rejects.toThrow(/append-only/);
  await t.sql('alter table audit_event disable trigger audit_event_no_update');
  await t.sql(
    `update audit_event set after = jsonb_set(after, '{level}', '"NATIONAL_MODEL"') where registry_id = ? and seq = 3`,
    [w.orgs.xianFirm.id],
  );
  await t.sql('alter table audit_event enable trigger audit_event_no_update');
  expect((await verify(token, registry)).data!.verifyAuditChain).toMatchObject({
    ok: false,
    firstBrokenSeq: 3,
    checked: 2,
  });

  // The same verdict from the command line, by number or by the organization's global ID.
  for (const arg of [['--registry', String(w.orgs.xianFirm.id)], [registry]]) {
    const cli = await run(arg);
    expect(cli.stdout).toContain('is broken at event 3');
    expect(cli.code).toBe(1);
  }
});

test('every campaign step is chained through its competition', async () => {
  const token = w.tokens.xian;
  const created = await t.gql(
    CreateCampaignDocument,
    {
      input: {
        name: '审计科技节',
        hostId: orgId(w.orgs.xian),
        year: 2024,
        submissionsOpenAt: new Date(Date.now() - 60_000).toISOString(),
        submissionsCloseAt: new Date(Date.now() + 3_600_000).toISOString(),
        categories: [{ code: 'P', name: '项目', awardQuota: 1 }],
      },
    },
    { token },
  );
  const campaign = created.data!.createCampaign.campaign!;
  await t.gql(
    AddRoundDocument,
    { input: { categoryId: campaign.categories![0]!.id, kind: 'FINAL' } },
    { token },
  );
  await moveTo(t, token, campaign.id, 'REGISTRATION_OPEN');
  const s = await t.gql(
    SubmitEntryDocument,
    {
      input: {
        categoryId: campaign.categories![0]!.id,
        title: '焊缝检测装置',
        personId: await createPerson(t, token, w.orgs.xianFirm, '申报人'),
      },
    },
    { token },
  );
  await t.gql(
    ReviewEligibilityDocument,
    { input: { submissionId: s.data!.submitEntry.submission!.id, eligible: true } },
    { token },
  );
  const kinds = await t.sql<{ kind: string }>(
    'select kind from audit_event where competition_id = ? order by seq',
    [dbId(campaign.id)],
  );
  expect(kinds.map((k) => k.kind)).toEqual(
    expect.arrayContaining(['CAMPAIGN_CREATED', 'ROUND_ADDED', 'ENTRY_SUBMITTED', 'ELIGIBILITY_REVIEWED']),
  );
  expect(kinds[0]!.kind).toBe('CAMPAIGN_CREATED');
});

test('registry steps taken at once on one host land gap-free on its chain', async () => {
  const token = w.tokens.xianyang;
  const leaders = await Promise.all(
    Array.from({ length: 8 }, (_, i) => createPerson(t, token, w.orgs.xianyangFirm, `并发领办人${i}`)),
  );
  const results = await Promise.all(
    leaders.map((leaderId, i) =>
      t.gql(
        ApplyStudioDocument,
        {
          input: {
            name: `并发工作室${i}`,
            hostId: orgId(w.orgs.xianyangFirm),
            level: 'ENTERPRISE',
            field: '电力',
            leaderId,
          },
        },
        { token },
      ),
    ),
  );
  expect(results.every((r) => r.data?.applyStudio.errors.length === 0)).toBe(true);
  const r = await verify(token, orgId(w.orgs.xianyangFirm));
  expect(r.data!.verifyAuditChain).toEqual({ ok: true, checked: 8, firstBrokenSeq: null, reason: null });
});
