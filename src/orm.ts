import { entities } from './entities';
import { initOrmWith, migrate, type MikroORM, type OrmSettings, sqlStatements } from './shared/db/orm';

/** The ORM over every module's entities: what the app, the scripts and the tests open. */
export function initOrm(s: OrmSettings): Promise<MikroORM> {
  return initOrmWith(entities, s);
}

export { migrate, sqlStatements, type MikroORM, type OrmSettings };
