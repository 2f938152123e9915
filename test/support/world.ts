import { Role } from '../../src/modules/account/account.entity';
import { type Organization, OrganizationLevel } from '../../src/modules/organization/organization.entity';
import {
  AssignJudgeDocument,
  CreateCompetitionDocument,
  CreatePersonDocument,
  CreateTradeDocument,
  DrawLotsDocument,
  FinalizeResultsDocument,
  PublishResultsDocument,
  RegisterEntrantIdDocument,
  SetEntrantStatusErrorsDocument,
  SetMarkingSchemeDocument,
  TransitionCompetitionDocument,
  type CompetitionStatus,
} from '../generated/graphql';
import { fromGlobalId } from '../../src/shared/graphql/relay';
import { documentId, loadManifest } from '../../src/shared/security/trusted-documents';
import { asClient, gid, type TestApp } from './app';

/**
 * A small union tree with two neighbouring cities, and a token per role:
 * 全国总工会 → 陕西省总工会 → 西安市总工会 → 莲湖区总工会 → 西安某焊接公司
 *                          → 咸阳市总工会 → 咸阳某电力公司
 */
export async function buildWorld(t: TestApp) {
  const national = await t.org('中华全国总工会', OrganizationLevel.NATIONAL);
  const shaanxi = await t.org('陕西省总工会', OrganizationLevel.PROVINCE, national);
  const xian = await t.org('西安市总工会', OrganizationLevel.CITY, shaanxi);
  const lianhu = await t.org('莲湖区总工会', OrganizationLevel.DISTRICT, xian);
  const xianFirm = await t.org('西安秦川焊接有限公司', OrganizationLevel.ENTERPRISE, lianhu);
  const xianyang = await t.org('咸阳市总工会', OrganizationLevel.CITY, shaanxi);
  const xianyangFirm = await t.org('咸阳电力检修公司', OrganizationLevel.ENTERPRISE, xianyang);

  const [admin, xianOrganizer, xianyangOrganizer, judge, chiefJudge] = await Promise.all([
    t.account(Role.PLATFORM_ADMIN, null),
    t.account(Role.ORGANIZER, xian),
    t.account(Role.ORGANIZER, xianyang),
    t.account(Role.JUDGE, xian),
    t.account(Role.CHIEF_JUDGE, xian),
  ]);
  return {
    orgs: { national, shaanxi, xian, lianhu, xianFirm, xianyang, xianyangFirm },
    tokens: {
      admin: admin.token,
      xian: xianOrganizer.token,
      xianyang: xianyangOrganizer.token,
      judge: judge.token,
      chiefJudge: chiefJudge.token,
    },
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

export const orgId = (o: Organization) => gid('Organization', o.id);

export async function createCompetition(
  t: TestApp,
  token: string,
  host: Organization,
  overrides: Partial<{ name: string; kind: 'SKILLS' | 'LABOR'; year: number }> = {},
): Promise<string> {
  const r = await t.gql(
    CreateCompetitionDocument,
    {
      input: {
        name: '2024年职工职业技能大赛',
        kind: 'SKILLS',
        year: 2024,
        hostId: orgId(host),
        ...overrides,
      },
    },
    { token },
  );
  const c = r.data?.createCompetition.competition;
  if (!c) throw new Error(`createCompetition failed: ${JSON.stringify(r)}`);
  return c.id;
}

export async function createTrade(
  t: TestApp,
  token: string,
  competitionId: string,
  overrides: Partial<{ name: string; capacity: number; theoryWeight: number; practicalWeight: number }> = {},
): Promise<string> {
  const r = await t.gql(
    CreateTradeDocument,
    {
      input: {
        competitionId,
        name: '焊工',
        occupationCode: '6-18-02-04',
        theoryWeight: 30,
        practicalWeight: 70,
        capacity: 50,
        ...overrides,
      },
    },
    { token },
  );
  const trade = r.data?.createTrade.trade;
  if (!trade) throw new Error(`createTrade failed: ${JSON.stringify(r)}`);
  return trade.id;
}

export async function createPerson(
  t: TestApp,
  token: string,
  employer: Organization,
  name: string,
): Promise<string> {
  const r = await t.gql(CreatePersonDocument, { input: { name, employerId: orgId(employer) } }, { token });
  const p = r.data?.createPerson.person;
  if (!p) throw new Error(`createPerson failed: ${JSON.stringify(r)}`);
  return p.id;
}

/** Moves a competition along; PUBLISHED and FINAL go through publishResults (a week's notice) and finalizeResults. */
export async function moveTo(t: TestApp, token: string, id: string, ...path: CompetitionStatus[]) {
  for (const to of path) {
    if (to === 'PUBLISHED') {
      const noticeEndsAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
      const r = await t.gql(
        PublishResultsDocument,
        { input: { competitionId: id, noticeEndsAt } },
        { token },
      );
      if (!r.data || r.data.publishResults.errors.length) throw new Error(JSON.stringify(r));
      continue;
    }
    if (to === 'FINAL') {
      const r = await t.gql(FinalizeResultsDocument, { input: { competitionId: id } }, { token });
      if (!r.data || r.data.finalizeResults.errors.length) throw new Error(JSON.stringify(r));
      continue;
    }
    const r = await t.gql(TransitionCompetitionDocument, { input: { id, to } }, { token });
    if (r.data?.transitionCompetition.errors.length)
      throw new Error(JSON.stringify(r.data.transitionCompetition.errors));
  }
}

/** Row counts of the written tables, to assert a refused mutation wrote nothing. */
export async function tableCounts(t: TestApp): Promise<Record<string, number>> {
  const rows = await t.sql<{ t: string; n: string }>(
    `select 'organization' t, count(*) n from organization union all
     select 'person', count(*) from person union all select 'honor', count(*) from honor union all
     select 'account', count(*) from account union all select 'api_key', count(*) from api_key union all
     select 'competition', count(*) from competition union all select 'trade', count(*) from trade union all
     select 'team', count(*) from team union all select 'entrant', count(*) from entrant union all
     select 'status_change', count(*) from competition_status_change union all
     select 'mark', count(*) from mark union all select 'audit_event', count(*) from audit_event union all
     select 'lot_draw', count(*) from lot_draw union all select 'recheck_item', count(*) from recheck_item union all
     select 'appeal', count(*) from appeal union all
     select 'lots_assigned', count(*) from entrant where lot_number is not null union all
     select 'rules_set', count(*) from trade where results_rules is not null`,
  );
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}

/** The database id inside a global ID, for assertions in SQL. */
export function dbId(globalId: string): number {
  const d = fromGlobalId(globalId);
  if (!d) throw new Error(`not a global ID: ${globalId}`);
  return d.id;
}

/** Registers a person into a trade; with `checkIn`, approves and checks the entrant in too. */
export async function registerEntrant(
  t: TestApp,
  token: string,
  tradeId: string,
  personId: string,
  { checkIn = false }: { checkIn?: boolean } = {},
): Promise<string> {
  const r = await t.gql(RegisterEntrantIdDocument, { input: { tradeId, personId } }, { token });
  const id = r.data?.registerEntrant.entrant?.id;
  if (!id) throw new Error(`registerEntrant failed: ${JSON.stringify(r)}`);
  for (const status of checkIn ? (['APPROVED', 'CHECKED_IN'] as const) : []) {
    await t.gql(SetEntrantStatusErrorsDocument, { input: { id, status } }, { token });
  }
  if (checkIn) await drawLots(t, token, tradeId, { allowWrongStage: true });
  return id;
}

/**
 * Draws lots for the trade's checked-in entrants without a number (judges mark numbers only).
 * `allowWrongStage` lets fixtures check entrants in before the competition is open.
 */
export async function drawLots(
  t: TestApp,
  token: string,
  tradeId: string,
  { allowWrongStage = false }: { allowWrongStage?: boolean } = {},
) {
  const r = await t.gql(DrawLotsDocument, { input: { tradeId } }, { token });
  const errors = r.data?.drawLots.errors ?? [];
  if (!r.data || (errors.length && !(allowWrongStage && errors[0]!.code === 'WRONG_STAGE'))) {
    throw new Error(`drawLots failed: ${JSON.stringify(r)}`);
  }
  return r.data.drawLots.draw;
}

let manifest: Record<string, string> | null = null;

/** The documentId of a first-party operation (tablets and screens send only those). */
export function trustedDoc(operationName: string): string {
  manifest ??= loadManifest();
  const text = Object.values(manifest).find((d) =>
    new RegExp(`^(query|mutation|subscription) ${operationName}\\b`, 'm').test(d),
  );
  if (!text) throw new Error(`no trusted document ${operationName}`);
  return documentId(text);
}

/** Sends a first-party operation by id; throws on top-level errors. */
export async function tablet<T = Record<string, unknown>>(
  t: TestApp,
  token: string,
  operationName: string,
  variables: Record<string, unknown>,
): Promise<T> {
  // A tablet resends what the API calls retryable (a busy pool, a shed request).
  const r = await asClient(() => t.raw({ documentId: trustedDoc(operationName), variables }, { token }));
  if (r.json.errors) throw new Error(`${operationName}: ${JSON.stringify(r.json.errors)}`);
  return r.json.data as T;
}

/**
 * The chief judge's steps before publication: lock the trade's marks, then re-check every
 * sheet (top 100 and 100 % of the rest) and find no error.
 */
export async function signOffAndRecheck(t: TestApp, chiefToken: string, tradeId: string): Promise<void> {
  const lock = await tablet<{ lockMarks: { errors: unknown[] } }>(t, chiefToken, 'TabletLockMarks', {
    input: { targetId: tradeId },
  });
  if (lock.lockMarks.errors.length) throw new Error(JSON.stringify(lock));
  const drawn = await tablet<{
    drawRecheck: {
      recheck: { rounds: { items: { entrant: { id: string } }[] }[] } | null;
      errors: unknown[];
    };
  }>(t, chiefToken, 'TabletDrawRecheck', { input: { tradeId, topN: 100, percent: 100 } });
  if (!drawn.drawRecheck.recheck) throw new Error(JSON.stringify(drawn));
  for (const item of drawn.drawRecheck.recheck.rounds[0]!.items) {
    const r = await tablet<{ recordRecheck: { errors: unknown[] } }>(t, chiefToken, 'TabletRecordRecheck', {
      input: { entrantId: item.entrant.id, errorsFound: 0 },
    });
    if (r.recordRecheck.errors.length) throw new Error(JSON.stringify(r));
  }
}

/** One module with one measured aspect (P1, 0–100, mean): the smallest scheme a board needs. */
export const ONE_ASPECT_SCHEME = {
  modules: [
    {
      code: 'P',
      name: '实操',
      weight: 100,
      criteria: [
        {
          code: 'P-1',
          name: '作品',
          aspects: [
            {
              code: 'P1',
              description: '质量',
              kind: 'MEASUREMENT',
              maxMark: 100,
              aggregation: { method: 'MEAN' },
              tolerance: null,
            },
          ],
        },
      ],
    },
  ],
};

/** Seats an account on a trade's panel; throws when refused. */
export async function seatJudge(
  t: TestApp,
  token: string,
  tradeId: string,
  accountId: number,
  role: 'JUDGE' | 'CHIEF_JUDGE',
): Promise<void> {
  const r = await t.gql(
    AssignJudgeDocument,
    { input: { tradeId, accountId: gid('Account', accountId), role } },
    { token },
  );
  const errors = r.data?.assignJudge.errors;
  if (!errors || errors.length) throw new Error(`assignJudge failed: ${JSON.stringify(r)}`);
}

/**
 * A running 西安 trade with the one-aspect scheme, a judge and a chief judge on its panel, and
 * `entrants` checked-in entrants holding anonymous numbers. `configure` runs before registration
 * opens (results rules and the like).
 */
export async function runningTrade(
  t: TestApp,
  w: World,
  opts: { name: string; entrants: number; configure?: (tradeId: string) => Promise<void>; host?: TestApp },
) {
  const token = w.tokens.xian;
  const competitionId = await createCompetition(t, token, w.orgs.xian, { name: `${opts.name}测试赛` });
  const tradeId = await createTrade(t, token, competitionId, {
    name: opts.name,
    capacity: Math.max(50, opts.entrants),
  });
  const scheme = await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: JSON.stringify(ONE_ASPECT_SCHEME) } },
    { token },
  );
  if (scheme.data?.setMarkingScheme.errors.length !== 0) throw new Error(JSON.stringify(scheme));
  await opts.configure?.(tradeId);
  const judge = await t.account(Role.JUDGE, w.orgs.xian);
  const chief = await t.account(Role.CHIEF_JUDGE, w.orgs.xian);
  await seatJudge(t, token, tradeId, judge.account.id, 'JUDGE');
  await seatJudge(t, token, tradeId, chief.account.id, 'CHIEF_JUDGE');
  await moveTo(t, token, competitionId, 'REGISTRATION_OPEN');
  const entrants: string[] = [];
  for (let i = 0; i < opts.entrants; i++) {
    const p = await createPerson(t, token, w.orgs.xianFirm, `${opts.name}${i}`);
    entrants.push(await registerEntrant(t, token, tradeId, p, { checkIn: true }));
  }
  await moveTo(t, token, competitionId, 'RUNNING');
  return { competitionId, tradeId, judge: judge.token, chief: chief.token, entrants };
}
