import fc from 'fast-check';
import { getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import {
  AddHonorDocument,
  CreateOrganizationDocument,
  CreatePersonDocument,
  MoveOrganizationDocument,
  NodeByIdDocument,
  OrganizationTreeDocument,
  PeopleDocument,
  UnionStatisticsDocument,
  UpdatePersonDocument,
} from './generated/graphql';
import { sqlStatements } from '../src/shared/db/orm';
import { gid, startTestApp, type TestApp } from './support/app';
import { buildWorld, createCompetition, createPerson, orgId, tableCounts, type World } from './support/world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
});
afterAll(async () => t?.close());

describe('union hierarchy', () => {
  test('creates unions under the caller’s union and keeps levels in order', async () => {
    const ok = await t.gql(
      CreateOrganizationDocument,
      { input: { name: '碑林区总工会', level: 'DISTRICT', parentId: orgId(w.orgs.xian) } },
      { token: w.tokens.xian },
    );
    expect(ok.data!.createOrganization.organization).toMatchObject({ name: '碑林区总工会', depth: 4 });

    const before = await tableCounts(t);
    const bad: [Record<string, unknown>, string, string][] = [
      [{ level: 'PROVINCE' }, 'INVALID_HIERARCHY', 'input.level'],
      [{ name: '' }, 'REQUIRED', 'input.name'],
      [{ name: '区'.repeat(201) }, 'TOO_LONG', 'input.name'],
      [{ parentId: 'garbage' }, 'INVALID_ID', 'input.parentId'],
      [{ parentId: gid('Organization', 424242) }, 'NOT_FOUND', 'input.parentId'],
    ];
    for (const [override, code, field] of bad) {
      const r = await t.gql(
        CreateOrganizationDocument,
        {
          input: {
            name: '某区总工会',
            level: 'DISTRICT',
            parentId: orgId(w.orgs.xian),
            ...override,
          } as never,
        },
        { token: w.tokens.xian },
      );
      expect(r.data!.createOrganization.errors.map((e) => [e.code, e.field])).toContainEqual([code, field]);
    }
    expect(await tableCounts(t)).toEqual(before);
  });

  test('moving a union moves its whole subtree in one step', async () => {
    const a = await t.org('高新区总工会', 'DISTRICT' as never, w.orgs.xian);
    const street = await t.org('丈八街道总工会', 'STREET' as never, a);
    const firm = await t.org('丈八电子厂', 'ENTERPRISE' as never, street);
    const r = await t.gql(
      MoveOrganizationDocument,
      { input: { id: orgId(a), newParentId: orgId(w.orgs.xianyang) } },
      { token: w.tokens.admin },
    );
    expect(r.data!.moveOrganization.organization!.parent!.id).toBe(orgId(w.orgs.xianyang));
    const paths = await t.sql<{ id: number; path: string }>(
      'select id, path::text as path from organization where id = any(?::int[]) order by id',
      [`{${a.id},${street.id},${firm.id}}`],
    );
    const base = `${w.orgs.national.id}.${w.orgs.shaanxi.id}.${w.orgs.xianyang.id}`;
    expect(paths.map((p) => p.path)).toEqual([
      `${base}.${a.id}`,
      `${base}.${a.id}.${street.id}`,
      `${base}.${a.id}.${street.id}.${firm.id}`,
    ]);

    // The subtree query now finds the firm under 咸阳, not under 西安.
    const underXianyang = await t.gql(OrganizationTreeDocument, {
      first: 100,
      filter: { under: orgId(w.orgs.xianyang) },
    });
    expect(underXianyang.data!.organizations.edges.map((e) => e.node.name)).toContain('丈八电子厂');
    const underXian = await t.gql(OrganizationTreeDocument, {
      first: 100,
      filter: { under: orgId(w.orgs.xian) },
    });
    expect(underXian.data!.organizations.edges.map((e) => e.node.name)).not.toContain('丈八电子厂');

    const cycle = await t.gql(
      MoveOrganizationDocument,
      { input: { id: orgId(a), newParentId: orgId(firm) } },
      { token: w.tokens.admin },
    );
    expect(cycle.data!.moveOrganization.errors[0]!.code).toBe('INVALID_HIERARCHY');
  });

  test('cursor pagination walks every organization once, and `first` is capped at 100', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Awaited<
        ReturnType<typeof t.gql<import('./generated/graphql').OrganizationTreeQuery, unknown>>
      > = await t.gql(OrganizationTreeDocument, { first: 3, after });
      const conn = page.data!.organizations;
      seen.push(...conn.edges.map((e) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor!;
    }
    const total = await t.sql<{ n: string }>('select count(*) n from organization');
    expect(new Set(seen).size).toBe(Number(total[0]!.n));
    expect(seen).toHaveLength(Number(total[0]!.n));

    const tooMany = await t.gql(OrganizationTreeDocument, { first: 101 });
    expect(tooMany.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  test('node(id:) resolves every kind it is given and rejects malformed ids as null', async () => {
    const r = await t.gql(NodeByIdDocument, { id: orgId(w.orgs.xian) });
    expect(r.data!.node).toMatchObject({ name: '西安市总工会', level: 'CITY' });
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), async (id) => {
        const res = await t.gql(NodeByIdDocument, { id });
        expect(res.errors).toBeUndefined();
      }),
      { numRuns: 30, seed: 2024 },
    );
  });
});

describe('people and honors', () => {
  test('search by name, employer subtree and honor', async () => {
    const welder = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '王焊工');
    await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '刘电工');
    const craftsman = await createPerson(t, w.tokens.xianyang, w.orgs.xianyangFirm, '陈工匠');
    const honor = await t.gql(
      AddHonorDocument,
      {
        input: {
          personId: welder,
          kind: 'MODEL_WORKER',
          level: 'NATIONAL',
          title: '全国劳动模范',
          year: 2020,
          awardingBody: '中共中央 国务院',
        },
      },
      { token: w.tokens.xian },
    );
    expect(honor.data!.addHonor.honor!.title).toBe('全国劳动模范');
    await t.gql(
      AddHonorDocument,
      {
        input: {
          personId: craftsman,
          kind: 'CRAFTSMAN',
          title: '三秦工匠',
          year: 2023,
          awardingBody: '陕西省总工会',
        },
      },
      { token: w.tokens.xianyang },
    );

    const byName = await t.gql(PeopleDocument, { filter: { search: '焊' } }, { token: w.tokens.admin });
    expect(byName.data!.people.nodes.map((p) => p.name)).toEqual(['王焊工']);
    const byHonor = await t.gql(
      PeopleDocument,
      { filter: { honorKinds: ['MODEL_WORKER', 'CRAFTSMAN'] } },
      { token: w.tokens.admin },
    );
    expect(byHonor.data!.people.nodes.map((p) => p.name).sort()).toEqual(['王焊工', '陈工匠'].sort());
    const byTitle = await t.gql(
      PeopleDocument,
      { filter: { honorTitle: '工匠' } },
      { token: w.tokens.admin },
    );
    expect(byTitle.data!.people.nodes.map((p) => p.name)).toEqual(['陈工匠']);
    const bySubtree = await t.gql(
      PeopleDocument,
      { filter: { employerUnder: orgId(w.orgs.xianyang) } },
      { token: w.tokens.admin },
    );
    expect(bySubtree.data!.people.nodes.map((p) => p.name)).toEqual(['陈工匠']);
    expect(bySubtree.data!.people.nodes[0]!.honors[0]).toMatchObject({
      kind: 'CRAFTSMAN',
      title: '三秦工匠',
    });

    // An organizer sees only the people of their own union.
    const xianView = await t.gql(PeopleDocument, { first: 100 }, { token: w.tokens.xian });
    expect(xianView.data!.people.nodes.map((p) => p.name)).not.toContain('陈工匠');
  });

  test('bad input is refused with stable codes and writes nothing', async () => {
    const person = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '张师傅');
    const before = await tableCounts(t);
    const create = await t.gql(
      CreatePersonDocument,
      { input: { name: ' ', birthYear: 1800, employerId: orgId(w.orgs.xianFirm) } },
      { token: w.tokens.xian },
    );
    expect(create.data!.createPerson.errors.map((e) => e.code).sort()).toEqual(['OUT_OF_RANGE', 'REQUIRED']);
    const honor = await t.gql(
      AddHonorDocument,
      { input: { personId: person, kind: 'OTHER', title: '', year: 1900, awardingBody: 'x' } },
      { token: w.tokens.xian },
    );
    expect(honor.data!.addHonor.errors.map((e) => e.field).sort()).toEqual(['input.title', 'input.year']);
    const move = await t.gql(
      UpdatePersonDocument,
      { input: { id: person, employerId: orgId(w.orgs.xianyangFirm) } },
      { token: w.tokens.xian },
    );
    expect(move.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(await tableCounts(t)).toEqual(before);
  });
});

describe('statistics', () => {
  test('subtree rollups match direct counts', async () => {
    await createCompetition(t, w.tokens.xian, w.orgs.lianhu, { name: '莲湖区技能赛' });
    await t.app.eventsSettled(); // the commit's outbox mark is not part of the count
    const statementsBefore = sqlStatements.count;
    const r = await t.gql(UnionStatisticsDocument, { unionId: orgId(w.orgs.xian) }, { token: w.tokens.xian });
    // One statement per rollup, plus the union itself; authentication reads the account.
    expect(sqlStatements.count - statementsBefore).toBeLessThanOrEqual(6);
    const s = r.data!.unionStatistics!;
    const [direct] = await t.sql<{
      orgs: string;
      comps: string;
      people: string;
      trades: string;
      entrants: string;
    }>(
      `with sub as (select id from organization where path <@ (select path from organization where id = ?))
       select (select count(*) from sub) orgs,
              (select count(*) from competition where host_id in (select id from sub)) comps,
              (select count(*) from person where employer_id in (select id from sub)) people,
              (select count(*) from trade t join competition c on c.id = t.competition_id where c.host_id in (select id from sub)) trades,
              (select count(*) from entrant e join trade t on t.id = e.trade_id join competition c on c.id = t.competition_id
                where c.host_id in (select id from sub)) entrants`,
      [w.orgs.xian.id],
    );
    expect(s.organizations).toBe(Number(direct!.orgs));
    expect(s.competitionsByKindAndStatus.reduce((a, c) => a + c.count, 0)).toBe(Number(direct!.comps));
    expect(s.people).toBe(Number(direct!.people));
    expect(s.trades).toBe(Number(direct!.trades));
    expect(s.entrantsByStatus.reduce((a, c) => a + c.count, 0)).toBe(Number(direct!.entrants));
    const honors = await t.sql<{ kind: string; people: string }>(
      `select h.kind, count(distinct p.id) people from person p join honor h on h.person_id = p.id
        where p.employer_id in (select id from organization where path <@ (select path from organization where id = ?))
        group by h.kind order by h.kind`,
      [w.orgs.xian.id],
    );
    expect(s.peopleWithHonorsByKind.map((h) => [h.kind, h.people])).toEqual(
      honors.map((h) => [h.kind, Number(h.people)]),
    );
  });
});

test('every type, field, argument and enum value in the schema has a description', async () => {
  const r = await t.raw({ query: getIntrospectionQuery({ inputValueDeprecation: false }) });
  const schema = (r.json.data as IntrospectionQuery).__schema;
  const missing: string[] = [];
  for (const type of schema.types) {
    if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name))
      continue;
    if (!type.description) missing.push(type.name);
    if ('fields' in type && type.fields) {
      for (const f of type.fields) {
        if (!f.description) missing.push(`${type.name}.${f.name}`);
        for (const a of f.args) if (!a.description) missing.push(`${type.name}.${f.name}(${a.name})`);
      }
    }
    if ('inputFields' in type && type.inputFields) {
      for (const f of type.inputFields) if (!f.description) missing.push(`${type.name}.${f.name}`);
    }
  }
  expect(missing).toEqual([]);
});
