import type { EntityManager } from '@mikro-orm/postgresql';
import { checkReference } from '../../shared/access/references';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { keysetSql, toPage, type Page, type PageRequest } from '../../shared/graphql/relay';
import { decodeId, optionalText } from '../../shared/validation';
import { newSecret } from './signing';
import { checkReceiverUrl, RefusedUrl } from './ssrf';
import {
  type CreateWebhookEndpointInput,
  type RotateWebhookSecretInput,
  type SetWebhookEndpointEnabledInput,
  WebhookAttempt,
  WebhookDelivery,
  type WebhookDeliveryStatus,
  WebhookEndpoint,
} from './webhook.types';
import type { WebhookEventType } from './event-types';
import { text } from '../../shared/i18n';

const ENDPOINT_COLUMNS = `e.id, e.organization_id, e.url, e.description, e.event_types, e.enabled, e.disabled_reason,
  e.previous_secret_expires_at, e.created_at`;

interface EndpointRow {
  id: number;
  organization_id: number;
  url: string;
  description: string;
  event_types: WebhookEventType[];
  enabled: boolean;
  disabled_reason: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
}

interface DeliveryRow {
  id: number;
  endpoint_id: number;
  event_id: string;
  event_type: WebhookEventType;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  occurred_at: string;
}

const DELIVERY_COLUMNS =
  'd.id, d.endpoint_id, d.event_id, d.event_type, d.status, d.attempts, d.next_attempt_at, d.occurred_at';

function toEndpoint(r: EndpointRow): WebhookEndpoint {
  return Object.assign(new WebhookEndpoint(), {
    id: r.id,
    organizationId: r.organization_id,
    url: r.url,
    description: r.description,
    eventTypes: r.event_types,
    enabled: r.enabled,
    disabledReason: r.disabled_reason,
    previousSecretExpiresAt: r.previous_secret_expires_at && new Date(r.previous_secret_expires_at),
    createdAt: new Date(r.created_at),
  });
}

function toDelivery(r: DeliveryRow): WebhookDelivery {
  return Object.assign(new WebhookDelivery(), {
    id: r.id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attemptCount: r.attempts,
    nextAttemptAt: r.status === 'PENDING' ? new Date(r.next_attempt_at) : null,
    occurredAt: new Date(r.occurred_at),
  });
}

/** The endpoints' scope: those of the unions under the one the caller manages. */
function managedFilter(ctx: Context): { sql: string; params: unknown[] } | null {
  const m = ctx.access.managed;
  if (m === null) return null;
  if (m === '*') return { sql: 'true', params: [] };
  return { sql: 'o.path <@ ?::ltree', params: [m] };
}

/** An endpoint the caller manages, or null (a missing one looks the same). */
export async function fetchEndpoint(ctx: Context, id: number): Promise<WebhookEndpoint | null> {
  const scope = managedFilter(ctx);
  if (!scope) return null;
  const [row] = await ctx.em.execute<EndpointRow[]>(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoint e join organization o on o.id = e.organization_id
      where e.id = ? and ${scope.sql}`,
    [id, ...scope.params],
  );
  return row ? toEndpoint(row) : null;
}

/** A delivery of an endpoint the caller manages, or null. */
export async function fetchDelivery(ctx: Context, id: number): Promise<WebhookDelivery | null> {
  const scope = managedFilter(ctx);
  if (!scope) return null;
  const [row] = await ctx.em.execute<DeliveryRow[]>(
    `select ${DELIVERY_COLUMNS} from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id
       join organization o on o.id = e.organization_id where d.id = ? and ${scope.sql}`,
    [id, ...scope.params],
  );
  return row ? toDelivery(row) : null;
}

export async function listEndpoints(ctx: Context, req: PageRequest): Promise<Page<WebhookEndpoint>> {
  const scope = managedFilter(ctx) ?? { sql: 'false', params: [] };
  const k = keysetSql(req as PageRequest<never>, 'e');
  const rows = await ctx.em.execute<EndpointRow[]>(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoint e join organization o on o.id = e.organization_id
      where ${scope.sql} and ${k.where} order by ${k.orderBy} limit ?`,
    [...scope.params, ...k.params, k.limit],
  );
  return toPage(rows.map(toEndpoint), req, async () => {
    const [c] = await ctx.em.execute<{ n: string }[]>(
      `select count(*) n from webhook_endpoint e join organization o on o.id = e.organization_id where ${scope.sql}`,
      scope.params,
    );
    return Number(c!.n);
  });
}

/** An endpoint's deliveries, oldest first. */
export async function listDeliveries(
  ctx: Context,
  endpointId: number,
  req: PageRequest,
): Promise<Page<WebhookDelivery>> {
  const k = keysetSql(req as PageRequest<never>, 'd');
  const rows = await ctx.em.execute<DeliveryRow[]>(
    `select ${DELIVERY_COLUMNS} from webhook_delivery d where d.endpoint_id = ? and ${k.where}
      order by ${k.orderBy} limit ?`,
    [endpointId, ...k.params, k.limit],
  );
  return toPage(rows.map(toDelivery), req, async () => {
    const [c] = await ctx.em.execute<{ n: string }[]>(
      'select count(*) n from webhook_delivery where endpoint_id = ?',
      [endpointId],
    );
    return Number(c!.n);
  });
}

export async function attemptsOf(ctx: Context, deliveryId: number): Promise<WebhookAttempt[]> {
  const rows = await ctx.em.execute<
    { attempted_at: string; status_code: number | null; error: string | null; duration_ms: number }[]
  >(
    `select * from (select id, attempted_at, status_code, error, duration_ms from webhook_attempt
       where delivery_id = ? order by id desc limit 100) a order by id`,
    [deliveryId],
  );
  return rows.map((r) =>
    Object.assign(new WebhookAttempt(), {
      attemptedAt: new Date(r.attempted_at),
      statusCode: r.status_code,
      error: r.error,
      durationMs: r.duration_ms,
    }),
  );
}

async function reload(em: EntityManager, id: number): Promise<WebhookEndpoint> {
  const [row] = await em.execute<EndpointRow[]>(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoint e where e.id = ?`,
    [id],
  );
  return toEndpoint(row!);
}

async function endpointRef(
  ctx: Context,
  em: EntityManager,
  field: string,
  globalId: string,
): Promise<number> {
  const p = new Problems();
  const id = decodeId(p, field, globalId, 'WebhookEndpoint');
  p.throwIfAny();
  await checkReference(ctx.access, em, 'WebhookEndpoint', field, id, 'manage');
  return id;
}

export async function createEndpoint(ctx: Context, em: EntityManager, input: CreateWebhookEndpointInput) {
  const p = new Problems();
  const orgId = decodeId(p, 'input.organizationId', input.organizationId, 'Organization');
  const description = optionalText(p, 'input.description', input.description, 200) ?? '';
  const eventTypes = [...new Set(input.eventTypes)];
  if (!eventTypes.length)
    p.add(
      ErrorCode.REQUIRED,
      text('请至少选择一种事件类型。', 'Choose at least one event type.'),
      'input.eventTypes',
    );
  if (input.url.length > 2000)
    p.add(ErrorCode.TOO_LONG, text('最多 2000 个字符。', 'At most 2000 characters.'), 'input.url');
  p.throwIfAny();
  await checkReference(ctx.access, em, 'Organization', 'input.organizationId', orgId, 'manage');
  try {
    await checkReceiverUrl(input.url, ctx.webhooks.settings.allowPrivate);
  } catch (e) {
    if (e instanceof RefusedUrl) throw new DomainError(ErrorCode.WEBHOOK_URL_REFUSED, e.text, 'input.url');
    throw e;
  }
  const secret = newSecret();
  const v = ctx.viewer;
  const [row] = await em.execute<{ id: number }[]>(
    `insert into webhook_endpoint (organization_id, owner_account_id, owner_api_key_id, url, description, event_types, secret)
     values (?, ?, ?, ?, ?, ?::text[], ?) returning id`,
    [
      orgId,
      v.kind === 'account' ? v.accountId : null,
      v.kind === 'apiKey' ? v.apiKeyId : null,
      input.url,
      description,
      `{${eventTypes.join(',')}}`,
      secret,
    ],
  );
  return { endpoint: await reload(em, row!.id), secret };
}

export async function rotateSecret(ctx: Context, em: EntityManager, input: RotateWebhookSecretInput) {
  const p = new Problems();
  const hours = input.previousSecretValidHours ?? 24;
  if (!Number.isInteger(hours) || hours < 0 || hours > 168)
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text('须在 0 到 168 小时之间。', 'Between 0 and 168 hours.'),
      'input.previousSecretValidHours',
    );
  const id = decodeId(p, 'input.id', input.id, 'WebhookEndpoint');
  p.throwIfAny();
  await checkReference(ctx.access, em, 'WebhookEndpoint', 'input.id', id, 'manage');
  const secret = newSecret();
  const until = new Date(ctx.webhooks.settings.clock().getTime() + hours * 3_600_000);
  await em.execute(
    `update webhook_endpoint set previous_secret = secret, previous_secret_expires_at = ?, secret = ? where id = ?`,
    [until, secret, id],
  );
  return { endpoint: await reload(em, id), secret };
}

export async function setEnabled(ctx: Context, em: EntityManager, input: SetWebhookEndpointEnabledInput) {
  const id = await endpointRef(ctx, em, 'input.id', input.id);
  await em.execute(
    `update webhook_endpoint set enabled = ?, disabled_reason = case when ? then null else disabled_reason end,
       consecutive_failures = case when ? then 0 else consecutive_failures end where id = ?`,
    [input.enabled, input.enabled, input.enabled, id],
  );
  return reload(em, id);
}

export async function deleteEndpoint(ctx: Context, em: EntityManager, globalId: string): Promise<string> {
  const id = await endpointRef(ctx, em, 'id', globalId);
  await em.execute('delete from webhook_endpoint where id = ?', [id]);
  return globalId;
}

/** Queues a delivery again, due now, with a fresh retry schedule; its attempt log is kept. */
export async function resendDelivery(
  ctx: Context,
  em: EntityManager,
  globalId: string,
): Promise<WebhookDelivery> {
  const p = new Problems();
  const id = decodeId(p, 'id', globalId, 'WebhookDelivery');
  p.throwIfAny();
  await checkReference(ctx.access, em, 'WebhookDelivery', 'id', id, 'manage');
  const [row] = await em.execute<DeliveryRow[]>(
    `update webhook_delivery d set status = 'PENDING', attempts = 0, next_attempt_at = ?
       from webhook_endpoint e where e.id = d.endpoint_id and d.id = ? and e.enabled
     returning ${DELIVERY_COLUMNS}`,
    [ctx.webhooks.settings.clock(), id],
  );
  if (!row)
    throw new DomainError(
      ErrorCode.WEBHOOK_ENDPOINT_DISABLED,
      text('该投递的端点已停用：请先启用。', 'The delivery’s endpoint is disabled; enable it first.'),
      'id',
    );
  return toDelivery(row);
}
