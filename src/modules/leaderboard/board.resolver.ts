import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Float,
  Int,
  Mutation,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { guardSubscribe } from '../../shared/access/policy';
import type { Context } from '../../shared/graphql/context';
import { runMutation } from '../../shared/graphql/mutation';
import {
  ConnectionArgs,
  encodeCursor,
  fromGlobalId,
  pageRequest,
  positionWindow,
  OrderDirection,
  type SortOrder,
} from '../../shared/graphql/relay';

/** Board cursors hold a position (1 = top), under the order name RANK. */
const RANK = 'RANK';
const RANK_ORDER: SortOrder = { field: RANK, column: null, direction: OrderDirection.ASC };
import { selectsAny } from '../../shared/graphql/selection';
import { Competition, CompetitionKind, RESULTS_PUBLIC_STATUSES } from '../competition/competition.entity';
import { Trade } from '../competition/trade.entity';
import { isAdmin } from '../../shared/access/viewer';
import { RankIndex, type RankEntry } from './rank-index';
import { canSeeCompetition, canSeeEntrants } from '../competition/competition.service';
import { isJury } from '../scoring/results.service';
import { revealBoard, setBoardFreeze } from './board-admin';
import { type BoardFrameView, type BoardLens, type BoardRowView, describeRows } from './board.service';
import {
  BoardConnection,
  BoardFrame,
  BoardRow,
  BoardStepPayload,
  RevealBoardInput,
  SetBoardFreezeInput,
} from './board.types';
import { localizedError } from '../../shared/errors';
import { text } from '../../shared/i18n';

/** What this viewer may see of the trade's board. */
async function lensFor(ctx: Context, trade: Trade): Promise<BoardLens | null> {
  const c = await ctx.loaders.competitionById.load(trade.competition.id);
  if (!c || !(await canSeeCompetition(ctx, c))) return null;
  const jury = await isJury(ctx, trade);
  return {
    view: jury ? 'JURY' : 'PUBLIC',
    identities: await canSeeEntrants(ctx, c),
    awards: jury || RESULTS_PUBLIC_STATUSES.includes(c.status),
  };
}

const MAX_AROUND = 50;

/** Row fields that need the row's details from the database; rank and total come from the index. */
const DETAIL_FIELDS = new Set(['anonymousNumber', 'name', 'unit', 'modules']);

@Resolver(() => Trade)
export class BoardResolver {
  @FieldResolver(() => BoardConnection, {
    nullable: true,
    description:
      'The trade’s leaderboard, best first. The jury (host organizers, the chief judge) sees the live board; ' +
      'everyone else the public one (anonymous numbers until publication; frozen after the freeze moment).',
  })
  async board(
    @Root() trade: Trade,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<BoardConnection | null> {
    const lens = await lensFor(ctx, trade);
    if (!lens) return null;
    const req = pageRequest(args, RANK_ORDER);
    const board = await ctx.boards.board(trade.id, () => ctx.em);
    const { from, count } = positionWindow(req, board.index(lens.view).size);
    const rows = await board.rows(() => ctx.em, lens, from, count, selectsAny(info, DETAIL_FIELDS));
    return connection(
      lens,
      board.frozenFor(lens.view),
      board.seqFor(lens.view),
      board.index(lens.view).size,
      from,
      rows,
    );
  }

  @FieldResolver(() => BoardRow, {
    nullable: true,
    description: 'One entrant’s row on the board you see (its rank); null when the entrant is not on it.',
  })
  async boardRank(
    @Root() trade: Trade,
    @Arg('entrantId', () => ID, { description: 'The entrant.' }) entrantId: string,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<BoardRow | null> {
    return (await this.around(trade, entrantId, 0, 0, ctx, info))?.[0] ?? null;
  }

  @FieldResolver(() => [BoardRow], {
    nullable: true,
    description:
      'The rows around an entrant on the board you see: `before` above, the entrant, `after` below.',
  })
  async boardAround(
    @Root() trade: Trade,
    @Arg('entrantId', () => ID, { description: 'The entrant.' }) entrantId: string,
    @Arg('before', () => Int, { defaultValue: 5, description: `Rows above (0–${MAX_AROUND}).` })
    before: number,
    @Arg('after', () => Int, { defaultValue: 5, description: `Rows below (0–${MAX_AROUND}).` }) after: number,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<BoardRow[] | null> {
    return this.around(trade, entrantId, before, after, ctx, info);
  }

  private async around(
    trade: Trade,
    entrantId: string,
    before: number,
    after: number,
    ctx: Context,
    info: GraphQLResolveInfo,
  ) {
    for (const [name, v] of [
      ['before', before],
      ['after', after],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v > MAX_AROUND)
        throw localizedError(
          'BAD_USER_INPUT',
          text(
            `\`${name}\` 须在 0 到 ${MAX_AROUND} 之间。`,
            `\`${name}\` must be between 0 and ${MAX_AROUND}.`,
          ),
          { argumentName: name },
        );
    }
    const d = fromGlobalId(entrantId);
    const lens = await lensFor(ctx, trade);
    if (!lens || !d || d.type !== 'Entrant') return null;
    const board = await ctx.boards.board(trade.id, () => ctx.em);
    const at = board.index(lens.view).positionOf(d.id);
    if (at < 0) return null;
    const from = Math.max(0, at - before);
    const count = at - from + 1 + after;
    return (await board.rows(() => ctx.em, lens, from, count, selectsAny(info, DETAIL_FIELDS))) as BoardRow[];
  }

  @Subscription(() => BoardFrame, {
    description:
      'A trade’s board live: first a SNAPSHOT of the top `first` rows (or, with `afterSeq`, the DELTAs missed), then ' +
      'DELTAs at most every few hundred milliseconds. Each frame carries the board seq and the previous frame’s, so a ' +
      'gap is visible. The public board has a seq of its own that does not move while it is frozen. The last frame is ' +
      'an END saying why (a stage change, a shutdown): subscribe again with `afterSeq`.',
    subscribe: guardSubscribe('boardUpdates', async (args, ctx) => {
      const d = fromGlobalId(args.tradeId as string);
      const trade = d?.type === 'Trade' ? await ctx.loaders.tradeById.load(d.id) : null;
      const lens = trade && (await lensFor(ctx, trade));
      if (!trade || !lens) throw localizedError('NOT_FOUND', text('没有该工种。', 'No such trade.'));
      const first = (args.first as number | undefined) ?? 50;
      if (!Number.isInteger(first) || first < 1 || first > 100)
        throw localizedError(
          'BAD_USER_INPUT',
          text('`first` 须在 1 到 100 之间。', '`first` must be between 1 and 100.'),
        );
      const afterSeq = (args.afterSeq as number | null | undefined) ?? null;
      if (afterSeq !== null && (!Number.isSafeInteger(afterSeq) || afterSeq < 0))
        throw localizedError(
          'BAD_USER_INPUT',
          text(
            '`afterSeq` 须为该榜单某一帧携带过的序号。',
            '`afterSeq` must be a seq a frame of this board carried.',
          ),
        );
      return ctx.boards.subscribe(trade.id, lens, first, afterSeq);
    }),
  })
  boardUpdates(
    @Arg('tradeId', () => ID, { description: 'Global ID of the trade.' }) _tradeId: string,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Rows in the window (1–100).' }) _first: number,
    @Arg('afterSeq', () => Float, {
      nullable: true,
      description:
        'The seq of the last frame you hold (same `first`): the frames missed since are replayed when the server still ' +
        'keeps them, otherwise a SNAPSHOT with `restart: true` comes first.',
    })
    _afterSeq: number | null,
    @Root() frame: BoardFrameView,
  ): BoardFrame {
    return frame as never;
  }

  @Mutation(() => BoardStepPayload, {
    description:
      'Sets the moment the public board stops moving (ICPC-style freeze), or clears it; the jury board stays live.',
  })
  async setBoardFreeze(
    @Arg('input', { description: 'What to do; see the input type.' }) input: SetBoardFreezeInput,
    @Ctx() ctx: Context,
  ): Promise<BoardStepPayload> {
    const r = await runMutation(ctx, (em) => setBoardFreeze(ctx, em, input.tradeId, input.freezeAt ?? null));
    return {
      revealed: [],
      remaining: r.value?.remaining ?? 0,
      freezeAt: r.value?.freezeAt ?? null,
      errors: r.errors,
    };
  }

  @Mutation(() => BoardStepPayload, {
    description:
      'One step of the reveal ceremony once results are final: the lowest hidden row of the frozen public ' +
      'board takes its true value; every screen receives the steps in the same order.',
  })
  async revealBoard(
    @Arg('input', { description: 'What to do; see the input type.' }) input: RevealBoardInput,
    @Ctx() ctx: Context,
  ): Promise<BoardStepPayload> {
    const r = await runMutation(ctx, (em) => revealBoard(ctx, em, input.tradeId, input.all));
    return {
      revealed: r.value?.revealed ?? [],
      remaining: r.value?.remaining ?? 0,
      freezeAt: r.value?.freezeAt ?? null,
      errors: r.errors,
    };
  }
}

function connection(
  lens: BoardLens,
  frozen: boolean,
  seq: number,
  size: number,
  from: number,
  rows: BoardRowView[],
): BoardConnection {
  const nodes = rows as BoardRow[];
  const last = from + rows.length;
  return {
    view: lens.view as never,
    frozen,
    seq,
    totalCount: size,
    // Built when asked for: a screen reads `nodes` and would pay for fifty cursors it never uses.
    get edges() {
      return nodes.map((node, i) => ({ cursor: encodeCursor(RANK, from + i + 1), node }));
    },
    nodes,
    pageInfo: {
      hasNextPage: last < size,
      hasPreviousPage: from > 0,
      startCursor: rows.length ? encodeCursor(RANK, from + 1) : null,
      endCursor: rows.length ? encodeCursor(RANK, last) : null,
    },
  };
}

@Resolver(() => Competition)
export class CompetitionBoardResolver {
  @FieldResolver(() => BoardConnection, {
    nullable: true,
    description:
      'Labor competitions: the teams and enterprises of every trade on one board, by total (each row names ' +
      'its trade). Same views as a trade’s board; no award tiers (those are per trade). Null for skills competitions.',
  })
  async board(
    @Root() c: Competition,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<BoardConnection | null> {
    if (c.kind !== CompetitionKind.LABOR || !(await canSeeCompetition(ctx, c))) return null;
    const req = pageRequest(args, RANK_ORDER);
    const host = await ctx.loaders.organizationById.load(c.host.id);
    const lens: BoardLens = {
      view: isAdmin(ctx.viewer) || (host && ctx.access.manages(host.path)) ? 'JURY' : 'PUBLIC',
      identities: await canSeeEntrants(ctx, c),
      awards: false,
    };
    const groups = await ctx.em.execute<{ id: number; trade_id: number }[]>(
      `select e.id, e.trade_id from entrant e join trade t on t.id = e.trade_id
        where t.competition_id = ? and (e.team_id is not null or e.organization_id is not null)`,
      [c.id],
    );
    const tradeIds = [...new Set(groups.map((g) => g.trade_id))];
    const wanted = new Set(groups.map((g) => g.id));
    const entries: RankEntry[] = [];
    let frozen = false;
    let seq = 0;
    for (const id of tradeIds) {
      const b = await ctx.boards.board(id, () => ctx.em);
      frozen ||= b.frozenFor(lens.view);
      seq += b.seqFor(lens.view);
      const index = b.index(lens.view);
      for (const e of index.slice(0, index.size)) if (wanted.has(e.id)) entries.push({ ...e, tieBreak: [] });
    }
    // Totals are all out of 100, so they compare across trades; trade tie-breaks do not.
    const combined = new RankIndex();
    combined.reset(entries);
    const { from, count } = positionWindow(req, combined.size);
    const placed = combined
      .slice(from, count)
      .map((entry, i) => ({ entry, rank: combined.rankAt(from + i), tier: null }));
    const rows = await describeRows(ctx.em, lens, null, placed);
    return connection(lens, frozen, seq, combined.size, from, rows);
  }
}
