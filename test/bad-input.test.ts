import { print } from 'graphql';
import {
  AccessSetCertificateTemplateDocument,
  AccessLinkAccountPersonDocument,
  AccessReplaceJudgeDocument,
  AccessVoidJudgeMarksDocument,
  AccessWithdrawJudgeDocument,
} from './generated/graphql';
import { POLICY } from '../src/shared/access/policy';
import { gid, startTestApp, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  orgId,
  tableCounts,
  type World,
  registerEntrant,
} from './support/world';

/**
 * Bad input to every mutation: each case must come back as payload errors with
 * the stated codes (or a top-level access error), and write nothing at all.
 */
let t: TestApp;
let w: World;
let competitionId: string;
let tradeId: string;
let personId: string;
let entrantId: string;
let xianOrganizerId: number;

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
  competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
  tradeId = await createTrade(t, w.tokens.xian, competitionId, { capacity: 1 });
  personId = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '满员选手');
  entrantId = await registerEntrant(t, w.tokens.xian, tradeId, personId);
  // An account the caller manages (accounts are numbered in no fixed order).
  [{ id: xianOrganizerId }] = (await t.sql<{ id: number }>(
    `select a.id from account a join organization o on o.id = a.organization_id
      where a.role = 'ORGANIZER' and o.name = '西安市总工会'`,
  )) as [{ id: number }];
});
afterAll(async () => t?.close());

interface Case {
  mutation: string;
  why: string;
  query: string;
  variables: () => Record<string, unknown>;
  /** Payload error codes expected, or a top-level code prefixed with `top:`. */
  codes: string[];
}

const long = (n: number) => '长'.repeat(n);
const badId = 'not-a-global-id';

const cases: Case[] = [
  {
    mutation: 'signIn',
    why: 'wrong password',
    query: 'mutation($i: SignInInput!) { signIn(input: $i) { errors { code } } }',
    variables: () => ({ i: { username: 'admin', password: 'nope' } }),
    codes: ['INVALID_CREDENTIALS'],
  },
  {
    mutation: 'createAccount',
    why: 'bad username, short password, empty name',
    query: 'mutation($i: CreateAccountInput!) { createAccount(input: $i) { errors { code } } }',
    variables: () => ({
      i: {
        username: 'A B',
        password: 'short',
        displayName: ' ',
        role: 'JUDGE',
        organizationId: orgId(w.orgs.xian),
      },
    }),
    codes: ['VALIDATION', 'OUT_OF_RANGE', 'REQUIRED'],
  },
  {
    mutation: 'createAccount',
    why: 'an organizer creating a platform admin',
    query: 'mutation($i: CreateAccountInput!) { createAccount(input: $i) { errors { code } } }',
    variables: () => ({
      i: { username: 'sneaky', password: 'long enough pass', displayName: 'x', role: 'PLATFORM_ADMIN' },
    }),
    codes: ['top:FORBIDDEN'],
  },
  {
    mutation: 'setAccountActive',
    why: 'an ID of another type',
    query: 'mutation($i: SetAccountActiveInput!) { setAccountActive(input: $i) { errors { code } } }',
    variables: () => ({ i: { id: orgId(w.orgs.xian), active: false } }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'linkAccountPerson',
    why: 'a malformed account ID',
    query: print(AccessLinkAccountPersonDocument),
    variables: () => ({ i: { accountId: badId, personId: gid('Person', 999_999) } }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'createApiKey',
    why: 'unknown scope and empty name',
    query: 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { errors { code } } }',
    variables: () => ({ i: { name: '', scopes: ['everything'], organizationId: orgId(w.orgs.xian) } }),
    codes: ['REQUIRED', 'VALIDATION'],
  },
  {
    mutation: 'revokeApiKey',
    why: 'unknown key',
    query: 'mutation($id: ID!) { revokeApiKey(id: $id) { errors { code } } }',
    variables: () => ({ id: gid('ApiKey', 99999) }),
    codes: ['NOT_FOUND'],
  },
  {
    mutation: 'createOrganization',
    why: 'a province under a city',
    query: 'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { errors { code } } }',
    variables: () => ({ i: { name: '某省', level: 'PROVINCE', parentId: orgId(w.orgs.xian) } }),
    codes: ['INVALID_HIERARCHY'],
  },
  {
    mutation: 'updateOrganization',
    why: 'too-long name',
    query: 'mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { errors { code } } }',
    variables: () => ({ i: { id: orgId(w.orgs.lianhu), name: long(201) } }),
    codes: ['TOO_LONG'],
  },
  {
    mutation: 'moveOrganization',
    why: 'under its own descendant',
    query: 'mutation($i: MoveOrganizationInput!) { moveOrganization(input: $i) { errors { code } } }',
    variables: () => ({ i: { id: orgId(w.orgs.lianhu), newParentId: orgId(w.orgs.xianFirm) } }),
    codes: ['INVALID_HIERARCHY'],
  },
  {
    mutation: 'moveOrganization',
    why: 'into the neighbouring city',
    query: 'mutation($i: MoveOrganizationInput!) { moveOrganization(input: $i) { errors { code } } }',
    variables: () => ({ i: { id: orgId(w.orgs.lianhu), newParentId: orgId(w.orgs.xianyang) } }),
    codes: ['top:FORBIDDEN'],
  },
  {
    mutation: 'createPerson',
    why: 'empty name',
    query: 'mutation($i: CreatePersonInput!) { createPerson(input: $i) { errors { code } } }',
    variables: () => ({ i: { name: '', employerId: orgId(w.orgs.xianyangFirm) } }),
    codes: ['REQUIRED'],
  },
  {
    mutation: 'createPerson',
    why: 'employer of another union',
    query: 'mutation($i: CreatePersonInput!) { createPerson(input: $i) { errors { code } } }',
    variables: () => ({ i: { name: '外人', employerId: orgId(w.orgs.xianyangFirm) } }),
    codes: ['top:FORBIDDEN'],
  },
  {
    mutation: 'updatePerson',
    why: 'malformed ID',
    query: 'mutation($i: UpdatePersonInput!) { updatePerson(input: $i) { errors { code } } }',
    variables: () => ({ i: { id: badId, name: '新名' } }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'addHonor',
    why: 'year out of range, empty title',
    query: 'mutation($i: AddHonorInput!) { addHonor(input: $i) { errors { code } } }',
    variables: () => ({
      i: { personId, kind: 'CRAFTSMAN', title: ' ', year: 3000, awardingBody: '陕西省总工会' },
    }),
    codes: ['REQUIRED', 'OUT_OF_RANGE'],
  },
  {
    mutation: 'removeHonor',
    why: 'unknown honor',
    query: 'mutation($id: ID!) { removeHonor(id: $id) { errors { code } } }',
    variables: () => ({ id: gid('Honor', 99999) }),
    codes: ['NOT_FOUND'],
  },
  {
    mutation: 'createCompetition',
    why: 'year and name',
    query: 'mutation($i: CreateCompetitionInput!) { createCompetition(input: $i) { errors { code } } }',
    variables: () => ({
      i: { name: long(201), kind: 'SKILLS', year: 1999, hostId: orgId(w.orgs.xian), startsOn: '2024-02-28' },
    }),
    codes: ['TOO_LONG', 'OUT_OF_RANGE'],
  },
  {
    mutation: 'createCompetition',
    why: 'a day that does not exist is refused by the Date scalar',
    query: 'mutation($i: CreateCompetitionInput!) { createCompetition(input: $i) { errors { code } } }',
    variables: () => ({
      i: { name: '日期', kind: 'SKILLS', year: 2024, hostId: orgId(w.orgs.xian), startsOn: '2024-02-30' },
    }),
    codes: ['top:BAD_USER_INPUT'],
  },
  {
    mutation: 'createCompetition',
    why: 'hosted by the neighbouring city',
    query: 'mutation($i: CreateCompetitionInput!) { createCompetition(input: $i) { errors { code } } }',
    variables: () => ({ i: { name: '越权', kind: 'SKILLS', year: 2024, hostId: orgId(w.orgs.xianyang) } }),
    codes: ['top:FORBIDDEN'],
  },
  {
    mutation: 'updateCompetition',
    why: 'ends before it starts',
    query: 'mutation($i: UpdateCompetitionInput!) { updateCompetition(input: $i) { errors { code } } }',
    variables: () => ({ i: { id: competitionId, startsOn: '2024-05-02', endsOn: '2024-05-01' } }),
    codes: ['VALIDATION'],
  },
  {
    mutation: 'setCertificateTemplate',
    why: 'a blank title and an awarding body past 100 characters',
    query: print(AccessSetCertificateTemplateDocument),
    variables: () => ({ i: { competitionId, title: '  ', awardingBody: '工'.repeat(101) } }),
    codes: ['REQUIRED', 'TOO_LONG'],
  },
  {
    mutation: 'transitionCompetition',
    why: 'skipping states',
    query:
      'mutation($i: TransitionCompetitionInput!) { transitionCompetition(input: $i) { errors { code } } }',
    variables: () => ({ i: { id: competitionId, to: 'PUBLISHED' } }),
    codes: ['INVALID_TRANSITION'],
  },
  {
    mutation: 'createTrade',
    why: 'weights not summing to 100',
    query: 'mutation($i: CreateTradeInput!) { createTrade(input: $i) { errors { code } } }',
    variables: () => ({
      i: { competitionId, name: '钳工', theoryWeight: 50, practicalWeight: 60, capacity: 10 },
    }),
    codes: ['WEIGHTS_MUST_SUM_TO_100'],
  },
  {
    mutation: 'updateTrade',
    why: 'one weight alone, capacity 0',
    query: 'mutation($i: UpdateTradeInput!) { updateTrade(input: $i) { errors { code } } }',
    variables: () => ({ i: { id: tradeId, theoryWeight: 40, capacity: 0 } }),
    codes: ['WEIGHTS_MUST_SUM_TO_100', 'OUT_OF_RANGE'],
  },
  {
    mutation: 'createTeam',
    why: 'member of another type',
    query: 'mutation($i: CreateTeamInput!) { createTeam(input: $i) { errors { code } } }',
    variables: () => ({
      i: {
        name: '班组',
        kind: 'CREW',
        organizationId: orgId(w.orgs.xianFirm),
        memberIds: [orgId(w.orgs.xian)],
      },
    }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'registerEntrant',
    why: 'an entrant beyond capacity',
    query: 'mutation($i: RegisterEntrantInput!) { registerEntrant(input: $i) { errors { code } } }',
    variables: () => ({ i: { tradeId, personId: fullPerson } }),
    codes: ['CAPACITY_EXCEEDED'],
  },
  {
    mutation: 'setEntrantStatus',
    why: 'registered → checked in skips approval',
    query: 'mutation($i: SetEntrantStatusInput!) { setEntrantStatus(input: $i) { errors { code } } }',
    variables: () => ({ i: { id: entrantId, status: 'CHECKED_IN' } }),
    codes: ['INVALID_TRANSITION'],
  },
  {
    mutation: 'importEntrants',
    why: 'a file without the employer column',
    query: 'mutation($i: ImportEntrantsInput!) { importEntrants(input: $i) { errors { code } } }',
    variables: () => ({ i: { tradeId, format: 'CSV', content: 'name\n张三\n' } }),
    codes: ['IMPORT_INVALID'],
  },
  {
    mutation: 'setMarkingScheme',
    why: 'module weights not summing to 100',
    query: 'mutation($i: SetMarkingSchemeInput!) { setMarkingScheme(input: $i) { errors { code } } }',
    variables: () => ({
      i: {
        tradeId,
        format: 'JSON',
        content: JSON.stringify({
          modules: [
            {
              code: 'P',
              name: '实操',
              weight: 90,
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
    codes: ['WEIGHTS_MUST_SUM_TO_100'],
  },
  {
    mutation: 'assignJudge',
    why: 'an organizer account is no judge',
    query: 'mutation($i: AssignJudgeInput!) { assignJudge(input: $i) { errors { code } } }',
    variables: () => ({ i: { tradeId, accountId: gid('Account', xianOrganizerId), role: 'JUDGE' } }),
    codes: ['KIND_MISMATCH'],
  },
  {
    mutation: 'replaceJudge',
    why: 'malformed accounts, no reason',
    query: print(AccessReplaceJudgeDocument),
    variables: () => ({ i: { tradeId, accountId: badId, replacementId: badId, reason: ' ' } }),
    codes: ['INVALID_ID', 'INVALID_ID', 'REQUIRED'],
  },
  {
    mutation: 'withdrawJudge',
    why: 'no reason',
    query: print(AccessWithdrawJudgeDocument),
    variables: () => ({ i: { tradeId, accountId: gid('Account', 1), reason: '' } }),
    codes: ['REQUIRED'],
  },
  {
    mutation: 'voidJudgeMarks',
    why: 'an organizer is not the chief judge',
    query: print(AccessVoidJudgeMarksDocument),
    variables: () => ({ i: { tradeId, judgeId: gid('Account', 1), reason: '作废' } }),
    codes: ['top:FORBIDDEN'],
  },
  {
    mutation: 'declareConflict',
    why: 'no reason',
    query: 'mutation($i: DeclareConflictInput!) { declareConflict(input: $i) { errors { code } } }',
    variables: () => ({ i: { accountId: gid('Account', 1), entrantId, reason: ' ' } }),
    codes: ['REQUIRED'],
  },
  {
    mutation: 'submitMarks',
    why: 'an organizer is not a judge',
    query: 'mutation($i: SubmitMarksInput!) { submitMarks(input: $i) { errors { code } } }',
    variables: () => ({ i: { deviceId: 'tablet', marks: [] } }),
    codes: ['top:FORBIDDEN'],
  },
  {
    mutation: 'lockMarks',
    why: 'an organizer is not the chief judge',
    query: 'mutation($i: MarksLockInput!) { lockMarks(input: $i) { errors { code } } }',
    variables: () => ({ i: { targetId: entrantId } }),
    codes: ['top:FORBIDDEN'],
  },
  {
    mutation: 'unlockMarks',
    why: 'an organizer is not the chief judge',
    query: 'mutation($i: MarksLockInput!) { unlockMarks(input: $i) { errors { code } } }',
    variables: () => ({ i: { targetId: entrantId, reason: '解锁' } }),
    codes: ['top:FORBIDDEN'],
  },
  {
    mutation: 'drawLots',
    why: 'a malformed trade ID',
    query: 'mutation($i: DrawLotsInput!) { drawLots(input: $i) { errors { code } } }',
    variables: () => ({ i: { tradeId: badId } }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'drawLots',
    why: 'the competition is still a draft',
    query: 'mutation($i: DrawLotsInput!) { drawLots(input: $i) { errors { code } } }',
    variables: () => ({ i: { tradeId } }),
    codes: ['WRONG_STAGE'],
  },
  {
    mutation: 'setResultsRules',
    why: 'a module tie-break without code, a time with one, tiers out of order, an empty title',
    query: 'mutation($i: SetResultsRulesInput!) { setResultsRules(input: $i) { errors { code } } }',
    variables: () => ({
      i: {
        tradeId,
        tieBreak: [{ kind: 'MODULE' }, { kind: 'COMPLETION_TIME', code: 'T' }],
        awards: {
          by: 'COUNT',
          tiers: [
            { tier: 'SECOND', count: 1 },
            { tier: 'FIRST', count: 1 },
          ],
        },
        titles: [{ title: ' ' }],
      },
    }),
    codes: ['REQUIRED', 'UNEXPECTED_CODE', 'INVALID_AWARDS', 'REQUIRED', 'REQUIRED'],
  },
  {
    mutation: 'recordCompletionTime',
    why: 'an organizer is not the chief judge',
    query: 'mutation($i: RecordCompletionTimeInput!) { recordCompletionTime(input: $i) { errors { code } } }',
    variables: () => ({ i: { entrantId, seconds: 61.5 } }),
    codes: ['top:FORBIDDEN'],
  },
  {
    mutation: 'drawRecheck',
    why: 'an organizer is not the chief judge',
    query: 'mutation($i: DrawRecheckInput!) { drawRecheck(input: $i) { errors { code } } }',
    variables: () => ({ i: { tradeId, topN: 3, percent: 15 } }),
    codes: ['top:FORBIDDEN'],
  },
  {
    mutation: 'recordRecheck',
    why: 'an organizer is not the chief judge',
    query: 'mutation($i: RecordRecheckInput!) { recordRecheck(input: $i) { errors { code } } }',
    variables: () => ({ i: { entrantId, errorsFound: 0 } }),
    codes: ['top:FORBIDDEN'],
  },
  {
    mutation: 'publishResults',
    why: 'a notice period already over, an appeal deadline after it',
    query: 'mutation($i: PublishResultsInput!) { publishResults(input: $i) { errors { code } } }',
    variables: () => ({
      i: { competitionId, noticeEndsAt: '2020-01-01T00:00:00Z', appealDeadline: '2030-01-01T00:00:00Z' },
    }),
    codes: ['OUT_OF_RANGE', 'OUT_OF_RANGE'],
  },
  {
    mutation: 'publishResults',
    why: 'the competition is a draft',
    query: 'mutation($i: PublishResultsInput!) { publishResults(input: $i) { errors { code } } }',
    variables: () => ({ i: { competitionId, noticeEndsAt: '2099-01-01T00:00:00Z' } }),
    codes: ['INVALID_TRANSITION'],
  },
  {
    mutation: 'finalizeResults',
    why: 'the results are not published',
    query: 'mutation($i: FinalizeResultsInput!) { finalizeResults(input: $i) { errors { code } } }',
    variables: () => ({ i: { competitionId } }),
    codes: ['INVALID_TRANSITION'],
  },
  {
    mutation: 'fileAppeal',
    why: 'a malformed entrant ID and no grounds',
    query: 'mutation($i: FileAppealInput!) { fileAppeal(input: $i) { errors { code } } }',
    variables: () => ({ i: { entrantId: badId, reason: ' ' } }),
    codes: ['INVALID_ID', 'REQUIRED'],
  },
  {
    mutation: 'fileAppeal',
    why: 'the results are not published: the window is closed',
    query: 'mutation($i: FileAppealInput!) { fileAppeal(input: $i) { errors { code } } }',
    variables: () => ({ i: { entrantId, reason: '评分有误' } }),
    codes: ['APPEAL_WINDOW_CLOSED'],
  },
  {
    mutation: 'resolveAppeal',
    why: 'an organizer is not the chief judge',
    query: 'mutation($i: ResolveAppealInput!) { resolveAppeal(input: $i) { errors { code } } }',
    variables: () => ({ i: { appealId: gid('Appeal', 1), decision: 'DISMISSED', response: '维持' } }),
    codes: ['top:FORBIDDEN'],
  },
  {
    mutation: 'setBoardFreeze',
    why: 'a freeze moment in the past and a malformed trade ID',
    query: 'mutation($i: SetBoardFreezeInput!) { setBoardFreeze(input: $i) { errors { code } } }',
    variables: () => ({ i: { tradeId: badId, freezeAt: '2020-01-01T00:00:00Z' } }),
    codes: ['INVALID_ID', 'FREEZE_IN_PAST'],
  },
  {
    mutation: 'setBoardFreeze',
    why: 'the competition is a draft',
    query: 'mutation($i: SetBoardFreezeInput!) { setBoardFreeze(input: $i) { errors { code } } }',
    variables: () => ({ i: { tradeId, freezeAt: '2099-01-01T00:00:00Z' } }),
    codes: ['WRONG_STAGE'],
  },
  {
    mutation: 'applyStudio',
    why: 'empty name and field, a malformed host, a union that is no enterprise',
    query: 'mutation($i: ApplyStudioInput!) { applyStudio(input: $i) { errors { code } } }',
    variables: () => ({ i: { name: ' ', hostId: badId, level: 'MUNICIPAL', field: '', leaderId: personId } }),
    codes: ['REQUIRED', 'REQUIRED', 'INVALID_ID'],
  },
  {
    mutation: 'applyStudio',
    why: 'hosted by a city union, not an enterprise',
    query: 'mutation($i: ApplyStudioInput!) { applyStudio(input: $i) { errors { code } } }',
    variables: () => ({
      i: {
        name: '工作室',
        hostId: orgId(w.orgs.xian),
        level: 'MUNICIPAL',
        field: '焊接',
        leaderId: personId,
      },
    }),
    codes: ['KIND_MISMATCH'],
  },
  {
    mutation: 'transitionStudio',
    why: 'a malformed studio ID',
    query: 'mutation($i: TransitionStudioInput!) { transitionStudio(input: $i) { errors { code } } }',
    variables: () => ({ i: { studioId: badId, to: 'NAMED', namedOn: '2024-02-28' } }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'transitionStudio',
    why: 'a day that does not exist is refused by the Date scalar',
    query: 'mutation($i: TransitionStudioInput!) { transitionStudio(input: $i) { errors { code } } }',
    variables: () => ({ i: { studioId: badId, to: 'NAMED', namedOn: '2024-02-30' } }),
    codes: ['top:BAD_USER_INPUT'],
  },
  {
    mutation: 'assessStudio',
    why: 'a year out of range',
    query: 'mutation($i: AssessStudioInput!) { assessStudio(input: $i) { errors { code } } }',
    variables: () => ({ i: { studioId: badId, year: 1800, result: 'PASS' } }),
    codes: ['INVALID_ID', 'OUT_OF_RANGE'],
  },
  {
    mutation: 'setStudioMember',
    why: 'the leader role is set at application',
    query: 'mutation($i: StudioMemberInput!) { setStudioMember(input: $i) { errors { code } } }',
    variables: () => ({ i: { studioId: badId, personId, role: 'LEADER' } }),
    codes: ['INVALID_ID', 'VALIDATION'],
  },
  {
    mutation: 'createAlliance',
    why: 'no name, malformed studio IDs',
    query: 'mutation($i: CreateAllianceInput!) { createAlliance(input: $i) { errors { code } } }',
    variables: () => ({ i: { name: '', leadStudioId: badId, studioIds: [badId] } }),
    codes: ['REQUIRED', 'INVALID_ID', 'INVALID_ID'],
  },
  {
    mutation: 'createAlliance',
    why: 'a thirteenth month is refused by the Date scalar',
    query: 'mutation($i: CreateAllianceInput!) { createAlliance(input: $i) { errors { code } } }',
    variables: () => ({
      i: { name: '联盟', leadStudioId: badId, studioIds: [badId], foundedOn: '2024-13-01' },
    }),
    codes: ['top:BAD_USER_INPUT'],
  },
  {
    mutation: 'promoteStudio',
    why: 'malformed studio and union IDs, no document number',
    query: 'mutation($i: PromoteStudioInput!) { promoteStudio(input: $i) { errors { code } } }',
    variables: () => ({
      i: {
        studioId: badId,
        namingUnionId: badId,
        level: 'PROVINCIAL',
        namedOn: '2025-03-01',
        documentNumber: '',
      },
    }),
    codes: ['INVALID_ID', 'INVALID_ID', 'REQUIRED'],
  },
  {
    mutation: 'reviewStudio',
    why: 'a malformed studio ID (the notes a warning needs are checked against the studio found)',
    query: 'mutation($i: ReviewStudioInput!) { reviewStudio(input: $i) { errors { code } } }',
    variables: () => ({
      i: { studioId: badId, kind: 'RECHECK', outcome: 'WARNING', reviewedOn: '2025-03-01' },
    }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'joinAlliance',
    why: 'malformed studio and alliance IDs (the first is reported)',
    query: 'mutation($i: JoinAllianceInput!) { joinAlliance(input: $i) { errors { code } } }',
    variables: () => ({ i: { studioId: badId, allianceId: badId } }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'decideAllianceJoin',
    why: 'a malformed request ID (the reason a rejection needs is checked against the request found)',
    query: 'mutation($i: DecideAllianceJoinInput!) { decideAllianceJoin(input: $i) { errors { code } } }',
    variables: () => ({ i: { requestId: badId, approve: false } }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'leaveAlliance',
    why: 'malformed studio and alliance IDs (the first is reported)',
    query: 'mutation($i: LeaveAllianceInput!) { leaveAlliance(input: $i) { errors { code } } }',
    variables: () => ({ i: { studioId: badId, allianceId: badId } }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'setAllianceJoinApproval',
    why: 'a malformed alliance ID',
    query:
      'mutation($i: SetAllianceJoinApprovalInput!) { setAllianceJoinApproval(input: $i) { errors { code } } }',
    variables: () => ({ i: { allianceId: badId, joinRequiresApproval: true } }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'recordAchievement',
    why: 'a patent without number, type or status',
    query: 'mutation($i: RecordAchievementInput!) { recordAchievement(input: $i) { errors { code } } }',
    variables: () => ({ i: { studioId: badId, kind: 'PATENT', title: '专利', achievedOn: '2024-06-01' } }),
    codes: ['INVALID_ID', 'REQUIRED', 'REQUIRED', 'REQUIRED'],
  },
  {
    mutation: 'recordAchievement',
    why: 'an empty date is refused by the Date scalar',
    query: 'mutation($i: RecordAchievementInput!) { recordAchievement(input: $i) { errors { code } } }',
    variables: () => ({ i: { studioId: badId, kind: 'PATENT', title: '专利', achievedOn: '' } }),
    codes: ['top:BAD_USER_INPUT'],
  },
  {
    mutation: 'recordAchievement',
    why: 'money as a JSON number (a float) is refused by the Decimal scalar',
    query: 'mutation($i: RecordAchievementInput!) { recordAchievement(input: $i) { errors { code } } }',
    variables: () => ({
      i: {
        studioId: badId,
        kind: 'ECONOMIC_BENEFIT',
        title: '效益',
        achievedOn: '2024-06-01',
        benefitYuan: 0.1,
      },
    }),
    codes: ['top:BAD_USER_INPUT'],
  },
  {
    mutation: 'recordAchievement',
    why: 'money with three decimals is refused by the Decimal scalar',
    query: 'mutation($i: RecordAchievementInput!) { recordAchievement(input: $i) { errors { code } } }',
    variables: () => ({
      i: {
        studioId: badId,
        kind: 'ECONOMIC_BENEFIT',
        title: '效益',
        achievedOn: '2024-06-01',
        benefitYuan: '1.005',
      },
    }),
    codes: ['top:BAD_USER_INPUT'],
  },
  {
    mutation: 'recordAchievement',
    why: 'a negative benefit',
    query: 'mutation($i: RecordAchievementInput!) { recordAchievement(input: $i) { errors { code } } }',
    variables: () => ({
      i: {
        studioId: badId,
        kind: 'ECONOMIC_BENEFIT',
        title: '效益',
        achievedOn: '2024-06-01',
        benefitYuan: '-1.00',
      },
    }),
    codes: ['INVALID_ID', 'OUT_OF_RANGE'],
  },
  {
    mutation: 'createCampaign',
    why: 'no name, closing before opening, no categories',
    query: 'mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { errors { code } } }',
    variables: () => ({
      i: {
        name: ' ',
        hostId: orgId(w.orgs.xian),
        year: 2024,
        submissionsOpenAt: '2024-07-01T00:00:00Z',
        submissionsCloseAt: '2024-06-01T00:00:00Z',
        categories: [],
      },
    }),
    codes: ['REQUIRED', 'VALIDATION', 'OUT_OF_RANGE'],
  },
  {
    mutation: 'addRound',
    why: 'a scoring round without an advancement rule',
    query: 'mutation($i: AddRoundInput!) { addRound(input: $i) { errors { code } } }',
    variables: () => ({ i: { categoryId: badId, kind: 'SCORING' } }),
    codes: ['REQUIRED'],
  },
  {
    mutation: 'submitEntry',
    why: 'no submitter, a script URL, too many tags',
    query: 'mutation($i: SubmitEntryInput!) { submitEntry(input: $i) { errors { code } } }',
    variables: () => ({
      i: {
        categoryId: badId,
        title: '项目',
        attachments: [{ kind: 'LINK', url: 'javascript:alert(1)' }],
        tags: Array.from({ length: 11 }, (_, i) => `标签${i}`),
      },
    }),
    codes: ['VALIDATION', 'VALIDATION', 'OUT_OF_RANGE', 'INVALID_ID'],
  },
  {
    mutation: 'reviewEligibility',
    why: 'ineligible without a reason, a malformed ID',
    query: 'mutation($i: ReviewEligibilityInput!) { reviewEligibility(input: $i) { errors { code } } }',
    variables: () => ({ i: { submissionId: badId, eligible: false } }),
    codes: ['INVALID_ID', 'REQUIRED'],
  },
  {
    mutation: 'assignReviewers',
    why: 'zero reviewers per submission, a malformed round ID',
    query: 'mutation($i: AssignReviewersInput!) { assignReviewers(input: $i) { errors { code } } }',
    variables: () => ({ i: { tradeId: badId, judgeIds: [], perSubmission: 0, maxPerJudge: 1 } }),
    codes: ['INVALID_ID', 'OUT_OF_RANGE'],
  },
  {
    mutation: 'setReviewers',
    why: 'no reviewers, a malformed entrant ID',
    query: 'mutation($i: SetReviewersInput!) { setReviewers(input: $i) { errors { code } } }',
    variables: () => ({ i: { entrantId: badId, judgeIds: [] } }),
    codes: ['INVALID_ID', 'OUT_OF_RANGE'],
  },
  {
    mutation: 'advanceRound',
    why: 'a malformed round ID and a choice without reason',
    query: 'mutation($i: AdvanceRoundInput!) { advanceRound(input: $i) { errors { code } } }',
    variables: () => ({ i: { tradeId: badId, chosen: [{ entrantId: entrantId, reason: ' ' }] } }),
    codes: ['INVALID_ID', 'REQUIRED'],
  },
  {
    mutation: 'createWebhookEndpoint',
    why: 'a malformed union ID and no event type',
    query:
      'mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { errors { code } } }',
    variables: () => ({ i: { organizationId: badId, url: 'https://8.8.8.8/hooks', eventTypes: [] } }),
    codes: ['INVALID_ID', 'REQUIRED'],
  },
  {
    mutation: 'rotateWebhookSecret',
    why: 'a malformed endpoint ID and an overlap of a year',
    query: 'mutation($i: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $i) { errors { code } } }',
    variables: () => ({ i: { id: badId, previousSecretValidHours: 8760 } }),
    codes: ['INVALID_ID', 'OUT_OF_RANGE'],
  },
  {
    mutation: 'setWebhookEndpointEnabled',
    why: 'a malformed endpoint ID',
    query:
      'mutation($i: SetWebhookEndpointEnabledInput!) { setWebhookEndpointEnabled(input: $i) { errors { code } } }',
    variables: () => ({ i: { id: badId, enabled: true } }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'deleteWebhookEndpoint',
    why: 'a malformed endpoint ID',
    query: 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { errors { code } } }',
    variables: () => ({ id: badId }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'resendWebhookDelivery',
    why: 'a malformed delivery ID',
    query: 'mutation($id: ID!) { resendWebhookDelivery(id: $id) { errors { code } } }',
    variables: () => ({ id: badId }),
    codes: ['INVALID_ID'],
  },
  {
    mutation: 'revealBoard',
    why: 'the results are not final',
    query: 'mutation($i: RevealBoardInput!) { revealBoard(input: $i) { errors { code } } }',
    variables: () => ({ i: { tradeId } }),
    codes: ['WRONG_STAGE'],
  },
];

let fullPerson: string;
beforeAll(async () => {
  fullPerson = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '迟到选手');
});

test('every mutation has a bad-input case', () => {
  const covered = new Set(cases.map((c) => c.mutation));
  expect(Object.keys(POLICY.Mutation).filter((m) => !covered.has(m))).toEqual([]);
});

test.each(cases.map((c) => [`${c.mutation}: ${c.why}`, c] as const))('%s', async (_name, c) => {
  const before = await tableCounts(t);
  const r = await t.raw({ query: c.query, variables: c.variables() }, { token: w.tokens.xian });
  const top = c.codes.find((x) => x.startsWith('top:'));
  if (top) {
    expect(r.json.errors?.[0]?.extensions?.code).toBe(top.slice(4));
  } else {
    expect(r.json.errors).toBeUndefined();
    const result = (r.json.data as Record<string, { errors: { code: string }[] }>)[c.mutation]!;
    expect(result.errors.map((e) => e.code).sort()).toEqual([...c.codes].sort());
  }
  expect(await tableCounts(t)).toEqual(before);
});
