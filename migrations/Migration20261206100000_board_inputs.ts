import { Migration } from '@mikro-orm/migrations';

/**
 * `board_inputs`: a board projection's lock and read in one round trip. It takes the trade row's
 * lock (no key update, as before) and then, in a second statement with a fresh snapshot (a volatile
 * function's statements each take one), reads the entrants and their marks, so the read sees every
 * mark committed before the lock was granted. Nothing comes back when the trade has no marking
 * scheme. With `p_entrant_ids` null, or when the trade's results rules normalise marks (a z-score:
 * one mark moves a judge's statistics, hence every entrant's score), all of the trade's entrants.
 */
export class Migration20261206100000_board_inputs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function board_inputs(p_trade_id integer, p_entrant_ids integer[])
      returns table (o_scheme jsonb, o_rules jsonb, o_board_seq bigint, o_entrants json, o_marks json)
      language plpgsql volatile as $$
      begin
        select t.marking_scheme, t.results_rules, t.board_seq into o_scheme, o_rules, o_board_seq
          from trade t where t.id = p_trade_id for no key update;
        if o_scheme is null then return; end if;
        -- Two statement texts, not an "is null or" test, so each keeps a plan of its own.
        if p_entrant_ids is null or o_rules->>'normalization' = 'ZSCORE' then
          select (select coalesce(json_agg(json_build_object('id', e.id, 'status', e.status,
                                  'completion_seconds', e.completion_seconds::text) order by e.id), '[]')
                    from entrant e where e.trade_id = p_trade_id),
                 (select coalesce(json_agg(json_build_object('entrant_id', m.entrant_id,
                                  'aspect_code', m.aspect_code, 'judge_id', m.judge_id,
                                  'value', m.value::text)), '[]')
                    from mark m where m.trade_id = p_trade_id)
            into o_entrants, o_marks;
        else
          select (select coalesce(json_agg(json_build_object('id', e.id, 'status', e.status,
                                  'completion_seconds', e.completion_seconds::text) order by e.id), '[]')
                    from entrant e where e.trade_id = p_trade_id and e.id = any(p_entrant_ids)),
                 (select coalesce(json_agg(json_build_object('entrant_id', m.entrant_id,
                                  'aspect_code', m.aspect_code, 'judge_id', m.judge_id,
                                  'value', m.value::text)), '[]')
                    from mark m join entrant e on e.id = m.entrant_id
                   where m.trade_id = p_trade_id and e.id = any(p_entrant_ids))
            into o_entrants, o_marks;
        end if;
        return next;
      end
      $$;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop function board_inputs;');
  }
}
