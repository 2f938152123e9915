import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { jwtVerify, SignJWT } from 'jose';
import { ANONYMOUS, API_SCOPES, type Viewer } from '../../shared/access/viewer';
import { unauthenticated } from '../../shared/errors';
import type { AccountRow, SignedInAccounts } from './signed-in';
import { text } from '../../shared/i18n';

export interface TokenSettings {
  secret: string;
  ttlSeconds: number;
}

declare module '../../shared/graphql/context' {
  interface ContextServices {
    /** How sign-in tokens are signed and how long they last. */
    tokens: TokenSettings;
  }
}

const ISSUER = 'jingsai';

export async function issueToken(
  settings: TokenSettings,
  accountId: number,
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + settings.ttlSeconds * 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(accountId))
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(new TextEncoder().encode(settings.secret));
  return { token, expiresAt };
}

/** API keys read `jsk_<prefix>_<secret>`; only a hash of the secret is stored. */
export function newApiKeySecret(): { prefix: string; secret: string; full: string; hash: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { prefix, secret, full: `jsk_${prefix}_${secret}`, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface Credentials {
  authorization?: string | null;
  apiKey?: string | null;
}

/**
 * Turns presented credentials into a Viewer. The account is read again unless `accounts` keeps it
 * (only while every change to it is announced), so deactivating it takes effect at once on the
 * instance that made the change and within a notice's delay on the others. Bad credentials
 * are an error (not silently anonymous) so a client learns its token expired.
 */
export async function authenticate(
  /** Called only when there are credentials to check: an anonymous request forks no EntityManager. */
  db: () => EntityManager,
  settings: TokenSettings,
  creds: Credentials,
  /** Accounts kept while change notices are heard; without it every request reads its account. */
  accounts?: SignedInAccounts,
): Promise<Viewer> {
  if (creds.apiKey) {
    const m = /^jsk_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/.exec(creds.apiKey.trim());
    if (!m) throw unauthenticated(text('API 密钥格式不正确。', 'Malformed API key.'));
    const [row] = await db().execute<
      {
        id: number;
        secret_hash: string;
        scopes: string[];
        organization_id: number;
        path: string;
        first_party: boolean;
      }[]
    >(
      `select k.id, k.secret_hash, k.scopes, k.organization_id, o.path::text as path, k.first_party
         from api_key k join organization o on o.id = k.organization_id
        where k.prefix = ? and k.revoked_at is null`,
      [m[1]],
    );
    const given = Buffer.from(hashSecret(m[2]!), 'hex');
    if (!row || !timingSafeEqual(given, Buffer.from(row.secret_hash, 'hex'))) {
      throw unauthenticated(text('API 密钥不存在或已被吊销。', 'Unknown or revoked API key.'));
    }
    return {
      kind: 'apiKey',
      apiKeyId: row.id,
      scopes: row.scopes.filter((s) => (API_SCOPES as readonly string[]).includes(s)),
      organizationId: row.organization_id,
      organizationPath: row.path,
      firstParty: row.first_party,
    };
  }
  const auth = creds.authorization?.trim();
  if (!auth) return ANONYMOUS;
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  if (!m)
    throw unauthenticated(
      text('请使用“Authorization: Bearer <token>”。', 'Use "Authorization: Bearer <token>".'),
    );
  let accountId: number;
  try {
    const { payload } = await jwtVerify(m[1]!, new TextEncoder().encode(settings.secret), {
      issuer: ISSUER,
      algorithms: ['HS256'],
      // A token that never expires is refused in every mode: this API signs none.
      requiredClaims: ['exp'],
    });
    accountId = Number(payload.sub);
  } catch {
    throw unauthenticated(text('令牌无效或已过期。', 'Invalid or expired token.'));
  }
  const read = async () =>
    (
      await db().execute<AccountRow[]>(
        `select a.id, a.role, a.active, a.organization_id, o.path::text as path
           from account a left join organization o on o.id = a.organization_id
          where a.id = ?`,
        [accountId],
      )
    )[0];
  const acc = accounts ? await accounts.read(accountId, read) : await read();
  if (!acc || !acc.active) throw unauthenticated(text('该账号未启用。', 'This account is not active.'));
  return {
    kind: 'account',
    accountId: acc.id,
    role: acc.role,
    organizationId: acc.organization_id,
    organizationPath: acc.path,
  };
}
