import { type EntityClass, ReferenceKind } from '@mikro-orm/core';
import { pgArray } from '../db/paging';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { keysetSql, type PageRequest } from './paging';
import type { Recent, RecentEntities } from '../cache/recent';

/**
 * The entity's own columns as a select list, `alias."col", …` (with `prefix`, each named
 * `prefix + col`), lazy ones left out: a trade's marking scheme is a large JSON document that the
 * ORM would otherwise parse and snapshot on every load.
 */
export function eagerColumns(
  em: EntityManager,
  entity: EntityClass<unknown>,
  alias: string,
  prefix = '',
): string {
  const key = `${entity.name} ${alias} ${prefix}`;
  let list = columnLists.get(key);
  if (list === undefined) {
    const stored = [ReferenceKind.SCALAR, ReferenceKind.MANY_TO_ONE, ReferenceKind.ONE_TO_ONE];
    list = em
      .getMetadata()
      .find(entity.name)!
      .props.filter((p) => stored.includes(p.kind) && !p.lazy && p.persist !== false && !p.formula)
      .filter((p) => p.kind !== ReferenceKind.ONE_TO_ONE || p.owner)
      .flatMap((p) => p.fieldNames ?? [])
      .map((c) => (prefix ? `${alias}."${c}" as "${prefix}${c}"` : `${alias}."${c}"`))
      .join(', ');
    columnLists.set(key, list);
  }
  return list;
}

/** Built once per entity, alias and prefix: loaders are created on every request. */
const columnLists = new Map<string, string>();

const PREFIX = 'parent__';
/** By entity and joined parent: built once per process. */
const byIdSql = new Map<string, string>();

/** The parent a by-id load brings in the same statement, and the loader to prime with it. */
export interface JoinedParent<P extends { id: number }> {
  entity: EntityClass<P>;
  /** The child's foreign-key column. */
  column: string;
  loader: DataLoader<number, P | null>;
}

/** The by-id statement of an entity (and its joined parent), built once per process. */
function buildByIdSql(
  em: EntityManager,
  sqlKey: string,
  entity: EntityClass<unknown>,
  parent: JoinedParent<{ id: number }> | null | undefined,
): string {
  const meta = em.getMetadata();
  const table = meta.find(entity.name)!.tableName;
  const sql = parent
    ? `select ${eagerColumns(em, entity, 'x')}, ${eagerColumns(em, parent.entity, 'p', PREFIX)}
         from ${table} x join ${meta.find(parent.entity.name)!.tableName} p on p.id = x.${parent.column}
        where x.id = any(?::int[])`
    : `select ${eagerColumns(em, entity, 'x')} from ${table} x where x.id = any(?::int[])`;
  byIdSql.set(sqlKey, sql);
  return sql;
}

/**
 * Batches lookups by primary key into one `where id = any(...)` per tick. Raw SQL mapped with
 * `em.map` rather than `em.find`: the same entities in the same identity map, without building
 * a query through the ORM on every request (most of the CPU of a hot read). With `parent`, the
 * parent row comes in the same statement and primes the parent's loader (a trade is almost
 * always followed by the question whether its competition may be seen).
 */
export function byIdLoader<T extends { id: number }, P extends { id: number } = never>(
  /** The request's EntityManager, forked when a batch first needs it (a shared hit does not). */
  em: () => EntityManager,
  entity: EntityClass<T>,
  parent?: JoinedParent<P> | null,
  recent?: Recent<RecentEntities | null> | null,
) {
  const sqlKey = `${entity.name} ${parent?.entity.name ?? ''}`;
  const statement = () => byIdSql.get(sqlKey) ?? buildByIdSql(em(), sqlKey, entity, parent);
  const read = (ids: number[]) => em().execute<Record<string, unknown>[]>(statement(), [pgArray(ids)]);
  /** A row (and its parent's columns) as entities of `target`. */
  const toEntities = (target: EntityManager, r: Record<string, unknown>): RecentEntities => {
    let mappedParent: { id: number } | null = null;
    if (parent) {
      const p: Record<string, unknown> = {};
      for (const key of Object.keys(r)) {
        if (!key.startsWith(PREFIX)) continue;
        p[key.slice(PREFIX.length)] = r[key];
        delete r[key];
      }
      mappedParent = target.map(parent.entity, p as never);
    }
    return { entity: target.map(entity, r as never), parent: mappedParent };
  };
  /**
   * Shared reads are mapped once, into an EntityManager of their own, and the same entities serve
   * every anonymous request until the entry is dropped: those requests only read (the one
   * mutation open to them, signing in, touches no trade), and mapping rows into entities was most
   * of a cached read's cost.
   */
  const share = (rows: Record<string, unknown>[], ids: number[], generation: number, readAt: number) => {
    const shared = em().fork({ clear: true, useContext: false }) as EntityManager;
    const found = new Map(rows.map((r) => [Number(r.id), toEntities(shared, r)]));
    for (const id of ids) recent!.set(`${sqlKey}:${id}`, found.get(id) ?? null, generation, readAt);
    return found;
  };
  /** Reads a row again for the shared cache, behind the request that found it aging. */
  const renew = (key: string) => {
    const id = Number(key.slice(sqlKey.length + 1));
    const generation = recent!.generation;
    const readAt = Date.now();
    read([id]).then(
      (rows) => share(rows, [id], generation, readAt),
      () => {}, // the next read past the entry's age reads it itself
    );
  };
  return new DataLoader<number, T | null>(async (ids) => {
    const loaded: RecentEntities[] = [];
    let missing = ids as number[];
    if (recent) {
      missing = [];
      for (const id of ids) {
        const hit = recent.get(`${sqlKey}:${id}`, renew);
        if (hit === undefined) missing.push(id);
        else if (hit) loaded.push(hit);
      }
    }
    if (missing.length) {
      const generation = recent?.generation ?? 0;
      const readAt = Date.now();
      const fetched = await read(missing);
      if (recent) loaded.push(...share(fetched, missing, generation, readAt).values());
      else for (const r of fetched) loaded.push(toEntities(em(), r));
    }
    const byId = new Map<number, T>();
    for (const { entity: e, parent: p } of loaded) {
      if (parent && p) parent.loader.prime(p.id, p as P);
      byId.set((e as T).id, e as T);
    }
    return ids.map((id) => byId.get(id) ?? null);
  });
}

export interface ChildPageKey extends PageRequest<never> {
  parentId: number;
  /** Optional filter on one enum column (e.g. entrant status); sorted for a stable key. */
  filter?: string[] | null;
}

export interface ChildPageSpec<T> {
  entity: EntityClass<T>;
  table: string;
  parentColumn: string;
  filterColumn?: string;
}

/**
 * Pages of children for many parents in one statement per distinct page
 * request: a window function cuts each parent's first N+1 rows, so a nested
 * list costs one query per level whatever the page size.
 */
export function childPageLoader<T extends { id: number }>(em: () => EntityManager, spec: ChildPageSpec<T>) {
  return new DataLoader<ChildPageKey, T[], string>(
    async (keys) => {
      const columns = eagerColumns(em(), spec.entity, 'c');
      const groups = new Map<string, ChildPageKey[]>();
      for (const k of keys) {
        const g = JSON.stringify([
          k.size,
          k.backward,
          k.after,
          k.before,
          k.order.field,
          k.order.direction,
          k.filter ?? null,
        ]);
        groups.set(g, [...(groups.get(g) ?? []), k]);
      }
      const result = new Map<string, T[]>();
      for (const group of groups.values()) {
        const { filter } = group[0]!;
        const keyset = keysetSql(group[0]! as PageRequest<never>, 'c');
        const parentIds = [...new Set(group.map((k) => k.parentId))];
        // Bindings in the order their placeholders appear.
        const params: unknown[] = [pgArray(parentIds), ...keyset.params];
        let filterSql = '';
        if (filter && spec.filterColumn) {
          params.push(pgArray(filter));
          filterSql = ` and c.${spec.filterColumn} = any(?::text[])`;
        }
        params.push(keyset.limit);
        const rows = await em().execute<Record<string, unknown>[]>(
          `select * from (
             select ${columns}, row_number() over (partition by c.${spec.parentColumn} order by ${keyset.orderBy}) as page_rn
             from ${spec.table} c
             where c.${spec.parentColumn} = any(?::int[]) and ${keyset.where}${filterSql}
           ) x where x.page_rn <= ? order by x.${spec.parentColumn}, x.page_rn`,
          params,
        );
        const byParent = new Map<number, T[]>();
        for (const row of rows) {
          const parentId = Number(row[spec.parentColumn]);
          delete row.page_rn;
          const entity = em().map(spec.entity, row as never);
          byParent.set(parentId, [...(byParent.get(parentId) ?? []), entity]);
        }
        for (const k of group) result.set(cacheKey(k), byParent.get(k.parentId) ?? []);
      }
      return keys.map((k) => result.get(cacheKey(k)) ?? []);
    },
    { cacheKeyFn: cacheKey },
  );
}

/** Counts children per parent in one grouped statement. */
export function childCountLoader(
  em: () => EntityManager,
  table: string,
  parentColumn: string,
  filterColumn?: string,
) {
  return new DataLoader<{ parentId: number; filter?: string[] | null }, number, string>(
    async (keys) => {
      const groups = new Map<string, number[]>();
      for (const k of keys) {
        const g = JSON.stringify(k.filter ?? null);
        groups.set(g, [...(groups.get(g) ?? []), k.parentId]);
      }
      const counts = new Map<string, number>();
      for (const [g, parentIds] of groups) {
        const filter = JSON.parse(g) as string[] | null;
        const params: unknown[] = [pgArray([...new Set(parentIds)])];
        let filterSql = '';
        if (filter && filterColumn) {
          params.push(pgArray(filter));
          filterSql = ` and ${filterColumn} = any(?::text[])`;
        }
        const rows = await em().execute<{ parent: number; n: string }[]>(
          `select ${parentColumn} as parent, count(*) as n from ${table} where ${parentColumn} = any(?::int[])${filterSql} group by ${parentColumn}`,
          params,
        );
        const byParent = new Map(rows.map((r) => [Number(r.parent), Number(r.n)]));
        for (const id of parentIds) counts.set(`${id}|${g}`, byParent.get(id) ?? 0);
      }
      return keys.map((k) => counts.get(`${k.parentId}|${JSON.stringify(k.filter ?? null)}`) ?? 0);
    },
    { cacheKeyFn: (k) => `${k.parentId}|${JSON.stringify(k.filter ?? null)}` },
  );
}

function cacheKey(k: ChildPageKey): string {
  return JSON.stringify([
    k.parentId,
    k.size,
    k.backward,
    k.after,
    k.before,
    k.order.field,
    k.order.direction,
    k.filter ?? null,
  ]);
}
