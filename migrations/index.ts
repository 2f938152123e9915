import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000000_foundation } from './Migration20261125000000_foundation';
import { Migration20261125010000_first_party_keys } from './Migration20261125010000_first_party_keys';
import { Migration20261125020000_marking_schemes } from './Migration20261125020000_marking_schemes';
import { Migration20261125030000_marks_and_audit } from './Migration20261125030000_marks_and_audit';
import { Migration20261125040000_judging_workflow } from './Migration20261125040000_judging_workflow';
import { Migration20261125050000_leaderboards } from './Migration20261125050000_leaderboards';
import { Migration20261125060000_studios } from './Migration20261125060000_studios';
import { Migration20261125070000_innovation_campaigns } from './Migration20261125070000_innovation_campaigns';
import { Migration20261202000000_change_notices } from './Migration20261202000000_change_notices';
import { Migration20261205195500_board_freeze_and_history } from './Migration20261205195500_board_freeze_and_history';
import { Migration20261204000000_panel_changes } from './Migration20261204000000_panel_changes';
import { Migration20261204203000_outbox } from './Migration20261204203000_outbox';
import { Migration20261205201500_certificate_templates } from './Migration20261205201500_certificate_templates';
import { Migration20261205203700_registry_lifecycle } from './Migration20261205203700_registry_lifecycle';
import { Migration20261205212500_person_keys } from './Migration20261205212500_person_keys';
import { Migration20261205213000_webhooks } from './Migration20261205213000_webhooks';
import { Migration20261206090000_write_path_functions } from './Migration20261206090000_write_path_functions';
import { Migration20261206100000_board_inputs } from './Migration20261206100000_board_inputs';
import { Migration20261206100500_account_change_notices } from './Migration20261206100500_account_change_notices';

/**
 * Every migration, in order. Listed explicitly (not globbed) so the same list
 * runs from TypeScript sources under jest and from the compiled build.
 * A landed migration is never edited: add a new file and append it here.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261125000000_foundation', class: Migration20261125000000_foundation },
  { name: 'Migration20261125010000_first_party_keys', class: Migration20261125010000_first_party_keys },
  { name: 'Migration20261125020000_marking_schemes', class: Migration20261125020000_marking_schemes },
  { name: 'Migration20261125030000_marks_and_audit', class: Migration20261125030000_marks_and_audit },
  { name: 'Migration20261125040000_judging_workflow', class: Migration20261125040000_judging_workflow },
  { name: 'Migration20261125050000_leaderboards', class: Migration20261125050000_leaderboards },
  { name: 'Migration20261125060000_studios', class: Migration20261125060000_studios },
  {
    name: 'Migration20261125070000_innovation_campaigns',
    class: Migration20261125070000_innovation_campaigns,
  },
  { name: 'Migration20261202000000_change_notices', class: Migration20261202000000_change_notices },
  { name: 'Migration20261204000000_panel_changes', class: Migration20261204000000_panel_changes },
  { name: 'Migration20261204203000_outbox', class: Migration20261204203000_outbox },
  {
    name: 'Migration20261205195500_board_freeze_and_history',
    class: Migration20261205195500_board_freeze_and_history,
  },
  {
    name: 'Migration20261205201500_certificate_templates',
    class: Migration20261205201500_certificate_templates,
  },
  { name: 'Migration20261205203700_registry_lifecycle', class: Migration20261205203700_registry_lifecycle },
  { name: 'Migration20261205212500_person_keys', class: Migration20261205212500_person_keys },
  { name: 'Migration20261205213000_webhooks', class: Migration20261205213000_webhooks },
  {
    name: 'Migration20261206090000_write_path_functions',
    class: Migration20261206090000_write_path_functions,
  },
  { name: 'Migration20261206100000_board_inputs', class: Migration20261206100000_board_inputs },
  {
    name: 'Migration20261206100500_account_change_notices',
    class: Migration20261206100500_account_change_notices,
  },
];
