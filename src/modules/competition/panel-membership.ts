import type { EntityManager } from '@mikro-orm/postgresql';

// A trade's panel is kept by the scoring module (judge_assignment); the competition module asks
// only whether someone sits on it (blind review shows identities to organizers, not to the panel),
// so the question is answered here, in SQL, and scoring builds on it.
/** Whether the account sits on the trade's panel (in that role, when one is given). */
export async function isOnPanel(
  em: EntityManager,
  tradeId: number,
  accountId: number | null,
  role?: 'CHIEF_JUDGE',
): Promise<boolean> {
  if (accountId === null) return false;
  const [row] = await em.execute<{ n: string }[]>(
    `select count(*) as n from judge_assignment where trade_id = ? and account_id = ? ${role ? 'and role = ?' : ''}`,
    role ? [tradeId, accountId, role] : [tradeId, accountId],
  );
  return row!.n !== '0';
}
