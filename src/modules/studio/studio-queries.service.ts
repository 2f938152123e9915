import { escapeLike, pageOf, pgArray } from '../../shared/db/paging';
import { forbidden } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { fromGlobalId, type Page, type PageRequest } from '../../shared/graphql/relay';
import { Organization } from '../organization/organization.entity';
import { AchievementKind, Studio, StudioLevel, StudioStatus } from './studio.entity';
import type { StudioFilter, StudioStatistics } from './studio.types';
import { text } from '../../shared/i18n';

/** The registry is public for named (and revoked) studios; applications are for the host's organizers. */
export const PUBLIC_STUDIO_STATUSES = [StudioStatus.NAMED, StudioStatus.REVOKED];

async function pathOf(ctx: Context, orgId: number): Promise<string> {
  return (await ctx.loaders.organizationById.load(orgId))!.path;
}

export async function canSeeStudio(ctx: Context, s: Studio): Promise<boolean> {
  return PUBLIC_STUDIO_STATUSES.includes(s.status) || ctx.access.manages(await pathOf(ctx, s.host.id));
}

export async function listStudios(
  ctx: Context,
  filter: StudioFilter | null | undefined,
  page: PageRequest<Studio>,
): Promise<Page<Studio>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const scope = ctx.access.managed;
  if (scope !== '*') {
    where.push(
      `(status = any(?::text[]) or host_id in (select id from organization where path <@ ?::ltree))`,
    );
    params.push(pgArray(PUBLIC_STUDIO_STATUSES), scope ?? '0');
  }
  const f = filter ?? {};
  if (f.unionId) {
    const d = fromGlobalId(f.unionId);
    where.push(
      `host_id in (select id from organization where path <@ (select path from organization where id = ?))`,
    );
    params.push(d?.type === 'Organization' ? d.id : 0);
  }
  if (f.levels?.length) {
    where.push('level = any(?::text[])');
    params.push(pgArray(f.levels));
  }
  if (f.statuses?.length) {
    where.push('status = any(?::text[])');
    params.push(pgArray(f.statuses));
  }
  if (f.field?.trim()) {
    where.push('field ilike ?');
    params.push(`%${escapeLike(f.field.trim())}%`);
  }
  if (f.search?.trim()) {
    where.push('name ilike ?');
    params.push(`%${escapeLike(f.search.trim())}%`);
  }
  if (f.leaderHonorKinds?.length) {
    where.push(
      'exists (select 1 from honor h where h.person_id = studio.leader_id and h.kind = any(?::text[]))',
    );
    params.push(pgArray(f.leaderHonorKinds));
  }
  return pageOf(ctx.em, Studio, 'studio', where, params, page);
}

/** Rollups over a union's subtree: one statement each (studios, alliances, achievements). */
export async function studioStatistics(ctx: Context, union: Organization): Promise<StudioStatistics> {
  if (!ctx.access.manages(union.path))
    throw forbidden(text('您不管理该工会。', 'You do not manage that union.'));
  const hosted = `select s.id from studio s join organization o on o.id = s.host_id where o.path <@ ?::ltree`;
  const conn = ctx.em.getConnection();
  const [studios, alliances, achievements] = await Promise.all([
    conn.execute<{ level: StudioLevel; status: StudioStatus; n: string }[]>(
      `select s.level, s.status, count(*) as n from studio s join organization o on o.id = s.host_id
        where o.path <@ ?::ltree group by s.level, s.status order by s.level, s.status`,
      [union.path],
    ),
    conn.execute<{ n: string }[]>(`select count(*) as n from alliance where lead_studio_id in (${hosted})`, [
      union.path,
    ]),
    conn.execute<
      { kind: AchievementKind; n: string; benefit: string; apprentices: string; granted: string }[]
    >(
      `select kind, count(*) as n, coalesce(sum(benefit_yuan), 0) as benefit,
              coalesce(sum(apprentices), 0) as apprentices, count(*) filter (where patent_status = 'GRANTED') as granted
         from achievement where studio_id in (${hosted}) group by kind order by kind`,
      [union.path],
    ),
  ]);
  return {
    union,
    studios: studios.map((r) => ({ level: r.level, status: r.status, count: Number(r.n) })),
    alliances: Number(alliances[0]?.n ?? 0),
    achievements: achievements.map((r) => ({
      kind: r.kind,
      count: Number(r.n),
      benefitYuan: String(r.benefit),
      apprentices: Number(r.apprentices),
      patentsGranted: Number(r.granted),
    })),
  };
}
