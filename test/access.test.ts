import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, getIntrospectionQuery, type IntrospectionQuery, print } from 'graphql';
import { Role } from '../src/modules/account/account.entity';
import { POLICY } from '../src/shared/access/policy';
import {
  AccessAddHonorDocument,
  AccessAddRoundDocument,
  AccessAdvanceRoundDocument,
  AccessApplyStudioDocument,
  AccessAssessStudioDocument,
  AccessAssignJudgeDocument,
  AccessAssignReviewersDocument,
  AccessBoardUpdatesDocument,
  AccessCompetitionDocument,
  AccessCompetitionsDocument,
  AccessCompetitionStatusChangedDocument,
  AccessCreateAccountDocument,
  AccessCreateAllianceDocument,
  AccessDecideAllianceJoinDocument,
  AccessJoinAllianceDocument,
  AccessLeaveAllianceDocument,
  AccessPromoteStudioDocument,
  AccessReviewStudioDocument,
  AccessSetAllianceJoinApprovalDocument,
  AccessCreateApiKeyDocument,
  AccessCreateCampaignDocument,
  AccessCreateOrganizationDocument,
  AccessCreatePersonDocument,
  AccessCreateTeamDocument,
  AccessCreateTradeDocument,
  AccessDeclareConflictDocument,
  AccessDrawLotsDocument,
  AccessDrawRecheckDocument,
  AccessEntrantMarksAsOfDocument,
  AccessFileAppealDocument,
  AccessFinalizeResultsDocument,
  AccessImportEntrantsDocument,
  AccessLockMarksDocument,
  AccessMoveOrganizationDocument,
  AccessNodeDocument,
  AccessNodesDocument,
  AccessOrganizationDocument,
  AccessPeopleDocument,
  AccessPersonDocument,
  AccessPublishResultsDocument,
  AccessRecordAchievementDocument,
  AccessRecordCompletionTimeDocument,
  AccessRecordRecheckDocument,
  AccessRemoveHonorDocument,
  AccessResolveAppealDocument,
  AccessRevealBoardDocument,
  AccessReviewEligibilityDocument,
  AccessRevokeApiKeyDocument,
  AccessSetAccountActiveDocument,
  AccessSetBoardFreezeDocument,
  AccessSetEntrantStatusDocument,
  AccessSetCertificateTemplateDocument,
  AccessSetMarkingSchemeDocument,
  AccessSetResultsRulesDocument,
  AccessSetReviewersDocument,
  AccessSetStudioMemberDocument,
  AccessSignInDocument,
  AccessStudioDocument,
  AccessStudioRegistryFileDocument,
  AccessStudiosDocument,
  AccessStudioStatisticsDocument,
  AccessSubmitEntryDocument,
  AccessSubmitMarksDocument,
  AccessTeamDocument,
  AccessToleranceBreachedDocument,
  AccessTradeDocument,
  AccessTransitionCompetitionDocument,
  AccessTransitionStudioDocument,
  AccessUnionStatisticsDocument,
  AccessUnlockMarksDocument,
  AccessUpdateCompetitionDocument,
  AccessUpdateOrganizationDocument,
  AccessUpdatePersonDocument,
  AccessUpdateTradeDocument,
  AccessVerifyAuditChainDocument,
  AccessLinkAccountPersonDocument,
  AccessReplaceJudgeDocument,
  AccessVoidJudgeMarksDocument,
  AccessWithdrawJudgeDocument,
  AddHonorDocument,
  AddRoundDocument,
  ApplyStudioDocument,
  AssignJudgeDocument,
  CreateApiKeyDocument,
  CreateCampaignDocument,
  CreateCompetitionIdDocument,
  CreatePersonDocument,
  CreateTeamDocument,
  FileAppealDocument,
  MoveOrganizationDocument,
  OrganizationCountDocument,
  type PanelRole,
  RegisterEntrantIdDocument,
  ReviewEligibilityDocument,
  RevokeApiKeyDocument,
  SetAccountActiveDocument,
  SetBoardFreezeDocument,
  SetMarkingSchemeDocument,
  SignInTokenDocument,
  SubmitEntryDocument,
  TransitionCompetitionDocument,
  TransitionStudioDocument,
  UpdateCompetitionDocument,
  UpdateOrganizationDocument,
  ViewerDocument,
  ViewerKindDocument,
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  ResendWebhookDeliveryDocument,
  RotateWebhookSecretDocument,
  SetWebhookEndpointEnabledDocument,
  WebhookEndpointsDocument,
} from './generated/graphql';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { documentId, loadManifest } from '../src/shared/security/trusted-documents';
import WebSocket from 'ws';
import { gid, type Auth, type RawResponse, startTestApp, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  drawLots,
  moveTo,
  orgId,
  tableCounts,
  tablet,
  type World,
  dbId,
  registerEntrant,
  seatJudge,
} from './support/world';

/**
 * Every root operation × every kind of caller. Each call works on objects of
 * 西安 (Xi'an); the "neighbour" is the organizer of 咸阳, a sibling city.
 *   ok     – the operation ran (payload without errors, or data returned)
 *   denied – refused with a top-level UNAUTHENTICATED / FORBIDDEN error
 *   hidden – ran, but the object is invisible to the caller (null / absent; a mutation naming an
 *            object the caller may not read answers as for a missing one, see reference-scope.test.ts)
 */
type Outcome = 'ok' | 'denied' | 'hidden';
const CALLERS = [
  'anonymous',
  'judge',
  'chiefJudge',
  'organizer',
  'neighbour',
  'admin',
  'apiKey',
  'narrowKey',
] as const;
type Caller = (typeof CALLERS)[number];

let t: TestApp;
let w: World;
let auth: Record<Caller, Auth>;

interface Case {
  op: string;
  /** Builds fresh variables (objects owned by 西安) for one call. */
  vars: () => Promise<Record<string, unknown>>;
  doc: DocumentNode;
  /** Reads the operation's result into an outcome when no top-level error was raised. */
  read: (data: Record<string, unknown>) => Outcome;
  expect: Record<Caller, Outcome>;
  /** Subscriptions run over graphql-ws; the event is `event`, by default a transition of `id` to RUNNING. */
  transport?: 'ws';
  /** For a subscription: what makes the event happen once the caller has subscribed. */
  event?: (variables: Record<string, unknown>) => Promise<void>;
}

const payload =
  (field: string, node: string) =>
  (data: Record<string, unknown>): Outcome => {
    const p = data[field] as { errors: unknown[] } & Record<string, unknown>;
    return p.errors.length === 0 && p[node] ? 'ok' : 'hidden';
  };
const present =
  (field: string) =>
  (data: Record<string, unknown>): Outcome =>
    data[field] ? 'ok' : 'hidden';

const ALL_OK: Record<Caller, Outcome> = {
  anonymous: 'ok',
  judge: 'ok',
  chiefJudge: 'ok',
  organizer: 'ok',
  neighbour: 'ok',
  admin: 'ok',
  apiKey: 'ok',
  narrowKey: 'ok',
};
const MANAGE: Record<Caller, Outcome> = {
  anonymous: 'denied',
  judge: 'denied',
  chiefJudge: 'denied',
  organizer: 'ok',
  neighbour: 'denied',
  admin: 'ok',
  apiKey: 'ok',
  narrowKey: 'denied',
};
const MANAGE_NO_KEYS: Record<Caller, Outcome> = { ...MANAGE, apiKey: 'denied' };
const NONE: Record<Caller, Outcome> = {
  anonymous: 'denied',
  judge: 'denied',
  chiefJudge: 'denied',
  organizer: 'denied',
  neighbour: 'denied',
  admin: 'denied',
  apiKey: 'denied',
  narrowKey: 'denied',
};
const PUBLIC_READ: Record<Caller, Outcome> = { ...ALL_OK, narrowKey: 'denied' };
/** The trade's chief judge (seated on the fixture's trade) and admins; no scope, so no key. */
const CHIEF: Record<Caller, Outcome> = { ...NONE, chiefJudge: 'ok', admin: 'ok' };
/** The jury: the trade's chief judge and the host's organizers (and admins); no key. */
const JURY: Record<Caller, Outcome> = { ...CHIEF, organizer: 'ok' };

let n = 0;
const unique = (s: string) => `${s}${++n}`;

// A public address literal (nothing resolves) and an event type no case here fires.
const WEBHOOK = { url: 'https://8.8.8.8/hooks', eventTypes: ['CAMPAIGN_AWARDS_RECORDED' as const] };

/** A webhook endpoint of 西安, registered by its organizer. */
async function webhookEndpoint(): Promise<string> {
  const r = await t.gql(
    CreateWebhookEndpointDocument,
    { input: { organizationId: orgId(w.orgs.xian), ...WEBHOOK } },
    { token: w.tokens.xian },
  );
  return r.data!.createWebhookEndpoint.endpoint!.id;
}

const cases: Case[] = [
  {
    op: 'Query.node (a draft competition)',
    vars: async () => ({ id: await createCompetition(t, w.tokens.xian, w.orgs.xian) }),
    doc: AccessNodeDocument,
    read: present('node'),
    expect: { ...ALL_OK, anonymous: 'hidden', judge: 'hidden', chiefJudge: 'hidden', neighbour: 'hidden' },
  },
  {
    op: 'Query.organizations',
    vars: async () => ({}),
    doc: OrganizationCountDocument,
    read: present('organizations'),
    expect: PUBLIC_READ,
  },
  {
    op: 'Query.competitions',
    vars: async () => ({}),
    doc: AccessCompetitionsDocument,
    read: present('competitions'),
    expect: PUBLIC_READ,
  },
  {
    op: 'Query.person',
    vars: async () => ({ id: await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('访问')) }),
    doc: AccessPersonDocument,
    read: present('person'),
    expect: { ...MANAGE, neighbour: 'hidden', narrowKey: 'ok' },
  },
  {
    op: 'Query.unionStatistics',
    vars: async () => ({ id: orgId(w.orgs.xian) }),
    doc: AccessUnionStatisticsDocument,
    read: present('unionStatistics'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.createOrganization',
    vars: async () => ({ input: { name: unique('新区'), level: 'DISTRICT', parentId: orgId(w.orgs.xian) } }),
    doc: AccessCreateOrganizationDocument,
    read: payload('createOrganization', 'organization'),
    expect: MANAGE,
  },
  {
    op: 'Query.studio (a named studio)',
    vars: async () => ({ id: await namedStudio() }),
    doc: AccessStudioDocument,
    read: present('studio'),
    expect: PUBLIC_READ,
  },
  {
    op: 'Query.studios',
    vars: async () => ({}),
    doc: AccessStudiosDocument,
    read: present('studios'),
    expect: PUBLIC_READ,
  },
  {
    op: 'Query.studioRegistryFile',
    vars: async () => ({}),
    doc: AccessStudioRegistryFileDocument,
    read: present('studioRegistryFile'),
    expect: PUBLIC_READ,
  },
  {
    op: 'Query.studioStatistics (西安)',
    vars: async () => ({ id: orgId(w.orgs.xian) }),
    doc: AccessStudioStatisticsDocument,
    read: present('studioStatistics'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.applyStudio',
    vars: async () => ({
      input: {
        name: unique('工作室'),
        hostId: orgId(w.orgs.xianFirm),
        level: 'ENTERPRISE',
        field: '焊接',
        leaderId: await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('领办人')),
      },
    }),
    doc: AccessApplyStudioDocument,
    read: payload('applyStudio', 'studio'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.transitionStudio (to review)',
    vars: async () => ({ input: { studioId: await appliedStudio(), to: 'UNDER_REVIEW' } }),
    doc: AccessTransitionStudioDocument,
    read: payload('transitionStudio', 'studio'),
    expect: { ...MANAGE, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.assessStudio',
    vars: async () => ({ input: { studioId: await namedStudio(), year: 2024, result: 'PASS' } }),
    doc: AccessAssessStudioDocument,
    read: payload('assessStudio', 'studio'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.setStudioMember',
    vars: async () => ({
      input: {
        studioId: await namedStudio(),
        personId: await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('成员')),
        role: 'MEMBER',
      },
    }),
    doc: AccessSetStudioMemberDocument,
    read: payload('setStudioMember', 'studio'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.createAlliance',
    vars: async () => ({
      input: { name: unique('联盟'), leadStudioId: await namedStudio(), studioIds: [await namedStudio()] },
    }),
    doc: AccessCreateAllianceDocument,
    read: payload('createAlliance', 'alliance'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.recordAchievement',
    vars: async () => ({
      input: {
        studioId: await namedStudio(),
        kind: 'OPERATION_METHOD',
        title: '先进操作法',
        achievedOn: '2024-06-01',
      },
    }),
    doc: AccessRecordAchievementDocument,
    read: payload('recordAchievement', 'achievement'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.promoteStudio',
    vars: async () => {
      // An enterprise-level studio named by the city, promoted to municipal by the city.
      const id = await namedStudio();
      await t.sql(`update studio set level = 'ENTERPRISE' where id = ?`, [dbIdOf(id)]);
      await t.sql(`update studio_level_step set level = 'ENTERPRISE' where studio_id = ?`, [dbIdOf(id)]);
      return {
        input: {
          studioId: id,
          level: 'MUNICIPAL',
          namedOn: '2025-04-28',
          namingUnionId: orgId(w.orgs.xian),
          documentNumber: unique('西工发'),
        },
      };
    },
    doc: AccessPromoteStudioDocument,
    read: payload('promoteStudio', 'studio'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.reviewStudio',
    vars: async () => ({
      input: { studioId: await namedStudio(), kind: 'RECHECK', outcome: 'PASS', reviewedOn: '2025-05-01' },
    }),
    doc: AccessReviewStudioDocument,
    read: payload('reviewStudio', 'studio'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.joinAlliance',
    vars: async () => ({ input: { allianceId: await allianceOf([]), studioId: await namedStudio() } }),
    doc: AccessJoinAllianceDocument,
    read: payload('joinAlliance', 'alliance'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.decideAllianceJoin',
    vars: async () => {
      const a = await allianceOf([]);
      const [r] = await t.sql<{ id: number }>(
        'insert into alliance_join_request (alliance_id, studio_id) values (?, ?) returning id',
        [dbIdOf(a), dbIdOf(await namedStudio())],
      );
      return { input: { requestId: gid('AllianceJoinRequest', r!.id), approve: true } };
    },
    doc: AccessDecideAllianceJoinDocument,
    read: payload('decideAllianceJoin', 'alliance'),
    expect: { ...MANAGE, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.leaveAlliance',
    vars: async () => {
      const member = await namedStudio();
      return { input: { allianceId: await allianceOf([member]), studioId: member } };
    },
    doc: AccessLeaveAllianceDocument,
    read: payload('leaveAlliance', 'alliance'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.setAllianceJoinApproval',
    vars: async () => ({ input: { allianceId: await allianceOf([]), joinRequiresApproval: true } }),
    doc: AccessSetAllianceJoinApprovalDocument,
    read: payload('setAllianceJoinApproval', 'alliance'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.createCampaign',
    vars: async () => ({
      input: {
        name: unique('科技节'),
        hostId: orgId(w.orgs.xian),
        year: 2024,
        submissionsOpenAt: new Date(Date.now() - 60_000).toISOString(),
        submissionsCloseAt: new Date(Date.now() + 3_600_000).toISOString(),
        categories: [{ code: 'P', name: '项目', awardQuota: 1 }],
      },
    }),
    doc: AccessCreateCampaignDocument,
    read: payload('createCampaign', 'campaign'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.addRound',
    vars: async () => ({ input: { categoryId: (await campaignFixture('DRAFT')).categoryId, kind: 'FINAL' } }),
    doc: AccessAddRoundDocument,
    read: payload('addRound', 'round'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.submitEntry',
    vars: async () => ({
      input: {
        categoryId: (await campaignFixture('REGISTRATION_OPEN')).categoryId,
        title: unique('项目'),
        personId: await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('创新者')),
      },
    }),
    doc: AccessSubmitEntryDocument,
    read: payload('submitEntry', 'submission'),
    expect: { ...MANAGE, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.reviewEligibility',
    vars: async () => ({
      input: {
        submissionId: (await campaignFixture('REGISTRATION_OPEN', { submit: true })).submissionId,
        eligible: true,
      },
    }),
    doc: AccessReviewEligibilityDocument,
    read: payload('reviewEligibility', 'submission'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.assignReviewers',
    vars: async () => {
      const f = await campaignFixture('RUNNING', { submit: true });
      const judge = await t.account(Role.JUDGE, w.orgs.xian);
      return {
        input: {
          tradeId: f.roundId,
          judgeIds: [gid('Account', judge.account.id)],
          perSubmission: 1,
          maxPerJudge: 5,
        },
      };
    },
    doc: AccessAssignReviewersDocument,
    read: (d) =>
      (d.assignReviewers as { errors: unknown[]; loads: unknown[] }).errors.length === 0 &&
      (d.assignReviewers as { loads: unknown[] }).loads.length === 1
        ? 'ok'
        : 'hidden',
    expect: MANAGE,
  },
  {
    op: 'Mutation.setReviewers',
    vars: async () => {
      const f = await campaignFixture('RUNNING', { submit: true });
      const [e] = await t.sql<{ id: number }>('select id from entrant where submission_id = ?', [
        dbId(f.submissionId!),
      ]);
      const judge = await t.account(Role.JUDGE, w.orgs.xian);
      return { input: { entrantId: gid('Entrant', e!.id), judgeIds: [gid('Account', judge.account.id)] } };
    },
    doc: AccessSetReviewersDocument,
    read: (d) =>
      (d.setReviewers as { assignments: unknown[]; errors: unknown[] }).errors.length === 0 &&
      (d.setReviewers as { assignments: unknown[] }).assignments.length === 1
        ? 'ok'
        : 'hidden',
    expect: MANAGE,
  },
  {
    op: 'Mutation.advanceRound',
    vars: async () => ({
      input: { tradeId: (await campaignFixture('SIGNED_OFF', { submit: true })).roundId },
    }),
    doc: AccessAdvanceRoundDocument,
    read: (d) => ((d.advanceRound as { advanced: string[] }).advanced.length === 1 ? 'ok' : 'hidden'),
    expect: JURY,
  },
  {
    op: 'Mutation.createPerson',
    vars: async () => ({ input: { name: unique('工人'), employerId: orgId(w.orgs.xianFirm) } }),
    doc: AccessCreatePersonDocument,
    read: payload('createPerson', 'person'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.addHonor',
    vars: async () => ({
      input: {
        personId: await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('劳模')),
        kind: 'MODEL_WORKER',
        level: 'CITY',
        title: '西安市劳动模范',
        year: 2020,
        awardingBody: '西安市人民政府',
      },
    }),
    doc: AccessAddHonorDocument,
    read: payload('addHonor', 'honor'),
    expect: { ...MANAGE, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.createCompetition',
    vars: async () => ({
      input: { name: unique('竞赛'), kind: 'SKILLS', year: 2024, hostId: orgId(w.orgs.xian) },
    }),
    doc: CreateCompetitionIdDocument,
    read: payload('createCompetition', 'competition'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.transitionCompetition',
    vars: async () => ({
      input: { id: await createCompetition(t, w.tokens.xian, w.orgs.xian), to: 'REGISTRATION_OPEN' },
    }),
    doc: AccessTransitionCompetitionDocument,
    read: payload('transitionCompetition', 'competition'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.createTrade',
    vars: async () => ({
      input: {
        competitionId: await createCompetition(t, w.tokens.xian, w.orgs.xian),
        name: '焊工',
        theoryWeight: 30,
        practicalWeight: 70,
        capacity: 10,
      },
    }),
    doc: AccessCreateTradeDocument,
    read: payload('createTrade', 'trade'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.registerEntrant',
    vars: async () => {
      const c = await createCompetition(t, w.tokens.xian, w.orgs.xian);
      return {
        input: {
          tradeId: await createTrade(t, w.tokens.xian, c),
          personId: await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('选手')),
        },
      };
    },
    doc: RegisterEntrantIdDocument,
    read: payload('registerEntrant', 'entrant'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.createAccount',
    vars: async () => ({
      input: {
        username: unique('judge.'),
        password: 'a long enough password',
        displayName: '裁判',
        role: 'JUDGE',
        organizationId: orgId(w.orgs.xian),
      },
    }),
    doc: AccessCreateAccountDocument,
    read: payload('createAccount', 'account'),
    expect: MANAGE_NO_KEYS,
  },
  {
    op: 'Mutation.createApiKey',
    vars: async () => ({
      input: { name: unique('指尖工会'), scopes: ['competitions:read'], organizationId: orgId(w.orgs.xian) },
    }),
    doc: AccessCreateApiKeyDocument,
    read: payload('createApiKey', 'apiKey'),
    expect: MANAGE_NO_KEYS,
  },
  {
    op: 'Query.nodes',
    vars: async () => ({ ids: [orgId(w.orgs.xian), await createCompetition(t, w.tokens.xian, w.orgs.xian)] }),
    doc: AccessNodesDocument,
    read: (d) => ((d.nodes as unknown[])[1] ? 'ok' : 'hidden'),
    expect: { ...ALL_OK, anonymous: 'hidden', judge: 'hidden', chiefJudge: 'hidden', neighbour: 'hidden' },
  },
  {
    op: 'Query.viewer',
    vars: async () => ({}),
    doc: ViewerKindDocument,
    read: present('viewer'),
    expect: ALL_OK,
  },
  {
    op: 'Query.organization',
    vars: async () => ({ id: orgId(w.orgs.xian) }),
    doc: AccessOrganizationDocument,
    read: present('organization'),
    expect: PUBLIC_READ,
  },
  {
    op: 'Query.competition (a draft)',
    vars: async () => ({ id: await createCompetition(t, w.tokens.xian, w.orgs.xian) }),
    doc: AccessCompetitionDocument,
    read: present('competition'),
    expect: {
      ...PUBLIC_READ,
      anonymous: 'hidden',
      judge: 'hidden',
      chiefJudge: 'hidden',
      neighbour: 'hidden',
    },
  },
  {
    op: 'Query.trade (of a draft)',
    vars: async () => ({
      id: await createTrade(t, w.tokens.xian, await createCompetition(t, w.tokens.xian, w.orgs.xian)),
    }),
    doc: AccessTradeDocument,
    read: present('trade'),
    expect: {
      ...PUBLIC_READ,
      anonymous: 'hidden',
      judge: 'hidden',
      chiefJudge: 'hidden',
      neighbour: 'hidden',
    },
  },
  {
    op: 'Query.people',
    vars: async () => ({}),
    doc: AccessPeopleDocument,
    read: present('people'),
    expect: { ...MANAGE, neighbour: 'ok', narrowKey: 'ok' },
  },
  {
    op: 'Query.team',
    vars: async () => ({ id: await newTeam() }),
    doc: AccessTeamDocument,
    read: present('team'),
    expect: { ...MANAGE, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.signIn',
    vars: async () => ({ i: { username: 'nobody', password: 'x' } }),
    doc: AccessSignInDocument,
    read: (d) => ((d.signIn as { errors: unknown[] }).errors.length === 1 ? 'ok' : 'hidden'),
    expect: ALL_OK,
  },
  {
    op: 'Mutation.setAccountActive',
    vars: async () => {
      const { account } = await t.account('JUDGE' as never, w.orgs.lianhu);
      return { i: { id: gid('Account', account.id), active: false } };
    },
    doc: AccessSetAccountActiveDocument,
    read: payload('setAccountActive', 'account'),
    expect: { ...MANAGE_NO_KEYS, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.linkAccountPerson',
    vars: async () => {
      const { account } = await t.account('JUDGE' as never, w.orgs.lianhu);
      const personId = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('裁判'));
      return { i: { accountId: gid('Account', account.id), personId } };
    },
    doc: AccessLinkAccountPersonDocument,
    read: payload('linkAccountPerson', 'account'),
    // The neighbour's call names an account it cannot read: refused like a missing one.
    expect: { ...MANAGE_NO_KEYS, neighbour: 'hidden' },
  },
  {
    op: 'Query.webhookEndpoints',
    vars: async () => ({}),
    doc: WebhookEndpointsDocument,
    read: present('webhookEndpoints'),
    expect: { ...MANAGE, neighbour: 'ok' },
  },
  {
    op: 'Mutation.createWebhookEndpoint',
    vars: async () => ({ input: { organizationId: orgId(w.orgs.xian), ...WEBHOOK } }),
    doc: CreateWebhookEndpointDocument,
    read: payload('createWebhookEndpoint', 'endpoint'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.rotateWebhookSecret',
    vars: async () => ({ input: { id: await webhookEndpoint() } }),
    doc: RotateWebhookSecretDocument,
    read: payload('rotateWebhookSecret', 'endpoint'),
    expect: { ...MANAGE, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.setWebhookEndpointEnabled',
    vars: async () => ({ input: { id: await webhookEndpoint(), enabled: false } }),
    doc: SetWebhookEndpointEnabledDocument,
    read: payload('setWebhookEndpointEnabled', 'endpoint'),
    expect: { ...MANAGE, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.deleteWebhookEndpoint',
    vars: async () => ({ id: await webhookEndpoint() }),
    doc: DeleteWebhookEndpointDocument,
    read: payload('deleteWebhookEndpoint', 'deletedId'),
    expect: { ...MANAGE, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.resendWebhookDelivery',
    vars: async () => {
      const endpoint = dbId(await webhookEndpoint());
      const [row] = await t.sql<{ id: number }>(
        `insert into webhook_delivery (endpoint_id, event_id, event_type, event, occurred_at, next_attempt_at, status)
         values (?, ?::uuid, 'CAMPAIGN_AWARDS_RECORDED', '{"competitionId": 1}', now(), now(), 'SUCCEEDED') returning id`,
        [endpoint, randomUUID()],
      );
      return { id: gid('WebhookDelivery', row!.id) };
    },
    doc: ResendWebhookDeliveryDocument,
    read: payload('resendWebhookDelivery', 'delivery'),
    expect: { ...MANAGE, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.revokeApiKey',
    vars: async () => {
      const r = await t.gql(
        CreateApiKeyDocument,
        { input: { name: unique('key'), scopes: ['competitions:read'], organizationId: orgId(w.orgs.xian) } },
        { token: w.tokens.xian },
      );
      return { id: r.data!.createApiKey.apiKey!.id };
    },
    doc: AccessRevokeApiKeyDocument,
    read: payload('revokeApiKey', 'apiKey'),
    expect: { ...MANAGE_NO_KEYS, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.updateOrganization',
    vars: async () => ({ i: { id: orgId(w.orgs.lianhu), shortName: unique('莲湖') } }),
    doc: AccessUpdateOrganizationDocument,
    read: payload('updateOrganization', 'organization'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.moveOrganization',
    vars: async () => {
      const street = await t.org(unique('街道'), 'STREET' as never, w.orgs.lianhu);
      return { i: { id: orgId(street), newParentId: orgId(w.orgs.xian) } };
    },
    doc: AccessMoveOrganizationDocument,
    read: payload('moveOrganization', 'organization'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.updatePerson',
    vars: async () => ({
      i: { id: await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('改')), occupation: '电工' },
    }),
    doc: AccessUpdatePersonDocument,
    read: payload('updatePerson', 'person'),
    expect: { ...MANAGE, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.removeHonor',
    vars: async () => {
      const personId = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('荣誉'));
      const r = await t.gql(
        AddHonorDocument,
        {
          input: { personId, kind: 'OTHER', title: '先进个人', year: 2021, awardingBody: '西安市总工会' },
        },
        { token: w.tokens.xian },
      );
      return { id: r.data!.addHonor.honor!.id };
    },
    doc: AccessRemoveHonorDocument,
    read: payload('removeHonor', 'honor'),
    expect: { ...MANAGE, neighbour: 'hidden' },
  },
  {
    op: 'Mutation.updateCompetition',
    vars: async () => ({
      i: { id: await createCompetition(t, w.tokens.xian, w.orgs.xian), description: '说明' },
    }),
    doc: AccessUpdateCompetitionDocument,
    read: payload('updateCompetition', 'competition'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.updateTrade',
    vars: async () => ({
      i: {
        id: await createTrade(t, w.tokens.xian, await createCompetition(t, w.tokens.xian, w.orgs.xian)),
        venue: '西安国际会展中心',
      },
    }),
    doc: AccessUpdateTradeDocument,
    read: payload('updateTrade', 'trade'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.createTeam',
    vars: async () => ({
      i: { name: unique('班组'), kind: 'CREW', organizationId: orgId(w.orgs.xianFirm), memberIds: [] },
    }),
    doc: AccessCreateTeamDocument,
    read: payload('createTeam', 'team'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.setEntrantStatus',
    vars: async () => ({ i: { id: await newEntrant(), status: 'APPROVED' } }),
    doc: AccessSetEntrantStatusDocument,
    read: payload('setEntrantStatus', 'entrant'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.importEntrants',
    vars: async () => ({
      i: {
        tradeId: await createTrade(t, w.tokens.xian, await createCompetition(t, w.tokens.xian, w.orgs.xian)),
        format: 'CSV',
        content: `name,employer\n${unique('导入')},西安秦川焊接有限公司\n`,
      },
    }),
    doc: AccessImportEntrantsDocument,
    read: (d) => ((d.importEntrants as { imported: number }).imported === 1 ? 'ok' : 'hidden'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.submitMarks',
    vars: async () => ({ i: { deviceId: 'tablet', marks: [] } }),
    doc: AccessSubmitMarksDocument,
    read: payload('submitMarks', 'outcomes'),
    expect: { ...NONE, judge: 'ok', chiefJudge: 'ok', admin: 'ok' },
  },
  {
    op: 'Mutation.assignJudge',
    vars: async () => {
      const { account } = await t.account('JUDGE' as never, w.orgs.xian);
      const trade = await createTrade(
        t,
        w.tokens.xian,
        await createCompetition(t, w.tokens.xian, w.orgs.xian),
      );
      return { i: { tradeId: trade, accountId: gid('Account', account.id), role: 'JUDGE' } };
    },
    doc: AccessAssignJudgeDocument,
    read: payload('assignJudge', 'seat'),
    expect: MANAGE,
  },
  ...(['replaceJudge', 'withdrawJudge'] as const).map((op): Case => ({
    op: `Mutation.${op}`,
    vars: async () => {
      const seated = await t.account('JUDGE' as never, w.orgs.xian);
      const standIn = await t.account('JUDGE' as never, w.orgs.xian);
      const tradeId = await createTrade(
        t,
        w.tokens.xian,
        await createCompetition(t, w.tokens.xian, w.orgs.xian),
      );
      await seatJudge(t, w.tokens.xian, tradeId, seated.account.id, 'JUDGE');
      const accountId = gid('Account', seated.account.id);
      const replacementId = gid('Account', standIn.account.id);
      return {
        i:
          op === 'replaceJudge'
            ? { tradeId, accountId, replacementId, reason: '病假' }
            : { tradeId, accountId, reason: '病假' },
      };
    },
    doc: op === 'replaceJudge' ? AccessReplaceJudgeDocument : AccessWithdrawJudgeDocument,
    read: payload(op, 'change'),
    expect: MANAGE,
  })),
  {
    op: 'Mutation.voidJudgeMarks (no chief-judge seat on the trade)',
    vars: async () => {
      const { account } = await t.account('JUDGE' as never, w.orgs.xian);
      const tradeId = await createTrade(
        t,
        w.tokens.xian,
        await createCompetition(t, w.tokens.xian, w.orgs.xian),
      );
      return { i: { tradeId, judgeId: gid('Account', account.id), reason: '弃权' } };
    },
    doc: AccessVoidJudgeMarksDocument,
    // Admins pass the gate; the draft competition then refuses (WRONG_STAGE).
    read: payload('voidJudgeMarks', 'trade'),
    expect: { ...NONE, admin: 'hidden' },
  },
  {
    op: 'Mutation.declareConflict',
    vars: async () => {
      const { account } = await t.account('JUDGE' as never, w.orgs.xian);
      return {
        i: { accountId: gid('Account', account.id), entrantId: await newEntrant(), reason: '亲属关系' },
      };
    },
    doc: AccessDeclareConflictDocument,
    read: (d) => ((d.declareConflict as { declared: boolean }).declared ? 'ok' : 'hidden'),
    expect: MANAGE_NO_KEYS,
  },
  {
    op: 'Mutation.lockMarks (no chief-judge seat on the trade)',
    vars: async () => ({
      i: {
        targetId: await createTrade(t, w.tokens.xian, await createCompetition(t, w.tokens.xian, w.orgs.xian)),
      },
    }),
    doc: AccessLockMarksDocument,
    read: (d) => ((d.lockMarks as { locked: boolean }).locked ? 'ok' : 'hidden'),
    expect: { ...NONE, admin: 'ok' },
  },
  {
    op: 'Mutation.unlockMarks (no chief-judge seat on the trade)',
    vars: async () => ({
      i: {
        targetId: await createTrade(t, w.tokens.xian, await createCompetition(t, w.tokens.xian, w.orgs.xian)),
        reason: '复核',
      },
    }),
    doc: AccessUnlockMarksDocument,
    read: (d) => ((d.unlockMarks as { locked: boolean | null }).locked === false ? 'ok' : 'hidden'),
    expect: { ...NONE, admin: 'ok' },
  },
  {
    op: 'Query.verifyAuditChain',
    vars: async () => ({ id: await createCompetition(t, w.tokens.xian, w.orgs.xian) }),
    doc: AccessVerifyAuditChainDocument,
    read: present('verifyAuditChain'),
    expect: { ...NONE, organizer: 'ok', admin: 'ok' },
  },
  {
    op: 'Query.entrantMarksAsOf',
    vars: async () => ({ id: await newEntrant() }),
    doc: AccessEntrantMarksAsOfDocument,
    read: (d) => (Array.isArray(d.entrantMarksAsOf) ? 'ok' : 'hidden'),
    expect: { ...NONE, organizer: 'ok', admin: 'ok' },
  },
  {
    op: 'Mutation.setMarkingScheme',
    vars: async () => ({
      i: {
        tradeId: await createTrade(t, w.tokens.xian, await createCompetition(t, w.tokens.xian, w.orgs.xian)),
        format: 'JSON',
        content: JSON.stringify({
          modules: [
            {
              code: 'P',
              name: '实操',
              weight: 100,
              criteria: [
                {
                  code: 'P1',
                  name: '质量',
                  aspects: [
                    {
                      code: 'P1.1',
                      description: '焊缝',
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
        }),
      },
    }),
    doc: AccessSetMarkingSchemeDocument,
    read: payload('setMarkingScheme', 'trade'),
    expect: MANAGE,
  },
  {
    op: 'Subscription.competitionStatusChanged (a public competition, over WebSocket)',
    vars: async () => {
      const id = await createCompetition(t, w.tokens.xian, w.orgs.xian);
      await t.gql(
        TransitionCompetitionDocument,
        { input: { id, to: 'REGISTRATION_OPEN' } },
        { token: w.tokens.xian },
      );
      return { id };
    },
    doc: AccessCompetitionStatusChangedDocument,
    read: present('competitionStatusChanged'),
    expect: PUBLIC_READ,
    transport: 'ws',
  },
  // The judging workflow: lots (抽签), results rules, completion times, re-check (复核), publication
  // (公示), final results, appeals (申诉). Each call gets a fresh `judgedTrade` (below) in the stage
  // the operation needs, with w.tokens.chiefJudge's account in the trade's CHIEF_JUDGE seat.
  {
    op: 'Mutation.drawLots (registration open, a checked-in entrant without a number)',
    vars: async () => ({ i: { tradeId: (await judgedTrade('REGISTRATION_OPEN')).tradeId } }),
    doc: AccessDrawLotsDocument,
    read: payload('drawLots', 'draw'),
    expect: JURY,
  },
  {
    op: 'Mutation.setResultsRules (while the contest runs)',
    vars: async () => ({
      i: {
        tradeId: (await judgedTrade('RUNNING')).tradeId,
        tieBreak: [{ kind: 'MODULE', code: 'P' }, { kind: 'COMPLETION_TIME' }],
      },
    }),
    doc: AccessSetResultsRulesDocument,
    read: payload('setResultsRules', 'rules'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.setCertificateTemplate',
    vars: async () => ({
      i: { competitionId: (await judgedTrade('RUNNING')).competitionId, title: '荣誉证书' },
    }),
    doc: AccessSetCertificateTemplateDocument,
    read: payload('setCertificateTemplate', 'competition'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.recordCompletionTime (while the contest runs)',
    vars: async () => ({ i: { entrantId: (await judgedTrade('RUNNING')).entrantId, seconds: 1834.5 } }),
    doc: AccessRecordCompletionTimeDocument,
    read: payload('recordCompletionTime', 'seconds'),
    expect: CHIEF,
  },
  {
    op: 'Mutation.drawRecheck (scoring closed, the trade signed off)',
    vars: async () => ({ i: { tradeId: (await judgedTrade('SIGNED_OFF')).tradeId, topN: 3, percent: 15 } }),
    doc: AccessDrawRecheckDocument,
    read: payload('drawRecheck', 'recheck'),
    expect: CHIEF,
  },
  {
    op: 'Mutation.recordRecheck (the entrant on the drawn re-check list)',
    vars: async () => ({ i: { entrantId: (await judgedTrade('RECHECK_DRAWN')).entrantId, errorsFound: 0 } }),
    doc: AccessRecordRecheckDocument,
    read: payload('recordRecheck', 'recheck'),
    expect: CHIEF,
  },
  {
    op: 'Mutation.publishResults (drawn, signed off and re-checked)',
    vars: async () => ({
      i: {
        competitionId: (await judgedTrade('RECHECKED')).competitionId,
        noticeEndsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    }),
    doc: AccessPublishResultsDocument,
    read: payload('publishResults', 'competition'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.finalizeResults (published, the notice period over)',
    vars: async () => {
      const { competitionId } = await judgedTrade('PUBLISHED');
      // Simulates the week's notice passing.
      await t.sql(`update competition set notice_ends_at = now() - interval '1 second' where id = ?`, [
        dbId(competitionId),
      ]);
      return { i: { competitionId } };
    },
    doc: AccessFinalizeResultsDocument,
    read: payload('finalizeResults', 'competition'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.fileAppeal (results published, before the deadline)',
    vars: async () => ({
      i: { entrantId: (await judgedTrade('PUBLISHED')).entrantId, reason: '实操评分与现场记录不符' },
    }),
    doc: AccessFileAppealDocument,
    read: payload('fileAppeal', 'appeal'),
    expect: MANAGE_NO_KEYS,
  },
  {
    op: 'Mutation.resolveAppeal (a pending appeal)',
    vars: async () => {
      const { entrantId } = await judgedTrade('PUBLISHED');
      const r = await t.gql(
        FileAppealDocument,
        { input: { entrantId, reason: '实操评分与现场记录不符' } },
        { token: w.tokens.xian },
      );
      const appeal = r.data?.fileAppeal.appeal;
      if (!appeal) throw new Error(`fileAppeal failed: ${JSON.stringify(r)}`);
      return { i: { appealId: appeal.id, decision: 'DISMISSED', response: '经复核，评分无误' } };
    },
    doc: AccessResolveAppealDocument,
    read: payload('resolveAppeal', 'appeal'),
    expect: CHIEF,
  },
  {
    op: 'Subscription.toleranceBreached (over WebSocket; the event is a mark beyond the tolerance)',
    vars: async () => {
      const { tradeId, entrantId } = await judgedTrade('RUNNING', { panel: true });
      await mark(0, entrantId, 5);
      breachOf.set(tradeId, entrantId);
      return { tradeId };
    },
    doc: AccessToleranceBreachedDocument,
    read: (d) => {
      const a = d.toleranceBreached as { aspectCode: string; spread: number } | null;
      return a?.aspectCode === 'P1' && a.spread === 3 ? 'ok' : 'hidden';
    },
    expect: JURY,
    transport: 'ws',
    // The second judge's 8 against the first one's 5: a spread of 3 on an aspect tolerating 1.
    event: (v) => mark(1, breachOf.get(v.tradeId as string)!, 8),
  },
  // Live leaderboards: freeze, reveal ceremony, board subscription.
  {
    op: 'Mutation.setBoardFreeze (while the contest runs)',
    vars: async () => ({
      i: {
        tradeId: (await judgedTrade('RUNNING')).tradeId,
        freezeAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    }),
    doc: AccessSetBoardFreezeDocument,
    read: payload('setBoardFreeze', 'freezeAt'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.revealBoard (scoring closed, before publication; a mark hidden by the freeze)',
    vars: async () => {
      const { tradeId } = await judgedTrade('SCORING_CLOSED', {
        panel: true,
        whileRunning: async (f) => {
          const r = await t.gql(
            SetBoardFreezeDocument,
            { input: { tradeId: f.tradeId, freezeAt: new Date().toISOString() } },
            { token: w.tokens.xian },
          );
          if (r.data?.setBoardFreeze.errors.length !== 0)
            throw new Error(`setBoardFreeze failed: ${JSON.stringify(r)}`);
          await mark(0, f.entrantId, 7);
        },
      });
      return { i: { tradeId, all: true } };
    },
    doc: AccessRevealBoardDocument,
    read: (d) => ((d.revealBoard as { revealed: unknown[] }).revealed.length === 1 ? 'ok' : 'hidden'),
    expect: MANAGE,
  },
  {
    op: 'Subscription.boardUpdates (a public competition, over WebSocket; the first frame is a snapshot)',
    vars: async () => ({ tradeId: (await judgedTrade('REGISTRATION_OPEN')).tradeId }),
    doc: AccessBoardUpdatesDocument,
    read: (d) => ((d.boardUpdates as { kind: string } | null)?.kind === 'SNAPSHOT' ? 'ok' : 'hidden'),
    expect: PUBLIC_READ,
    transport: 'ws',
    event: async () => {},
  },
];

/**
 * Tablets (judges) send only trusted documents: register this table's operations for them, and
 * the real tablet operations the fixtures send as judges (marks, sign-off, re-check).
 */
const FIRST_PARTY: Caller[] = ['judge', 'chiefJudge'];
const FIXTURE_DOCUMENTS = [
  'TabletSubmitMarks',
  'TabletLockMarks',
  'TabletDrawRecheck',
  'TabletRecordRecheck',
];
const manifestFile = path.join(os.tmpdir(), `jingsai-access-manifest-${process.pid}.json`);

beforeAll(async () => {
  const fixtureDocuments = Object.entries(loadManifest()).filter(([, text]) =>
    FIXTURE_DOCUMENTS.some((name) => new RegExp(`^mutation ${name}\\b`, 'm').test(text)),
  );
  if (fixtureDocuments.length !== FIXTURE_DOCUMENTS.length) throw new Error('tablet documents not found');
  writeFileSync(
    manifestFile,
    JSON.stringify({
      ...Object.fromEntries(fixtureDocuments),
      ...Object.fromEntries(cases.map((c) => [documentId(print(c.doc)), print(c.doc)])),
    }),
  );
  t = await startTestApp({ TRUSTED_DOCUMENTS_PATH: manifestFile });
  w = await buildWorld(t);
  // The account behind w.tokens.chiefJudge: the world's only chief-judge account.
  const chiefs = await t.sql<{ id: number }>(`select id from account where role = 'CHIEF_JUDGE'`);
  if (chiefs.length !== 1) throw new Error(`expected one chief-judge account, found ${chiefs.length}`);
  chiefJudgeAccount = gid('Account', chiefs[0]!.id);
  const key = async (scopes: string[]) => {
    const r = await t.gql(
      CreateApiKeyDocument,
      { input: { name: `app-${scopes.length}`, scopes, organizationId: orgId(w.orgs.xian) } },
      { token: w.tokens.xian },
    );
    return r.data!.createApiKey.secret!;
  };
  auth = {
    anonymous: {},
    judge: { token: w.tokens.judge },
    chiefJudge: { token: w.tokens.chiefJudge },
    organizer: { token: w.tokens.xian },
    neighbour: { token: w.tokens.xianyang },
    admin: { token: w.tokens.admin },
    apiKey: {
      apiKey: await key([
        'organizations:read',
        'organizations:write',
        'people:read',
        'people:write',
        'competitions:read',
        'competitions:write',
        'statistics:read',
        'webhooks:write',
      ]),
    },
    narrowKey: { apiKey: await key(['people:read']) },
  };
});
afterAll(async () => {
  await t?.close();
  rmSync(manifestFile, { force: true });
});

describe.each(cases)('$op', (c) => {
  test.each(CALLERS.map((caller) => [caller]))('as %s', async (caller) => {
    const variables = await c.vars();
    const before = await tableCounts(t);
    const byId = FIRST_PARTY.includes(caller);
    const query = print(c.doc);
    const r =
      c.transport === 'ws'
        ? await viaWebSocket(query, variables, auth[caller], byId, c.event)
        : await t.raw(
            byId ? { documentId: documentId(query), variables } : { query, variables },
            auth[caller],
          );
    let outcome: Outcome;
    if (r.json.errors?.length) {
      const code = r.json.errors[0]!.extensions?.code;
      expect(['UNAUTHENTICATED', 'FORBIDDEN']).toContain(code);
      outcome = 'denied';
    } else {
      outcome = c.read(r.json.data as Record<string, unknown>);
    }
    expect(outcome).toBe(c.expect[caller]);
    if (outcome !== 'ok' && c.op.startsWith('Mutation')) expect(await tableCounts(t)).toEqual(before);
  });
});

test('the table covers every root operation', () => {
  const covered = new Set(cases.map((c) => c.op.split(' ')[0]));
  const all = Object.entries(POLICY).flatMap(([root, ops]) => Object.keys(ops).map((op) => `${root}.${op}`));
  expect(all.filter((op) => !covered.has(op))).toEqual([]);
});

/**
 * Subscribes as the caller, then makes the event happen (by default a transition of `id` to
 * RUNNING). Returns what the socket delivered first.
 */
async function viaWebSocket(
  query: string,
  variables: Record<string, unknown>,
  a: Auth,
  byId: boolean,
  event: (variables: Record<string, unknown>) => Promise<void> = toRunning,
) {
  const client = createClient({
    url: t.url.replace('http', 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: {
      ...(a.token ? { authorization: `Bearer ${a.token}` } : {}),
      ...(a.apiKey ? { apiKey: a.apiKey } : {}),
    },
  });
  try {
    const first = new Promise<RawResponse>((resolve) => {
      client.subscribe(
        byId ? { query: '', variables, extensions: { documentId: documentId(query) } } : { query, variables },
        {
          next: (msg) => resolve(msg as RawResponse),
          error: (e) =>
            resolve({
              errors: Array.isArray(e) ? e : [{ message: String(e), extensions: { code: 'SOCKET' } }],
            }),
          complete: () => resolve({ errors: [{ message: 'completed', extensions: { code: 'COMPLETED' } }] }),
        },
      );
    });
    await new Promise((r) => setTimeout(r, 150));
    await event(variables);
    return { status: 200, json: await first };
  } finally {
    await client.dispose();
  }
}

async function toRunning(variables: Record<string, unknown>): Promise<void> {
  await t.gql(
    TransitionCompetitionDocument,
    { input: { id: variables.id as string, to: 'RUNNING' } },
    { token: w.tokens.xian },
  );
}

async function newEntrant(): Promise<string> {
  const trade = await createTrade(t, w.tokens.xian, await createCompetition(t, w.tokens.xian, w.orgs.xian));
  const personId = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('选手'));
  return registerEntrant(t, w.tokens.xian, trade, personId);
}

async function newTeam(): Promise<string> {
  const r = await t.gql(
    CreateTeamDocument,
    { input: { name: unique('队'), kind: 'TEAM', organizationId: orgId(w.orgs.xianFirm), memberIds: [] } },
    { token: w.tokens.xian },
  );
  return r.data!.createTeam.team!.id;
}

// ---------------------------------------------------------------- judging fixtures

/** Global ID of w.tokens.chiefJudge's account, seated as CHIEF_JUDGE on every `judgedTrade`. */
let chiefJudgeAccount: string;
/** toleranceBreached: the entrant whose second mark is the event, by trade. */
const breachOf = new Map<string, string>();

/** One practical aspect tolerating a spread of 1 between judges. */
const SCHEME = {
  modules: [
    {
      code: 'P',
      name: '实操',
      weight: 100,
      criteria: [
        {
          code: 'P1',
          name: '焊缝',
          aspects: [
            {
              code: 'P1',
              description: '焊缝质量',
              kind: 'MEASUREMENT',
              maxMark: 10,
              aggregation: { method: 'MEAN' },
              tolerance: 1,
            },
          ],
        },
      ],
    },
  ],
};

/** Stages of a `judgedTrade`, in order; after SCORING_CLOSED come the chief judge's steps. */
const STAGES = [
  'DRAFT',
  'REGISTRATION_OPEN',
  'RUNNING',
  'SCORING_CLOSED',
  'SIGNED_OFF',
  'RECHECK_DRAWN',
  'RECHECKED',
  'PUBLISHED',
  'FINAL',
] as const;
type Stage = (typeof STAGES)[number];
interface JudgedTrade {
  competitionId: string;
  tradeId: string;
  entrantId: string;
}

/**
 * A fresh 西安 competition with one trade (SCHEME; w.tokens.chiefJudge's account as CHIEF_JUDGE;
 * with `panel`, two judges too) and one checked-in entrant, taken through the API to `stage`:
 * REGISTRATION_OPEN leaves the entrant without an anonymous number (checked in while in DRAFT, when
 * no lots are drawn); RUNNING draws them first and then runs `whileRunning`; SIGNED_OFF,
 * RECHECK_DRAWN and RECHECKED are the chief judge's lock, re-check draw (everyone) and record
 * from the tablet; PUBLISHED goes through publishResults (a week's notice), FINAL through
 * finalizeResults once the notice period is made to pass in SQL.
 */
async function judgedTrade(
  stage: Stage,
  { panel = false, whileRunning }: { panel?: boolean; whileRunning?: (f: JudgedTrade) => Promise<void> } = {},
): Promise<JudgedTrade> {
  const reached = (s: Stage) => STAGES.indexOf(stage) >= STAGES.indexOf(s);
  const organizer = w.tokens.xian;
  const competitionId = await createCompetition(t, organizer, w.orgs.xian);
  const tradeId = await createTrade(t, organizer, competitionId);
  const scheme = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: JSON.stringify(SCHEME) } },
    { token: organizer },
  );
  if (scheme.data?.setMarkingScheme.errors.length !== 0) throw new Error(JSON.stringify(scheme));
  const seats: [string, PanelRole][] = [[chiefJudgeAccount, 'CHIEF_JUDGE']];
  if (panel) for (const j of await panelJudges()) seats.push([gid('Account', j.id), 'JUDGE']);
  for (const [accountId, role] of seats) {
    const r = await t.gql(AssignJudgeDocument, { input: { tradeId, accountId, role } }, { token: organizer });
    if (r.data?.assignJudge.errors.length !== 0) throw new Error(`assignJudge failed: ${JSON.stringify(r)}`);
  }
  const personId = await createPerson(t, organizer, w.orgs.xianFirm, unique('选手'));
  const entrantId = await registerEntrant(t, organizer, tradeId, personId, { checkIn: true });
  const f = { competitionId, tradeId, entrantId };
  if (reached('REGISTRATION_OPEN')) await moveTo(t, organizer, competitionId, 'REGISTRATION_OPEN');
  if (reached('RUNNING')) {
    await drawLots(t, organizer, tradeId);
    await moveTo(t, organizer, competitionId, 'RUNNING');
    await whileRunning?.(f);
  }
  if (reached('SCORING_CLOSED')) await moveTo(t, organizer, competitionId, 'SCORING_CLOSED');
  if (reached('SIGNED_OFF')) await chiefStep('TabletLockMarks', 'lockMarks', { targetId: tradeId });
  if (reached('RECHECK_DRAWN'))
    await chiefStep('TabletDrawRecheck', 'drawRecheck', { tradeId, topN: 100, percent: 100 });
  if (reached('RECHECKED'))
    await chiefStep('TabletRecordRecheck', 'recordRecheck', { entrantId, errorsFound: 0 });
  if (reached('PUBLISHED')) await moveTo(t, organizer, competitionId, 'PUBLISHED');
  if (reached('FINAL')) {
    // Simulates the week's notice passing.
    await t.sql(`update competition set notice_ends_at = now() - interval '1 second' where id = ?`, [
      dbId(competitionId),
    ]);
    await moveTo(t, organizer, competitionId, 'FINAL');
  }
  return f;
}

/** One of the chief judge's tablet operations; throws unless it succeeded. */
async function chiefStep(operation: string, field: string, input: Record<string, unknown>) {
  const data = await tablet<Record<string, { errors: unknown[] }>>(t, w.tokens.chiefJudge, operation, {
    input,
  });
  if (data[field]!.errors.length) throw new Error(`${operation}: ${JSON.stringify(data)}`);
}

let judges: Promise<{ token: string; id: number }[]> | undefined;
/** Two judges of 西安 (no employer, so no conflict with any entrant), seated with `panel`. */
function panelJudges() {
  judges ??= Promise.all(
    [0, 1].map(async () => {
      const { token, account } = await t.account(Role.JUDGE, w.orgs.xian);
      return { token, id: account.id };
    }),
  );
  return judges;
}

/** Panel judge `judge` marks aspect P1 from their tablet (a trusted document); throws unless accepted. */
async function mark(judge: number, entrantId: string, value: number): Promise<void> {
  const { token } = (await panelJudges())[judge]!;
  const data = await tablet<{ submitMarks: { outcomes: { status: string; code: string | null }[] } }>(
    t,
    token,
    'TabletSubmitMarks',
    {
      input: {
        deviceId: `tablet-${judge}`,
        marks: [{ idempotencyKey: randomUUID(), entrantId, aspectCode: 'P1', value }],
      },
    },
  );
  const outcome = data.submitMarks.outcomes[0];
  if (outcome?.status !== 'ACCEPTED') throw new Error(`mark refused: ${JSON.stringify(data)}`);
}

test('every root operation of the schema has an access rule, and every rule an operation', async () => {
  const r = await t.raw({ query: getIntrospectionQuery() });
  const schema = (r.json.data as IntrospectionQuery).__schema;
  for (const root of ['Query', 'Mutation', 'Subscription'] as const) {
    const type = schema.types.find((x) => x.name === root) as unknown as { fields: { name: string }[] };
    expect(type.fields.map((f) => f.name).sort()).toEqual(Object.keys(POLICY[root]).sort());
  }
});

test('an organizer of one city cannot touch the neighbouring city, and nothing changes', async () => {
  const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
  const before = await tableCounts(t);
  const neighbour = { token: w.tokens.xianyang };
  const attempts = [
    () => t.gql(UpdateCompetitionDocument, { input: { id: competitionId, name: '改名' } }, neighbour),
    () => t.gql(TransitionCompetitionDocument, { input: { id: competitionId, to: 'ARCHIVED' } }, neighbour),
    () => t.gql(UpdateOrganizationDocument, { input: { id: orgId(w.orgs.xian), name: '改名' } }, neighbour),
    () =>
      t.gql(
        MoveOrganizationDocument,
        { input: { id: orgId(w.orgs.lianhu), newParentId: orgId(w.orgs.xianyang) } },
        neighbour,
      ),
    () =>
      t.gql(CreatePersonDocument, { input: { name: '某人', employerId: orgId(w.orgs.xianFirm) } }, neighbour),
  ];
  for (const attempt of attempts) {
    const r = await attempt();
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }
  expect(await tableCounts(t)).toEqual(before);
  const name = await t.sql<{ name: string }>('select name from competition where id = ?', [
    dbId(competitionId),
  ]);
  expect(name[0]!.name).toBe('2024年职工职业技能大赛');
});

test('disabling an account or revoking a key takes effect on the next request', async () => {
  const { token, account } = await t.account('ORGANIZER' as never, w.orgs.lianhu);
  expect((await t.gql(ViewerDocument, {}, { token })).data!.viewer.kind).toBe('ACCOUNT');
  const off = await t.gql(
    SetAccountActiveDocument,
    { input: { id: gid('Account', account.id), active: false } },
    { token: w.tokens.xian },
  );
  expect(off.data!.setAccountActive.account!.active).toBe(false);
  const after = await t.gql(ViewerDocument, {}, { token });
  expect(after.status).toBe(401);
  expect(after.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');

  const created = await t.gql(
    CreateApiKeyDocument,
    { input: { name: '临时', scopes: ['competitions:read'], organizationId: orgId(w.orgs.xian) } },
    { token: w.tokens.xian },
  );
  const secret = created.data!.createApiKey.secret!;
  expect((await t.gql(ViewerDocument, {}, { apiKey: secret })).data!.viewer).toMatchObject({
    kind: 'API_KEY',
    scopes: ['competitions:read'],
  });
  await t.gql(RevokeApiKeyDocument, { id: created.data!.createApiKey.apiKey!.id }, { token: w.tokens.xian });
  const revoked = await t.gql(ViewerDocument, {}, { apiKey: secret });
  expect(revoked.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
});

test('sign-in refuses a wrong password with a payload error', async () => {
  const r = await t.gql(SignInTokenDocument, {
    input: { username: 'someone-else', password: 'wrong password' },
  });
  expect(r.data).toEqual({
    signIn: { token: null, errors: [{ code: 'INVALID_CREDENTIALS', field: 'input.password' }] },
  });
});

/** A studio application of 西安's enterprise, through the API. */
async function appliedStudio(): Promise<string> {
  const r = await t.gql(
    ApplyStudioDocument,
    {
      input: {
        name: unique('工作室'),
        hostId: orgId(w.orgs.xianFirm),
        level: 'MUNICIPAL',
        field: '电力',
        leaderId: await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('领办人')),
      },
    },
    { token: w.tokens.xian },
  );
  return r.data!.applyStudio.studio!.id;
}

/** A studio named by 西安 (municipal), through the API. */
const dbIdOf = (globalId: string) =>
  Number(Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]);

/** An alliance of 西安 (lead and members named studios of its enterprise), joins without approval. */
async function allianceOf(members: string[]): Promise<string> {
  const r = await t.gql(
    AccessCreateAllianceDocument,
    { input: { name: unique('联盟'), leadStudioId: await namedStudio(), studioIds: members } },
    { token: w.tokens.xian },
  );
  return r.data!.createAlliance.alliance!.id;
}

async function namedStudio(): Promise<string> {
  const id = await appliedStudio();
  for (const input of [
    { studioId: id, to: 'UNDER_REVIEW' },
    {
      studioId: id,
      to: 'NAMED',
      namedOn: '2024-04-28',
      namingUnionId: orgId(w.orgs.xian),
      documentNumber: unique('西工发'),
    },
  ] as const) {
    const r = await t.gql(TransitionStudioDocument, { input }, { token: w.tokens.xian });
    const errors = r.data!.transitionStudio.errors;
    if (errors.length) throw new Error(JSON.stringify(errors));
  }
  return id;
}

/**
 * A 西安 campaign with one category: a scoring round (top 1 goes on; the shared chief judge
 * leads it) and a final, each with the test scheme; optionally an entry, eligible once the
 * campaign runs; SIGNED_OFF: the round is locked by its lead judge.
 */
async function campaignFixture(
  stage: 'DRAFT' | 'REGISTRATION_OPEN' | 'RUNNING' | 'SIGNED_OFF',
  { submit = false }: { submit?: boolean } = {},
): Promise<{ competitionId: string; categoryId: string; roundId: string; submissionId: string | null }> {
  const organizer = w.tokens.xian;
  const gql = async <R, V>(doc: TypedDocumentNode<R, V>, input: V extends { input: infer I } ? I : never) => {
    const r = await t.gql(doc, { input } as V, { token: organizer });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!;
  };
  const created = await gql(CreateCampaignDocument, {
    name: unique('科技节'),
    hostId: orgId(w.orgs.xian),
    year: 2024,
    submissionsOpenAt: new Date(Date.now() - 60_000).toISOString(),
    submissionsCloseAt: new Date(Date.now() + 3_600_000).toISOString(),
    categories: [{ code: 'P', name: '项目', awardQuota: 1 }],
  });
  const competitionId = created.createCampaign.campaign!.id;
  const categoryId = created.createCampaign.campaign!.categories![0]!.id;
  const f = { competitionId, categoryId, roundId: '', submissionId: null as string | null };
  if (stage === 'DRAFT') return f;
  for (const round of [
    { categoryId, kind: 'SCORING', advance: { by: 'TOP_N', count: 1 } },
    { categoryId, kind: 'FINAL' },
  ] as const) {
    const r = await gql(AddRoundDocument, round);
    const id = r.addRound.round!.id;
    f.roundId ||= id;
    await t.gql(
      SetMarkingSchemeDocument,
      { input: { tradeId: id, format: 'JSON', content: JSON.stringify(SCHEME) } },
      { token: organizer },
    );
    await gql(AssignJudgeDocument, {
      tradeId: id,
      accountId: chiefJudgeAccount,
      role: 'CHIEF_JUDGE',
    });
  }
  await moveTo(t, organizer, competitionId, 'REGISTRATION_OPEN');
  if (submit) {
    const s = await gql(SubmitEntryDocument, {
      categoryId,
      title: unique('项目'),
      personId: await createPerson(t, organizer, w.orgs.xianFirm, unique('创新者')),
    });
    f.submissionId = s.submitEntry.submission!.id;
  }
  if (stage === 'REGISTRATION_OPEN') return f;
  if (f.submissionId) {
    await gql(ReviewEligibilityDocument, {
      submissionId: f.submissionId,
      eligible: true,
    });
  }
  await moveTo(t, organizer, competitionId, 'RUNNING');
  if (stage === 'SIGNED_OFF') await chiefStep('TabletLockMarks', 'lockMarks', { targetId: f.roundId });
  return f;
}
