import { randomUUID } from 'node:crypto';
import { loadManifest } from '../src/shared/security/trusted-documents';
import { VENUE_COMPETITION, VENUE_TRADE } from './demo';

/**
 * The venue demo: on the demo data's contest under way (西安's 焊工), the demo judges mark the
 * entrants still waiting, one entrant per tick, through the public API (their tablets' trusted
 * documents, by id), now and then with a mark far from the others (a tolerance alert) or a
 * correction (ranks move). At two thirds of the way the organizer freezes the public board;
 * once everyone is marked scoring closes and the reveal ceremony runs, one row per tick. Anyone
 * with `/screen/trades/<id>` open watches it happen.
 */
export interface VenueOptions {
  /** The GraphQL endpoint of a running server. */
  url: string;
  /** The demo accounts' password (SEED_ADMIN_PASSWORD when the demo was seeded). */
  password: string;
  /** Milliseconds between steps. */
  tickMs: number;
  log: (line: string) => void;
  /** Stops the run between steps. */
  signal?: AbortSignal;
}

export interface VenueSummary {
  tradeId: string;
  screenPath: string;
  entrantsMarked: number;
  marks: number;
  corrections: number;
  toleranceAlerts: number;
  frozeAt: string | null;
  revealed: number;
}

const JUDGES = ['judge1', 'judge2', 'judge3'] as const;

interface Gql {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function playVenue(o: VenueOptions): Promise<VenueSummary> {
  const manifest = loadManifest();
  const idOf = (name: string) => {
    const found = Object.entries(manifest).find(([, text]) => new RegExp(`^\\w+ ${name}\\b`, 'm').test(text));
    if (!found) throw new Error(`the trusted-document manifest has no ${name}`);
    return found[0];
  };
  const post = async (body: Record<string, unknown>, token?: string): Promise<Record<string, unknown>> => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'apollo-require-preflight': 'true',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Gql;
      const retry = json.errors?.some((e) => e.extensions?.code === 'RATE_LIMITED' || res.status === 503);
      if (retry && attempt < 5) {
        await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000, o.signal);
        continue;
      }
      if (json.errors?.length) throw new Error(json.errors.map((e) => e.message).join('; '));
      return json.data!;
    }
  };
  const op = (query: string, variables: Record<string, unknown>, token?: string) =>
    post({ query, variables }, token);
  const tablet = (name: string, variables: Record<string, unknown>, token: string) =>
    post({ documentId: idOf(name), variables }, token);

  const signIn = async (username: string) => {
    const d = await op(
      'mutation VenueSignIn($input: SignInInput!) { signIn(input: $input) { token errors { code message } } }',
      { input: { username, password: o.password } },
    );
    const r = d.signIn as { token: string | null; errors: { message: string }[] };
    if (!r.token) throw new Error(`${username} cannot sign in: ${r.errors.map((e) => e.message).join('; ')}`);
    return r.token;
  };
  const organizer = await signIn('xian');
  const chief = await signIn('chief1');
  const judges = await Promise.all(JUDGES.map(signIn));

  const found = (await op(
    `query VenueTrade($search: String!) { competitions(first: 5, filter: { search: $search }) { nodes { id name status
       trades(first: 20) { nodes { id name markingScheme { modules { criteria { aspects { code kind maxMark tolerance } } } } } } } } }`,
    { search: VENUE_COMPETITION },
    organizer,
  )) as {
    competitions: {
      nodes: {
        id: string;
        name: string;
        status: string;
        trades: { nodes: { id: string; name: string; markingScheme: Scheme | null }[] };
      }[];
    };
  };
  const competition = found.competitions.nodes.find((c) => c.name === VENUE_COMPETITION);
  const trade = competition?.trades.nodes.find((t) => t.name === VENUE_TRADE);
  if (!competition || !trade?.markingScheme)
    throw new Error(
      `${VENUE_COMPETITION} · ${VENUE_TRADE} is not in this database: run \`npm run seed\` first.`,
    );
  if (competition.status !== 'RUNNING')
    throw new Error(
      `${VENUE_COMPETITION} is ${competition.status}, no longer under way: seed a fresh database to play it again.`,
    );
  const aspects = trade.markingScheme.modules.flatMap((m) => m.criteria.flatMap((c) => c.aspects));
  const screenPath = `/screen/trades/${trade.id}`;
  o.log(`${VENUE_COMPETITION} · ${VENUE_TRADE}: the venue screen is ${new URL(screenPath, o.url).href}`);

  const drawn = (await tablet('TabletDrawnEntrants', { tradeId: trade.id, first: 100 }, judges[0])) as {
    trade: { drawnEntrants: { nodes: { id: string; anonymousNumber: string | null; status: string }[] } };
  };
  const board = async () =>
    (
      (await tablet('TabletJuryBoard', { tradeId: trade.id, first: 100 }, chief)) as {
        trade: {
          board: {
            frozen: boolean;
            totalCount: number;
            nodes: { entrantId: string; rank: number; total: number }[];
          };
        };
      }
    ).trade.board;
  const onBoard = new Set((await board()).nodes.map((r) => r.entrantId));
  const waiting = drawn.trade.drawnEntrants.nodes.filter(
    (e) => e.status === 'CHECKED_IN' && !onBoard.has(e.id),
  );
  const numberOf = new Map(drawn.trade.drawnEntrants.nodes.map((e) => [e.id, e.anonymousNumber ?? '?']));
  o.log(
    `${onBoard.size} entrants marked, ${waiting.length} waiting; ${judges.length} judges; a step every ${o.tickMs} ms`,
  );

  const summary: VenueSummary = {
    tradeId: trade.id,
    screenPath,
    entrantsMarked: 0,
    marks: 0,
    corrections: 0,
    toleranceAlerts: 0,
    frozeAt: null,
    revealed: 0,
  };
  const versions = new Map<string, number>();
  const freezeAfter = Math.ceil((waiting.length * 2) / 3);
  const started = Date.now();
  const say = (line: string) => o.log(`[${clock(Date.now() - started)}] ${line}`);

  const submit = async (judge: number, marks: Record<string, unknown>[]) => {
    const d = (await tablet(
      'TabletSubmitMarks',
      { input: { deviceId: `venue-demo-${JUDGES[judge]}`, marks } },
      judges[judge]!,
    )) as {
      submitMarks: {
        outcomes: {
          code: string | null;
          message: string | null;
          toleranceBreached: boolean;
          mark: { entrantId: string; aspectCode: string; version: number } | null;
        }[];
      };
    };
    let alerts = 0;
    for (const out of d.submitMarks.outcomes) {
      if (out.code) throw new Error(`${JUDGES[judge]}: ${out.code} ${out.message ?? ''}`);
      versions.set(`${judge}|${out.mark!.entrantId}|${out.mark!.aspectCode}`, out.mark!.version);
      if (out.toleranceBreached) alerts++;
      summary.marks++;
    }
    return alerts;
  };
  const rankOf = async (entrantId: string) => {
    const b = await board();
    const row = b.nodes.find((r) => r.entrantId === entrantId);
    return row ? `${row.total.toFixed(2)}, rank ${row.rank} of ${b.totalCount}` : 'not on the board';
  };

  for (const [i, e] of waiting.entries()) {
    if (o.signal?.aborted) return summary;
    const skill = 0.55 + Math.random() * 0.4;
    // Every fourth entrant, the third judge sees the work quite differently: an alert.
    const outlier = i % 4 === 1;
    let alerts = 0;
    for (const [j] of judges.entries()) {
      const marks = aspects.map((a) => ({
        idempotencyKey: randomUUID(),
        entrantId: e.id,
        aspectCode: a.code,
        value: valueFor(a, skill, j === 2 && outlier),
      }));
      alerts += await submit(j, marks);
    }
    summary.entrantsMarked++;
    summary.toleranceAlerts += alerts;
    say(
      `${numberOf.get(e.id)} marked by ${judges.length} judges: ${await rankOf(e.id)}` +
        (alerts ? ` — tolerance alert (${alerts} aspect${alerts > 1 ? 's' : ''}) 超差提醒` : ''),
    );
    // Every third entrant, the judge who was off corrects the mark: ranks move.
    if (outlier) {
      await sleep(o.tickMs / 2, o.signal);
      const a = aspects.find((x) => x.tolerance !== null && x.kind !== 'DEDUCTION') ?? aspects[0]!;
      const v = versions.get(`2|${e.id}|${a.code}`);
      if (v) {
        await submit(2, [
          {
            idempotencyKey: randomUUID(),
            entrantId: e.id,
            aspectCode: a.code,
            value: valueFor(a, skill, false),
            correctsVersion: v,
            reason: '复核更正',
          },
        ]);
        summary.corrections++;
        say(`${numberOf.get(e.id)} corrected by judge3 after the alert: ${await rankOf(e.id)}`);
      }
    }
    if (i + 1 === freezeAfter) {
      const at = new Date(Date.now() + o.tickMs);
      const d = (await op(
        'mutation VenueFreeze($input: SetBoardFreezeInput!) { setBoardFreeze(input: $input) { freezeAt errors { code message } } }',
        { input: { tradeId: trade.id, freezeAt: at.toISOString() } },
        organizer,
      )) as { setBoardFreeze: { freezeAt: string | null; errors: { message: string }[] } };
      if (d.setBoardFreeze.errors.length) throw new Error(d.setBoardFreeze.errors[0]!.message);
      summary.frozeAt = d.setBoardFreeze.freezeAt;
      say(
        `封榜 the public board freezes at ${at.toISOString().slice(11, 19)} UTC; the jury board stays live`,
      );
    }
    await sleep(o.tickMs, o.signal);
  }

  if (o.signal?.aborted) return summary;
  const closed = (await op(
    'mutation VenueClose($input: TransitionCompetitionInput!) { transitionCompetition(input: $input) { errors { code message } } }',
    { input: { id: competition.id, to: 'SCORING_CLOSED', reason: '比赛结束' } },
    organizer,
  )) as { transitionCompetition: { errors: { message: string }[] } };
  if (closed.transitionCompetition.errors.length)
    throw new Error(closed.transitionCompetition.errors[0]!.message);
  say('scoring closed 评分结束; the reveal ceremony begins');
  for (;;) {
    await sleep(o.tickMs, o.signal);
    if (o.signal?.aborted) return summary;
    const d = (await op(
      'mutation VenueReveal($input: RevealBoardInput!) { revealBoard(input: $input) { revealed remaining errors { code message } } }',
      { input: { tradeId: trade.id } },
      organizer,
    )) as {
      revealBoard: { revealed: string[]; remaining: number; errors: { code: string; message: string }[] };
    };
    if (d.revealBoard.errors[0]?.code === 'NOTHING_TO_DRAW') break;
    if (d.revealBoard.errors.length) throw new Error(d.revealBoard.errors[0]!.message);
    summary.revealed += d.revealBoard.revealed.length;
    for (const id of d.revealBoard.revealed)
      say(`揭晓 ${numberOf.get(id)} revealed: ${await rankOf(id)}; ${d.revealBoard.remaining} still hidden`);
    if (d.revealBoard.remaining === 0) break;
  }
  say(
    `done: ${summary.entrantsMarked} entrants marked (${summary.marks} marks, ${summary.corrections} corrections, ` +
      `${summary.toleranceAlerts} tolerance alerts), ${summary.revealed} revealed`,
  );
  return summary;
}

interface Scheme {
  modules: {
    criteria: { aspects: { code: string; kind: string; maxMark: number; tolerance: number | null }[] }[];
  }[];
}

function valueFor(
  a: { kind: string; maxMark: number; tolerance: number | null },
  skill: number,
  off: boolean,
): number {
  if (a.kind === 'DEDUCTION') return Math.random() < 0.2 ? Math.round(Math.random() * 4) : 0;
  let v = a.maxMark * Math.min(1, skill + (Math.random() - 0.5) * 0.05);
  // Well beyond the tolerance, towards the middle of the range.
  if (off) v = v > a.maxMark / 2 ? v - (a.tolerance ?? 3) * 2 - 1 : v + (a.tolerance ?? 3) * 2 + 1;
  return Math.max(0, Math.min(a.maxMark, Math.round(v * 2) / 2));
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
