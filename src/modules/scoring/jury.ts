import type { EntityManager } from '@mikro-orm/postgresql';
import { isAdmin } from '../../shared/access/viewer';
import { DomainError, ErrorCode, forbidden } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { Competition } from '../competition/competition.entity';
import { isOnPanel } from '../competition/panel-membership';
import { Trade } from '../competition/trade.entity';
import { join, text, type Text } from '../../shared/i18n';

/** Whether the account holds the chief judge's (裁判长) seat on the trade's panel. */
export function isChiefJudge(em: EntityManager, tradeId: number, accountId: number | null) {
  return isOnPanel(em, tradeId, accountId, 'CHIEF_JUDGE');
}

export interface JuryTrade {
  trade: Trade;
  competition: Competition;
  /** The viewer is the trade's chief judge (an admin counts as one). */
  chief: boolean;
  /** The viewer manages the host union. */
  manager: boolean;
}

/**
 * Loads a trade for a jury action: allowed to the trade's chief judge and/or the organizers of
 * the host union (and admins), as `who` says. With `lock`, the trade row is locked so jury steps
 * on one trade (draws, re-checks, sign-off) queue instead of interleaving.
 */
export async function loadTradeForJury(
  ctx: Context,
  em: EntityManager,
  tradeId: number,
  field: string,
  who: { chief?: boolean; manager?: boolean },
  lock = false,
): Promise<JuryTrade> {
  if (lock) await em.execute('select id from trade where id = ? for no key update', [tradeId]);
  const trade = await em.findOne(Trade, { id: tradeId });
  if (!trade) throw new DomainError(ErrorCode.NOT_FOUND, text('没有该工种。', 'No such trade.'), field);
  const competition = await em.findOneOrFail(
    Competition,
    { id: trade.competition.id },
    { populate: ['host'] },
  );
  const admin = isAdmin(ctx.viewer);
  const manager = admin || ctx.access.manages(competition.host.getEntity().path);
  const chief = admin || (await isChiefJudge(em, tradeId, ctx.access.accountId));
  if (!((who.chief && chief) || (who.manager && manager))) {
    const whom = join(
      [
        who.chief && text('该工种的裁判长', 'the trade’s chief judge'),
        who.manager && text('主办单位的组织者', 'the host’s organizers'),
      ].filter((w): w is Text => Boolean(w)),
      text('或', ' or '),
    );
    throw forbidden(text(`只有${whom.zh}可以执行此操作。`, `Only ${whom.en} may do this.`));
  }
  return { trade, competition, chief, manager };
}
