import type { EntityManager } from '@mikro-orm/postgresql';
import { isAdmin } from '../../shared/access/viewer';
import { forbidden } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { toGlobalId } from '../../shared/graphql/relay';
import { text } from '../../shared/i18n';

/** An entrant's marks as they stood at `asOf`, replayed from the audit log. */
export async function marksAsOf(em: EntityManager, entrantId: number, asOf: Date) {
  const rows = await em.execute<
    {
      kind: string;
      subject: { aspectCode: string; judgeId: number };
      after: { value: number; version: number };
    }[]
  >(
    `select kind, subject, after from audit_event
      where kind in ('MARK_CREATED', 'MARK_CORRECTED', 'MARK_VOIDED') and (subject->>'entrantId')::int = ?
        and created_at <= ?
      order by competition_id, seq`,
    [entrantId, asOf],
  );
  const latest = new Map<string, { aspectCode: string; judgeId: string; value: number; version: number }>();
  for (const r of rows) {
    // A voided mark no longer stands from that moment on.
    if (r.kind === 'MARK_VOIDED') latest.delete(`${r.subject.aspectCode}|${r.subject.judgeId}`);
    else
      latest.set(`${r.subject.aspectCode}|${r.subject.judgeId}`, {
        aspectCode: r.subject.aspectCode,
        judgeId: toGlobalId('Account', r.subject.judgeId),
        value: r.after.value,
        version: r.after.version,
      });
  }
  return [...latest.values()].sort((a, b) =>
    (a.aspectCode + a.judgeId).localeCompare(b.aspectCode + b.judgeId),
  );
}

/** Organizers of the host, chief judges of one of its trades, and admins may read the audit trail. */
export async function assertMayAudit(ctx: Context, competitionId: number): Promise<void> {
  if (isAdmin(ctx.viewer)) return;
  const [row] = await ctx.em.execute<{ path: string; chief: boolean }[]>(
    `select o.path::text as path,
            exists (select 1 from judge_assignment ja join trade t on t.id = ja.trade_id
                     where t.competition_id = c.id and ja.account_id = ? and ja.role = 'CHIEF_JUDGE') as chief
       from competition c join organization o on o.id = c.host_id where c.id = ?`,
    [ctx.access.accountId ?? 0, competitionId],
  );
  if (!row || !(row.chief || ctx.access.manages(row.path)))
    throw forbidden(text('您无权查看此审计记录。', 'You may not read this audit trail.'));
}
