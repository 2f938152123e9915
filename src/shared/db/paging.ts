import type { EntityManager } from '@mikro-orm/postgresql';
import { keysetSql, type Page, type PageRequest, toPage } from '../graphql/paging';

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Keyset page over one table with `where` fragments (joined by AND), in the request's order. */
export async function pageOf<T extends { id: number }>(
  em: EntityManager,
  entity: new (...args: never[]) => T,
  table: string,
  where: string[],
  params: unknown[],
  page: PageRequest<T>,
): Promise<Page<T>> {
  const base = where.length ? where.join(' and ') : 'true';
  const k = keysetSql(page as PageRequest<never>, table);
  const rows = await em.execute<Record<string, unknown>[]>(
    `select * from ${table} where ${base} and ${k.where} order by ${k.orderBy} limit ?`,
    [...params, ...k.params, k.limit],
  );
  const entities = rows.map((r) => em.map(entity, r as never));
  return toPage(entities, page, async () => {
    const [c] = await em.execute<{ n: string }[]>(`select count(*) as n from ${table} where ${base}`, params);
    return Number(c!.n);
  });
}

/**
 * knex expands an array bound to `?` into a list of values, which PostgreSQL
 * cannot use with `= any(…)` or `unnest(…)`. Bind arrays as one array literal
 * instead, cast at the placeholder: `= any(?::int[])`.
 */
export function pgArray(values: readonly (string | number | null | undefined)[]): string {
  const items = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return String(v);
    return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}
