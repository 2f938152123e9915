import { ArgsType, Field, ID, InterfaceType, Int, ObjectType, type ClassType } from 'type-graphql';
import { GraphQLError } from 'graphql';

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
  @Field({ description: 'Whether more items follow the last edge.' })
  hasNextPage!: boolean;

  @Field({ description: 'Whether items precede the first edge (true when `after` was given).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; pass it as `after`.' })
  endCursor!: string | null;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, {
    nullable: true,
    description: `How many items to return (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor.' })
  after?: string | null;
}

export interface PageRequest {
  first: number;
  /** Exclusive lower bound on the ordering key (the row id). */
  afterId: number | null;
}

export function pageRequest(args: ConnectionArgs): PageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new GraphQLError(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}.`, {
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' },
    });
  }
  let afterId: number | null = null;
  if (args.after != null) {
    afterId = decodeCursor(args.after);
    if (afterId === null) {
      throw new GraphQLError('`after` is not a valid cursor.', {
        extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' },
      });
    }
  }
  return { first, afterId };
}

export function encodeCursor(id: number): string {
  return Buffer.from(`c:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number | null {
  const m = /^c:([1-9][0-9]{0,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : null;
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Loads the total matching count on demand (only when the field is selected). */
  totalCount: () => Promise<number>;
}

/** Rows were fetched with `first + 1` to learn whether a next page exists. */
export function toPage<T extends { id: number }>(
  rows: T[],
  req: PageRequest,
  totalCount: () => Promise<number>,
): Page<T> {
  return {
    nodes: rows.slice(0, req.first),
    hasNextPage: rows.length > req.first,
    hasPreviousPage: req.afterId !== null,
    totalCount,
  };
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  readonly totalCount: Promise<number>;
}

export function toConnection<T extends { id: number }>(page: Page<T>): ConnectionShape<T> {
  const edges = page.nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  const conn: ConnectionShape<T> = {
    edges,
    nodes: page.nodes,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    get totalCount() {
      return page.totalCount();
    },
  };
  return conn;
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
