import { Migration } from '@mikro-orm/migrations';

/**
 * Two steps of a judge's mark that each needed a lock and then a read, now one round trip each.
 *
 * `mark_key_claim`: takes the advisory lock of an idempotency key and returns what was stored
 * under the key (a replay), if anything.
 *
 * `audit_append`: takes a chain's lock and appends its next event in one call. Inside a volatile
 * function each statement reads with a fresh snapshot, so the chain's last event is read after the
 * lock is held, as two statements from the client would; one round trip instead of two while the
 * lock, which serialises a competition's marks, is held. The hash is sha256 of the previous hash,
 * a newline and the canonical body (the client sends the body's text cut around seq's value and
 * checks the result against its own hashEvent).
 */
export class Migration20261206090000_write_path_functions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function mark_key_claim(p_lock_class integer, p_key text)
      returns table (judge_id integer, request_hash text, outcome jsonb)
      language plpgsql volatile as $$
      begin
        perform pg_advisory_xact_lock(p_lock_class, hashtext(p_key));
        return query select s.judge_id, s.request_hash, s.outcome from mark_submission s
                      where s.idempotency_key = p_key;
      end
      $$;`);
    this.addSql(`
      create function audit_append(
        p_competition_id integer, p_registry_id integer, p_lock_class integer,
        p_kind text, p_actor_id integer, p_device_id text, p_idempotency_key text,
        p_subject jsonb, p_before jsonb, p_after jsonb, p_created_at timestamptz,
        p_body_head text, p_body_tail text)
      returns table (o_seq integer, o_prev_hash text, o_hash text)
      language plpgsql volatile as $$
      declare
        v_seq integer;
        v_prev text;
      begin
        perform pg_advisory_xact_lock(p_lock_class, coalesce(p_competition_id, p_registry_id));
        if p_competition_id is not null then
          select e.seq, e.hash into v_seq, v_prev from audit_event e
           where e.competition_id = p_competition_id order by e.seq desc limit 1;
        else
          select e.seq, e.hash into v_seq, v_prev from audit_event e
           where e.registry_id = p_registry_id order by e.seq desc limit 1;
        end if;
        o_seq := coalesce(v_seq, 0) + 1;
        o_prev_hash := coalesce(v_prev, repeat('0', 64));
        o_hash := encode(sha256(convert_to(
          o_prev_hash || E'\\n' || p_body_head || o_seq::text || p_body_tail, 'UTF8')), 'hex');
        insert into audit_event (competition_id, registry_id, seq, kind, actor_id, device_id,
                                 idempotency_key, subject, before, after, created_at, prev_hash, hash)
        values (p_competition_id, p_registry_id, o_seq, p_kind, p_actor_id, p_device_id,
                p_idempotency_key, p_subject, p_before, p_after, p_created_at, o_prev_hash, o_hash);
        return next;
      end
      $$;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop function audit_append;');
    this.addSql('drop function mark_key_claim;');
  }
}
