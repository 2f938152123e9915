import { getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { POLICY } from '../src/shared/access/policy';
import {
  CreateApiKeyDocument,
  RevokeApiKeyDocument,
  SetAccountActiveDocument,
  ViewerDocument,
} from './generated/graphql';
import { gid, type Auth, startTestApp, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  orgId,
  tableCounts,
  type World,
} from './support/world';

/**
 * Every root operation × every kind of caller. Each call works on objects of
 * 西安 (Xi'an); the "neighbour" is the organizer of 咸阳, a sibling city.
 *   ok     – the operation ran (payload without errors, or data returned)
 *   denied – refused with a top-level UNAUTHENTICATED / FORBIDDEN error
 *   hidden – ran, but the object is invisible to the caller (null / absent)
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
  query: string;
  /** Reads the operation's result into an outcome when no top-level error was raised. */
  read: (data: Record<string, unknown>) => Outcome;
  expect: Record<Caller, Outcome>;
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
const PUBLIC_READ: Record<Caller, Outcome> = { ...ALL_OK, narrowKey: 'denied' };

let n = 0;
const unique = (s: string) => `${s}${++n}`;

const cases: Case[] = [
  {
    op: 'Query.node (a draft competition)',
    vars: async () => ({ id: await createCompetition(t, w.tokens.xian, w.orgs.xian) }),
    query: 'query($id: ID!) { node(id: $id) { id } }',
    read: present('node'),
    expect: { ...ALL_OK, anonymous: 'hidden', judge: 'hidden', chiefJudge: 'hidden', neighbour: 'hidden' },
  },
  {
    op: 'Query.organizations',
    vars: async () => ({}),
    query: '{ organizations(first: 5) { totalCount } }',
    read: present('organizations'),
    expect: PUBLIC_READ,
  },
  {
    op: 'Query.competitions',
    vars: async () => ({}),
    query: '{ competitions(first: 5) { totalCount } }',
    read: present('competitions'),
    expect: PUBLIC_READ,
  },
  {
    op: 'Query.person',
    vars: async () => ({ id: await createPerson(t, w.tokens.xian, w.orgs.xianFirm, unique('访问')) }),
    query: 'query($id: ID!) { person(id: $id) { id } }',
    read: present('person'),
    expect: { ...MANAGE, neighbour: 'hidden', narrowKey: 'ok' },
  },
  {
    op: 'Query.unionStatistics',
    vars: async () => ({ id: orgId(w.orgs.xian) }),
    query: 'query($id: ID!) { unionStatistics(unionId: $id) { people } }',
    read: present('unionStatistics'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.createOrganization',
    vars: async () => ({ input: { name: unique('新区'), level: 'DISTRICT', parentId: orgId(w.orgs.xian) } }),
    query:
      'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } errors { code } } }',
    read: payload('createOrganization', 'organization'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.createPerson',
    vars: async () => ({ input: { name: unique('工人'), employerId: orgId(w.orgs.xianFirm) } }),
    query:
      'mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } errors { code } } }',
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
    query: 'mutation($input: AddHonorInput!) { addHonor(input: $input) { honor { id } errors { code } } }',
    read: payload('addHonor', 'honor'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.createCompetition',
    vars: async () => ({
      input: { name: unique('竞赛'), kind: 'SKILLS', year: 2024, hostId: orgId(w.orgs.xian) },
    }),
    query:
      'mutation($input: CreateCompetitionInput!) { createCompetition(input: $input) { competition { id } errors { code } } }',
    read: payload('createCompetition', 'competition'),
    expect: MANAGE,
  },
  {
    op: 'Mutation.transitionCompetition',
    vars: async () => ({
      input: { id: await createCompetition(t, w.tokens.xian, w.orgs.xian), to: 'REGISTRATION_OPEN' },
    }),
    query:
      'mutation($input: TransitionCompetitionInput!) { transitionCompetition(input: $input) { competition { id } errors { code } } }',
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
    query:
      'mutation($input: CreateTradeInput!) { createTrade(input: $input) { trade { id } errors { code } } }',
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
    query:
      'mutation($input: RegisterEntrantInput!) { registerEntrant(input: $input) { entrant { id } errors { code } } }',
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
    query:
      'mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } errors { code } } }',
    read: payload('createAccount', 'account'),
    expect: MANAGE_NO_KEYS,
  },
  {
    op: 'Mutation.createApiKey',
    vars: async () => ({
      input: { name: unique('指尖工会'), scopes: ['competitions:read'], organizationId: orgId(w.orgs.xian) },
    }),
    query:
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } errors { code } } }',
    read: payload('createApiKey', 'apiKey'),
    expect: MANAGE_NO_KEYS,
  },
];

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
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
      ]),
    },
    narrowKey: { apiKey: await key(['people:read']) },
  };
});
afterAll(async () => t?.close());

describe.each(cases)('$op', (c) => {
  test.each(CALLERS.map((caller) => [caller]))('as %s', async (caller) => {
    const variables = await c.vars();
    const before = await tableCounts(t);
    const r = await t.raw({ query: c.query, variables }, auth[caller]);
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

test('every root operation of the schema has an access rule, and every rule an operation', async () => {
  const r = await t.raw({ query: getIntrospectionQuery() });
  const schema = (r.json.data as IntrospectionQuery).__schema;
  for (const root of ['Query', 'Mutation', 'Subscription'] as const) {
    const type = schema.types.find((x) => x.name === root) as { fields: { name: string }[] };
    expect(type.fields.map((f) => f.name).sort()).toEqual(Object.keys(POLICY[root]).sort());
  }
});

test('an organizer of one city cannot touch the neighbouring city, and nothing changes', async () => {
  const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian);
  const before = await tableCounts(t);
  const attempts = [
    {
      query: 'mutation($i: UpdateCompetitionInput!) { updateCompetition(input: $i) { errors { code } } }',
      variables: { i: { id: competitionId, name: '改名' } },
    },
    {
      query:
        'mutation($i: TransitionCompetitionInput!) { transitionCompetition(input: $i) { errors { code } } }',
      variables: { i: { id: competitionId, to: 'ARCHIVED' } },
    },
    {
      query: 'mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { errors { code } } }',
      variables: { i: { id: orgId(w.orgs.xian), name: '改名' } },
    },
    {
      query: 'mutation($i: MoveOrganizationInput!) { moveOrganization(input: $i) { errors { code } } }',
      variables: { i: { id: orgId(w.orgs.lianhu), newParentId: orgId(w.orgs.xianyang) } },
    },
    {
      query: 'mutation($i: CreatePersonInput!) { createPerson(input: $i) { errors { code } } }',
      variables: { i: { name: '某人', employerId: orgId(w.orgs.xianFirm) } },
    },
  ];
  for (const a of attempts) {
    const r = await t.raw(a, { token: w.tokens.xianyang });
    expect(r.json.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }
  expect(await tableCounts(t)).toEqual(before);
  const name = await t.sql<{ name: string }>('select name from competition where id = ?', [
    Number(Buffer.from(competitionId, 'base64url').toString().split(':')[1]),
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
  const r = await t.raw({
    query: 'mutation($i: SignInInput!) { signIn(input: $i) { token errors { code field } } }',
    variables: { i: { username: 'nobody', password: 'wrong password' } },
  });
  expect(r.json.data).toEqual({
    signIn: { token: null, errors: [{ code: 'INVALID_CREDENTIALS', field: 'input.password' }] },
  });
});
