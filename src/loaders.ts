import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from './shared/db/paging';
import DataLoader from 'dataloader';
import { Account } from './modules/account/account.entity';
import { Competition } from './modules/competition/competition.entity';
import { Entrant } from './modules/competition/entrant.entity';
import { Team } from './modules/competition/team.entity';
import { Trade } from './modules/competition/trade.entity';
import { Organization } from './modules/organization/organization.entity';
import { Honor, Person } from './modules/person/person.entity';
import type { MarkingScheme } from './modules/scoring/scheme';
import { byIdLoader, childCountLoader, childPageLoader } from './shared/graphql/loaders';
import type { Recent, RecentEntities } from './shared/cache';

/**
 * The request's DataLoader set, dropped with it. `em` gives the request's forked EntityManager,
 * called only when a batch reads the database (a shared read forks nothing).
 * `recent`: for an anonymous caller (who writes nothing), trades read in the last few tens of
 * milliseconds (see `RecentReads`).
 */
export function createLoaders(em: () => EntityManager, recent: Recent<RecentEntities | null> | null = null) {
  const competitionById = byIdLoader(em, Competition);
  return {
    organizationById: byIdLoader(em, Organization),
    personById: byIdLoader(em, Person),
    accountById: byIdLoader(em, Account),
    competitionById,
    tradeById: byIdLoader(
      em,
      Trade,
      { entity: Competition, column: 'competition_id', loader: competitionById },
      recent,
    ),
    teamById: byIdLoader(em, Team),
    entrantById: byIdLoader(em, Entrant),
    organizationChildren: childPageLoader(em, {
      entity: Organization,
      table: 'organization',
      parentColumn: 'parent_id',
    }),
    organizationChildCount: childCountLoader(em, 'organization', 'parent_id'),
    tradesByCompetition: childPageLoader(em, {
      entity: Trade,
      table: 'trade',
      parentColumn: 'competition_id',
    }),
    tradeCountByCompetition: childCountLoader(em, 'trade', 'competition_id'),
    entrantsByTrade: childPageLoader(em, {
      entity: Entrant,
      table: 'entrant',
      parentColumn: 'trade_id',
      filterColumn: 'status',
    }),
    entrantCountByTrade: childCountLoader(em, 'entrant', 'trade_id', 'status'),
    honorsByPerson: new DataLoader<number, Honor[]>(async (personIds) => {
      const honors = await em().find(
        Honor,
        { person: { $in: personIds as number[] } },
        { orderBy: { year: 'desc', id: 'asc' } },
      );
      const byPerson = groupBy(honors, (h) => h.person.id);
      return personIds.map((id) => byPerson.get(id) ?? []);
    }),
    markingSchemeByTrade: new DataLoader<number, MarkingScheme | null>(async (tradeIds) => {
      const rows = await em().execute<{ id: number; marking_scheme: MarkingScheme | null }[]>(
        'select id, marking_scheme from trade where id = any(?::int[])',
        [pgArray(tradeIds as number[])],
      );
      const byId = new Map(rows.map((r) => [r.id, r.marking_scheme]));
      return tradeIds.map((id) => byId.get(id) ?? null);
    }),
    teamMembers: new DataLoader<number, number[]>(async (teamIds) => {
      const rows = await em().execute<{ team_id: number; person_id: number }[]>(
        'select team_id, person_id from team_member where team_id = any(?::int[]) order by person_id',
        [pgArray(teamIds as number[])],
      );
      const byTeam = groupBy(rows, (r) => r.team_id);
      return teamIds.map((id) => (byTeam.get(id) ?? []).map((r) => r.person_id));
    }),
  };
}

type AppLoaders = ReturnType<typeof createLoaders>;

declare module './shared/graphql/context' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Loaders extends AppLoaders {}
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = m.get(k);
    if (list) list.push(item);
    else m.set(k, [item]);
  }
  return m;
}
