import { Migration } from '@mikro-orm/migrations';

/** The award certificate (获奖证书) an organizer sets for a competition: title, awarding body, date, seal. */
export class Migration20261205201500_certificate_templates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table competition add column certificate_template jsonb;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table competition drop column certificate_template;`);
  }
}
