import type { EntityManager } from '@mikro-orm/postgresql';
import { checkReference } from '../../shared/access/references';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { decodeId, requiredText } from '../../shared/validation';
import { Role } from '../account/account.entity';
import { loadManagedTradeById } from '../competition/competition.service';
import { assertMayAddOnTheDay, assertPanelOpen, recordPanelChange } from './panel-changes.service';
import { PanelChangeKind } from './panel.types';
import { type AssignJudgeInput, type DeclareConflictInput, type PanelSeat } from './marks.types';
import { text } from '../../shared/i18n';

/** Who judges a trade: seats on its panel, and conflicts of interest. */
export async function assignJudge(
  ctx: Context,
  em: EntityManager,
  input: AssignJudgeInput,
): Promise<PanelSeat> {
  const p = new Problems();
  const tradeId = decodeId(p, 'input.tradeId', input.tradeId, 'Trade');
  const accountId = decodeId(p, 'input.accountId', input.accountId, 'Account');
  p.throwIfAny();
  const { competition } = await loadManagedTradeById(ctx, em, tradeId, 'input.tradeId', true);
  const onTheDay = await assertPanelOpen(em, competition, tradeId, 'input.tradeId');
  // Judges are seated by an organizer who manages their accounts (one above both, for a judge from elsewhere).
  await checkReference(ctx.access, em, 'Account', 'input.accountId', accountId, 'manage');
  const reason = onTheDay
    ? await assertMayAddOnTheDay(em, tradeId, accountId, input.role, input.reason)
    : null;
  const [account] = await em.execute<{ role: Role; path: string | null }[]>(
    `select a.role, o.path::text as path from account a left join organization o on o.id = a.organization_id where a.id = ?`,
    [accountId],
  );
  if (!account)
    throw new DomainError(ErrorCode.NOT_FOUND, text('没有该账号。', 'No such account.'), 'input.accountId');
  if (account.role !== Role.JUDGE && account.role !== Role.CHIEF_JUDGE) {
    throw new DomainError(
      ErrorCode.KIND_MISMATCH,
      text('只有裁判和裁判长账号可以进入裁判组。', 'Only judge and chief-judge accounts sit on panels.'),
      'input.accountId',
    );
  }
  if (input.role === 'CHIEF_JUDGE' && account.role !== Role.CHIEF_JUDGE) {
    throw new DomainError(
      ErrorCode.KIND_MISMATCH,
      text('裁判长席位须使用裁判长账号。', 'A chief judge seat needs a chief-judge account.'),
      'input.role',
    );
  }
  const codes = input.aspectCodes?.length ? [...new Set(input.aspectCodes)] : null;
  await em.execute(
    `insert into judge_assignment (trade_id, account_id, role, aspect_codes) values (?, ?, ?, ?::text[])
     on conflict (trade_id, account_id) do update set role = excluded.role, aspect_codes = excluded.aspect_codes`,
    [tradeId, accountId, input.role, codes ? `{${codes.map((c) => JSON.stringify(c)).join(',')}}` : null],
  );
  if (reason !== null) {
    await recordPanelChange(ctx, em, competition.id, {
      tradeId,
      kind: PanelChangeKind.ADDED,
      accountId,
      role: input.role,
      aspectCodes: codes,
      reason,
    });
  }
  return { tradeId: input.tradeId, accountId: input.accountId, role: input.role, aspectCodes: codes };
}

export async function declareConflict(
  ctx: Context,
  em: EntityManager,
  input: DeclareConflictInput,
): Promise<boolean> {
  const p = new Problems();
  const accountId = decodeId(p, 'input.accountId', input.accountId, 'Account');
  const entrantId = decodeId(p, 'input.entrantId', input.entrantId, 'Entrant');
  const reason = requiredText(p, 'input.reason', input.reason, 500);
  p.throwIfAny();
  const self = ctx.viewer.kind === 'account' && ctx.viewer.accountId === accountId;
  const [entrant] = await em.execute<{ trade_id: number }[]>('select trade_id from entrant where id = ?', [
    entrantId,
  ]);
  if (!entrant)
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      text('没有该参赛选手。', 'No such entrant.'),
      'input.entrantId',
    );
  if (!self) {
    await loadManagedTradeById(ctx, em, entrant.trade_id, 'input.entrantId');
    await checkReference(ctx.access, em, 'Account', 'input.accountId', accountId, 'manage');
  }
  await em.execute(
    `insert into conflict_declaration (account_id, entrant_id, reason) values (?, ?, ?) on conflict (account_id, entrant_id) do nothing`,
    [accountId, entrantId, reason],
  );
  return true;
}
