import { ArgsType, Field, InputType, Int, registerEnumType, type ClassType } from 'type-graphql';
import type { GraphQLError } from 'graphql';
import { localizedError } from '../errors';
import { text, type Text } from '../i18n';

/**
 * The one connection machinery every list shares: one cursor encoding, keyset paging on
 * (order column, id) in both directions, totalCount by a separate count query.
 */

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'Direction of an ordering.',
  valuesConfig: {
    ASC: { description: 'Ascending: smallest (or earliest, or first in collation order) first.' },
    DESC: { description: 'Descending: largest (or latest) first.' },
  },
});

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, {
    nullable: true,
    description: `How many items to return from the start (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor.' })
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `How many items to return from the end (at most ${MAX_PAGE_SIZE}); not together with \`first\`.`,
  })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items before this cursor.' })
  before?: string | null;
}

/** SQL types an order column may have; the cursor value is cast back to it. */
export type OrderCast = 'int' | 'text' | 'date' | 'timestamptz';

/** One orderable field of a list: its column and how to read the value off a node. */
export interface OrderColumn<T> {
  column: string;
  cast: OrderCast;
  value: (node: T) => unknown;
}

export interface SortOrder<T = unknown> {
  field: string;
  /** Null for the id order (the key is the id alone). */
  column: OrderColumn<T> | null;
  direction: OrderDirection;
}

export const ID_ORDER: SortOrder = { field: 'ID', column: null, direction: OrderDirection.ASC };

/** Builds the `<Name>Order` input (field enum + direction) of a list. */
export function OrderByInput<E extends Record<string, string>>(name: string, fieldEnum: E, what: string) {
  @InputType(`${name}Order`, {
    description: `Ordering of ${what}; ties are broken by id in the same direction.`,
  })
  class Order {
    @Field(() => fieldEnum, { description: 'The field to order by.' })
    field!: E[keyof E];

    @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'The direction.' })
    direction!: OrderDirection;
  }
  return Order as ClassType<{ field: E[keyof E]; direction: OrderDirection }>;
}

/** Resolves a client's `orderBy` against a list's columns; no `orderBy` is id ascending. */
export function sortOrder<T>(
  orderBy: { field: string; direction?: OrderDirection | null } | null | undefined,
  columns: Record<string, OrderColumn<T> | null>,
): SortOrder<T> {
  if (!orderBy) return ID_ORDER as SortOrder<T>;
  return {
    field: orderBy.field,
    column: columns[orderBy.field] ?? null,
    direction: orderBy.direction ?? OrderDirection.ASC,
  };
}

/** A cursor's position: the order column's value (absent for the id order) and the id. */
export interface CursorKey {
  value: unknown;
  id: number;
}

export interface PageRequest<T = unknown> {
  /** Page size. */
  size: number;
  /** True for `last`: rows are read from the end, then put back in order. */
  backward: boolean;
  after: CursorKey | null;
  before: CursorKey | null;
  order: SortOrder<T>;
}

/** Cursors are base64url of JSON `[orderField, value?, id]`; a cursor only fits the order it came from. */
export function encodeCursor(order: SortOrder<never> | string, id: number, value?: unknown): string {
  const field = typeof order === 'string' ? order : order.field;
  const key = typeof order !== 'string' && order.column ? [field, value, id] : [field, id];
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, order: SortOrder<never> | string): CursorKey | null {
  const field = typeof order === 'string' ? order : order.field;
  const keyed = typeof order !== 'string' && order.column !== null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(raw) || raw[0] !== field || raw.length !== (keyed ? 3 : 2)) return null;
  const id = raw[raw.length - 1] as unknown;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || id > 2147483647) return null;
  const value = keyed ? (raw[1] as unknown) : undefined;
  if (keyed && typeof value !== 'string' && typeof value !== 'number') return null;
  return { value, id };
}

function badInput(message: Text, argumentName: string): GraphQLError {
  return localizedError('BAD_USER_INPUT', message, { argumentName });
}

/** Validates `first`/`after`/`last`/`before` against an order. */
export function pageRequest<T>(
  args: ConnectionArgs,
  order: SortOrder<T> = ID_ORDER as SortOrder<T>,
): PageRequest<T> {
  if (args.first != null && args.last != null)
    throw badInput(text('`first` 与 `last` 只能给出其一。', 'Give `first` or `last`, not both.'), 'last');
  const backward = args.last != null;
  const size = backward ? args.last! : (args.first ?? DEFAULT_PAGE_SIZE);
  const name = backward ? 'last' : 'first';
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE)
    throw badInput(
      text(
        `\`${name}\` 须在 0 到 ${MAX_PAGE_SIZE} 之间。`,
        `\`${name}\` must be between 0 and ${MAX_PAGE_SIZE}.`,
      ),
      name,
    );
  const cursor = (arg: 'after' | 'before'): CursorKey | null => {
    const c = args[arg];
    if (c == null) return null;
    const key = decodeCursor(c, order as SortOrder<never>);
    if (!key)
      throw badInput(
        text(`\`${arg}\` 不是此排序下的有效游标。`, `\`${arg}\` is not a valid cursor for this order.`),
        arg,
      );
    return key;
  };
  return { size, backward, after: cursor('after'), before: cursor('before'), order };
}

export interface KeysetSql {
  /** Bounds from `after`/`before`, `true` when neither is given. */
  where: string;
  params: unknown[];
  /** `order by` list in reading order (reversed for `last`). */
  orderBy: string;
  /** Rows to fetch: one more than the page to learn whether more exist. */
  limit: number;
}

/** The keyset condition and ordering over `alias` (a table name or alias). */
export function keysetSql(req: PageRequest<never>, alias: string): KeysetSql {
  const { column, direction } = req.order;
  // Cursors carry JavaScript dates (milliseconds); PostgreSQL keeps microseconds. Ordering on the
  // truncated value keeps cursor and row comparable (ties within a millisecond go by id).
  const col = column
    ? column.cast === 'timestamptz'
      ? `date_trunc('milliseconds', ${alias}.${column.column})`
      : `${alias}.${column.column}`
    : null;
  const key = col ? `(${col}, ${alias}.id)` : `${alias}.id`;
  const value =
    column?.cast === 'timestamptz' ? "date_trunc('milliseconds', ?::timestamptz)" : `?::${column?.cast}`;
  const holder = column ? `(${value}, ?::int)` : '?::int';
  const asc = direction === OrderDirection.ASC;
  const bounds: string[] = [];
  const params: unknown[] = [];
  const bind = (k: CursorKey) => (column ? params.push(k.value, k.id) : params.push(k.id));
  if (req.after) {
    bounds.push(`${key} ${asc ? '>' : '<'} ${holder}`);
    bind(req.after);
  }
  if (req.before) {
    bounds.push(`${key} ${asc ? '<' : '>'} ${holder}`);
    bind(req.before);
  }
  const dir = asc !== req.backward ? 'asc' : 'desc';
  const orderBy = col ? `${col} ${dir}, ${alias}.id ${dir}` : `${alias}.id ${dir}`;
  return { where: bounds.length ? bounds.join(' and ') : 'true', params, orderBy, limit: req.size + 1 };
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  cursorOf: (node: T) => string;
  /** Loads the total matching count on demand (only when the field is selected). */
  totalCount: () => Promise<number>;
}

/** Rows were fetched per `keysetSql` (one extra, reversed for `last`). */
export function toPage<T extends { id: number }>(
  rows: T[],
  req: PageRequest<T>,
  totalCount: () => Promise<number>,
): Page<T> {
  const more = rows.length > req.size;
  const nodes = rows.slice(0, req.size);
  if (req.backward) nodes.reverse();
  const order = req.order;
  return {
    nodes,
    // Relay lets a page report false for the side it was not read towards; a cursor given on that
    // side means rows exist there.
    hasNextPage: req.backward ? req.before !== null : more,
    hasPreviousPage: req.backward ? more : req.after !== null,
    cursorOf: (n) => encodeCursor(order as SortOrder<never>, n.id, order.column?.value(n)),
    totalCount,
  };
}

/** Positions on a ranked list (a board): `[from, from + count)` for a request over `total` rows. */
export function positionWindow(req: PageRequest, total: number): { from: number; count: number } {
  const after = req.after?.id ?? 0;
  const before = Math.min(req.before?.id ?? total + 1, total + 1);
  const span = Math.max(0, before - after - 1);
  const count = Math.min(req.size, span);
  return { from: req.backward ? before - 1 - count : after, count };
}
