import type { Context } from '../../shared/graphql/context';
import type { CompetitionKind, CompetitionStatus } from '../competition/competition.entity';
import type { EntrantStatus } from '../competition/entrant.entity';
import type { Organization } from '../organization/organization.entity';
import type { HonorKind } from '../person/person.entity';
import type { UnionStatistics } from './statistics.types';

/**
 * Each rollup is one statement over the subtree (`path <@ root`, served by the
 * GiST index on organization.path); the four run concurrently on the pool.
 */
export async function unionStatistics(ctx: Context, union: Organization): Promise<UnionStatistics> {
  const conn = ctx.em.getConnection();
  const subtree = `select id from organization where path <@ ?::ltree`;
  const [orgs, competitions, entrants, people] = await Promise.all([
    conn.execute<{ n: string }[]>(`select count(*) as n from organization where path <@ ?::ltree`, [
      union.path,
    ]),
    conn.execute<{ kind: CompetitionKind; status: CompetitionStatus; n: string; trades: string }[]>(
      `select c.kind, c.status, count(distinct c.id) as n, count(t.id) as trades
         from competition c left join trade t on t.competition_id = c.id
        where c.host_id in (${subtree})
        group by c.kind, c.status order by c.kind, c.status`,
      [union.path],
    ),
    conn.execute<{ status: EntrantStatus; n: string }[]>(
      `select e.status, count(*) as n
         from entrant e join trade t on t.id = e.trade_id join competition c on c.id = t.competition_id
        where c.host_id in (${subtree})
        group by e.status order by e.status`,
      [union.path],
    ),
    conn.execute<{ kind: HonorKind | null; is_total: number; people: string; honors: string }[]>(
      `select h.kind, grouping(h.kind) as is_total, count(distinct p.id) as people, count(h.id) as honors
         from person p left join honor h on h.person_id = p.id
        where p.employer_id in (${subtree})
        group by rollup (h.kind)`,
      [union.path],
    ),
  ]);
  const total = people.find((r) => Number(r.is_total) === 1);
  return {
    union,
    organizations: Number(orgs[0]?.n ?? 0),
    competitionsByKindAndStatus: competitions.map((r) => ({
      kind: r.kind,
      status: r.status,
      count: Number(r.n),
    })),
    trades: competitions.reduce((s, r) => s + Number(r.trades), 0),
    entrantsByStatus: entrants.map((r) => ({ status: r.status, count: Number(r.n) })),
    people: Number(total?.people ?? 0),
    peopleWithHonorsByKind: people
      .filter((r) => Number(r.is_total) === 0 && r.kind !== null)
      .map((r) => ({ kind: r.kind!, people: Number(r.people), honors: Number(r.honors) })),
  };
}
