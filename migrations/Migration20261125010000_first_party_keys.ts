import { Migration } from '@mikro-orm/migrations';

/** API keys of first-party clients (venue screens) may send only trusted documents. */
export class Migration20261125010000_first_party_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table api_key add column first_party boolean not null default false;`);
  }
}
