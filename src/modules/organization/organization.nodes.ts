import type { Context } from '../../shared/graphql/context';
import type { NodeType } from '../../shared/graphql/nodes';
import { Organization } from './organization.entity';

/** Unions and enterprises are public. */
export function fetchOrganization(ctx: Context, id: number): Promise<Organization | null> {
  return ctx.loaders.organizationById.load(id);
}

export const organizationNodes: NodeType[] = [
  { name: 'Organization', cls: Organization, fetch: fetchOrganization },
];
