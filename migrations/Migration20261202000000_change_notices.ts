import { Migration } from '@mikro-orm/migrations';

/**
 * Every committed change to a trade (its board seq, freeze moment, rules, …) or a competition
 * (status, publication, …) is announced by PostgreSQL on channel `jingsai_changes` as
 * `trade:<id>` or `competition:<id>`, whoever made it: an API instance, a command-line tool, an
 * operator's SQL. Instances listen, so what they keep in memory of these rows (boards, shared
 * reads) is trusted until a notice says otherwise. Notices are sent at commit, never for a
 * rolled-back change, and identical ones of one transaction are sent once.
 */
export class Migration20261202000000_change_notices extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function notify_change() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          perform pg_notify('jingsai_changes', tg_argv[0] || ':' || old.id);
        else
          perform pg_notify('jingsai_changes', tg_argv[0] || ':' || new.id);
        end if;
        return null;
      end $$;`);
    this.addSql(`
      create trigger trade_change_notice after insert or update or delete on trade
        for each row execute function notify_change('trade');`);
    this.addSql(`
      create trigger competition_change_notice after insert or update or delete on competition
        for each row execute function notify_change('competition');`);
  }
}
