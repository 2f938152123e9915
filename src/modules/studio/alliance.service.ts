import type { EntityManager } from '@mikro-orm/postgresql';
import { checkReference, checkReferences } from '../../shared/access/references';
import { pgArray } from '../../shared/db/paging';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { decodeId, isoDate, requiredText } from '../../shared/validation';
import { Alliance, StudioStatus } from './studio.entity';
import type { CreateAllianceInput } from './studio.types';
import { recordStudioEvent } from './studio-events';
import { text } from '../../shared/i18n';

export async function createAlliance(
  ctx: Context,
  em: EntityManager,
  input: CreateAllianceInput,
): Promise<Alliance> {
  const p = new Problems();
  const name = requiredText(p, 'input.name', input.name, 200);
  const foundedOn = isoDate(p, 'input.foundedOn', input.foundedOn);
  const leadId = decodeId(p, 'input.leadStudioId', input.leadStudioId, 'Studio');
  if (input.studioIds.length > 500)
    p.add(ErrorCode.OUT_OF_RANGE, text('工作室最多 500 个。', 'At most 500 studios.'), 'input.studioIds');
  const ids = input.studioIds.map((g, i) => decodeId(p, `input.studioIds.${i}`, g, 'Studio'));
  p.throwIfAny();
  // The lead studio is the caller's; the others need only be readable (named studios are public).
  await checkReference(ctx.access, em, 'Studio', 'input.leadStudioId', leadId, 'manage');
  await checkReferences(
    ctx.access,
    em,
    'Studio',
    ids.map((id, i) => ({ field: `input.studioIds.${i}`, id })),
    'read',
  );
  const all = [...new Set([leadId, ...ids])];
  const rows = await em.execute<{ id: number; status: StudioStatus; path: string; host_id: number }[]>(
    `select s.id, s.status, s.host_id, o.path::text as path from studio s join organization o on o.id = s.host_id
      where s.id = any(?::int[])`,
    [pgArray(all)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  all.forEach((id, i) => {
    const r = byId.get(id);
    const field = i === 0 ? 'input.leadStudioId' : `input.studioIds.${ids.indexOf(id)}`;
    if (!r) p.add(ErrorCode.NOT_FOUND, text('没有该工作室。', 'No such studio.'), field);
    else if (r.status !== StudioStatus.NAMED)
      p.add(
        ErrorCode.VALIDATION,
        text('只有已命名的工作室可以加入联盟。', 'Only named studios join alliances.'),
        field,
      );
  });
  p.throwIfAny();
  ctx.access.assertManages(byId.get(leadId)!.path, text('牵头工作室', 'the lead studio'));
  const [dup] = await em.execute<{ n: string }[]>('select count(*) as n from alliance where name = ?', [
    name,
  ]);
  if (dup!.n !== '0')
    throw new DomainError(
      ErrorCode.DUPLICATE,
      text('已有同名联盟。', 'An alliance has that name.'),
      'input.name',
    );
  const alliance = em.create(Alliance, {
    name,
    leadStudio: leadId as never,
    foundedOn,
    joinRequiresApproval: input.joinRequiresApproval ?? false,
  });
  await em.flush();
  await em.execute('insert into alliance_member (alliance_id, studio_id) select ?, unnest(?::int[])', [
    alliance.id,
    pgArray(all),
  ]);
  // Each founding member's registry chain records its joining; the lead's records the founding.
  for (const id of all) {
    const details = { allianceId: alliance.id, alliance: name, ...(id === leadId ? { lead: true } : {}) };
    await recordStudioEvent(ctx, em, { id, hostId: byId.get(id)!.host_id }, 'ALLIANCE_JOINED', details);
  }
  return alliance;
}
