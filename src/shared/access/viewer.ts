import { Role } from './role';

/** Who is calling. Resolved once per request (HTTP) or per socket (WebSocket). */
export type Viewer =
  | { kind: 'anonymous' }
  | {
      kind: 'account';
      accountId: number;
      role: Role;
      /** Union the account is bound to; null only for platform admins. */
      organizationId: number | null;
      organizationPath: string | null;
    }
  | {
      kind: 'apiKey';
      apiKeyId: number;
      scopes: string[];
      /** Keys of first-party clients (venue screens) send only trusted documents. */
      firstParty: boolean;
      organizationId: number;
      organizationPath: string;
    };

export const ANONYMOUS: Viewer = { kind: 'anonymous' };

/** Scopes an API key may hold. Reads of public data need the matching `:read` scope too. */
export const API_SCOPES = [
  'organizations:read',
  'organizations:write',
  'people:read',
  'people:write',
  'competitions:read',
  'competitions:write',
  'statistics:read',
  'webhooks:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export function isAdmin(v: Viewer): boolean {
  return v.kind === 'account' && v.role === Role.PLATFORM_ADMIN;
}

/**
 * The ltree path under which the viewer may manage, or:
 * '*' for a platform admin, null when the viewer manages nothing.
 */
export function managedPath(v: Viewer): string | '*' | null {
  if (v.kind === 'account') {
    if (v.role === Role.PLATFORM_ADMIN) return '*';
    if (v.role === Role.ORGANIZER) return v.organizationPath;
    return null;
  }
  if (v.kind === 'apiKey') return v.organizationPath;
  return null;
}

/** Whether `path` lies in the subtree rooted at `root` (ltree ids joined by dots). */
export function pathWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}.`);
}
