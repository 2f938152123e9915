import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { Role } from '../src/modules/account/account.entity';
import { capAwardsAtQuota, quotaCut } from '../src/modules/scoring/award-quota';
import {
  AWARD_TIERS,
  type AwardRule,
  type AwardTier,
  awardTiers,
  type RankedEntry,
  tierLookup,
} from '../src/modules/scoring/ranking';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AddRoundDocument,
  AssignJudgeDocument,
  AssignReviewersDocument,
  type AwardRuleInput,
  CreateCampaignDocument,
  ReviewEligibilityDocument,
  SetMarkingSchemeDocument,
  SetResultsRulesDocument,
  SubmitEntryDocument,
  TradeBoardDocument,
  TradeResultsDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import { buildWorld, createPerson, dbId, moveTo, orgId, tablet, type World } from './support/world';

/**
 * Quotas that hold: a campaign category never awards more than its quota, whatever the award
 * rule and however ties fall; a tie across the cut is not split and gets no award. Property-based
 * against a reference computation, then the reported cases through the API.
 */

// ---------------------------------------------------------------- reference computation

/** Competition ranking (1, 2, 2, 4) of totals, equal totals sharing a rank (as after every tie-break). */
function ranking(totals: number[]): RankedEntry[] {
  return totals.map((total, i) => ({
    id: String(i),
    total,
    rank: 1 + totals.filter((x) => x > total).length,
  }));
}

/** The tier the rule gives each entry, written out plainly from the README's description. */
function referenceTiers(ranked: RankedEntry[], rule: AwardRule): (AwardTier | null)[] {
  const n = ranked.length;
  if (rule.by === 'THRESHOLD')
    return ranked.map((e) => rule.tiers.find((t) => e.total >= t.minTotal)?.tier ?? null);
  const places =
    rule.by === 'COUNT'
      ? rule.tiers.map((t) => t.count)
      : rule.tiers.map((t) => {
          const h = Math.round(t.percent * 100);
          return h > 0 ? Math.max(1, Math.floor((h * n) / 10000)) : 0;
        });
  return ranked.map((e) => {
    let cumulative = 0;
    for (let i = 0; i < places.length; i++) {
      cumulative = Math.min(n, cumulative + places[i]!);
      if (e.rank <= cumulative) return rule.tiers[i]!.tier;
    }
    return null;
  });
}

/**
 * Within the quota: an entry keeps its tier when it has one and the entries with a tier ranked
 * at or above it (its whole tied group included) fit in the quota.
 */
function reference(ranked: RankedEntry[], rule: AwardRule, quota: number): (AwardTier | null)[] {
  const tiers = referenceTiers(ranked, rule);
  return ranked.map((e, i) => {
    if (tiers[i] === null) return null;
    const atOrAbove = ranked.filter((x, j) => tiers[j] !== null && x.rank <= e.rank).length;
    return atOrAbove <= quota ? tiers[i]! : null;
  });
}

const tierSubset = fc
  .subarray([...AWARD_TIERS], { minLength: 1 })
  .map((ts) => AWARD_TIERS.filter((t) => ts.includes(t)));

const rules: fc.Arbitrary<AwardRule> = fc.oneof(
  tierSubset.chain((ts) =>
    fc
      .array(fc.integer({ min: 0, max: 8 }), { minLength: ts.length, maxLength: ts.length })
      .map((counts) => ({ by: 'COUNT' as const, tiers: ts.map((tier, i) => ({ tier, count: counts[i]! })) })),
  ),
  tierSubset.chain((ts) =>
    fc
      .array(fc.integer({ min: 0, max: 10000 }), { minLength: ts.length, maxLength: ts.length })
      .filter((hs) => hs.reduce((a, b) => a + b, 0) <= 10000)
      .map((hs) => ({
        by: 'PERCENT' as const,
        tiers: ts.map((tier, i) => ({ tier, percent: hs[i]! / 100 })),
      })),
  ),
  tierSubset.chain((ts) =>
    fc
      .array(fc.integer({ min: 0, max: 100 }), { minLength: ts.length, maxLength: ts.length })
      .map((mins) => mins.sort((a, b) => b - a))
      .map((mins) => ({
        by: 'THRESHOLD' as const,
        tiers: ts.map((tier, i) => ({ tier, minTotal: mins[i]! })),
      })),
  ),
);

// Few distinct totals, so ties (across every cut) are common.
const totals = fc.array(
  fc.integer({ min: 0, max: 6 }).map((x) => x * 15),
  { maxLength: 25 },
);

// ---------------------------------------------------------------- through the API

let t: TestApp;
let w: World;
let n = 0;
const unique = (s: string) => `${s}${++n}`;

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
});
afterAll(async () => t?.close());

const SCHEME = JSON.stringify({
  modules: [
    {
      code: 'P',
      name: '项目',
      weight: 100,
      criteria: [
        {
          code: 'P1',
          name: '创新',
          aspects: [
            {
              code: 'P1',
              description: '创新',
              kind: 'MEASUREMENT',
              maxMark: 10,
              aggregation: { method: 'MEAN' },
              tolerance: null,
            },
          ],
        },
      ],
    },
  ],
});

/** Runs a typed mutation as `token` with `input`; throws on any top-level or payload error. */
async function ok<R, I>(token: string, doc: TypedDocumentNode<R, { input: I }>, input: I): Promise<R> {
  const r = await t.gql(doc, { input }, { token });
  const payload = r.data && (Object.values(r.data as object)[0] as { errors?: unknown[] } | null);
  if (r.errors || !payload || payload.errors?.length) throw new Error(JSON.stringify(r));
  return r.data!;
}

interface Category {
  quota: number;
  /** One person's entry per mark (the judge's mark of its one aspect). */
  marks: number[];
  awards: AwardRuleInput;
}

/**
 * A 西安 campaign whose categories each have only a final round, one entry per mark, marked by
 * one reviewer; the awards rule set while it runs; published; with `finalize`, final.
 * Returns each category's final round and the people behind its entries.
 */
async function campaign(categories: Category[], { finalize = false } = {}) {
  const organizer = w.tokens.xian;
  const created = await ok(organizer, CreateCampaignDocument, {
    name: unique('科技节'),
    hostId: orgId(w.orgs.xian),
    year: 2024,
    submissionsOpenAt: new Date(Date.now() - 60_000).toISOString(),
    submissionsCloseAt: new Date(Date.now() + 3_600_000).toISOString(),
    categories: categories.map((c, i) => ({ code: `C${i}`, name: `类别${i}`, awardQuota: c.quota })),
  });
  const competitionId = created.createCampaign.campaign!.id;
  const lead = await t.account(Role.CHIEF_JUDGE, w.orgs.xian);
  const judge = await t.account(Role.JUDGE, w.orgs.xian);
  const out: { roundId: string; people: string[]; entrants: string[] }[] = [];
  for (const cat of created.createCampaign.campaign!.categories!) {
    const r = await ok(organizer, AddRoundDocument, { categoryId: cat.id, kind: 'FINAL' as const });
    const roundId = r.addRound.round!.id;
    await ok(organizer, SetMarkingSchemeDocument, {
      tradeId: roundId,
      format: 'JSON',
      content: SCHEME,
    });
    await ok(organizer, AssignJudgeDocument, {
      tradeId: roundId,
      accountId: gid('Account', lead.account.id),
      role: 'CHIEF_JUDGE',
    });
    out.push({ roundId, people: [], entrants: [] });
  }
  await moveTo(t, organizer, competitionId, 'REGISTRATION_OPEN');
  for (const [i, cat] of created.createCampaign.campaign!.categories!.entries()) {
    for (let k = 0; k < categories[i]!.marks.length; k++) {
      const personId = await createPerson(t, organizer, w.orgs.xianFirm, unique('创新者'));
      const s = await ok(organizer, SubmitEntryDocument, {
        categoryId: cat.id,
        title: unique('项目'),
        personId,
      });
      await ok(organizer, ReviewEligibilityDocument, {
        submissionId: s.submitEntry.submission!.id,
        eligible: true,
      });
      const [e] = await t.sql<{ id: number }>('select id from entrant where submission_id = ?', [
        dbId(s.submitEntry.submission!.id),
      ]);
      out[i]!.people.push(personId);
      out[i]!.entrants.push(gid('Entrant', e!.id));
    }
  }
  await moveTo(t, organizer, competitionId, 'RUNNING');
  for (const [i, f] of out.entries()) {
    await ok(organizer, AssignReviewersDocument, {
      tradeId: f.roundId,
      judgeIds: [gid('Account', judge.account.id)],
      perSubmission: 1,
      maxPerJudge: 100,
    });
    const marked = await tablet<{ submitMarks: { outcomes: { status: string }[] } }>(
      t,
      judge.token,
      'TabletSubmitMarks',
      {
        input: {
          deviceId: 'tablet',
          marks: f.entrants.map((entrantId, k) => ({
            idempotencyKey: randomUUID(),
            entrantId,
            aspectCode: 'P1',
            value: categories[i]!.marks[k]!,
          })),
        },
      },
    );
    expect(marked.submitMarks.outcomes.map((o) => o.status)).toEqual(f.entrants.map(() => 'ACCEPTED'));
    await ok(organizer, SetResultsRulesDocument, {
      tradeId: f.roundId,
      tieBreak: [],
      awards: categories[i]!.awards,
    });
    await tablet(t, lead.token, 'TabletLockMarks', { input: { targetId: f.roundId } });
  }
  await moveTo(t, organizer, competitionId, 'SCORING_CLOSED', 'PUBLISHED');
  if (finalize) {
    await t.sql(`update competition set notice_ends_at = now() - interval '1 second' where id = ?`, [
      dbId(competitionId),
    ]);
    await moveTo(t, organizer, competitionId, 'FINAL');
  }
  return out;
}

async function awardsOf(roundId: string): Promise<(string | null)[]> {
  const r = await t.gql(TradeResultsDocument, { tradeId: roundId });
  return [...r.data!.trade!.results!].sort((a, b) => a.rank - b.rank).map((x) => x.awardTier);
}

/** The round's leaderboard as the host's organizer sees it: tiers, best first. */
async function boardOf(roundId: string): Promise<(string | null)[]> {
  const r = await t.gql(TradeBoardDocument, { tradeId: roundId, first: 20 }, { token: w.tokens.xian });
  return r.data!.trade!.board!.nodes.map((x) => x.awardTier);
}

const PERCENT_100: AwardRuleInput = { by: 'PERCENT', tiers: [{ tier: 'FIRST', percent: 100 }] };

test('quota 1, three entries, PERCENT 100: one award', async () => {
  const [f] = await campaign([{ quota: 1, marks: [9, 8, 7], awards: PERCENT_100 }]);
  expect(await awardsOf(f!.roundId)).toEqual(['FIRST', null, null]);
  // The live board cuts as the results do.
  expect(await boardOf(f!.roundId)).toEqual(['FIRST', null, null]);
});

test('a THRESHOLD rule all three pass, quota 2: two awards', async () => {
  const [f] = await campaign([
    { quota: 2, marks: [9, 8, 7], awards: { by: 'THRESHOLD', tiers: [{ tier: 'FIRST', minTotal: 10 }] } },
  ]);
  expect(await awardsOf(f!.roundId)).toEqual(['FIRST', 'FIRST', null]);
});

test('a tie across the cut (quota 1, two equal best entries): no award, since neither is better', async () => {
  const [f] = await campaign([{ quota: 1, marks: [8, 8, 7], awards: PERCENT_100 }]);
  expect(await awardsOf(f!.roundId)).toEqual([null, null, null]);
  expect(await boardOf(f!.roundId)).toEqual([null, null, null]);
});

test('two categories of quota 1, PERCENT 100, three entries each: two honors after finalizing', async () => {
  const before = await t.sql<{ n: string }>('select count(*) as n from honor');
  const rounds = await campaign(
    [
      { quota: 1, marks: [9, 8, 7], awards: PERCENT_100 },
      { quota: 1, marks: [6, 9, 8], awards: PERCENT_100 },
    ],
    { finalize: true },
  );
  const after = await t.sql<{ n: string }>('select count(*) as n from honor');
  expect(Number(after[0]!.n) - Number(before[0]!.n)).toBe(2);
  // The honors are the winners': the best entry of each category.
  const holders = await t.sql<{ person_id: number }>(
    'select person_id from honor where person_id = any(?::int[]) order by person_id',
    [`{${rounds.flatMap((r) => r.people.map(dbId)).join(',')}}`],
  );
  expect(holders.map((h) => h.person_id).sort()).toEqual(
    [dbId(rounds[0]!.people[0]!), dbId(rounds[1]!.people[1]!)].sort(),
  );
});

// Pure, and last: a long synchronous run must not stall the server's connections mid-test.
describe('capAwardsAtQuota', () => {
  test('matches the reference, never passes the quota, never splits a tie', () => {
    fc.assert(
      fc.property(totals, rules, fc.integer({ min: 0, max: 12 }), (ts, rule, quota) => {
        const ranked = ranking(ts);
        const capped = capAwardsAtQuota(awardTiers(ranked, rule), quota);
        const tiers = capped.entries.map((e) => e.tier);
        expect(tiers).toEqual(reference(ranked, rule, quota));
        expect(tiers.filter((x) => x !== null).length).toBeLessThanOrEqual(quota);
        for (const a of capped.entries)
          for (const b of capped.entries) {
            // Equal ranks, equal tiers; a better rank never has a worse tier (or none).
            if (a.rank === b.rank) expect(a.tier).toBe(b.tier);
            if (a.rank < b.rank && b.tier !== null) {
              expect(a.tier).not.toBeNull();
              expect(AWARD_TIERS.indexOf(a.tier!)).toBeLessThanOrEqual(AWARD_TIERS.indexOf(b.tier));
            }
          }
        for (const t of capped.tiers)
          expect(t.awarded).toBe(capped.entries.filter((e) => e.tier === t.tier).length);
      }),
      { numRuns: 2000 },
    );
  });

  test('only what does not fit is dropped: the first tied group cut would have passed the quota', () => {
    fc.assert(
      fc.property(totals, rules, fc.integer({ min: 0, max: 12 }), (ts, rule, quota) => {
        const ranked = ranking(ts);
        const uncapped = awardTiers(ranked, rule).entries;
        const kept = capAwardsAtQuota(awardTiers(ranked, rule), quota).entries;
        const lost = kept.filter((e, i) => e.tier === null && uncapped[i]!.tier !== null);
        if (lost.length === 0) return;
        const best = Math.min(...lost.map((e) => e.rank));
        const group = lost.filter((e) => e.rank === best).length;
        const awarded = kept.filter((e) => e.tier !== null).length;
        expect(awarded + group).toBeGreaterThan(quota);
      }),
      { numRuns: 1000 },
    );
  });

  test('a board page (ranks by position, the rule’s lookup) gets the same tiers', () => {
    fc.assert(
      fc.property(totals, rules, fc.integer({ min: 0, max: 12 }), (ts, rule, quota) => {
        const ranked = ranking(ts);
        const capped = capAwardsAtQuota(awardTiers(ranked, rule), quota).entries.map((e) => e.tier);
        const byPosition = [...ranked].sort((a, b) => a.rank - b.rank);
        const tierOf = tierLookup(rule, ranked.length);
        const within = quotaCut(quota, ranked.length, (p) => byPosition[p]!.rank);
        expect(ranked.map((e) => (within(e.rank) ? tierOf(e.rank, e.total) : null))).toEqual(capped);
      }),
      { numRuns: 1000 },
    );
  });

  test('the README cases', () => {
    const percent100: AwardRule = { by: 'PERCENT', tiers: [{ tier: 'FIRST', percent: 100 }] };
    // Quota 1, three entries, PERCENT 100: one award.
    expect(
      capAwardsAtQuota(awardTiers(ranking([90, 80, 70]), percent100), 1).entries.map((e) => e.tier),
    ).toEqual(['FIRST', null, null]);
    // Quota 2, a tie for second: the first keeps its award, the tied pair gets none, nor does the fourth.
    const count: AwardRule = {
      by: 'COUNT',
      tiers: [
        { tier: 'FIRST', count: 1 },
        { tier: 'SECOND', count: 2 },
      ],
    };
    expect(
      capAwardsAtQuota(awardTiers(ranking([90, 80, 80, 70]), count), 2).entries.map((e) => e.tier),
    ).toEqual(['FIRST', null, null, null]);
  });
});
