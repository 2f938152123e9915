import type { Context } from '../../shared/graphql/context';
import type { NodeType } from '../../shared/graphql/nodes';
import { Account, ApiKey } from './account.entity';

/** The caller's own account, and accounts bound under a union the caller manages. */
async function fetchAccount(ctx: Context, id: number): Promise<Account | null> {
  if (ctx.access.accountId === id) return ctx.loaders.accountById.load(id);
  const a = await ctx.loaders.accountById.load(id);
  const o = a?.organization ? await ctx.loaders.organizationById.load(a.organization.id) : null;
  if (ctx.access.managed === '*') return a;
  return a && o && ctx.access.manages(o.path) ? a : null;
}

/** Keys of an organization the caller manages. */
async function fetchApiKey(ctx: Context, id: number): Promise<ApiKey | null> {
  const k = await ctx.em.findOne(ApiKey, { id });
  const o = k && (await ctx.loaders.organizationById.load(k.organization.id));
  return o && ctx.access.manages(o.path) ? k : null;
}

export const accountNodes: NodeType[] = [
  { name: 'Account', cls: Account, fetch: fetchAccount },
  { name: 'ApiKey', cls: ApiKey, fetch: fetchApiKey },
];
