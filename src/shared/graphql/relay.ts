import { Field, ID, InterfaceType, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Page } from './paging';

/** Relay's object identification: every object is reachable by a global ID through `node(id:)`. */
@InterfaceType({ description: 'An object with a globally unique ID (Relay).' })
export abstract class Node {
  @Field(() => ID, { description: 'Globally unique, opaque identifier.' })
  id!: number | string;
}

/**
 * The type names inside global ids. Clients keep ids, so a name here never changes, whatever the
 * class or GraphQL type comes to be called: ids are stable because this list is, not because
 * class names are. A new node type adds its name; none is ever renamed or reused.
 */
export const GLOBAL_ID_TYPES = [
  'Organization',
  'Person',
  'Honor',
  'Competition',
  'Trade',
  'Entrant',
  'Team',
  'Account',
  'ApiKey',
  'Studio',
  'Alliance',
  'Achievement',
  'Appeal',
  'Submission',
  'CampaignCategory',
  'Mark',
  'AllianceJoinRequest',
  'WebhookEndpoint',
  'WebhookDelivery',
] as const;
export type GlobalIdType = (typeof GLOBAL_ID_TYPES)[number];

/** Global IDs are base64url("Type:id") with a name from `GLOBAL_ID_TYPES`; opaque to clients. */
export function toGlobalId(type: GlobalIdType, id: number): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export interface DecodedId {
  type: string;
  id: number;
}

export function fromGlobalId(globalId: string): DecodedId | null {
  if (typeof globalId !== 'string' || globalId.length === 0 || globalId.length > 200) return null;
  let raw: string;
  try {
    raw = Buffer.from(globalId, 'base64url').toString('utf8');
  } catch {
    return null;
  }
  const m = /^([A-Za-z]+):([1-9][0-9]{0,9})$/.exec(raw);
  if (!m) return null;
  const id = Number(m[2]);
  if (!Number.isSafeInteger(id) || id > 2147483647) return null;
  return { type: m[1]!, id };
}

@ObjectType({ description: 'Pagination state of a connection (Relay).' })
export class PageInfo {
  @Field({
    description: 'Whether more items follow the last edge (with `last`: true when `before` was given).',
  })
  hasNextPage!: boolean;

  @Field({ description: 'Whether items precede the first edge (with `first`: true when `after` was given).' })
  hasPreviousPage!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the first edge; pass it as `before` for the previous page.',
  })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last edge; pass it as `after` for the next page.',
  })
  endCursor!: string | null;
}

export {
  ConnectionArgs,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  OrderByInput,
  OrderDirection,
  decodeCursor,
  encodeCursor,
  keysetSql,
  pageRequest,
  positionWindow,
  sortOrder,
  toPage,
  type OrderColumn,
  type Page,
  type PageRequest,
  type SortOrder,
} from './paging';

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  readonly totalCount: Promise<number>;
}

/** A page as a connection; `view` turns rows into the nodes the API shows (rows by default). */
export function toConnection<R extends { id: number }, T = R>(
  page: Page<R>,
  view: (row: R) => T = (row) => row as unknown as T,
): ConnectionShape<T> {
  const edges = page.nodes.map((row) => ({ cursor: page.cursorOf(row), node: view(row) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    // A lazy getter: the count query runs only when `totalCount` is selected.
    get totalCount() {
      return page.totalCount();
    },
  };
}

/** Builds `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { description: `An edge to a ${name}.` })
  class Edge {
    @Field({ description: 'Opaque cursor of this edge.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${name} at the end of the edge.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items (Relay connection).` })
  class ConnectionType {
    @Field(() => [Edge], { description: 'The edges of this page.' })
    edges!: Edge[];

    @Field(() => [nodeType], { description: 'The nodes of this page, without cursors.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Pagination state.' })
    pageInfo!: PageInfo;

    // A lazy getter on the connection object: the count query runs only when selected.
    @Field(() => Int, { description: 'How many items match in all pages.' })
    totalCount!: Promise<number>;
  }
  return ConnectionType;
}
