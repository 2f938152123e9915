import { Migration } from '@mikro-orm/migrations';

/** A trade's marking scheme (modules → criteria → aspects), validated by the application before it is stored. */
export class Migration20261125020000_marking_schemes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table trade add column marking_scheme jsonb;`);
  }
}
