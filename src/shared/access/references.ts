import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../db/paging';
import { ErrorCode, forbidden, Problems } from '../errors';
import { text, type Text } from '../i18n';
import type { Access } from './access';

/**
 * Scope on every reference. Whenever a mutation names an object by id (in any argument or input
 * field), the id is resolved here, against the caller's scope:
 *
 * - an object the caller may not even read (a person of another city, an account or API key of
 *   another union, a team of another city, a studio application of another host) is refused
 *   exactly like a missing one: `NOT_FOUND` in the payload, with the same message and field, so
 *   a forged id tells nothing about what exists;
 * - an object anyone may read (an organization, a named or revoked studio) that the caller must
 *   manage but does not is refused with a top-level `FORBIDDEN`, as every other authorization
 *   failure (its existence is public, so nothing leaks);
 * - `need: 'read'` is enough where the rule only asks to read the object (the member studios of
 *   an alliance, a named studio entering a campaign).
 */
export type ReferenceKind =
  | 'Person'
  | 'Honor'
  | 'Account'
  | 'ApiKey'
  | 'Team'
  | 'Studio'
  | 'Organization'
  | 'WebhookEndpoint'
  | 'WebhookDelivery';
export type Need = 'read' | 'manage';

export interface Reference {
  /** Input path of the argument, e.g. `input.personId`, `input.judgeIds.2`. */
  field: string;
  /** Database id decoded from the global ID. */
  id: number;
}

interface ScopeRow {
  id: number;
  /** Path of the union that owns the object; null for platform-admin accounts (only admins manage them). */
  path: string | null;
  /** Whether anyone may read the object. */
  public: boolean;
}

/** One statement per kind: the owning union's path and whether the object is public. */
const LOOKUP: Record<ReferenceKind, string> = {
  Person: `select p.id, o.path::text as path, false as public
             from person p join organization o on o.id = p.employer_id where p.id = any(?::int[])`,
  Honor: `select h.id, o.path::text as path, false as public
            from honor h join person p on p.id = h.person_id join organization o on o.id = p.employer_id
           where h.id = any(?::int[])`,
  Account: `select a.id, case when a.role = 'PLATFORM_ADMIN' then null else o.path::text end as path, false as public
              from account a left join organization o on o.id = a.organization_id where a.id = any(?::int[])`,
  ApiKey: `select k.id, o.path::text as path, false as public
             from api_key k join organization o on o.id = k.organization_id where k.id = any(?::int[])`,
  Team: `select t.id, o.path::text as path, false as public
           from team t join organization o on o.id = t.organization_id where t.id = any(?::int[])`,
  // The registry is public for named and revoked studios (PUBLIC_STUDIO_STATUSES).
  Studio: `select s.id, o.path::text as path, s.status in ('NAMED', 'REVOKED') as public
             from studio s join organization o on o.id = s.host_id where s.id = any(?::int[])`,
  Organization: `select id, path::text as path, true as public from organization where id = any(?::int[])`,
  WebhookEndpoint: `select e.id, o.path::text as path, false as public
                      from webhook_endpoint e join organization o on o.id = e.organization_id where e.id = any(?::int[])`,
  WebhookDelivery: `select d.id, o.path::text as path, false as public
                      from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id
                      join organization o on o.id = e.organization_id where d.id = any(?::int[])`,
};

/** The message of a missing object, used for unreadable ones too. */
export const MISSING: Record<ReferenceKind, Text> = {
  Person: text('查无此人。', 'No such person.'),
  Honor: text('没有该荣誉。', 'No such honor.'),
  Account: text('没有该账号。', 'No such account.'),
  ApiKey: text('没有该 API 密钥。', 'No such API key.'),
  Team: text('没有该团队。', 'No such team.'),
  Studio: text('没有该工作室。', 'No such studio.'),
  Organization: text('没有该组织。', 'No such organization.'),
  WebhookEndpoint: text('没有该 Webhook 端点。', 'No such webhook endpoint.'),
  WebhookDelivery: text('没有该 Webhook 投递记录。', 'No such webhook delivery.'),
};

const WHAT: Record<ReferenceKind, Text> = {
  Person: text('此人', 'this person'),
  Honor: text('该荣誉', 'this honor'),
  Account: text('该账号', 'this account'),
  ApiKey: text('该 API 密钥', 'this API key'),
  Team: text('该团队', 'this team'),
  Studio: text('该工作室', 'this studio'),
  Organization: text('该工会', 'that union'),
  WebhookEndpoint: text('该 Webhook 端点', 'this webhook endpoint'),
  WebhookDelivery: text('该 Webhook 投递记录', 'this webhook delivery'),
};

function manages(access: Access, path: string | null): boolean {
  return path === null ? access.managed === '*' : access.manages(path);
}

/**
 * Resolves references of one kind: every missing or unreadable one becomes a `NOT_FOUND` payload
 * error (all of them, thrown together); then a readable one the caller must manage but does not
 * is refused with `FORBIDDEN`. Returns the owning union's path by id.
 */
export async function checkReferences(
  access: Access,
  em: EntityManager,
  kind: ReferenceKind,
  refs: readonly Reference[],
  need: Need,
): Promise<Map<number, string | null>> {
  if (refs.length === 0) return new Map();
  const rows = await em.execute<ScopeRow[]>(LOOKUP[kind], [pgArray([...new Set(refs.map((r) => r.id))])]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const p = new Problems();
  for (const r of refs) {
    const row = byId.get(r.id);
    if (!row || !(row.public || manages(access, row.path)))
      p.add(ErrorCode.NOT_FOUND, MISSING[kind], r.field);
  }
  p.throwIfAny();
  if (need === 'manage') {
    for (const r of refs) {
      if (!manages(access, byId.get(r.id)!.path))
        throw forbidden(
          text(
            `您不管理${WHAT[kind].zh}：它不在您所属工会的范围内。`,
            `You do not manage ${WHAT[kind].en}: it lies outside your union.`,
          ),
        );
    }
  }
  return new Map(rows.map((r) => [r.id, r.path]));
}

/** One reference; see `checkReferences`. Returns the owning union's path. */
export async function checkReference(
  access: Access,
  em: EntityManager,
  kind: ReferenceKind,
  field: string,
  id: number,
  need: Need,
): Promise<string | null> {
  const paths = await checkReferences(access, em, kind, [{ field, id }], need);
  return paths.get(id) ?? null;
}
