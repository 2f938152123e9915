import { GraphQLError } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { fromGlobalId, Node, toGlobalId } from '../../shared/graphql/relay';
import { ApiKey } from '../account/account.entity';
import { canSeeCompetition, canSeeEntrants } from '../competition/competition.service';
import { Honor } from '../person/person.entity';
import { canSeePerson } from '../person/person.service';
import { Achievement, Alliance, Studio } from '../studio/studio.entity';
import { categoriesOf } from '../campaign/campaign-setup.service';
import { loadSubmissions, submissionView } from '../campaign/submissions.service';
import { markView } from '../scoring/marks.service';
import { isJury } from '../scoring/results.service';
import { appealView } from '../scoring/appeals.service';
import { canSeeStudio } from '../studio/studio-queries.service';

/**
 * `node(id:)` for every type, each with the same visibility rule as its own
 * query; an object the caller may not see is indistinguishable from a missing one.
 */
const FETCHERS: Record<string, (ctx: Context, id: number) => Promise<object | null>> = {
  Organization: (ctx, id) => ctx.loaders.organizationById.load(id),
  Person: async (ctx, id) => {
    const p = await ctx.loaders.personById.load(id);
    return p && (await canSeePerson(ctx, p)) ? p : null;
  },
  Honor: async (ctx, id) => {
    const h = await ctx.em.findOne(Honor, { id });
    const p = h && (await ctx.loaders.personById.load(h.person.id));
    return p && (await canSeePerson(ctx, p)) ? h : null;
  },
  Competition: async (ctx, id) => {
    const c = await ctx.loaders.competitionById.load(id);
    return c && (await canSeeCompetition(ctx, c)) ? c : null;
  },
  Trade: async (ctx, id) => {
    const t = await ctx.loaders.tradeById.load(id);
    const c = t && (await ctx.loaders.competitionById.load(t.competition.id));
    return c && (await canSeeCompetition(ctx, c)) ? t : null;
  },
  Entrant: async (ctx, id) => {
    const e = await ctx.loaders.entrantById.load(id);
    const t = e && (await ctx.loaders.tradeById.load(e.trade.id));
    const c = t && (await ctx.loaders.competitionById.load(t.competition.id));
    return c && (await canSeeEntrants(ctx, c)) ? e : null;
  },
  Team: async (ctx, id) => {
    const t = await ctx.loaders.teamById.load(id);
    const o = t && (await ctx.loaders.organizationById.load(t.organization.id));
    return o && ctx.access.manages(o.path) ? t : null;
  },
  Account: async (ctx, id) => {
    if (ctx.access.accountId === id) return ctx.loaders.accountById.load(id);
    const a = await ctx.loaders.accountById.load(id);
    const o = a?.organization ? await ctx.loaders.organizationById.load(a.organization.id) : null;
    if (ctx.access.managed === '*') return a;
    return a && o && ctx.access.manages(o.path) ? a : null;
  },
  Studio: async (ctx, id) => {
    const s = await ctx.em.findOne(Studio, { id });
    return s && (await canSeeStudio(ctx, s)) ? s : null;
  },
  Alliance: (ctx, id) => ctx.em.findOne(Alliance, { id }),
  Achievement: async (ctx, id) => {
    const a = await ctx.em.findOne(Achievement, { id });
    const s = a && (await ctx.em.findOne(Studio, { id: a.studio.id }));
    return s && (await canSeeStudio(ctx, s)) ? a : null;
  },
  // As `Trade.appeals`: the jury's.
  Appeal: async (ctx, id) => {
    const rows = await ctx.em.execute<Parameters<typeof appealView>[1]>('select * from appeal where id = ?', [
      id,
    ]);
    const t = rows[0] && (await ctx.loaders.tradeById.load(rows[0].trade_id));
    return t && (await isJury(ctx, t)) ? ((await appealView(ctx.em, rows))[0] ?? null) : null;
  },
  // As `Competition.submissions`: the host's organizers, everyone once results are published.
  Submission: async (ctx, id) => {
    const [s] = await loadSubmissions(ctx.em, 's.id = ?', [id]);
    const c = s && (await ctx.loaders.competitionById.load(s.competition_id));
    return c && (await canSeeEntrants(ctx, c)) ? submissionView(s, true) : null;
  },
  // As the campaign's `categories`: whoever may see the campaign.
  CampaignCategory: async (ctx, id) => {
    const [k] = await ctx.em.execute<{ competition_id: number }[]>(
      'select competition_id from campaign_category where id = ?',
      [id],
    );
    const c = k && (await ctx.loaders.competitionById.load(k.competition_id));
    if (!c || !(await canSeeCompetition(ctx, c))) return null;
    return (await categoriesOf(ctx, c.id)).find((x) => x.dbId === id) ?? null;
  },
  // The judge who gave it and the jury (the public sees totals, never single marks).
  Mark: async (ctx, id) => {
    const [m] = await ctx.em.execute<
      {
        entrant_id: number;
        trade_id: number;
        aspect_code: string;
        value: string;
        version: number;
        judge_id: number;
      }[]
    >('select entrant_id, trade_id, aspect_code, value, version, judge_id from mark where id = ?', [id]);
    if (!m) return null;
    const t = await ctx.loaders.tradeById.load(m.trade_id);
    const mine = ctx.access.accountId === m.judge_id;
    if (!t || (!mine && !(await isJury(ctx, t)))) return null;
    return markView(id, m.entrant_id, m.aspect_code, Number(m.value), m.version, m.judge_id);
  },
  ApiKey: async (ctx, id) => {
    const k = await ctx.em.findOne(ApiKey, { id });
    const o = k && (await ctx.loaders.organizationById.load(k.organization.id));
    return o && ctx.access.manages(o.path) ? k : null;
  },
};

@Resolver(() => Node)
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID (Relay).' })
  async node(
    @Arg('id', () => ID, { description: 'Global ID of the object.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<object | null> {
    const d = fromGlobalId(id);
    const fetch = d && FETCHERS[d.type];
    return fetch ? fetch(ctx, d.id) : null;
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: 'Several objects by global ID (at most 100), in order.',
  })
  async nodes(
    @Arg('ids', () => [ID], { description: 'Global IDs, at most 100.' }) ids: string[],
    @Ctx() ctx: Context,
  ): Promise<(object | null)[]> {
    if (ids.length > 100) {
      throw new GraphQLError('At most 100 IDs at once.', {
        extensions: { code: 'BAD_USER_INPUT', argumentName: 'ids' },
      });
    }
    return Promise.all(ids.map((id) => this.node(id, ctx)));
  }

  @FieldResolver(() => ID, { description: 'Globally unique, opaque identifier.' })
  id(@Root() node: { id: number | string; constructor: { name: string } }): string {
    // Views built from SQL rows (appeals, submissions, marks, categories) carry their global ID already.
    return typeof node.id === 'string' ? node.id : toGlobalId(node.constructor.name, node.id);
  }
}
