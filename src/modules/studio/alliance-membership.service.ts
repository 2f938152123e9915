import type { EntityManager } from '@mikro-orm/postgresql';
import { checkReference } from '../../shared/access/references';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { toGlobalId } from '../../shared/graphql/relay';
import { decodeId, optionalText } from '../../shared/validation';
import { Alliance, Studio, StudioStatus } from './studio.entity';
import { JoinRequestStatus } from './studio-life.enums';
import {
  AllianceJoinRequest,
  type DecideAllianceJoinInput,
  type JoinAllianceInput,
  type LeaveAllianceInput,
  type SetAllianceJoinApprovalInput,
} from './studio-life.types';
import { recordStudioEvent } from './studio-events';
import { text } from '../../shared/i18n';

export interface MembershipResult {
  alliance: Alliance;
  joinRequest: AllianceJoinRequest | null;
}

interface RequestRow {
  id: number;
  alliance_id: number;
  studio_id: number;
  status: JoinRequestStatus;
  requested_at: Date;
  decided_at: Date | null;
  reason: string | null;
}

export function toJoinRequest(r: RequestRow): AllianceJoinRequest {
  return Object.assign(new AllianceJoinRequest(), {
    id: toGlobalId('AllianceJoinRequest', r.id),
    status: r.status,
    requestedAt: new Date(r.requested_at),
    decidedAt: r.decided_at ? new Date(r.decided_at) : null,
    reason: r.reason,
    studioId: r.studio_id,
    allianceId: r.alliance_id,
  });
}

/** The alliance, locked for the step, with its lead studio's host path. */
async function loadAlliance(ctx: Context, em: EntityManager, globalId: string, p: Problems) {
  const id = decodeId(p, 'input.allianceId', globalId, 'Alliance');
  p.throwIfAny();
  const [row] = await em.execute<{ lead_path: string }[]>(
    `select o.path::text as lead_path from alliance a join studio s on s.id = a.lead_studio_id
       join organization o on o.id = s.host_id where a.id = ? for update of a`,
    [id],
  );
  const alliance = row ? await em.findOne(Alliance, { id }) : null;
  // An alliance is readable by whoever may see one of its studios; its lead studio is named (public).
  if (!row || !alliance)
    throw new DomainError(ErrorCode.NOT_FOUND, text('没有该联盟。', 'No such alliance.'), 'input.allianceId');
  return { alliance, leadPath: row.lead_path, leads: ctx.access.manages(row.lead_path) };
}

async function studioRef(ctx: Context, em: EntityManager, globalId: string, p: Problems) {
  const id = decodeId(p, 'input.studioId', globalId, 'Studio');
  p.throwIfAny();
  await checkReference(ctx.access, em, 'Studio', 'input.studioId', id, 'manage');
  const s = (await em.findOne(Studio, { id }, { populate: ['host'] }))!;
  return s;
}

async function isMember(em: EntityManager, allianceId: number, studioId: number): Promise<boolean> {
  const rows = await em.execute('select 1 from alliance_member where alliance_id = ? and studio_id = ?', [
    allianceId,
    studioId,
  ]);
  return rows.length > 0;
}

async function addMember(ctx: Context, em: EntityManager, a: Alliance, s: Studio, requestId: number | null) {
  await em.execute('insert into alliance_member (alliance_id, studio_id) values (?, ?)', [a.id, s.id]);
  await recordStudioEvent(ctx, em, { id: s.id, hostId: s.host.id }, 'ALLIANCE_JOINED', {
    allianceId: a.id,
    alliance: a.name,
    ...(requestId ? { requestId } : {}),
  });
}

/**
 * A named studio joins an alliance. Where the alliance requires approval and the caller does not
 * manage the lead studio's host, the join is a pending request for that host's organizers.
 */
export async function joinAlliance(
  ctx: Context,
  em: EntityManager,
  input: JoinAllianceInput,
): Promise<MembershipResult> {
  const p = new Problems();
  const { alliance, leads } = await loadAlliance(ctx, em, input.allianceId, p);
  const s = await studioRef(ctx, em, input.studioId, p);
  if (s.status !== StudioStatus.NAMED)
    throw new DomainError(
      ErrorCode.STUDIO_NOT_NAMED,
      text('只有已命名的工作室可以加入联盟。', 'Only named studios join alliances.'),
      'input.studioId',
    );
  if (await isMember(em, alliance.id, s.id))
    throw new DomainError(
      ErrorCode.ALREADY_IN_ALLIANCE,
      text('该工作室已是联盟成员。', 'The studio already belongs to the alliance.'),
      'input.studioId',
    );
  const pending = await em.execute(
    `select 1 from alliance_join_request where alliance_id = ? and studio_id = ? and status = 'PENDING'`,
    [alliance.id, s.id],
  );
  if (pending.length)
    throw new DomainError(
      ErrorCode.JOIN_ALREADY_REQUESTED,
      text('已有一项待审批的入盟申请。', 'A request to join is already pending.'),
      'input.studioId',
    );
  if (alliance.joinRequiresApproval && !leads) {
    const [row] = await em.execute<RequestRow[]>(
      `insert into alliance_join_request (alliance_id, studio_id, requested_by) values (?, ?, ?) returning *`,
      [alliance.id, s.id, ctx.access.accountId],
    );
    await recordStudioEvent(ctx, em, { id: s.id, hostId: s.host.id }, 'ALLIANCE_JOIN_REQUESTED', {
      allianceId: alliance.id,
      alliance: alliance.name,
      requestId: row!.id,
    });
    return { alliance, joinRequest: toJoinRequest(row!) };
  }
  await addMember(ctx, em, alliance, s, null);
  return { alliance, joinRequest: null };
}

/** An organizer of the lead studio's host approves (the studio joins) or rejects a pending request. */
export async function decideAllianceJoin(
  ctx: Context,
  em: EntityManager,
  input: DecideAllianceJoinInput,
): Promise<MembershipResult> {
  const p = new Problems();
  const reqId = decodeId(p, 'input.requestId', input.requestId, 'AllianceJoinRequest');
  const reason = optionalText(p, 'input.reason', input.reason, 500);
  p.throwIfAny();
  if (!input.approve && !reason)
    throw new DomainError(ErrorCode.REQUIRED, text('请说明原因。', 'Give the reason.'), 'input.reason');
  const [req] = await em.execute<(RequestRow & { lead_path: string; studio_path: string })[]>(
    `select r.*, lo.path::text as lead_path, so.path::text as studio_path
       from alliance_join_request r join alliance a on a.id = r.alliance_id
       join studio l on l.id = a.lead_studio_id join organization lo on lo.id = l.host_id
       join studio s on s.id = r.studio_id join organization so on so.id = s.host_id
      where r.id = ? for update of r`,
    [reqId],
  );
  // A request is seen only by both sides' organizers: to anyone else it is missing.
  if (!req || !(ctx.access.manages(req.lead_path) || ctx.access.manages(req.studio_path)))
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      text('没有该入盟申请。', 'No such join request.'),
      'input.requestId',
    );
  ctx.access.assertManages(req.lead_path, text('牵头工作室', 'the lead studio'));
  if (req.status !== JoinRequestStatus.PENDING)
    throw new DomainError(
      ErrorCode.JOIN_REQUEST_DECIDED,
      text(`该申请已是 ${req.status} 状态。`, `The request is already ${req.status}.`),
      'input.requestId',
    );
  const alliance = (await em.findOne(Alliance, { id: req.alliance_id }))!;
  const s = (await em.findOne(Studio, { id: req.studio_id }, { populate: ['host'] }))!;
  const status = input.approve ? JoinRequestStatus.APPROVED : JoinRequestStatus.REJECTED;
  if (input.approve && s.status !== StudioStatus.NAMED)
    throw new DomainError(
      ErrorCode.STUDIO_NOT_NAMED,
      text('该工作室已不再是命名工作室。', 'The studio is no longer named.'),
      'input.requestId',
    );
  const [row] = await em.execute<RequestRow[]>(
    `update alliance_join_request set status = ?, decided_by = ?, decided_at = now(), reason = ? where id = ? returning *`,
    [status, ctx.access.accountId, reason, req.id],
  );
  if (input.approve) await addMember(ctx, em, alliance, s, req.id);
  else
    await recordStudioEvent(ctx, em, { id: s.id, hostId: s.host.id }, 'ALLIANCE_JOIN_REJECTED', {
      allianceId: alliance.id,
      alliance: alliance.name,
      requestId: req.id,
      reason,
    });
  return { alliance, joinRequest: toJoinRequest(row!) };
}

/** A studio leaves, by its host's organizers or removed by the lead studio's; the lead stays. */
export async function leaveAlliance(
  ctx: Context,
  em: EntityManager,
  input: LeaveAllianceInput,
): Promise<MembershipResult> {
  const p = new Problems();
  const reason = optionalText(p, 'input.reason', input.reason, 500);
  const { alliance, leads } = await loadAlliance(ctx, em, input.allianceId, p);
  const studioId = decodeId(p, 'input.studioId', input.studioId, 'Studio');
  p.throwIfAny();
  const path = (await checkReference(
    ctx.access,
    em,
    'Studio',
    'input.studioId',
    studioId,
    leads ? 'read' : 'manage',
  ))!;
  if (!leads) ctx.access.assertManages(path, text('该工作室', 'this studio'));
  if (alliance.leadStudio.id === studioId)
    throw new DomainError(
      ErrorCode.LEAD_STUDIO_CANNOT_LEAVE,
      text('牵头工作室不能退出本联盟。', 'The lead studio does not leave its alliance.'),
      'input.studioId',
    );
  if (!(await isMember(em, alliance.id, studioId)))
    throw new DomainError(
      ErrorCode.NOT_IN_ALLIANCE,
      text('该工作室不属于该联盟。', 'The studio does not belong to the alliance.'),
      'input.studioId',
    );
  const s = (await em.findOne(Studio, { id: studioId }))!;
  await em.execute('delete from alliance_member where alliance_id = ? and studio_id = ?', [
    alliance.id,
    studioId,
  ]);
  await recordStudioEvent(ctx, em, { id: s.id, hostId: s.host.id }, 'ALLIANCE_LEFT', {
    allianceId: alliance.id,
    alliance: alliance.name,
    reason,
  });
  return { alliance, joinRequest: null };
}

/** The lead studio's host's organizers decide whether joins need their approval. */
export async function setAllianceJoinApproval(
  ctx: Context,
  em: EntityManager,
  input: SetAllianceJoinApprovalInput,
): Promise<MembershipResult> {
  const p = new Problems();
  const { alliance, leadPath } = await loadAlliance(ctx, em, input.allianceId, p);
  ctx.access.assertManages(leadPath, text('牵头工作室', 'the lead studio'));
  alliance.joinRequiresApproval = input.joinRequiresApproval;
  await em.flush();
  const lead = (await em.findOne(Studio, { id: alliance.leadStudio.id }))!;
  await recordStudioEvent(ctx, em, { id: lead.id, hostId: lead.host.id }, 'ALLIANCE_SETTINGS_CHANGED', {
    allianceId: alliance.id,
    joinRequiresApproval: input.joinRequiresApproval,
  });
  return { alliance, joinRequest: null };
}
