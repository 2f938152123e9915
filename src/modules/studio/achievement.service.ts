import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../shared/db/paging';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { decodeId, isoDate, requiredText } from '../../shared/validation';
import { AchievementKind, Achievement, StudioStatus } from './studio.entity';
import { loadStudio } from './studio-lifecycle.service';
import { recordStudioEvent } from './studio-events';
import type { RecordAchievementInput } from './studio.types';
import { text } from '../../shared/i18n';

export async function recordAchievement(
  ctx: Context,
  em: EntityManager,
  input: RecordAchievementInput,
): Promise<Achievement> {
  const p = new Problems();
  const title = requiredText(p, 'input.title', input.title, 300);
  const achievedOn = isoDate(p, 'input.achievedOn', input.achievedOn);
  if (!input.achievedOn)
    p.add(ErrorCode.REQUIRED, text('日期为必填项。', 'The date is required.'), 'input.achievedOn');
  const personIds = (input.personIds ?? []).map((g, i) => decodeId(p, `input.personIds.${i}`, g, 'Person'));
  if (input.kind === AchievementKind.PATENT) {
    if (!input.patentNumber?.trim())
      p.add(ErrorCode.REQUIRED, text('专利须有专利号。', 'A patent needs its number.'), 'input.patentNumber');
    if (!input.patentType)
      p.add(ErrorCode.REQUIRED, text('专利须有类型。', 'A patent needs its type.'), 'input.patentType');
    if (!input.patentStatus)
      p.add(ErrorCode.REQUIRED, text('专利须有状态。', 'A patent needs its status.'), 'input.patentStatus');
  }
  if (input.kind === AchievementKind.ECONOMIC_BENEFIT) {
    const b = input.benefitYuan;
    if (b == null)
      p.add(
        ErrorCode.REQUIRED,
        text('请填写效益金额（元）。', 'Give the benefit in yuan.'),
        'input.benefitYuan',
      );
    // The Decimal scalar has made it an exact string with two decimals; only the sign is left.
    else if (b.startsWith('-'))
      p.add(
        ErrorCode.OUT_OF_RANGE,
        text('金额（元）须 ≥ 0，最多 2 位小数。', 'Yuan ≥ 0 with at most 2 decimals.'),
        'input.benefitYuan',
      );
  }
  if (input.kind === AchievementKind.APPRENTICES) {
    const n = input.apprentices;
    if (n == null)
      p.add(ErrorCode.REQUIRED, text('请填写带徒人数。', 'Give how many apprentices.'), 'input.apprentices');
    else if (!Number.isInteger(n) || n < 0 || n > 100_000)
      p.add(ErrorCode.OUT_OF_RANGE, text('须为 ≥ 0 的整数。', 'A whole number ≥ 0.'), 'input.apprentices');
  }
  decodeId(p, 'input.studioId', input.studioId, 'Studio');
  p.throwIfAny();
  const s = await loadStudio(ctx, em, input.studioId, 'input.studioId');
  ctx.access.assertManages(s.host.getEntity().path, text('该工作室', 'this studio'));
  if (s.status !== StudioStatus.NAMED)
    throw new DomainError(
      ErrorCode.WRONG_STAGE,
      text('只有已命名的工作室才能登记成果。', 'Achievements are recorded for named studios.'),
      'input.studioId',
    );
  if (personIds.length) {
    const members = await em.execute<{ person_id: number }[]>(
      'select person_id from studio_member where studio_id = ? and person_id = any(?::int[])',
      [s.id, pgArray(personIds)],
    );
    const known = new Set(members.map((m) => m.person_id));
    personIds.forEach((id, i) => {
      if (!known.has(id))
        p.add(
          ErrorCode.VALIDATION,
          text('不是该工作室的成员。', 'Not a member of the studio.'),
          `input.personIds.${i}`,
        );
    });
    p.throwIfAny();
  }
  const a = em.create(Achievement, {
    studio: s,
    kind: input.kind,
    title,
    achievedOn: achievedOn!,
    patentNumber: input.kind === AchievementKind.PATENT ? input.patentNumber!.trim() : null,
    patentType: input.kind === AchievementKind.PATENT ? input.patentType : null,
    patentStatus: input.kind === AchievementKind.PATENT ? input.patentStatus : null,
    benefitYuan: input.kind === AchievementKind.ECONOMIC_BENEFIT ? input.benefitYuan : null,
    apprentices: input.kind === AchievementKind.APPRENTICES ? input.apprentices : null,
  });
  await em.flush();
  if (personIds.length) {
    await em.execute(
      'insert into achievement_person (achievement_id, person_id) select ?, unnest(?::int[])',
      [a.id, pgArray([...new Set(personIds)])],
    );
  }
  await recordStudioEvent(ctx, em, { id: s.id, hostId: s.host.id }, 'ACHIEVEMENT_RECORDED', {
    achievementId: a.id,
    kind: a.kind,
    title: a.title,
    achievedOn: a.achievedOn,
  });
  return a;
}
