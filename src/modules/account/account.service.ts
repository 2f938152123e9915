import type { EntityManager } from '@mikro-orm/postgresql';
import { checkReference } from '../../shared/access/references';
import { API_SCOPES, isAdmin } from '../../shared/access/viewer';
import { DomainError, ErrorCode, forbidden, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { decodeId, requiredText } from '../../shared/validation';
import { loadOrganization } from '../organization/organization.service';
import { Account, ApiKey, Role } from './account.entity';
import { personToLink } from './account-person';
import { issueToken, newApiKeySecret } from './auth.service';
import { hashPassword, verifyPassword } from './password';
import type {
  CreateAccountInput,
  CreateApiKeyInput,
  SetAccountActiveInput,
  SignInInput,
} from './account.types';
import { text } from '../../shared/i18n';

// Compared against when the username is unknown, so both paths cost one scrypt.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/**
 * Every attempt counts, including each aliased `signIn` inside one document:
 * the resolver runs once per alias and each failure is recorded.
 */
export async function signIn(ctx: Context, em: EntityManager, input: SignInInput) {
  const username = input.username.trim().toLowerCase();
  const gate = await ctx.rateLimits.signInAllowed(username, ctx.ip);
  if (!gate.allowed) {
    throw new DomainError(
      ErrorCode.TOO_MANY_ATTEMPTS,
      text(
        `登录失败次数过多，请 ${gate.retryAfterSeconds} 秒后再试。`,
        `Too many failed sign-ins; try again in ${gate.retryAfterSeconds} s.`,
      ),
      'input.username',
    );
  }
  const account = await em.findOne(Account, { username }, { populate: ['passwordHash'] });
  const ok = await verifyPassword(input.password, account?.passwordHash ?? DUMMY_HASH);
  if (!account || !ok || !account.active) {
    await ctx.rateLimits.signInFailed(username, ctx.ip);
    throw new DomainError(
      ErrorCode.INVALID_CREDENTIALS,
      text('用户名或密码错误。', 'Wrong username or password.'),
      'input.password',
    );
  }
  await ctx.rateLimits.signInSucceeded(username);
  const { token, expiresAt } = await issueToken(ctx.tokens, account.id);
  return { token, expiresAt, account };
}

export async function createAccount(
  ctx: Context,
  em: EntityManager,
  input: CreateAccountInput,
): Promise<Account> {
  const p = new Problems();
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9._-]{3,64}$/.test(username)) {
    p.add(
      ErrorCode.VALIDATION,
      text(
        '用户名为 3–64 个字符，只能使用 a–z、0–9、“.”、“_”、“-”。',
        'Use 3–64 of a–z, 0–9, ".", "_", "-".',
      ),
      'input.username',
    );
  }
  if (input.password.length < 10 || input.password.length > 200) {
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('密码长度须为 10–200 个字符。', 'Password must be 10–200 characters.'),
      'input.password',
    );
  }
  const displayName = requiredText(p, 'input.displayName', input.displayName, 100);
  const orgId = input.organizationId
    ? decodeId(p, 'input.organizationId', input.organizationId, 'Organization')
    : null;
  if (input.role !== Role.PLATFORM_ADMIN && !input.organizationId) {
    p.add(
      ErrorCode.REQUIRED,
      text('请为账号绑定所属工会。', 'Bind the account to a union.'),
      'input.organizationId',
    );
  }
  p.throwIfAny();
  if (input.role === Role.PLATFORM_ADMIN && !isAdmin(ctx.viewer))
    throw forbidden(text('只有平台管理员可以创建管理员账号。', 'Only platform admins create admins.'));
  let organization = null;
  if (orgId) {
    organization = await loadOrganization(em, orgId, 'input.organizationId');
    ctx.access.assertManages(organization.path, text('该工会', 'that union'));
  }
  const person = input.personId ? await personToLink(ctx, em, input.personId, 'input.personId') : null;
  if (await em.count(Account, { username })) {
    throw new DomainError(
      ErrorCode.DUPLICATE,
      text('该用户名已被占用。', 'That username is taken.'),
      'input.username',
    );
  }
  const account = em.create(Account, {
    username,
    passwordHash: await hashPassword(input.password),
    displayName,
    role: input.role,
    organization: input.role === Role.PLATFORM_ADMIN ? null : organization,
    person,
  });
  await em.flush();
  return account;
}

async function loadManagedAccount(ctx: Context, em: EntityManager, globalId: string): Promise<Account> {
  const p = new Problems();
  const id = decodeId(p, 'input.id', globalId, 'Account');
  p.throwIfAny();
  // Accounts outside the caller's union (platform admins' included) are refused as missing.
  await checkReference(ctx.access, em, 'Account', 'input.id', id, 'manage');
  return em.findOneOrFail(Account, { id }, { populate: ['organization'] });
}

export async function setAccountActive(
  ctx: Context,
  em: EntityManager,
  input: SetAccountActiveInput,
): Promise<Account> {
  const account = await loadManagedAccount(ctx, em, input.id);
  if (account.id === ctx.access.accountId && !input.active) {
    throw new DomainError(
      ErrorCode.VALIDATION,
      text('不能停用自己的账号。', 'You cannot disable your own account.'),
      'input.active',
    );
  }
  account.active = input.active;
  await em.flush();
  if (!account.active) await ctx.events.record(em, 'VIEWER_REVOKED', { accountId: account.id });
  return account;
}

export async function createApiKey(ctx: Context, em: EntityManager, input: CreateApiKeyInput) {
  const p = new Problems();
  const name = requiredText(p, 'input.name', input.name, 100);
  const orgId = decodeId(p, 'input.organizationId', input.organizationId, 'Organization');
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0)
    p.add(ErrorCode.REQUIRED, text('请至少授予一项权限范围。', 'Grant at least one scope.'), 'input.scopes');
  scopes.forEach((s, i) => {
    if (!(API_SCOPES as readonly string[]).includes(s)) {
      p.add(
        ErrorCode.VALIDATION,
        text(
          `未知的权限范围“${s}”。可用范围：${API_SCOPES.join(', ')}。`,
          `Unknown scope "${s}". Known: ${API_SCOPES.join(', ')}.`,
        ),
        `input.scopes.${i}`,
      );
    }
  });
  p.throwIfAny();
  const organization = await loadOrganization(em, orgId, 'input.organizationId');
  ctx.access.assertManages(organization.path, text('该工会', 'that union'));
  const key = newApiKeySecret();
  const apiKey = em.create(ApiKey, {
    name,
    prefix: key.prefix,
    secretHash: key.hash,
    scopes,
    organization,
    firstParty: input.firstParty ?? false,
    createdBy: ctx.access.accountId,
  });
  await em.flush();
  return { apiKey, secret: key.full };
}

export async function revokeApiKey(ctx: Context, em: EntityManager, globalId: string): Promise<ApiKey> {
  const p = new Problems();
  const id = decodeId(p, 'id', globalId, 'ApiKey');
  p.throwIfAny();
  await checkReference(ctx.access, em, 'ApiKey', 'id', id, 'manage');
  const apiKey = await em.findOneOrFail(ApiKey, { id }, { populate: ['organization'] });
  apiKey.revokedAt ??= new Date();
  await em.flush();
  await ctx.events.record(em, 'VIEWER_REVOKED', { apiKeyId: apiKey.id });
  return apiKey;
}
