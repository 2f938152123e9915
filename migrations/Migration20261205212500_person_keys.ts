import { Migration } from '@mikro-orm/migrations';

/**
 * Stable keys for matching people on import: an employee number unique within the employer,
 * and the keyed hash of the national ID (the ID itself is never stored).
 */
export class Migration20261205212500_person_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table person add column employee_number varchar(50), add column national_id_hash varchar(64);`,
    );
    this.addSql(
      `create unique index person_employer_employee_number_unique on person (employer_id, employee_number) where employee_number is not null;`,
    );
    this.addSql(
      `create unique index person_national_id_hash_unique on person (national_id_hash) where national_id_hash is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index person_national_id_hash_unique;`);
    this.addSql(`drop index person_employer_employee_number_unique;`);
    this.addSql(`alter table person drop column national_id_hash, drop column employee_number;`);
  }
}
