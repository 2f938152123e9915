import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Role } from '../src/modules/account/account.entity';
import {
  ApplyStudioDocument,
  CreateAllianceDocument,
  DecideAllianceJoinDocument,
  JoinAllianceDocument,
  LeaveAllianceDocument,
  NodeByIdDocument,
  PromoteStudioDocument,
  RecordAchievementDocument,
  ReviewStudioDocument,
  SetAllianceJoinApprovalDocument,
  SetStudioMemberDocument,
  StudioLifeDocument,
  StudioNamingCertificateDocument,
  TransitionStudioDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import { pdfText } from './support/pdf-text';
import { buildWorld, createPerson, orgId, tableCounts, type World } from './support/world';

let t: TestApp;
let w: World;
let province: string;
let nation: string;
let n = 0;
const unique = (s: string) => `${s}${++n}`;

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
  province = (await t.account(Role.ORGANIZER, w.orgs.shaanxi)).token;
  nation = (await t.account(Role.ORGANIZER, w.orgs.national)).token;
});
afterAll(async () => t?.close());

/** A municipal studio of 西安's (or 咸阳's) enterprise, named by the city. */
async function namedStudio(city: 'xian' | 'xianyang' = 'xian'): Promise<string> {
  const token = w.tokens[city];
  const firm = city === 'xian' ? w.orgs.xianFirm : w.orgs.xianyangFirm;
  const leaderId = await createPerson(t, token, firm, unique('领办人'));
  const a = await t.gql(
    ApplyStudioDocument,
    {
      input: { name: unique('创新工作室'), hostId: orgId(firm), level: 'MUNICIPAL', field: '焊接', leaderId },
    },
    { token },
  );
  const id = a.data!.applyStudio.studio!.id;
  await t.gql(TransitionStudioDocument, { input: { studioId: id, to: 'UNDER_REVIEW' } }, { token });
  const named = await t.gql(
    TransitionStudioDocument,
    {
      input: {
        studioId: id,
        to: 'NAMED',
        namedOn: '2021-04-28',
        namingUnionId: orgId(w.orgs[city]),
        documentNumber: unique('市工发〔2021〕'),
      },
    },
    { token },
  );
  expect(named.data!.transitionStudio.errors).toEqual([]);
  return id;
}

const codes = (errors: { code: string; field?: string | null }[]) => errors.map((e) => [e.code, e.field]);

describe('promotion', () => {
  test('市级 → 省级 → 全国示范性 keeps members, achievements and alliances, and the level history is readable', async () => {
    const id = await namedStudio();
    const other = await namedStudio();
    const member = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('成员'));
    await t.gql(
      SetStudioMemberDocument,
      { input: { studioId: id, personId: member, role: 'CORE' } },
      { token: w.tokens.xian },
    );
    await t.gql(
      RecordAchievementDocument,
      { input: { studioId: id, kind: 'OPERATION_METHOD', title: '焊接操作法', achievedOn: '2022-03-01' } },
      { token: w.tokens.xian },
    );
    const alliance = await t.gql(
      CreateAllianceDocument,
      { input: { name: unique('联盟'), leadStudioId: id, studioIds: [other] } },
      { token: w.tokens.xian },
    );
    expect(alliance.data!.createAlliance.errors).toEqual([]);

    const promote = (token: string, input: Record<string, unknown>) =>
      t.gql(
        PromoteStudioDocument,
        {
          input: {
            studioId: id,
            level: 'PROVINCIAL',
            namedOn: '2023-04-28',
            namingUnionId: orgId(w.orgs.shaanxi),
            documentNumber: '陕工发〔2023〕12号',
            ...input,
          } as never,
        },
        { token },
      );
    const before = await tableCounts(t);
    // The city organizer does not manage the provincial union.
    expect((await promote(w.tokens.xian, {})).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    for (const [input, code, field] of [
      [{ level: 'MUNICIPAL', namingUnionId: orgId(w.orgs.xian) }, 'NOT_A_PROMOTION', 'input.level'],
      [{ level: 'ENTERPRISE' }, 'NOT_A_PROMOTION', 'input.level'],
      [{ level: 'NATIONAL_MODEL' }, 'INVALID_HIERARCHY', 'input.namingUnionId'],
      [{ namedOn: '2020-01-01' }, 'OUT_OF_RANGE', 'input.namedOn'],
      [{ documentNumber: '' }, 'REQUIRED', 'input.documentNumber'],
      [{ namingUnionId: orgId(w.orgs.xianyang) }, 'INVALID_HIERARCHY', 'input.namingUnionId'],
    ] as const) {
      const r = await promote(province, input);
      expect(codes(r.data!.promoteStudio.errors)).toContainEqual([code, field]);
    }
    expect(await tableCounts(t)).toEqual(before);

    const ok = await promote(province, {});
    expect(ok.data!.promoteStudio).toMatchObject({
      errors: [],
      studio: {
        level: 'PROVINCIAL',
        status: 'NAMED',
        namedOn: '2023-04-28',
        documentNumber: '陕工发〔2023〕12号',
      },
    });
    const national = await promote(nation, {
      level: 'NATIONAL_MODEL',
      namedOn: '2025-04-28',
      namingUnionId: orgId(w.orgs.national),
      documentNumber: '总工发〔2025〕7号',
    });
    expect(national.data!.promoteStudio.studio).toMatchObject({ level: 'NATIONAL_MODEL' });
    // Nothing above national.
    const again = await promote(nation, { level: 'NATIONAL_MODEL', namingUnionId: orgId(w.orgs.national) });
    expect(codes(again.data!.promoteStudio.errors)).toContainEqual(['NOT_A_PROMOTION', 'input.level']);

    const s = (await t.gql(StudioLifeDocument, { id }, { token: w.tokens.xian })).data!.studio!;
    expect(s.levelHistory.map((l) => [l.level, l.namedOn, l.namingUnion?.id])).toEqual([
      ['MUNICIPAL', '2021-04-28', orgId(w.orgs.xian)],
      ['PROVINCIAL', '2023-04-28', orgId(w.orgs.shaanxi)],
      ['NATIONAL_MODEL', '2025-04-28', orgId(w.orgs.national)],
    ]);
    expect(s.members.map((m) => m.personId)).toContain(member);
    expect(s.achievements).toHaveLength(1);
    expect(s.alliances).toHaveLength(1);
    expect(s.history.map((h) => h.kind)).toEqual([
      'APPLIED',
      'UNDER_REVIEW',
      'NAMED',
      'MEMBER_SET',
      'ACHIEVEMENT_RECORDED',
      'ALLIANCE_JOINED',
      'PROMOTED',
      'PROMOTED',
    ]);
  });

  test('only a named studio is promoted', async () => {
    const leaderId = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('领办人'));
    const a = await t.gql(
      ApplyStudioDocument,
      {
        input: {
          name: unique('工作室'),
          hostId: orgId(w.orgs.xianFirm),
          level: 'MUNICIPAL',
          field: '电',
          leaderId,
        },
      },
      { token: w.tokens.xian },
    );
    expect(a.errors).toBeUndefined();
    const r = await t.gql(
      PromoteStudioDocument,
      {
        input: {
          studioId: a.data!.applyStudio.studio!.id,
          level: 'PROVINCIAL',
          namedOn: '2023-01-01',
          namingUnionId: orgId(w.orgs.shaanxi),
          documentNumber: '陕工发1号',
        },
      },
      { token: province },
    );
    expect(codes(r.data!.promoteStudio.errors)).toEqual([['STUDIO_NOT_NAMED', 'input.studioId']]);
  });
});

describe('the actor of every step', () => {
  test('organizers managing the host see the account; the public sees the acting union', async () => {
    const id = await namedStudio();
    const xianAccount = await t.sql<{ id: number }>(
      `select actor_id as id from studio_event where studio_id = ? and kind = 'NAMED'`,
      [Number(Buffer.from(id, 'base64url').toString().split(':')[1])],
    );
    const own = (await t.gql(StudioLifeDocument, { id }, { token: w.tokens.xian })).data!.studio!;
    expect(own.history.every((h) => h.actor?.id === gid('Account', xianAccount[0]!.id))).toBe(true);
    expect(own.history.every((h) => h.actingUnion?.id === orgId(w.orgs.xian))).toBe(true);
    for (const token of [undefined, w.tokens.xianyang]) {
      const pub = (await t.gql(StudioLifeDocument, { id }, { token })).data!.studio!;
      expect(pub.history.map((h) => h.actor)).toEqual(pub.history.map(() => null));
      expect(pub.history.map((h) => h.actingUnion?.id)).toEqual(pub.history.map(() => orgId(w.orgs.xian)));
    }
  });
});

describe('periodic review', () => {
  test('pass, warning and revocation by the naming union; once per date; a revoked studio is not reviewed', async () => {
    const id = await namedStudio();
    const review = (token: string, input: Record<string, unknown>) =>
      t.gql(
        ReviewStudioDocument,
        {
          input: {
            studioId: id,
            kind: 'RECHECK',
            outcome: 'PASS',
            reviewedOn: '2024-05-01',
            ...input,
          } as never,
        },
        { token },
      );
    expect((await review(w.tokens.xianyang, {})).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const pass = await review(w.tokens.xian, {});
    expect(pass.data!.reviewStudio).toMatchObject({
      errors: [],
      studio: { status: 'NAMED', lastReview: 'PASS', lastReviewedOn: '2024-05-01' },
    });
    const dup = await review(w.tokens.xian, { outcome: 'WARNING', notes: '整改' });
    expect(codes(dup.data!.reviewStudio.errors)).toEqual([['REVIEW_ALREADY_RECORDED', 'input.reviewedOn']]);
    const noNotes = await review(w.tokens.xian, { outcome: 'WARNING', reviewedOn: '2025-05-01' });
    expect(codes(noNotes.data!.reviewStudio.errors)).toEqual([['REQUIRED', 'input.notes']]);
    const early = await review(w.tokens.xian, { reviewedOn: '2020-05-01' });
    expect(codes(early.data!.reviewStudio.errors)).toEqual([['OUT_OF_RANGE', 'input.reviewedOn']]);
    const warn = await review(w.tokens.xian, {
      kind: 'REEVALUATION',
      outcome: 'WARNING',
      reviewedOn: '2025-05-01',
      notes: '限期整改：师带徒不足',
    });
    expect(warn.data!.reviewStudio.studio).toMatchObject({ status: 'NAMED', lastReview: 'WARNING' });
    const revoke = await review(w.tokens.xian, {
      outcome: 'REVOKED',
      reviewedOn: '2026-05-01',
      notes: '整改未完成',
    });
    expect(revoke.data!.reviewStudio.studio).toMatchObject({ status: 'REVOKED', lastReview: 'REVOKED' });
    const after = await review(w.tokens.xian, { reviewedOn: '2026-06-01' });
    expect(codes(after.data!.reviewStudio.errors)).toEqual([['STUDIO_NOT_NAMED', 'input.studioId']]);

    const s = (await t.gql(StudioLifeDocument, { id })).data!.studio!;
    expect(s.reviews.map((r) => [r.kind, r.outcome, r.reviewedOn, r.reviewingUnion?.id])).toEqual([
      ['RECHECK', 'PASS', '2024-05-01', orgId(w.orgs.xian)],
      ['REEVALUATION', 'WARNING', '2025-05-01', orgId(w.orgs.xian)],
      ['RECHECK', 'REVOKED', '2026-05-01', orgId(w.orgs.xian)],
    ]);
    expect(s.history.at(-1)).toMatchObject({ kind: 'REVIEWED', fromStatus: 'NAMED', toStatus: 'REVOKED' });
  });
});

describe('alliances grow and shrink', () => {
  test('with approval a join is a request the lead’s organizers approve or reject; without, it is immediate', async () => {
    const lead = await namedStudio('xian');
    const joiner = await namedStudio('xianyang');
    const second = await namedStudio('xianyang');
    const created = await t.gql(
      CreateAllianceDocument,
      { input: { name: unique('焊接联盟'), leadStudioId: lead, studioIds: [], joinRequiresApproval: true } },
      { token: w.tokens.xian },
    );
    const allianceId = created.data!.createAlliance.alliance!.id;
    const join = (token: string, studioId: string) =>
      t.gql(JoinAllianceDocument, { input: { allianceId, studioId } }, { token });

    // 西安 cannot join 咸阳's studio; 咸阳's join waits for approval.
    expect((await join(w.tokens.xian, joiner)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const asked = (await join(w.tokens.xianyang, joiner)).data!.joinAlliance;
    expect(asked).toMatchObject({ errors: [], joinRequest: { status: 'PENDING', studio: { id: joiner } } });
    expect(asked.alliance!.studios.map((s) => s.id)).toEqual([lead]);
    expect(asked.alliance!.pendingJoinRequests).toEqual([]); // not the lead's organizer
    const twice = (await join(w.tokens.xianyang, joiner)).data!.joinAlliance;
    expect(codes(twice.errors)).toEqual([['JOIN_ALREADY_REQUESTED', 'input.studioId']]);
    const requestId = asked.joinRequest!.id;
    // The request is a node for both sides' organizers, and for nobody else.
    for (const [token, seen] of [
      [w.tokens.xian, true],
      [w.tokens.xianyang, true],
      [undefined, false],
    ] as const) {
      const node = await t.gql(NodeByIdDocument, { id: requestId }, { token });
      expect(node.data!.node).toEqual(seen ? { __typename: 'AllianceJoinRequest', id: requestId } : null);
    }

    const decide = (token: string, input: Record<string, unknown>) =>
      t.gql(
        DecideAllianceJoinDocument,
        { input: { requestId, approve: true, ...input } as never },
        { token },
      );
    expect((await decide(w.tokens.xianyang, {})).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const approved = (await decide(w.tokens.xian, {})).data!.decideAllianceJoin;
    expect(approved).toMatchObject({ errors: [], joinRequest: { status: 'APPROVED' } });
    expect(approved.alliance!.studios.map((s) => s.id).sort()).toEqual([lead, joiner].sort());
    const decided = (await decide(w.tokens.xian, { approve: false, reason: '重复' })).data!
      .decideAllianceJoin;
    expect(codes(decided.errors)).toEqual([['JOIN_REQUEST_DECIDED', 'input.requestId']]);
    expect(codes((await join(w.tokens.xianyang, joiner)).data!.joinAlliance.errors)).toEqual([
      ['ALREADY_IN_ALLIANCE', 'input.studioId'],
    ]);

    // A rejection needs a reason.
    const r2 = (await join(w.tokens.xianyang, second)).data!.joinAlliance.joinRequest!.id;
    const lead2 = await t.gql(StudioLifeDocument, { id: lead }, { token: w.tokens.xian });
    expect(lead2.data!.studio!.alliances).toHaveLength(1);
    const noReason = await t.gql(
      DecideAllianceJoinDocument,
      { input: { requestId: r2, approve: false } },
      { token: w.tokens.xian },
    );
    expect(codes(noReason.data!.decideAllianceJoin.errors)).toEqual([['REQUIRED', 'input.reason']]);
    const rejected = await t.gql(
      DecideAllianceJoinDocument,
      { input: { requestId: r2, approve: false, reason: '领域不符' } },
      { token: w.tokens.xian },
    );
    expect(rejected.data!.decideAllianceJoin.joinRequest).toMatchObject({
      status: 'REJECTED',
      reason: '领域不符',
    });

    // Only the lead's organizers change the setting; then joins are immediate.
    const set = (token: string) =>
      t.gql(
        SetAllianceJoinApprovalDocument,
        { input: { allianceId, joinRequiresApproval: false } },
        { token },
      );
    expect((await set(w.tokens.xianyang)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await set(w.tokens.xian)).data!.setAllianceJoinApproval.alliance!.joinRequiresApproval).toBe(
      false,
    );
    const direct = (await join(w.tokens.xianyang, second)).data!.joinAlliance;
    expect(direct).toMatchObject({ errors: [], joinRequest: null });
    expect(direct.alliance!.studios).toHaveLength(3);

    // Leaving: the studio's organizers, or removal by the lead's; the lead stays.
    const leave = (token: string, studioId: string) =>
      t.gql(LeaveAllianceDocument, { input: { allianceId, studioId, reason: '调整' } }, { token });
    expect(codes((await leave(w.tokens.xian, lead)).data!.leaveAlliance.errors)).toEqual([
      ['LEAD_STUDIO_CANNOT_LEAVE', 'input.studioId'],
    ]);
    expect((await leave(w.tokens.xianyang, joiner)).data!.leaveAlliance.alliance!.studios).toHaveLength(2);
    expect(
      (await leave(w.tokens.xian, second)).data!.leaveAlliance.alliance!.studios.map((s) => s.id),
    ).toEqual([lead]);
    expect(codes((await leave(w.tokens.xianyang, joiner)).data!.leaveAlliance.errors)).toEqual([
      ['NOT_IN_ALLIANCE', 'input.studioId'],
    ]);
    const joinerLife = (await t.gql(StudioLifeDocument, { id: joiner })).data!.studio!;
    expect(joinerLife.alliances).toEqual([]);
    expect(joinerLife.history.map((h) => h.kind).slice(-3)).toEqual([
      'ALLIANCE_JOIN_REQUESTED',
      'ALLIANCE_JOINED',
      'ALLIANCE_LEFT',
    ]);
  });
});

describe('naming certificate', () => {
  /** The certificate's text as anyone downloads it, or null when the studio has none. */
  async function certificate(id: string, example?: string): Promise<string | null> {
    const s = (await t.gql(StudioNamingCertificateDocument, { id })).data!.studio!;
    if (!s.namingCertificatePdf) return null;
    expect(s.namingCertificatePdf.contentType).toBe('application/pdf');
    const pdf = await fetch(`${new URL(t.url).origin}${s.namingCertificatePdf.url}`);
    expect(pdf.status).toBe(200);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    // `WRITE_DOCUMENT_EXAMPLES=1` refreshes the example under docs/, as test/documents.test.ts does.
    if (example && process.env.WRITE_DOCUMENT_EXAMPLES) {
      writeFileSync(path.join(__dirname, '../docs/examples', `${example}.pdf`), bytes);
    }
    const { text, pages } = await pdfText(bytes);
    expect(pages).toBe(1);
    return text.replace(/\n/g, '');
  }

  test('a named studio has one, public, at its current level; an application and a revoked name have none', async () => {
    const token = w.tokens.xian;
    const leaderId = await createPerson(t, token, w.orgs.xianFirm, unique('领办人'));
    const applied = await t.gql(
      ApplyStudioDocument,
      {
        input: {
          name: unique('申报中工作室'),
          hostId: orgId(w.orgs.xianFirm),
          level: 'MUNICIPAL',
          field: '焊接',
          leaderId,
        },
      },
      { token },
    );
    // An application is not public at all; its organizer reads it but it has no certificate yet.
    const pending = await t.gql(
      StudioNamingCertificateDocument,
      { id: applied.data!.applyStudio.studio!.id },
      { token },
    );
    expect(pending.data!.studio!.namingCertificatePdf).toBeNull();

    const id = await namedStudio();
    const name = (await t.gql(StudioNamingCertificateDocument, { id })).data!.studio!.name;
    const city = await certificate(id);
    expect(city).toContain('命名证书');
    expect(city).toContain('西安秦川焊接有限公司');
    expect(city).toContain(`“${name}”被命名为`);
    expect(city).toContain('市级劳模和工匠人才创新工作室');
    expect(city).toMatch(/经西安市总工会研究决定（市工发〔2021〕\d+）/);
    expect(city).toContain('特发此证');
    expect(city).toContain('2021年4月28日');

    // Promoted, the certificate is the new level's, from the province.
    const promoted = await t.gql(
      PromoteStudioDocument,
      {
        input: {
          studioId: id,
          level: 'PROVINCIAL',
          namedOn: '2023-04-28',
          namingUnionId: orgId(w.orgs.shaanxi),
          documentNumber: '陕工发〔2023〕12号',
        } as never,
      },
      { token: province },
    );
    expect(promoted.data!.promoteStudio.errors).toEqual([]);
    const provincial = await certificate(id, 'naming-certificate');
    expect(provincial).toContain('省级劳模和工匠人才创新工作室');
    expect(provincial).toContain('经陕西省总工会研究决定（陕工发〔2023〕12号）');
    expect(provincial).toContain('2023年4月28日');
    expect(provincial).not.toContain('市级劳模和工匠人才创新工作室');

    const revoked = await t.gql(
      ReviewStudioDocument,
      {
        input: {
          studioId: id,
          kind: 'RECHECK',
          outcome: 'REVOKED',
          reviewedOn: '2024-05-01',
          notes: '整改未完成',
        } as never,
      },
      { token: province },
    );
    expect(revoked.data!.reviewStudio.errors).toEqual([]);
    expect(await certificate(id)).toBeNull();
  });
});
