import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  ApplyStudioDocument,
  CompetitionsPageDocument,
  CreateCampaignDocument,
  OrganizationChildrenPageDocument,
  PeoplePageDocument,
  StudiosPageDocument,
  SubmissionsPageDocument,
  TradesPageDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  dbId,
  orgId,
  type World,
} from './support/world';
import {
  encodeCursor,
  OrderDirection,
  pageRequest,
  positionWindow,
  type GlobalIdType,
} from '../src/shared/graphql/relay';
import { OrganizationLevel } from '../src/modules/organization/organization.entity';

/**
 * Every list is a Relay connection on one keyset machinery: pages walked forward with
 * `first`/`after` and backward with `last`/`before` meet the same rows, in the order `orderBy`
 * names with the id as tie-break, as an ORDER BY in SQL lists them.
 */

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
});
afterAll(async () => t?.close());

interface Conn {
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor?: string | null;
    endCursor?: string | null;
  };
  edges: { cursor: string; node: { id: string } }[];
  nodes: { id: string }[];
}
interface PageVars {
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
}
type Fetch = (v: PageVars) => Promise<Conn>;

function checkPage(c: Conn): string[] {
  const ids = c.edges.map((e) => e.node.id);
  expect(c.nodes.map((n) => n.id)).toEqual(ids);
  expect(c.pageInfo.startCursor ?? null).toBe(c.edges[0]?.cursor ?? null);
  expect(c.pageInfo.endCursor ?? null).toBe(c.edges[c.edges.length - 1]?.cursor ?? null);
  return ids;
}

/** Walks the whole list forward and backward in pages of `size`; returns both readings. */
async function walk(fetch: Fetch, size: number) {
  const forward: string[] = [];
  let after: string | null = null;
  for (let pages = 0; ; pages++) {
    if (pages > 50) throw new Error('forward paging does not end');
    const c = await fetch({ first: size, after });
    expect(c.edges.length).toBeLessThanOrEqual(size);
    expect(c.pageInfo.hasPreviousPage).toBe(after !== null);
    forward.push(...checkPage(c));
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor!;
  }
  const backward: string[] = [];
  let before: string | null = null;
  let total = -1;
  for (let pages = 0; ; pages++) {
    if (pages > 50) throw new Error('backward paging does not end');
    const c = await fetch({ last: size, before });
    total = c.totalCount;
    expect(c.pageInfo.hasNextPage).toBe(before !== null);
    backward.unshift(...checkPage(c));
    if (!c.pageInfo.hasPreviousPage) break;
    before = c.pageInfo.startCursor!;
  }
  // A window between two cursors: rows strictly between them.
  if (forward.length >= 4) {
    const all = await fetch({ first: 100 });
    const c = await fetch({ first: 100, after: all.edges[0]!.cursor, before: all.edges[3]!.cursor });
    expect(checkPage(c)).toEqual(forward.slice(1, 3));
    const l = await fetch({ last: 1, after: all.edges[0]!.cursor, before: all.edges[3]!.cursor });
    expect(checkPage(l)).toEqual([forward[2]]);
  }
  return { forward, backward, total };
}

async function reference(type: GlobalIdType, sql: string, params: unknown[] = []): Promise<string[]> {
  const rows = await t.sql<{ id: number }>(sql, params);
  return rows.map((r) => gid(type, r.id));
}

/** Moments order at millisecond precision, the precision a cursor carries. */
const sqlKey = (column: string) =>
  column.endsWith('_at') ? `date_trunc('milliseconds', ${column})` : column;

async function expectOrder(fetch: Fetch, expected: string[]) {
  expect(expected.length).toBeGreaterThan(3);
  for (const size of [1, 2, 3, 100]) {
    const { forward, backward, total } = await walk(fetch, size);
    expect(forward).toEqual(expected);
    expect(backward).toEqual(expected);
    expect(total).toBe(expected.length);
  }
}

function conn<T>(doc: TypedDocumentNode<T, never>, pick: (d: T) => Conn | null | undefined, vars: object) {
  return async (v: PageVars) => {
    const r = await t.gql(doc, { ...vars, ...v } as never, { token: w.tokens.xian });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return pick(r.data!)!;
  };
}

test('competitions page both ways in every order, ties broken by id', async () => {
  // Names repeat so the id tie-break matters.
  for (const [name, year] of [
    ['Paging B', 2021],
    ['Paging A', 2023],
    ['Paging B', 2022],
    ['Paging C', 2021],
    ['Paging A', 2021],
    ['Paging C', 2024],
  ] as const) {
    await createCompetition(t, w.tokens.xian, w.orgs.xian, { name, year });
  }
  const filter = { search: 'Paging' };
  for (const [field, column] of [
    ['ID', 'id'],
    ['NAME', 'name'],
    ['YEAR', 'year'],
    ['CREATED_AT', 'created_at'],
  ] as const) {
    for (const direction of ['ASC', 'DESC'] as const) {
      const key = field === 'ID' ? `id ${direction}` : `${sqlKey(column)} ${direction}, id ${direction}`;
      const expected = await reference(
        'Competition',
        `select id from competition where name like 'Paging %' order by ${key}`,
      );
      await expectOrder(
        conn(CompetitionsPageDocument, (d) => d.competitions, { filter, orderBy: { field, direction } }),
        expected,
      );
    }
  }
});

test('a cursor fits only the order it came from; sizes are capped; first and last do not mix', async () => {
  const byName = await t.gql(
    CompetitionsPageDocument,
    { first: 1, orderBy: { field: 'NAME', direction: 'ASC' } },
    { token: w.tokens.xian },
  );
  const cursor = byName.data!.competitions.pageInfo.endCursor!;
  const cases = [
    [{ first: 1, after: cursor }, 'after'],
    [{ last: 1, before: cursor, orderBy: { field: 'YEAR', direction: 'ASC' } }, 'before'],
    [{ first: 101 }, 'first'],
    [{ last: 101 }, 'last'],
    [{ last: -1 }, 'last'],
    [{ first: 1, last: 1 }, 'last'],
    [{ first: 1, after: 'not a cursor' }, 'after'],
  ] as const;
  for (const [vars, arg] of cases) {
    const r = await t.gql(CompetitionsPageDocument, vars as never, { token: w.tokens.xian });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: arg });
  }
  const ok = await t.gql(
    CompetitionsPageDocument,
    { first: 1, after: cursor, orderBy: { field: 'NAME', direction: 'ASC' } },
    { token: w.tokens.xian },
  );
  expect(ok.errors).toBeUndefined();
  // `direction` defaults to ASC.
  const asc = await t.gql(
    CompetitionsPageDocument,
    { first: 1, orderBy: { field: 'NAME' } },
    { token: w.tokens.xian },
  );
  expect(asc.data!.competitions.pageInfo.endCursor).toBe(cursor);
});

test('people, studios and trades page both ways by name and creation', async () => {
  const people: string[] = [];
  for (const name of ['翻页乙', '翻页甲', '翻页乙', '翻页丙', '翻页甲']) {
    people.push(await createPerson(t, w.tokens.xian, w.orgs.xianFirm, name));
  }
  for (const [i, name] of ['翻页工作室乙', '翻页工作室甲', '翻页工作室乙', '翻页工作室丙'].entries()) {
    const r = await t.gql(
      ApplyStudioDocument,
      {
        input: {
          name: `${name}${i}`,
          hostId: orgId(w.orgs.xianFirm),
          level: 'ENTERPRISE',
          field: '焊接',
          leaderId: people[i]!,
        },
      },
      { token: w.tokens.xian },
    );
    expect(r.data!.applyStudio.errors).toEqual([]);
  }
  const competition = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: 'Trades paging' });
  for (const name of ['车工', '钳工', '焊工', '电工', '铣工'])
    await createTrade(t, w.tokens.xian, competition, { name });

  for (const direction of ['ASC', 'DESC'] as const) {
    for (const field of ['ID', 'NAME', 'CREATED_AT'] as const) {
      const key =
        field === 'ID' ? `id ${direction}` : `${sqlKey(field.toLowerCase())} ${direction}, id ${direction}`;
      const orderBy = { field, direction };
      await expectOrder(
        conn(PeoplePageDocument, (d) => d.people, { filter: { search: '翻页' }, orderBy }),
        await reference('Person', `select id from person where name like '翻页%' order by ${key}`),
      );
      await expectOrder(
        conn(StudiosPageDocument, (d) => d.studios, { filter: { search: '翻页工作室' }, orderBy }),
        await reference('Studio', `select id from studio where name like '翻页工作室%' order by ${key}`),
      );
      await expectOrder(
        conn(TradesPageDocument, (d) => d.competition?.trades, { id: competition, orderBy }),
        await reference('Trade', `select id from trade where competition_id = ? order by ${key}`, [
          dbId(competition),
        ]),
      );
    }
  }
});

test('submissions and an organization’s children page both ways', async () => {
  const now = Date.now();
  const created = await t.gql(
    CreateCampaignDocument,
    {
      input: {
        name: '翻页科技节',
        hostId: orgId(w.orgs.xian),
        year: 2024,
        submissionsOpenAt: new Date(now - 60_000).toISOString(),
        submissionsCloseAt: new Date(now + 3_600_000).toISOString(),
        categories: [{ code: 'PROJECT', name: '项目', awardQuota: 2 }],
      },
    },
    { token: w.tokens.xian },
  );
  const campaign = created.data!.createCampaign.campaign!;
  const person = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '提交人');
  // Rows written directly: the order, not the submission rules, is under test here.
  for (const [i, title] of ['乙', '甲', '乙', '丙', '甲', '丁'].entries()) {
    await t.sql(
      `insert into submission (competition_id, category_id, title, person_id, submitted_at)
       values (?, ?, ?, ?, now() - make_interval(mins => ?))`,
      [dbId(campaign.id), dbId(campaign.categories![0]!.id), title, dbId(person), i % 3],
    );
  }
  for (const direction of ['ASC', 'DESC'] as const) {
    for (const [field, column] of [
      ['ID', 'id'],
      ['TITLE', 'title'],
      ['SUBMITTED_AT', 'submitted_at'],
    ] as const) {
      const key = field === 'ID' ? `id ${direction}` : `${sqlKey(column)} ${direction}, id ${direction}`;
      await expectOrder(
        conn(SubmissionsPageDocument, (d) => d.competition?.submissions, {
          id: campaign.id,
          orderBy: { field, direction },
        }),
        await reference('Submission', `select id from submission where competition_id = ? order by ${key}`, [
          dbId(campaign.id),
        ]),
      );
    }
  }
  for (const name of ['翻页甲公司', '翻页乙公司', '翻页丙公司', '翻页丁公司']) {
    await t.org(name, OrganizationLevel.ENTERPRISE, w.orgs.lianhu);
  }
  await expectOrder(
    conn(OrganizationChildrenPageDocument, (d) => d.organization?.children, { id: orgId(w.orgs.lianhu) }),
    await reference('Organization', 'select id from organization where parent_id = ? order by id', [
      w.orgs.lianhu.id,
    ]),
  );
});

test('a ranked list (a board) pages by position both ways', () => {
  const order = { field: 'RANK', column: null, direction: OrderDirection.ASC } as const;
  for (const total of [0, 1, 5, 7]) {
    for (const size of [1, 2, 3]) {
      const seen: number[] = [];
      let before: number | null = null;
      for (;;) {
        const req = pageRequest({ last: size, before: before ? encodeCursor('RANK', before) : null }, order);
        const { from, count } = positionWindow(req, total);
        if (count === 0) break;
        seen.unshift(...Array.from({ length: count }, (_, i) => from + i + 1));
        before = from + 1;
      }
      expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    }
  }
});
