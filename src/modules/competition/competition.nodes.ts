import type { Context } from '../../shared/graphql/context';
import type { NodeType } from '../../shared/graphql/nodes';
import { Competition } from './competition.entity';
import { Entrant } from './entrant.entity';
import { Team } from './team.entity';
import { Trade } from './trade.entity';
import { canSeeCompetition, canSeeEntrants } from './competition.service';

/** As `competition(id:)`: the public sees all but drafts; organizers also their own drafts. */
export async function fetchCompetition(ctx: Context, id: number): Promise<Competition | null> {
  const c = await ctx.loaders.competitionById.load(id);
  return c && (await canSeeCompetition(ctx, c)) ? c : null;
}

/** As `trade(id:)`: whoever may see its competition. */
export async function fetchTrade(ctx: Context, id: number): Promise<Trade | null> {
  const t = await ctx.loaders.tradeById.load(id);
  const c = t && (await ctx.loaders.competitionById.load(t.competition.id));
  return c && (await canSeeCompetition(ctx, c)) ? t : null;
}

/** As `Trade.entrants`: whoever may see the competition's entrants. */
async function fetchEntrant(ctx: Context, id: number): Promise<Entrant | null> {
  const e = await ctx.loaders.entrantById.load(id);
  const t = e && (await ctx.loaders.tradeById.load(e.trade.id));
  const c = t && (await ctx.loaders.competitionById.load(t.competition.id));
  return c && (await canSeeEntrants(ctx, c)) ? e : null;
}

/** As `team(id:)`: teams of an enterprise the caller manages. */
export async function fetchTeam(ctx: Context, id: number): Promise<Team | null> {
  const team = await ctx.loaders.teamById.load(id);
  const org = team && (await ctx.loaders.organizationById.load(team.organization.id));
  return org && ctx.access.manages(org.path) ? team : null;
}

export const competitionNodes: NodeType[] = [
  { name: 'Competition', cls: Competition, fetch: fetchCompetition },
  { name: 'Trade', cls: Trade, fetch: fetchTrade },
  { name: 'Entrant', cls: Entrant, fetch: fetchEntrant },
  { name: 'Team', cls: Team, fetch: fetchTeam },
];
