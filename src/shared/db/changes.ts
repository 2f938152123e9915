import { Client } from 'pg';

/** The channel the triggers of migration `change_notices` announce on. */
export const CHANGES_CHANNEL = 'jingsai_changes';

/** The tables whose triggers announce their changes (migrations change_notices, account_change_notices). */
const ANNOUNCED = ['trade', 'competition', 'account', 'organization'] as const;

export interface RowChange {
  table: (typeof ANNOUNCED)[number];
  id: number;
}

export interface ChangeListener {
  /** A trade, competition, account or organization row changed (committed), on any instance or by any tool. */
  onChange(change: RowChange): void;
  /**
   * The connection was lost or has just been made: notices may have been missed, so nothing read
   * before may be trusted any longer.
   */
  onGap(): void;
}

const MAX_RETRY_MS = 5_000;

/**
 * Changes to trades, competitions, accounts and organizations as PostgreSQL announces them (NOTIFY from triggers, at
 * commit), heard by every instance on the database whatever made them. While this connection is
 * up, what was read of those rows after it came up can be trusted until a notice says otherwise;
 * while it is down, readers fall back to checking the database every few tens of milliseconds.
 * It reconnects by itself (backing off up to 5 s).
 */
export class DatabaseChanges {
  /** When (ms since the epoch) the connection began listening without a break since; null while down. */
  listeningSince: number | null = null;
  private client: Client | null = null;
  private closed = false;
  private retryMs = 100;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly listener: ChangeListener,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Whether a row read at `readAt` is still as it was, unless a notice has said otherwise. */
  trusts(readAt: number): boolean {
    return this.listeningSince !== null && this.listeningSince <= readAt;
  }

  /** Connects; a failure is not thrown but retried, readers checking the database meanwhile. */
  async start(): Promise<void> {
    await this.connect().catch((err: unknown) => this.lost(this.client, err));
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({
      connectionString: this.url,
      application_name: 'jingsai-changes',
      connectionTimeoutMillis: 2_000,
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => {
      if (n.channel !== CHANGES_CHANNEL || !n.payload) return;
      const [table, id] = n.payload.split(':');
      if ((ANNOUNCED as readonly string[]).includes(table!))
        this.listener.onChange({ table: table as RowChange['table'], id: Number(id) });
    });
    this.client = client;
    await client.connect();
    await client.query(`listen ${CHANGES_CHANNEL}`);
    if (this.client !== client || this.closed) return void client.end().catch(() => {});
    this.listeningSince = Date.now();
    this.retryMs = 100;
    // Whatever changed while nobody listened was not announced.
    this.listener.onGap();
  }

  private lost(client: Client | null, err?: unknown): void {
    if (client && this.client !== client) return;
    const wasListening = this.listeningSince !== null;
    this.client = null;
    this.listeningSince = null;
    client?.end().catch(() => {});
    if (wasListening) this.listener.onGap();
    if (this.closed || this.retry) return;
    if (wasListening)
      this.log(`change notices: connection lost (${(err as Error | undefined)?.message ?? 'ended'})`);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect().catch((e: unknown) => this.lost(this.client, e));
    }, this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    this.listeningSince = null;
    await client?.end().catch(() => {});
  }
}
