import type { Context } from './context';
import { fromGlobalId, type GlobalIdType } from './relay';

/**
 * Fetches one object by database id with the visibility rule of the type's own query; null when
 * the caller may not see it (indistinguishable from a missing object).
 */
export type NodeFetch = (ctx: Context, id: number) => Promise<object | null>;

/** A node type as a module declares it: its global-id name, its class, and its fetch. */
export interface NodeType {
  name: GlobalIdType;
  /** The class of the objects `fetch` returns (how an object's global id finds its name). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  cls: Function;
  fetch: NodeFetch;
}

/**
 * What `node(id:)` can reach: each module adds its own types at start-up (the composition root
 * calls `add`), so no table elsewhere repeats a module's visibility rules.
 */
export class NodeRegistry {
  private readonly byName = new Map<string, NodeType>();
  private readonly byClass = new Map<unknown, GlobalIdType>();

  add(...types: NodeType[]): void {
    for (const t of types) {
      this.byName.set(t.name, t);
      this.byClass.set(t.cls, t.name);
    }
  }

  async fetch(ctx: Context, globalId: string): Promise<object | null> {
    const d = fromGlobalId(globalId);
    const type = d && this.byName.get(d.type);
    return type ? type.fetch(ctx, d.id) : null;
  }

  /** The registered types, by global-id name. */
  types(): ReadonlyMap<string, NodeType> {
    return this.byName;
  }

  /** The global-id name of an object's type: from the registration, never from the class's name. */
  nameOf(node: object): GlobalIdType {
    const name = this.byClass.get(node.constructor);
    if (!name) throw new Error(`${node.constructor.name} is not a registered node type`);
    return name;
  }
}

/** The process's node types (filled by the composition root before the schema serves). */
export const nodeTypes = new NodeRegistry();
