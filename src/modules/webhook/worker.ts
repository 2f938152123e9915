import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEventBus } from '../../shared/events/domain-events';
import {
  WEBHOOK_EVENT_TYPES,
  webhookBody,
  subjectOf,
  type EventSubject,
  type WebhookEventType,
} from './event-types';
import { pgArray } from '../../shared/db/paging';
import { signatureHeaders } from './signing';
import { checkReceiverUrl, guardedLookup, RefusedUrl } from './ssrf';

declare module '../../shared/graphql/context' {
  interface ContextServices {
    /** The process's webhook worker (its settings and clock, and a nudge after a change). */
    webhooks: WebhookWorker;
  }
}

/**
 * Waits before each retry (after attempt 1, 2, …): 5 s up to 8 h, about 32 h in all, so a receiver
 * down for a day still gets every event. A delivery whose last attempt fails disables its endpoint.
 */
export const RETRY_SCHEDULE_MS = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 28_800_000,
  28_800_000,
];
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;

export interface WebhookSettings {
  pollMs: number;
  timeoutMs: number;
  allowPrivate: boolean;
  /** The time the worker goes by (tests move it forward to walk the retry schedule). */
  clock: () => Date;
}

interface Claimed {
  id: number;
  endpoint_id: number;
  event_id: string;
  event_type: WebhookEventType;
  event: unknown;
  occurred_at: string;
  attempts: number;
}

interface Target {
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  /** Whether the endpoint's union still holds the event's subject and the owner still may read it. */
  readable: boolean;
}

/** The union path an event's subject belongs to (its competition's host), as a subquery on `?`. */
const SUBJECT_PATH = {
  trade: `select o.path from trade t join competition c on c.id = t.competition_id
            join organization o on o.id = c.host_id where t.id = ?`,
  competition: `select o.path from competition c join organization o on o.id = c.host_id where c.id = ?`,
};

function subjectPathSql(s: EventSubject): { sql: string; id: number } {
  return 'tradeId' in s
    ? { sql: SUBJECT_PATH.trade, id: s.tradeId }
    : { sql: SUBJECT_PATH.competition, id: s.competitionId };
}

async function subjectPath(em: EntityManager, s: EventSubject): Promise<string | null> {
  const q = subjectPathSql(s);
  const [row] = await em.execute<{ path: string | null }[]>(`select (${q.sql})::text as path`, [q.id]);
  return row?.path ?? null;
}

/**
 * Webhooks' two halves: the reaction that turns each outbox event into one delivery row per
 * matching endpoint (the unique (endpoint, event) key drops a redelivered event), and the worker
 * that claims due rows with FOR UPDATE SKIP LOCKED (any instance), posts them signed, logs every
 * attempt and schedules the retries.
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private closed = false;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly fork: () => EntityManager,
    readonly settings: WebhookSettings,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Subscribes the fan-out to every webhook event type of the bus (after commit and on redelivery). */
  listen(events: DomainEventBus): void {
    for (const type of WEBHOOK_EVENT_TYPES)
      events.on(type, (payload, { id }) => this.track(this.fanOut(type, id, payload)));
  }

  // The promise goes back to the bus: the outbox marks the event delivered once its rows are written.
  private track(work: Promise<void>): Promise<void> {
    const done = work
      .catch((e: unknown) =>
        this.log(`webhooks: fan-out failed: ${e instanceof Error ? e.message : String(e)}`),
      )
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
    return done;
  }

  private queued: {
    type: WebhookEventType;
    eventId: string;
    payload: unknown;
    settle: (error?: unknown) => void;
  }[] = [];

  /**
   * One delivery row per enabled endpoint that wants the type and whose union holds the subject.
   * The events handed over in one turn of the event loop (a mark's commit brings two) are fanned
   * out by one statement; the promise settles when that statement has.
   */
  fanOut(type: WebhookEventType, eventId: string, payload: unknown): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ type, eventId, payload, settle: (e) => (e ? reject(e) : resolve()) });
      if (this.queued.length === 1) setImmediate(() => void this.fanOutQueued());
    });
  }

  private async fanOutQueued(): Promise<void> {
    const batch: (WebhookWorker['queued'][number] & { subject: EventSubject })[] = [];
    for (const b of this.queued.splice(0)) {
      try {
        batch.push({ ...b, subject: subjectOf(b.type, b.payload as Record<string, unknown>) });
      } catch (e) {
        b.settle(e);
      }
    }
    if (!batch.length) return;
    try {
      const now = this.settings.clock();
      const rows = await this.fork().execute<unknown[]>(
        `insert into webhook_delivery (endpoint_id, event_id, event_type, event, occurred_at, next_attempt_at)
         select e.id, v.event_id, v.event_type, v.event::jsonb, ?, ?
           from unnest(?::uuid[], ?::text[], ?::text[], ?::int[], ?::int[])
                  as v(event_id, event_type, event, trade_id, competition_id)
           join lateral (select coalesce((${SUBJECT_PATH.trade.replace('?', 'v.trade_id')}),
                                         (${SUBJECT_PATH.competition.replace('?', 'v.competition_id')})) as path) s
             on s.path is not null
           join webhook_endpoint e on e.enabled and v.event_type = any(e.event_types)
           join organization o on o.id = e.organization_id and s.path <@ o.path
         on conflict (endpoint_id, event_id) do nothing returning id`,
        [
          now,
          now,
          pgArray(batch.map((b) => b.eventId)),
          pgArray(batch.map((b) => b.type)),
          pgArray(batch.map((b) => JSON.stringify(b.payload))),
          pgArray(batch.map(({ subject: s }) => ('tradeId' in s ? s.tradeId : null))),
          pgArray(batch.map(({ subject: s }) => ('competitionId' in s ? s.competitionId : null))),
        ],
      );
      if (rows.length) this.poke();
      for (const b of batch) b.settle();
    } catch (e) {
      for (const b of batch) b.settle(e);
    }
  }

  /** Starts polling: a turn now, then one every `pollMs`; resolves when the first turn is done. */
  start(): Promise<void> {
    const turn = (): Promise<void> => {
      if (this.closed) return Promise.resolve();
      this.timer = null;
      return this.runOnce()
        .then(
          () => undefined,
          (e: unknown) => this.log(`webhooks: turn failed: ${e instanceof Error ? e.message : String(e)}`),
        )
        .finally(() => {
          if (!this.closed && !this.timer) this.timer = setTimeout(turn, this.settings.pollMs);
        });
    };
    this.turn = turn;
    return turn();
  }

  private turn: (() => Promise<void>) | null = null;

  /** Something is due now (a new delivery, a resend): take a turn without waiting for the poll. */
  poke(): void {
    if (this.closed || !this.turn || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.turn();
  }

  /** Claims the due deliveries and attempts each once; resolves with how many. */
  runOnce(): Promise<number> {
    this.running ??= this.claimAndSend().finally(() => (this.running = null));
    return this.running;
  }

  private async claimAndSend(): Promise<number> {
    const now = this.settings.clock();
    // The claim is a lease: the row's next attempt moves past the request's timeout, so no other
    // instance takes it meanwhile, and a crash mid-attempt leaves it for a later turn.
    const lease = new Date(now.getTime() + this.settings.timeoutMs + 60_000);
    const claimed = await this.fork().execute<Claimed[]>(
      `update webhook_delivery d set next_attempt_at = ?
        where d.id in (select d2.id from webhook_delivery d2 join webhook_endpoint e on e.id = d2.endpoint_id
                        where d2.status = 'PENDING' and e.enabled and d2.next_attempt_at <= ?
                        order by d2.next_attempt_at limit 20 for update of d2 skip locked)
       returning d.id, d.endpoint_id, d.event_id, d.event_type, d.event, d.occurred_at, d.attempts`,
      [lease, now],
    );
    await Promise.all(claimed.map((d) => this.attempt(d)));
    return claimed.length;
  }

  private async target(em: EntityManager, d: Claimed): Promise<Target | null> {
    const path = await subjectPath(em, subjectOf(d.event_type, d.event as Record<string, unknown>));
    const [row] = await em.execute<Target[]>(
      `select e.url, e.secret, e.previous_secret, e.previous_secret_expires_at,
              (?::ltree is not null and ?::ltree <@ eo.path and case
                 when e.owner_account_id is not null then exists (
                   select 1 from account a left join organization ao on ao.id = a.organization_id
                    where a.id = e.owner_account_id and a.active
                      and (a.role = 'PLATFORM_ADMIN' or (a.role = 'ORGANIZER' and eo.path <@ ao.path)))
                 else exists (
                   select 1 from api_key k join organization ko on ko.id = k.organization_id
                    where k.id = e.owner_api_key_id and k.revoked_at is null and eo.path <@ ko.path)
               end) as readable
         from webhook_endpoint e join organization eo on eo.id = e.organization_id where e.id = ?`,
      [path, path, d.endpoint_id],
    );
    return row ?? null;
  }

  private async attempt(d: Claimed): Promise<void> {
    const em = this.fork();
    const target = await this.target(em, d);
    if (!target) return; // the endpoint was deleted with its deliveries
    if (!target.readable) {
      // Read at delivery time: the subject left the endpoint's union, or the owner lost access.
      await em.execute(`update webhook_delivery set status = 'SKIPPED' where id = ?`, [d.id]);
      return;
    }
    const at = this.settings.clock();
    const secrets = [target.secret];
    if (
      target.previous_secret &&
      target.previous_secret_expires_at &&
      new Date(target.previous_secret_expires_at) > at
    )
      secrets.push(target.previous_secret);
    const body = webhookBody(d.event_type, d.event_id, new Date(d.occurred_at), d.event);
    const headers = signatureHeaders(secrets, d.event_id, at, body);
    const started = performance.now();
    const outcome = await this.post(target.url, headers, body);
    const durationMs = Math.round(performance.now() - started);
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    const attempts = d.attempts + 1;
    await em.transactional(async (tx) => {
      const t = tx as EntityManager;
      await t.execute(
        'insert into webhook_attempt (delivery_id, attempted_at, status_code, error, duration_ms) values (?, ?, ?, ?, ?)',
        [d.id, at, outcome.status, outcome.error, durationMs],
      );
      if (ok) {
        await t.execute(`update webhook_delivery set status = 'SUCCEEDED', attempts = ? where id = ?`, [
          attempts,
          d.id,
        ]);
        await t.execute('update webhook_endpoint set consecutive_failures = 0 where id = ?', [d.endpoint_id]);
        return;
      }
      const exhausted = attempts >= MAX_ATTEMPTS;
      const next = new Date(at.getTime() + (RETRY_SCHEDULE_MS[attempts - 1] ?? 0));
      await t.execute(
        `update webhook_delivery set status = ?, attempts = ?, next_attempt_at = ? where id = ?`,
        [exhausted ? 'FAILED' : 'PENDING', attempts, next, d.id],
      );
      const why = outcome.error ?? `HTTP ${outcome.status}`;
      await t.execute(
        `update webhook_endpoint set consecutive_failures = consecutive_failures + 1,
           enabled = enabled and not ?, disabled_reason = case when ? then ? else disabled_reason end
         where id = ?`,
        [
          exhausted,
          exhausted,
          `Disabled at ${at.toISOString()}: all ${MAX_ATTEMPTS} attempts of the delivery of event ${d.event_id} failed (last: ${why}).`,
          d.endpoint_id,
        ],
      );
    });
  }

  /** Posts the body; an answer's status, or why there was none (refused, timed out, unreachable). */
  private async post(
    raw: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number | null; error: string | null }> {
    let url: URL;
    try {
      url = await checkReceiverUrl(raw, this.settings.allowPrivate);
    } catch (e) {
      return { status: null, error: e instanceof RefusedUrl ? `refused: ${e.message}` : String(e) };
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = send(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Jingsai-Webhooks/1' },
          lookup: guardedLookup(this.settings.allowPrivate) as never,
          timeout: this.settings.timeoutMs,
        },
        (res) => {
          res.resume(); // the body is not read; only the status counts
          res.on('end', () => resolve({ status: res.statusCode ?? null, error: null }));
          res.on('error', () => resolve({ status: res.statusCode ?? null, error: null }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.settings.timeoutMs} ms`)));
      req.on('error', (e) => resolve({ status: null, error: e.message }));
      req.end(body);
    });
  }

  /** Stops polling and waits for the fan-outs and attempts in flight. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([...this.pending]);
    await this.running?.catch(() => {});
  }
}
