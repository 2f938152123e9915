import type { Context } from '../../shared/graphql/context';
import type { NodeType } from '../../shared/graphql/nodes';
import { Achievement, Alliance, Studio } from './studio.entity';
import { canSeeStudio } from './studio-queries.service';
import { AllianceJoinRequest } from './studio-life.types';
import { toJoinRequest } from './alliance-membership.service';

/** As `studio(id:)`: public studios, and any studio hosted under a union the caller manages. */
export async function fetchStudio(ctx: Context, id: number): Promise<Studio | null> {
  const s = await ctx.em.findOne(Studio, { id });
  return s && (await canSeeStudio(ctx, s)) ? s : null;
}

/** As `Studio.alliances`, the alliance's only listing: whoever may see one of its studios. */
async function fetchAlliance(ctx: Context, id: number): Promise<Alliance | null> {
  const a = await ctx.em.findOne(Alliance, { id });
  if (!a) return null;
  const members = await ctx.em.execute<{ studio_id: number }[]>(
    'select studio_id from alliance_member where alliance_id = ? order by studio_id',
    [id],
  );
  for (const m of members) if (await fetchStudio(ctx, m.studio_id)) return a;
  return null;
}

/** As `Studio.achievements`: whoever may see the studio. */
async function fetchAchievement(ctx: Context, id: number): Promise<Achievement | null> {
  const a = await ctx.em.findOne(Achievement, { id });
  return a && (await fetchStudio(ctx, a.studio.id)) ? a : null;
}

/** A join request: for organizers of the joining studio's host or of the lead studio's host. */
async function fetchJoinRequest(ctx: Context, id: number): Promise<AllianceJoinRequest | null> {
  const [r] = await ctx.em.execute<
    (Parameters<typeof toJoinRequest>[0] & { lead_path: string; studio_path: string })[]
  >(
    `select r.*, lo.path::text as lead_path, so.path::text as studio_path
       from alliance_join_request r join alliance a on a.id = r.alliance_id
       join studio l on l.id = a.lead_studio_id join organization lo on lo.id = l.host_id
       join studio s on s.id = r.studio_id join organization so on so.id = s.host_id where r.id = ?`,
    [id],
  );
  return r && (ctx.access.manages(r.lead_path) || ctx.access.manages(r.studio_path))
    ? toJoinRequest(r)
    : null;
}

export const studioNodes: NodeType[] = [
  { name: 'AllianceJoinRequest', cls: AllianceJoinRequest, fetch: fetchJoinRequest },
  { name: 'Studio', cls: Studio, fetch: fetchStudio },
  { name: 'Alliance', cls: Alliance, fetch: fetchAlliance },
  { name: 'Achievement', cls: Achievement, fetch: fetchAchievement },
];
