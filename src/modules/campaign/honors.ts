import type { EntityManager } from '@mikro-orm/postgresql';
import { computeTradeResults } from '../scoring/results.service';
import type { MarkingScheme } from '../scoring/scheme';

/**
 * When a campaign's results become final, its winners carry them: an honor on every person
 * behind an awarded submission (a team's members too), and an AWARD achievement on an awarded
 * studio. Returns how many honors and studio awards were recorded.
 */
export async function recordCampaignHonors(
  em: EntityManager,
  competitionId: number,
): Promise<{ honors: number; studioAwards: number }> {
  const [c] = await em.execute<{ name: string; year: number; host_name: string; host_level: string }[]>(
    `select c.name, c.year, o.name as host_name, o.level as host_level
       from competition c join organization o on o.id = c.host_id where c.id = ?`,
    [competitionId],
  );
  const finals = await em.execute<{ id: number; scheme: MarkingScheme | null; category: string }[]>(
    `select t.id, t.marking_scheme as scheme, k.name as category from trade t join campaign_category k on k.id = t.category_id
      where t.competition_id = ? and t.round_kind = 'FINAL' order by t.id`,
    [competitionId],
  );
  let honors = 0;
  let studioAwards = 0;
  for (const f of finals) {
    if (!f.scheme) continue;
    const winners = (await computeTradeResults(em, f.id, f.scheme)).entries.filter((e) => e.awardLabel);
    for (const w of winners) {
      const [s] = await em.execute<
        { person_id: number | null; team_id: number | null; studio_id: number | null; title: string }[]
      >(
        'select s.person_id, s.team_id, s.studio_id, s.title from entrant e join submission s on s.id = e.submission_id where e.id = ?',
        [w.entrant.id],
      );
      if (!s) continue;
      const title = `${c!.name}${f.category}${w.awardLabel}`.slice(0, 100);
      if (s.studio_id) {
        await em.execute(
          `insert into achievement (studio_id, kind, title, achieved_on) values (?, 'AWARD', ?, current_date)`,
          [s.studio_id, `${title}：${s.title}`.slice(0, 300)],
        );
        studioAwards += 1;
        continue;
      }
      const people = s.person_id
        ? [s.person_id]
        : (
            await em.execute<{ person_id: number }[]>('select person_id from team_member where team_id = ?', [
              s.team_id,
            ])
          ).map((r) => r.person_id);
      for (const person of people) {
        await em.execute(
          `insert into honor (person_id, kind, level, title, year, awarding_body) values (?, 'OTHER', ?, ?, ?, ?)`,
          [person, c!.host_level, title, c!.year, c!.host_name.slice(0, 200)],
        );
        honors += 1;
      }
    }
  }
  return { honors, studioAwards };
}
