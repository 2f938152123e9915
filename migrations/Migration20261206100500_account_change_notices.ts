import { Migration } from '@mikro-orm/migrations';

/**
 * Every committed change to an account (deactivated, moved) or an organization (moved, hence its
 * path and its subtree's) is announced on `jingsai_changes` like trades' and competitions'
 * (migration change_notices), as `account:<id>` or `organization:<id>`. Instances keep the
 * accounts behind the tokens they checked while they hear these notices, and forget them at one.
 */
export class Migration20261206100500_account_change_notices extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create trigger account_change_notice after update or delete on account
        for each row execute function notify_change('account');`);
    this.addSql(`
      create trigger organization_change_notice after update or delete on organization
        for each row execute function notify_change('organization');`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger organization_change_notice on organization;');
    this.addSql('drop trigger account_change_notice on account;');
  }
}
