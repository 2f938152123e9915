import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { getOperationAST, type OperationDefinitionNode, type OperationTypeNode, parse } from 'graphql';
import type { Manifest } from '../shared/security/trusted-documents';

/** How long a shared cache may hold a public read, and serve it stale while it fetches a fresh one. */
export interface CachePolicy {
  maxAgeSeconds: number;
  staleWhileRevalidateSeconds: number;
}

/**
 * The public reads a shared cache (a CDN, the union's nginx) may hold, by the operation name of
 * their trusted document (clients/public/*.graphql). A board changes with every mark, so it is
 * held a few seconds; a competition's page changes a few times a day. Any other document, even a
 * trusted query, is answered `no-store`.
 */
export const PUBLIC_READ_POLICIES: Readonly<Record<string, CachePolicy>> = {
  PublicTradeBoard: { maxAgeSeconds: 5, staleWhileRevalidateSeconds: 5 },
  PublicCompetition: { maxAgeSeconds: 60, staleWhileRevalidateSeconds: 300 },
};

/**
 * What an answer on the GraphQL path depends on besides its URL: the content type Apollo
 * negotiates from `Accept`, and the caller (`Authorization`, `X-Api-Key`), so that a cache never
 * hands an anonymous answer to a signed-in caller. (CORS adds `Origin` itself.) Answers do not
 * depend on `Accept-Language`, and this server does not compress, so neither is named.
 */
export const VARY = ['Accept', 'Authorization', 'X-Api-Key'];

export const NO_STORE = 'no-store';

/** The trusted documents as the HTTP layer sees them: what each id names, and its cache policy. */
export interface TrustedOperations {
  /** The kind of operation a trusted document names; undefined for an unknown id. */
  kindOf(documentId: string): OperationTypeNode | undefined;
  /** The policy of a trusted query that is a public read; undefined for every other id. */
  policyOf(documentId: string): CachePolicy | undefined;
}

export function trustedOperations(
  manifest: Manifest,
  policies: Readonly<Record<string, CachePolicy>> = PUBLIC_READ_POLICIES,
): TrustedOperations {
  const byId = new Map<string, { kind: OperationTypeNode; policy: CachePolicy | undefined }>();
  for (const [id, text] of Object.entries(manifest)) {
    let op: OperationDefinitionNode | null | undefined;
    try {
      op = getOperationAST(parse(text));
    } catch {
      // Admission refuses such a document when it is sent; here it names nothing.
      continue;
    }
    if (!op) continue;
    const name = op.name?.value;
    const policy =
      op.operation === 'query' && name && Object.hasOwn(policies, name) ? policies[name] : undefined;
    byId.set(id, { kind: op.operation, policy });
  }
  return {
    kindOf: (id) => byId.get(id)?.kind,
    policyOf: (id) => byId.get(id)?.policy,
  };
}

/** A strong validator: the same bytes, the same tag. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body, 'utf8').digest('base64url').slice(0, 32)}"`;
}

/** Whether the request says who the caller is: such an answer is personal and never shared. */
export function identifies(req: Request): boolean {
  return Boolean(req.headers.authorization || req.headers['x-api-key']);
}

/**
 * Whether `If-None-Match` names this tag (RFC 9110 13.1.2, weak comparison). An origin answers
 * the condition whatever the request's Cache-Control says (Express's `req.fresh` would not
 * after `no-cache`, which fetch() adds to every conditional request).
 */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function hasErrors(body: string): boolean {
  try {
    const json = JSON.parse(body) as { errors?: unknown };
    return json === null || typeof json !== 'object' || json.errors !== undefined;
  } catch {
    return true;
  }
}

/**
 * Every answer on the GraphQL path is `no-store` and names what it varies on, unless it is the
 * answer to a public read: an anonymous GET by the trusted id of a query with a policy, answered
 * 200 without errors. That one gets `Cache-Control: public, max-age, stale-while-revalidate` and
 * a strong ETag; a request whose `If-None-Match` holds that tag is answered 304 without a body.
 * Express's own (weak) ETag is off on the GraphQL path (src/server.ts).
 */
export function httpCache(operations: TrustedOperations): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', NO_STORE);
    for (const field of VARY) res.vary(field);
    const id = req.method === 'GET' ? (req.query as Record<string, unknown>).documentId : undefined;
    const policy = typeof id === 'string' && !identifies(req) ? operations.policyOf(id) : undefined;
    if (!policy) return next();
    const send = res.send.bind(res);
    res.send = ((body?: unknown) => {
      const anonymous = (res.locals.viewer as { kind?: string } | undefined)?.kind === 'anonymous';
      if (anonymous && res.statusCode === 200 && typeof body === 'string' && !hasErrors(body)) {
        res.setHeader(
          'Cache-Control',
          `public, max-age=${policy.maxAgeSeconds}, stale-while-revalidate=${policy.staleWhileRevalidateSeconds}`,
        );
        const etag = etagOf(body);
        res.setHeader('ETag', etag);
        if (matches(req.headers['if-none-match'], etag)) {
          // Express strips the body and its headers from a 304.
          res.status(304);
          return send('');
        }
      }
      return send(body);
    }) as Response['send'];
    next();
  };
}
