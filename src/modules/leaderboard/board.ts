import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../shared/db/paging';
import { toGlobalId } from '../../shared/graphql/relay';
import { AWARD_TIER_LABELS, type AwardTier, tierLookup } from '../scoring/ranking';
import type { ResultsRules } from '../scoring/results-rules';
import { quotaCut } from '../scoring/award-quota';
import { ENTRANT_UNIT } from '../scoring/marks.service';
import { RankIndex, type RankEntry } from './rank-index';

export type BoardView = 'JURY' | 'PUBLIC';

/** What a viewer may see of a board: the live or the public (frozen) columns, identities, awards. */
export interface BoardLens {
  view: BoardView;
  identities: boolean;
  awards: boolean;
}

export interface BoardRowView {
  rank: number;
  entrantId: string;
  tradeId: string;
  anonymousNumber: string | null;
  name: string | null;
  unit: string | null;
  total: number;
  modules: { code: string; weighted: number }[];
  awardTier: AwardTier | null;
  awardLabel: string | null;
}

export interface BoardFrameView {
  tradeId: string;
  kind: 'SNAPSHOT' | 'DELTA' | 'END';
  /** A SNAPSHOT sent to a client that asked to resume, because the history no longer had its frames. */
  restart: boolean;
  /** END: the stage the competition moved to (null when the server is shutting down). */
  stage: string | null;
  endReason: 'STAGE_CHANGED' | 'SHUTTING_DOWN' | null;
  seq: number;
  previousSeq: number | null;
  view: BoardView;
  frozen: boolean;
  entrantCount: number;
  rows: BoardRowView[];
  removed: string[];
}

interface EntryRow {
  entrant_id: number;
  total: string;
  tie_break: number[];
  public_total: string | null;
  public_tie_break: number[] | null;
  active: boolean;
  public_active: boolean;
}

/**
 * One trade's board in this process: two rank indexes (the jury's live one and the public one,
 * which stops moving at the freeze) over the board rows in the database. The database is the
 * truth: `catchUp` reads the rows changed since the last applied seq, so a board is right however
 * late or often change events arrive; events only make it push sooner.
 */
export class Board {
  readonly jury = new RankIndex();
  readonly public = new RankIndex();
  seq = -1;
  /** The public board's own seq: it moves only when the public board does (never during a freeze). */
  publicSeq = -1;
  frozen = false;
  /** The freeze moment (ms since the epoch), past or future; null when none is set. */
  freezeAt: number | null = null;
  competitionId = 0;
  rules: ResultsRules | null = null;
  /** The campaign category's award quota, for a campaign round; null otherwise. */
  awardQuota: number | null = null;
  /** Change events heard, and how many of them the last check had seen when it began. */
  private changes = 1;
  private seenChanges = 0;
  private checkedAt = 0;
  /** The catch-up running now (one at a time per board) and the change count it began at. */
  private running: { done: Promise<void>; changes: number } | null = null;
  /** Row details (number, name, unit, modules) by entrant, dropped when the row changes. */
  private readonly details = new Map<number, Detail>();

  constructor(
    readonly tradeId: number,
    /** Whether what was read at a moment still holds unless a change is announced (change notices). */
    private readonly trusts: (readAt: number) => boolean = () => false,
  ) {}

  /** A change event: the next read checks the database whatever the freshness window. */
  markDirty(): void {
    this.changes++;
  }

  /**
   * Brings the board up to date when it must be: a change was announced since the last check, or
   * that check is FRESH_MS old (TRUSTED_MS while PostgreSQL's change notices are heard, as every
   * change is then announced). Past half that age a read still answers from memory at once and a
   * check starts behind it, so under steady reads no read waits for the database (refresh-ahead).
   */
  catchUp(em: () => EntityManager): Promise<void> {
    const age = Date.now() - this.checkedAt;
    const freshFor = this.trusts(this.checkedAt) ? TRUSTED_MS : FRESH_MS;
    if (this.seenChanges === this.changes && age < freshFor) {
      if (age >= freshFor / 2 && !this.running) void this.check(em()).catch(() => {});
      return Promise.resolve();
    }
    // Joins a check that began after the last change; otherwise starts one after it.
    if (this.running && this.running.changes === this.changes) return this.running.done;
    return this.check(em());
  }

  private check(em: EntityManager): Promise<void> {
    const changes = this.changes;
    const before = this.running?.done.catch(() => {}) ?? Promise.resolve();
    const done = before.then(() => this.apply(em, changes));
    const running = { done, changes };
    this.running = running;
    const clear = () => {
      if (this.running === running) this.running = null;
    };
    done.then(clear, clear);
    return done;
  }

  forgetDetails(): void {
    this.details.clear();
  }

  /** Reads what changed, then applies it all at once: a read in between sees the old board whole. */
  private async apply(em: EntityManager, changes: number): Promise<void> {
    const startedAt = Date.now();
    const [t] = await em.execute<
      {
        board_seq: string;
        public_seq: string;
        frozen: boolean;
        freeze_at: Date | string | null;
        competition_id: number;
        results_rules: ResultsRules | null;
        award_quota: number | null;
      }[]
    >(
      `select board_seq, public_seq, competition_id, results_rules, board_freeze_at as freeze_at,
              (select award_quota from campaign_category k where k.id = trade.category_id) as award_quota,
              board_freeze_at is not null and board_freeze_at <= now() as frozen
         from trade where id = ?`,
      [this.tradeId],
    );
    if (!t) return;
    const target = Number(t.board_seq);
    const rows =
      target === this.seq
        ? []
        : await em.execute<EntryRow[]>(
            `select entrant_id, total, tie_break, public_total, public_tie_break, active, public_active
               from board_entry where trade_id = ? and seq > ? and seq <= ?`,
            [this.tradeId, this.seq, target],
          );
    this.seenChanges = changes;
    this.checkedAt = startedAt;
    this.frozen = t.frozen;
    this.freezeAt = t.freeze_at === null ? null : new Date(t.freeze_at).getTime();
    this.competitionId = t.competition_id;
    this.rules = t.results_rules;
    this.awardQuota = t.award_quota;
    this.publicSeq = Number(t.public_seq);
    if (target === this.seq) return;
    const first = this.seq < 0;
    const jury: RankEntry[] = [];
    const pub: RankEntry[] = [];
    for (const r of rows) {
      this.details.delete(r.entrant_id);
      const live = r.active ? { id: r.entrant_id, total: Number(r.total), tieBreak: r.tie_break } : null;
      const shown =
        r.public_active && r.public_total !== null
          ? { id: r.entrant_id, total: Number(r.public_total), tieBreak: r.public_tie_break ?? [] }
          : null;
      if (first) {
        if (live) jury.push(live);
        if (shown) pub.push(shown);
        continue;
      }
      if (live) this.jury.upsert(live);
      else this.jury.remove(r.entrant_id);
      if (shown) this.public.upsert(shown);
      else this.public.remove(r.entrant_id);
    }
    if (first) {
      this.jury.reset(jury);
      this.public.reset(pub);
    }
    this.seq = target;
  }

  index(view: BoardView): RankIndex {
    return view === 'JURY' ? this.jury : this.public;
  }

  /** The seq this view's readers are shown: the public board has its own. */
  seqFor(view: BoardView): number {
    return view === 'JURY' ? this.seq : this.publicSeq;
  }

  /** Whether this view is frozen: the public one after the freeze moment; the jury's never. */
  frozenFor(view: BoardView): boolean {
    return view === 'PUBLIC' && this.frozen;
  }

  /**
   * Rows of the board at positions [from, from + count) as this lens shows them; one query for
   * the details not cached (number, identity, unit, modules), none when `details` is false (the
   * caller reads only ranks and totals).
   */
  async rows(
    /** Called only when details must be read. */
    em: () => EntityManager,
    lens: BoardLens,
    from: number,
    count: number,
    details = true,
  ): Promise<BoardRowView[]> {
    const index = this.index(lens.view);
    const ranks = index.ranksAt(from, count);
    const tierOf = lens.awards && this.rules?.awards ? tierLookup(this.rules.awards, index.size) : null;
    // A campaign round's awards stay within its category's quota, cut as the results cut them.
    const within =
      this.awardQuota === null ? () => true : quotaCut(this.awardQuota, index.size, (p) => index.rankAt(p));
    const placed = index.page(from, count).map((entry, i) => ({
      entry,
      rank: ranks[i]!,
      tier: tierOf && within(ranks[i]!) ? tierOf(ranks[i]!, entry.total) : null,
    }));
    const page = new Map<number, Detail>();
    const missing: number[] = [];
    if (!details) return toRowViews(lens, this.tradeId, placed, page);
    for (const { entry } of placed) {
      const d = this.details.get(entry.id);
      if (!d) {
        missing.push(entry.id);
        continue;
      }
      // Most recently read last: the screens' top pages stay, one-off lookups age out.
      this.details.delete(entry.id);
      this.details.set(entry.id, d);
      page.set(entry.id, d);
    }
    if (missing.length) {
      for (const d of await fetchDetails(em(), missing)) {
        this.details.set(d.id, d);
        page.set(d.id, d);
      }
      for (const id of this.details.keys()) {
        if (this.details.size <= MAX_CACHED_DETAILS) break;
        this.details.delete(id);
      }
    }
    return toRowViews(lens, this.tradeId, placed, page);
  }
}

interface Detail {
  id: number;
  trade_id: number;
  lot_code: string | null;
  name: string | null;
  unit: string | null;
  modules: { code: string; weighted: number }[];
  public_modules: { code: string; weighted: number }[] | null;
  gid?: string;
  tradeGid?: string;
}

type Placed = { entry: Pick<RankEntry, 'id' | 'total'>; rank: number; tier: AwardTier | null }[];

/** Row details kept per board: the pages screens show, and room for lookups around them. */
const MAX_CACHED_DETAILS = 10_000;

export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The database decides when the freeze has begun (its `now()`); a little after, to be past it. */
export const FREEZE_MARGIN_MS = 100;

/** How long a board read trusts its last check of the database when no change was announced. */
const FRESH_MS = 50;
/** The same while change notices are heard: a safety bound, since every change is then announced. */
const TRUSTED_MS = 60_000;

async function fetchDetails(em: EntityManager, ids: number[]): Promise<Detail[]> {
  const rows = await em.execute<Detail[]>(
    `select e.id, e.trade_id, e.lot_code, ${ENTRANT_UNIT.name} as name, ${ENTRANT_UNIT.unitName} as unit,
            b.modules, b.public_modules
       from entrant e join board_entry b on b.entrant_id = e.id
       ${ENTRANT_UNIT.joins}
      where e.id = any(?::int[])`,
    [pgArray(ids)],
  );
  // Encoded once per cached detail, not on every read of the page.
  for (const d of rows) {
    d.gid = toGlobalId('Entrant', d.id);
    d.tradeGid = toGlobalId('Trade', d.trade_id);
  }
  return rows;
}

function toRowViews(
  lens: BoardLens,
  tradeId: number | null,
  placed: Placed,
  byId: ReadonlyMap<number, Detail>,
) {
  return placed.map(({ entry: e, rank, tier }): BoardRowView => {
    const d = byId.get(e.id);
    return {
      rank,
      entrantId: d?.gid ?? toGlobalId('Entrant', e.id),
      tradeId: d?.tradeGid ?? toGlobalId('Trade', tradeId ?? 0),
      anonymousNumber: d?.lot_code ?? null,
      name: lens.identities ? (d?.name ?? null) : null,
      unit: lens.identities ? (d?.unit ?? null) : null,
      total: e.total,
      modules: (lens.view === 'JURY' ? d?.modules : d?.public_modules) ?? [],
      awardTier: tier,
      awardLabel: tier ? AWARD_TIER_LABELS[tier] : null,
    };
  });
}

/** Board rows with their details (number, identity, unit, modules): one query for the page. */
export async function describeRows(
  em: EntityManager,
  lens: BoardLens,
  tradeId: number | null,
  placed: Placed,
): Promise<BoardRowView[]> {
  if (placed.length === 0) return [];
  const details = await fetchDetails(
    em,
    placed.map((x) => x.entry.id),
  );
  return toRowViews(lens, tradeId, placed, new Map(details.map((d) => [d.id, d])));
}
