import type { EntityManager } from '@mikro-orm/postgresql';
import { checkReference } from '../../shared/access/references';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { decodeId, isoDate, optionalText } from '../../shared/validation';
import { Organization } from '../organization/organization.entity';
import { Studio, StudioStatus } from './studio.entity';
import { LEVEL_ORDER, ReviewOutcome } from './studio-life.enums';
import type { PromoteStudioInput, ReviewStudioInput } from './studio-life.types';
import { loadStudio, NAMING_LEVEL, recordLevelStep } from './studio-lifecycle.service';
import { recordStudioEvent } from './studio-events';
import { text } from '../../shared/i18n';

const within = (path: string, root: string) => path === root || path.startsWith(`${root}.`);

function requireNamed(s: Studio): void {
  if (s.status !== StudioStatus.NAMED)
    throw new DomainError(
      ErrorCode.STUDIO_NOT_NAMED,
      text(
        `只有已命名的工作室可以执行此操作；该工作室当前状态为 ${s.status}。`,
        `Only a named studio takes this step; this one is ${s.status}.`,
      ),
      'input.studioId',
    );
}

/**
 * Promotion (市级 → 省级 → 全国示范性): the same studio, with its history, members, achievements
 * and alliances, named at a strictly higher level by a union of that level's rank above its host.
 * The caller manages the awarding union (so is at the new level's union or above it), and so the host.
 */
export async function promoteStudio(
  ctx: Context,
  em: EntityManager,
  input: PromoteStudioInput,
): Promise<Studio> {
  const p = new Problems();
  const namedOn = isoDate(p, 'input.namedOn', input.namedOn);
  const documentNumber = optionalText(p, 'input.documentNumber', input.documentNumber, 100);
  if (!documentNumber)
    p.add(
      ErrorCode.REQUIRED,
      text('文号为必填项。', 'The document number is required.'),
      'input.documentNumber',
    );
  if (!input.namedOn)
    p.add(ErrorCode.REQUIRED, text('命名日期为必填项。', 'The date named is required.'), 'input.namedOn');
  decodeId(p, 'input.studioId', input.studioId, 'Studio');
  const unionId = decodeId(p, 'input.namingUnionId', input.namingUnionId, 'Organization');
  p.throwIfAny();
  const s = await loadStudio(ctx, em, input.studioId, 'input.studioId');
  const unionPath = (await checkReference(
    ctx.access,
    em,
    'Organization',
    'input.namingUnionId',
    unionId,
    'manage',
  ))!;
  requireNamed(s);
  const from = s.level;
  if (LEVEL_ORDER.indexOf(input.level) <= LEVEL_ORDER.indexOf(from))
    throw new DomainError(
      ErrorCode.NOT_A_PROMOTION,
      text(
        `晋级须高于 ${from}；${input.level} 并不更高。`,
        `A promotion goes above ${from}; ${input.level} is not higher.`,
      ),
      'input.level',
    );
  const union = (await em.findOne(Organization, { id: unionId }))!;
  const rank = NAMING_LEVEL[input.level];
  if (!within(s.host.getEntity().path, unionPath) || (rank && union.level !== rank))
    throw new DomainError(
      ErrorCode.INVALID_HIERARCHY,
      text(
        `${input.level} 级工作室须由其所在企业上级的 ${rank} 级工会命名。`,
        `A ${input.level} studio is named by a ${rank} union above its host.`,
      ),
      'input.namingUnionId',
    );
  if (s.namedOn && namedOn! < s.namedOn)
    throw new DomainError(
      ErrorCode.OUT_OF_RANGE,
      text(
        `晋级日期须不早于当前命名日期（${s.namedOn}）。`,
        `The promotion is dated on or after the current naming (${s.namedOn}).`,
      ),
      'input.namedOn',
    );
  const before = {
    level: from,
    namedOn: s.namedOn,
    namingUnionId: s.namingUnion?.id,
    documentNumber: s.documentNumber,
  };
  s.level = input.level;
  s.namedOn = namedOn;
  s.namingUnion = em.getReference(Organization, unionId) as never;
  s.documentNumber = documentNumber;
  await em.flush();
  await recordLevelStep(ctx, em, s);
  await recordStudioEvent(ctx, em, { id: s.id, hostId: s.host.id }, 'PROMOTED', {
    from: before,
    level: input.level,
    namedOn,
    namingUnionId: unionId,
    documentNumber,
  });
  return s;
}

/**
 * A periodic review (复核/复评) by the union that named the studio at its current level (or one
 * above it): pass, warning (the name stands, with notes) or revocation (the studio becomes REVOKED).
 */
export async function reviewStudio(
  ctx: Context,
  em: EntityManager,
  input: ReviewStudioInput,
): Promise<Studio> {
  const p = new Problems();
  const reviewedOn = isoDate(p, 'input.reviewedOn', input.reviewedOn);
  const notes = optionalText(p, 'input.notes', input.notes, 1000);
  const documentNumber = optionalText(p, 'input.documentNumber', input.documentNumber, 100);
  decodeId(p, 'input.studioId', input.studioId, 'Studio');
  p.throwIfAny();
  if (!reviewedOn)
    throw new DomainError(
      ErrorCode.REQUIRED,
      text('复核日期为必填项。', 'The review date is required.'),
      'input.reviewedOn',
    );
  if (input.outcome !== ReviewOutcome.PASS && !notes)
    throw new DomainError(
      ErrorCode.REQUIRED,
      text('请说明需整改的内容，或撤销命名的原因。', 'Say what to put right, or why the name is revoked.'),
      'input.notes',
    );
  const s = await loadStudio(ctx, em, input.studioId, 'input.studioId');
  const union = s.namingUnion ? await em.findOne(Organization, { id: s.namingUnion.id }) : null;
  ctx.access.assertManages(union?.path ?? s.host.getEntity().path, text('命名工会', 'the naming union'));
  requireNamed(s);
  if (s.namedOn && reviewedOn < s.namedOn)
    throw new DomainError(
      ErrorCode.OUT_OF_RANGE,
      text(
        `复核日期须不早于命名日期（${s.namedOn}）。`,
        `A review is dated on or after the naming (${s.namedOn}).`,
      ),
      'input.reviewedOn',
    );
  const [dup] = await em.execute<{ n: string }[]>(
    'select count(*) as n from studio_review where studio_id = ? and reviewed_on = ?',
    [s.id, reviewedOn],
  );
  if (dup!.n !== '0')
    throw new DomainError(
      ErrorCode.REVIEW_ALREADY_RECORDED,
      text(`该工作室在 ${reviewedOn} 已有复核记录。`, `The studio already has a review on ${reviewedOn}.`),
      'input.reviewedOn',
    );
  await em.execute(
    `insert into studio_review (studio_id, kind, outcome, reviewed_on, reviewing_union_id, document_number, notes, actor_id)
     values (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      s.id,
      input.kind,
      input.outcome,
      reviewedOn,
      union?.id ?? s.host.id,
      documentNumber,
      notes,
      ctx.access.accountId,
    ],
  );
  if (!s.lastReviewedOn || reviewedOn >= s.lastReviewedOn) {
    s.lastReview = input.outcome;
    s.lastReviewedOn = reviewedOn;
  }
  const from = s.status;
  if (input.outcome === ReviewOutcome.REVOKED) s.status = StudioStatus.REVOKED;
  await em.flush();
  const details = { kind: input.kind, outcome: input.outcome, reviewedOn, documentNumber, notes };
  await recordStudioEvent(
    ctx,
    em,
    { id: s.id, hostId: s.host.id },
    'REVIEWED',
    details,
    s.status === from ? null : from,
    s.status === from ? null : s.status,
  );
  return s;
}
