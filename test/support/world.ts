import { Role } from '../../src/modules/account/account.entity';
import { type Organization, OrganizationLevel } from '../../src/modules/organization/organization.entity';
import {
  CreateCompetitionDocument,
  CreatePersonDocument,
  CreateTradeDocument,
  TransitionCompetitionDocument,
  type CompetitionStatus,
} from '../generated/graphql';
import { fromGlobalId } from '../../src/shared/graphql/relay';
import { gid, type TestApp } from './app';

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

export async function moveTo(t: TestApp, token: string, id: string, ...path: CompetitionStatus[]) {
  for (const to of path) {
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
     select 'status_change', count(*) from competition_status_change`,
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
  const r = await t.raw(
    {
      query:
        'mutation($i: RegisterEntrantInput!) { registerEntrant(input: $i) { entrant { id } errors { code } } }',
      variables: { i: { tradeId, personId } },
    },
    { token },
  );
  const id = (r.json.data as { registerEntrant: { entrant: { id: string } | null } } | undefined)
    ?.registerEntrant.entrant?.id;
  if (!id) throw new Error(`registerEntrant failed: ${JSON.stringify(r.json)}`);
  for (const status of checkIn ? ['APPROVED', 'CHECKED_IN'] : []) {
    await t.raw(
      {
        query: 'mutation($i: SetEntrantStatusInput!) { setEntrantStatus(input: $i) { errors { code } } }',
        variables: { i: { id, status } },
      },
      { token },
    );
  }
  return id;
}
