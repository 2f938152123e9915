/**
 * Lock state of an entrant's marks: their own lock, or the trade's sign-off unless the chief
 * judge reopened this entrant after it (an upheld appeal, an error found by the re-check).
 */
export const ENTRANT_LOCKED_SQL = `(e.marks_locked_at is not null or (t.marks_locked_at is not null and
  (e.marks_unlocked_at is null or e.marks_unlocked_at < t.marks_locked_at)))`;

/**
 * The union an entrant belongs to (`e` is the entrant): a person's employer, a team's
 * organization, or the enterprise itself. Conflicts of interest and appeals go by it.
 */
export const ENTRANT_UNIT = {
  joins: `left join person eu_p on eu_p.id = e.person_id
       left join organization eu_po on eu_po.id = eu_p.employer_id
       left join team eu_t on eu_t.id = e.team_id
       left join organization eu_to on eu_to.id = eu_t.organization_id
       left join organization eu_eo on eu_eo.id = e.organization_id`,
  path: 'coalesce(eu_po.path, eu_to.path, eu_eo.path)::text',
  /** The entrant's name: the person's, the team's or the enterprise's. */
  name: 'coalesce(eu_p.name, eu_t.name, eu_eo.name)',
  /** The name of that unit. */
  unitName: 'coalesce(eu_po.name, eu_to.name, eu_eo.name)',
};
