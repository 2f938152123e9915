import type { EntityManager } from '@mikro-orm/postgresql';
import { isAdmin } from '../../shared/access/viewer';
import { DomainError, ErrorCode, forbidden, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { pageOf, escapeLike, pgArray } from '../../shared/db/paging';
import { type Page, type PageRequest, fromGlobalId } from '../../shared/graphql/relay';
import { decodeId, optionalText, requiredText } from '../../shared/validation';
import { canNest, Organization } from './organization.entity';
import './organization.events';
import type {
  CreateOrganizationInput,
  MoveOrganizationInput,
  OrganizationFilter,
  UpdateOrganizationInput,
} from './organization.types';
import { text } from '../../shared/i18n';

export async function loadOrganization(em: EntityManager, id: number, field: string): Promise<Organization> {
  const org = await em.findOne(Organization, { id });
  if (!org) throw new DomainError(ErrorCode.NOT_FOUND, text('没有该组织。', 'No such organization.'), field);
  return org;
}

export async function createOrganization(
  ctx: Context,
  em: EntityManager,
  input: CreateOrganizationInput,
): Promise<Organization> {
  const p = new Problems();
  const name = requiredText(p, 'input.name', input.name, 200);
  const shortName = optionalText(p, 'input.shortName', input.shortName, 100);
  const parentId = input.parentId ? decodeId(p, 'input.parentId', input.parentId, 'Organization') : null;
  p.throwIfAny();

  let parent: Organization | null = null;
  if (parentId === null) {
    if (!isAdmin(ctx.viewer))
      throw forbidden(text('只有平台管理员可以创建顶级工会。', 'Only platform admins create root unions.'));
  } else {
    parent = await loadOrganization(em, parentId, 'input.parentId');
    ctx.access.assertManages(parent.path, text('上级工会', 'the parent union'));
    if (!canNest(parent.level, input.level)) {
      throw new DomainError(
        ErrorCode.INVALID_HIERARCHY,
        text(
          `${input.level} 级组织不能隶属于 ${parent.level} 级组织。`,
          `A ${input.level} organization cannot sit under a ${parent.level} one.`,
        ),
        'input.level',
      );
    }
  }
  const org = em.create(Organization, { name, shortName, level: input.level, parent });
  await em.flush();
  return org;
}

export async function updateOrganization(
  ctx: Context,
  em: EntityManager,
  input: UpdateOrganizationInput,
): Promise<Organization> {
  const p = new Problems();
  const id = decodeId(p, 'input.id', input.id, 'Organization');
  const name = input.name != null ? requiredText(p, 'input.name', input.name, 200) : null;
  const shortName =
    input.shortName !== undefined ? optionalText(p, 'input.shortName', input.shortName, 100) : undefined;
  p.throwIfAny();
  const org = await loadOrganization(em, id, 'input.id');
  ctx.access.assertManages(org.path, text('该组织', 'this organization'));
  if (name !== null) org.name = name;
  if (shortName !== undefined) org.shortName = shortName;
  await em.flush();
  return org;
}

/** Moves a union with everything under it: one UPDATE rewrites the subtree's paths. */
export async function moveOrganization(
  ctx: Context,
  em: EntityManager,
  input: MoveOrganizationInput,
): Promise<Organization> {
  const p = new Problems();
  const id = decodeId(p, 'input.id', input.id, 'Organization');
  const newParentId = decodeId(p, 'input.newParentId', input.newParentId, 'Organization');
  p.throwIfAny();
  const org = await loadOrganization(em, id, 'input.id');
  const newParent = await loadOrganization(em, newParentId, 'input.newParentId');
  ctx.access.assertManages(org.path, text('该组织', 'this organization'));
  ctx.access.assertManages(newParent.path, text('新的上级组织', 'the new parent'));
  if (ctx.access.managed === org.path)
    throw forbidden(text('不能移动您所属的工会。', 'You cannot move the union you are bound to.'));
  if (newParent.path === org.path || newParent.path.startsWith(`${org.path}.`)) {
    throw new DomainError(
      ErrorCode.INVALID_HIERARCHY,
      text('组织不能移到自身或其下级之下。', 'An organization cannot move under itself or its own subtree.'),
      'input.newParentId',
    );
  }
  if (!canNest(newParent.level, org.level)) {
    throw new DomainError(
      ErrorCode.INVALID_HIERARCHY,
      text(
        `${org.level} 级组织不能隶属于 ${newParent.level} 级组织。`,
        `A ${org.level} organization cannot sit under a ${newParent.level} one.`,
      ),
      'input.newParentId',
    );
  }
  await em.execute(
    `update organization
        set path = ?::ltree || subpath(path, nlevel(?::ltree) - 1), updated_at = now()
      where path <@ ?::ltree`,
    [newParent.path, org.path, org.path],
  );
  await em.execute(`update organization set parent_id = ? where id = ?`, [newParent.id, org.id]);
  // The accounts of the subtree now have other paths: instances forget what they kept of them.
  await ctx.events.record(em, 'ORGANIZATION_MOVED', { organizationId: org.id });
  await em.refresh(org);
  return org;
}

export async function listOrganizations(
  ctx: Context,
  filter: OrganizationFilter | null | undefined,
  page: PageRequest<Organization>,
): Promise<Page<Organization>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const f = filter ?? {};
  const pathOf = async (globalId: string) => {
    const d = fromGlobalId(globalId);
    if (!d || d.type !== 'Organization') return null;
    return (await ctx.loaders.organizationById.load(d.id))?.path ?? null;
  };
  if (f.under) {
    const path = await pathOf(f.under);
    where.push(path ? `path <@ ?::ltree and path <> ?::ltree` : 'false');
    if (path) params.push(path, path);
  }
  if (f.parentId) {
    const d = fromGlobalId(f.parentId);
    where.push(d?.type === 'Organization' ? 'parent_id = ?' : 'false');
    if (d?.type === 'Organization') params.push(d.id);
  }
  if (f.roots) where.push('parent_id is null');
  if (f.levels?.length) {
    where.push('level = any(?::text[])');
    params.push(pgArray(f.levels));
  }
  if (f.search?.trim()) {
    where.push(`name ilike ?`);
    params.push(`%${escapeLike(f.search.trim())}%`);
  }
  return pageOf(ctx.em, Organization, 'organization', where, params, page);
}
