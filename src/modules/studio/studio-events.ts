import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../shared/graphql/context';
import { appendAudit } from '../audit/audit.service';
import type { StudioEventKind } from './studio-life.enums';
import type { StudioStatus } from './studio.entity';

/** The union the caller acts for: an account's or an API key's organization (null for a platform admin). */
export function actingUnionId(ctx: Context): number | null {
  const v = ctx.viewer;
  return v.kind === 'anonymous' ? null : v.organizationId;
}

/**
 * One step on a studio: a row of its history (who acted, for which union) and, in the same
 * transaction, an event on the registry audit chain of the studio's host enterprise.
 */
export async function recordStudioEvent(
  ctx: Context,
  em: EntityManager,
  studio: { id: number; hostId: number },
  kind: StudioEventKind,
  details: Record<string, unknown>,
  from: StudioStatus | null = null,
  to: StudioStatus | null = null,
): Promise<void> {
  const unionId = actingUnionId(ctx);
  await em.execute(
    `insert into studio_event (studio_id, kind, from_status, to_status, details, actor_id, actor_union_id)
     values (?, ?, ?, ?, ?::jsonb, ?, ?)`,
    [studio.id, kind, from, to, JSON.stringify(details), ctx.access.accountId, unionId],
  );
  await appendAudit(em, {
    registryId: studio.hostId,
    kind: `STUDIO_${kind}`,
    actorId: ctx.access.accountId,
    subject: { studioId: studio.id, actingUnionId: unionId },
    before: from ? { status: from } : null,
    after: { ...details, ...(to ? { status: to } : {}) },
  });
}
