import { Recent } from '../../shared/cache/recent';
import type { Role } from './account.entity';

/** What a token's check reads of its account. */
export interface AccountRow {
  id: number;
  role: Role;
  active: boolean;
  organization_id: number | null;
  path: string | null;
}

/** How long an account is kept while change notices are heard: a safety bound, as every change is announced. */
const TRUSTED_MS = 60_000;

/**
 * The accounts behind the tokens this instance checked, kept only while PostgreSQL's change
 * notices are heard (every change to an account or an organization is announced, migration
 * account_change_notices), so a tablet's mark does not pay an account read. Without notices
 * nothing is kept and every request reads its account. Emptied by any notice about an account or
 * organization, by a gap in the notices, and at the commit of a change made through this instance
 * (a deactivation, an organization moved), so the next request through it sees the change.
 */
export class SignedInAccounts {
  private readonly rows: Recent<AccountRow>;

  constructor(trusts: (readAt: number) => boolean, max = 10_000) {
    this.rows = new Recent<AccountRow>(0, max, { trusts, ttlMs: TRUSTED_MS });
  }

  async read(id: number, load: () => Promise<AccountRow | undefined>): Promise<AccountRow | undefined> {
    const key = String(id);
    const kept = this.rows.get(key);
    if (kept) return kept;
    const generation = this.rows.generation;
    const readAt = Date.now();
    const row = await load();
    if (row) this.rows.set(key, row, generation, readAt);
    return row;
  }

  forget(): void {
    this.rows.clear();
  }
}
