import type { EntityManager } from '@mikro-orm/postgresql';
import { type Page, type PageRequest, toPage } from '../graphql/relay';

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Keyset page over one table with `where` fragments (joined by AND), ordered by id. */
export async function pageOf<T extends { id: number }>(
  em: EntityManager,
  entity: new (...args: never[]) => T,
  table: string,
  where: string[],
  params: unknown[],
  page: PageRequest,
): Promise<Page<T>> {
  const base = where.length ? where.join(' and ') : 'true';
  const rows = await em
    .getConnection()
    .execute<Record<string, unknown>[]>(
      `select * from ${table} where ${base} and (?::int is null or id > ?::int) order by id limit ?`,
      [...params, page.afterId, page.afterId, page.first + 1],
    );
  const entities = rows.map((r) => em.map(entity, r as never));
  return toPage(entities, page, async () => {
    const [c] = await em
      .getConnection()
      .execute<{ n: string }[]>(`select count(*) as n from ${table} where ${base}`, params);
    return Number(c!.n);
  });
}
