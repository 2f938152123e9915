import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../src/modules/account/account.entity';
import { OrganizationLevel } from '../src/modules/organization/organization.entity';
import { WebhookEventType } from '../src/modules/webhook/event-types';
import { checkReceiverUrl, guardedLookup, isPrivateAddress } from '../src/modules/webhook/ssrf';
import { MAX_ATTEMPTS, RETRY_SCHEDULE_MS, WebhookWorker } from '../src/modules/webhook/worker';
import {
  AssignJudgeDocument,
  CreateApiKeyDocument,
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  ResendWebhookDeliveryDocument,
  RotateWebhookSecretDocument,
  SetMarkingSchemeDocument,
  SetWebhookEndpointEnabledDocument,
  WebhookDeliveryLogDocument,
  WebhookEndpointsDocument,
  type WebhookEventType as GqlEventType,
} from './generated/graphql';
import { asClient, gid, startTestApp, type Auth, type TestApp } from './support/app';
import {
  buildWorld,
  createCompetition,
  createPerson,
  createTrade,
  dbId,
  drawLots,
  moveTo,
  orgId,
  registerEntrant,
  trustedDoc,
  type World,
} from './support/world';
import { until } from './support/until';

/**
 * Webhooks through the real API, real PostgreSQL and real HTTP receivers on port 0: a mark reaches
 * a receiver signed per Standard Webhooks (checked with the `standardwebhooks` library); retries
 * follow the schedule under an injected clock; a receiver that times out or always fails; secret
 * rotation; re-sending; the SSRF guard; and the union scope of endpoints and events.
 */

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { type: string; version: number; id: string; timestamp: string; data: Record<string, unknown> };
}

type Behaviour = (webhookId: string, nth: number) => number | 'hang';

/** A receiver on a free loopback port; `behave` answers each request (by its webhook-id and how often it came). */
async function receiver(behave: Behaviour = () => 200) {
  const got: Received[] = [];
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      const nth = (seen.get(id) ?? 0) + 1;
      seen.set(id, nth);
      got.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'] });
      const answer = behave(id, nth);
      if (answer === 'hang') return; // never answers: the worker's timeout ends it
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    got,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const SCHEME = {
  modules: [
    {
      code: 'P',
      name: '实际操作',
      weight: 100,
      criteria: [
        {
          code: 'P1',
          name: '焊缝',
          aspects: [
            {
              code: 'A',
              description: '外观',
              kind: 'MEASUREMENT',
              maxMark: 10,
              aggregation: { method: 'MEAN' },
              tolerance: 2,
            },
          ],
        },
      ],
    },
  ],
};

let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
const TIMEOUT_MS = 600;
// One JWT secret, so a second instance (the strict one) accepts the same tokens.
const ENV = {
  JWT_SECRET: randomUUID() + randomUUID(),
  WEBHOOKS_ALLOW_PRIVATE: 'true',
  WEBHOOKS_POLL_MS: '50',
  WEBHOOKS_TIMEOUT_MS: String(TIMEOUT_MS),
};

let t: TestApp;
let w: World;
let tradeId: string;
let entrant: string;
let judge: string;
const receivers: Awaited<ReturnType<typeof receiver>>[] = [];

async function listen(behave?: Behaviour) {
  const r = await receiver(behave);
  receivers.push(r);
  return r;
}

async function register(
  url: string,
  eventTypes: GqlEventType[],
  auth: Auth = { token: w.tokens.xian },
  org = w.orgs.xian,
) {
  const r = await t.gql(
    CreateWebhookEndpointDocument,
    { input: { organizationId: orgId(org), url, eventTypes } },
    auth,
  );
  const p = r.data?.createWebhookEndpoint;
  if (!p?.endpoint || !p.secret) throw new Error(`createWebhookEndpoint failed: ${JSON.stringify(r)}`);
  return { id: p.endpoint.id, secret: p.secret };
}

async function log(endpointId: string, auth: Auth = { token: w.tokens.xian }) {
  const r = await t.gql(WebhookDeliveryLogDocument, { id: endpointId }, auth);
  const node = r.data?.node;
  if (!node || !('deliveries' in node)) throw new Error(`no endpoint: ${JSON.stringify(r)}`);
  return node;
}

async function disable(endpointId: string) {
  const r = await t.gql(
    SetWebhookEndpointEnabledDocument,
    { input: { id: endpointId, enabled: false } },
    { token: w.tokens.xian },
  );
  expect(r.data?.setWebhookEndpointEnabled.errors).toEqual([]);
}

/** A new competition of 西安 moved to registration: one COMPETITION_STATUS_CHANGED event of 西安's subtree. */
async function xianStageChange(host = w.orgs.xian, token = w.tokens.xian): Promise<string> {
  const id = await createCompetition(t, token, host, { name: `比赛${randomUUID().slice(0, 6)}` });
  await moveTo(t, token, id, 'REGISTRATION_OPEN');
  return id;
}

const forCompetition = (r: { got: Received[] }, competitionId: string) =>
  r.got.filter((g) => g.json.data.competitionId === competitionId);

beforeAll(async () => {
  t = await startTestApp(ENV, { clock });
  w = await buildWorld(t);
  const competitionId = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '焊工大赛' });
  tradeId = await createTrade(t, w.tokens.xian, competitionId, { name: '焊工', capacity: 10 });
  await t.gql(
    SetMarkingSchemeDocument,
    { input: { tradeId, format: 'JSON', content: JSON.stringify(SCHEME) } },
    { token: w.tokens.xian },
  );
  const firm = await t.org('西安电力检修公司', OrganizationLevel.ENTERPRISE, w.orgs.lianhu);
  entrant = await registerEntrant(
    t,
    w.tokens.xian,
    tradeId,
    await createPerson(t, w.tokens.xian, firm, '选手甲'),
    {
      checkIn: true,
    },
  );
  const judgeAcc = await t.account(Role.JUDGE, w.orgs.xian, 'judge.hooks');
  judge = judgeAcc.token;
  await t.gql(
    AssignJudgeDocument,
    { input: { tradeId, accountId: gid('Account', judgeAcc.account.id), role: 'JUDGE' } },
    { token: w.tokens.xian },
  );
  await moveTo(t, w.tokens.xian, competitionId, 'REGISTRATION_OPEN', 'RUNNING');
  await drawLots(t, w.tokens.xian, tradeId);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await Promise.all(receivers.map((r) => r.close()));
});

test('SSRF: private, loopback, link-local and unique-local receivers are refused when not allowed', async () => {
  for (const a of [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
  ])
    expect([a, isPrivateAddress(a)]).toEqual([a, true]);
  for (const a of ['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])
    expect([a, isPrivateAddress(a)]).toEqual([a, false]);
  await expect(checkReceiverUrl('http://localhost:1/', false)).rejects.toThrow(
    /private, loopback or link-local/,
  );
  await expect(checkReceiverUrl('http://localhost:1/', true)).resolves.toBeInstanceOf(URL);

  // Registration through the API of an instance that does not allow private receivers.
  const strict = await startTestApp({ ...ENV, WEBHOOKS_ALLOW_PRIVATE: 'false' }, { database: t.database });
  try {
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://[::1]/',
      'http://169.254.169.254/latest',
      'http://localhost/',
      'ftp://example.com/',
    ]) {
      const r = await strict.gql(
        CreateWebhookEndpointDocument,
        { input: { organizationId: orgId(w.orgs.xian), url, eventTypes: ['MARK_ACCEPTED'] } },
        { token: w.tokens.xian },
      );
      if (!r.data) throw new Error(JSON.stringify(r));
      expect([url, r.data?.createWebhookEndpoint.errors.map((e) => [e.field, e.code])]).toEqual([
        url,
        [['input.url', 'WEBHOOK_URL_REFUSED']],
      ]);
      expect(r.data?.createWebhookEndpoint.endpoint).toBeNull();
    }
  } finally {
    await strict.close();
  }
  expect(await t.sql('select id from webhook_endpoint')).toEqual([]);

  // At delivery time the address connected to is checked again (a host re-resolving inside fails).
  const r = await listen();
  const refused = await new Promise<string>((resolve) => {
    const req = request(
      r.url.replace('127.0.0.1', 'localhost'),
      { method: 'POST', lookup: guardedLookup(false) as never },
      () => resolve('answered'),
    );
    req.on('error', (e) => resolve(e.message));
    req.end('{}');
  });
  expect(refused).toMatch(/refused: localhost resolves to/);
  expect(r.got).toHaveLength(0);
});

test('scope: another union’s organizer can neither register for nor read 西安’s endpoints; keys need webhooks:write', async () => {
  const r = await listen();
  const mine = await register(r.url, ['COMPETITION_STATUS_CHANGED']);
  const other = await t.gql(
    CreateWebhookEndpointDocument,
    { input: { organizationId: orgId(w.orgs.xian), url: r.url, eventTypes: ['MARK_ACCEPTED'] } },
    { token: w.tokens.xianyang },
  );
  expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(
    (await t.gql(WebhookDeliveryLogDocument, { id: mine.id }, { token: w.tokens.xianyang })).data?.node,
  ).toBeNull();
  const listed = await t.gql(WebhookEndpointsDocument, {}, { token: w.tokens.xianyang });
  expect(listed.data?.webhookEndpoints.nodes.map((e) => e.id)).not.toContain(mine.id);
  const rotate = await t.gql(
    RotateWebhookSecretDocument,
    { input: { id: mine.id } },
    { token: w.tokens.xianyang },
  );
  expect(rotate.data?.rotateWebhookSecret.errors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  const del = await t.gql(DeleteWebhookEndpointDocument, { id: mine.id }, { token: w.tokens.xianyang });
  expect(del.data?.deleteWebhookEndpoint.errors.map((e) => e.code)).toEqual(['NOT_FOUND']);

  const key = async (scopes: string[]) => {
    const k = await t.gql(
      CreateApiKeyDocument,
      { input: { name: `key-${randomUUID().slice(0, 6)}`, scopes, organizationId: orgId(w.orgs.xian) } },
      { token: w.tokens.xian },
    );
    return k.data!.createApiKey.secret!;
  };
  const reader = await key(['competitions:read']);
  const refused = await t.gql(
    CreateWebhookEndpointDocument,
    { input: { organizationId: orgId(w.orgs.xian), url: r.url, eventTypes: ['MARK_ACCEPTED'] } },
    { apiKey: reader },
  );
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const writer = await key(['webhooks:write']);
  const byKey = await register(r.url, ['RESULTS_FINAL'], { apiKey: writer });
  const outside = await t.gql(
    CreateWebhookEndpointDocument,
    { input: { organizationId: orgId(w.orgs.shaanxi), url: r.url, eventTypes: ['MARK_ACCEPTED'] } },
    { apiKey: writer },
  );
  expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const mineListed = await t.gql(WebhookEndpointsDocument, {}, { token: w.tokens.xian });
  expect(mineListed.data?.webhookEndpoints.nodes.map((e) => e.id)).toEqual(
    expect.arrayContaining([mine.id, byKey.id]),
  );

  const gone = await t.gql(DeleteWebhookEndpointDocument, { id: byKey.id }, { apiKey: writer });
  expect(gone.data?.deleteWebhookEndpoint).toEqual({ deletedId: byKey.id, errors: [] });
  await disable(mine.id);
});

test('a mark submitted by a tablet reaches the receiver signed; events outside the subtree never do; a redelivered event makes no second delivery', async () => {
  const r = await listen();
  const ep = await register(r.url, ['MARK_ACCEPTED', 'COMPETITION_STATUS_CHANGED']);
  const res = await asClient(() =>
    t.raw(
      {
        documentId: trustedDoc('TabletSubmitMarks'),
        variables: {
          input: {
            deviceId: 'tablet-hooks',
            marks: [{ idempotencyKey: randomUUID(), entrantId: entrant, aspectCode: 'A', value: 7.5 }],
          },
        },
      },
      { token: judge },
    ),
  );
  const outcome = (res.json.data as { submitMarks: { outcomes: { status: string; mark: { id: string } }[] } })
    .submitMarks.outcomes[0]!;
  expect(outcome.status).toBe('ACCEPTED');

  const got = await until('the mark at the receiver', () =>
    r.got.find((g) => g.json.type === 'MARK_ACCEPTED'),
  );
  // The library verifies id, timestamp and the HMAC over "id.timestamp.body" with the whsec_ secret.
  const verified = new Webhook(ep.secret).verify(got.body, got.headers as Record<string, string>);
  expect(verified).toMatchObject({
    type: 'MARK_ACCEPTED',
    version: 1,
    data: { markId: outcome.mark.id, tradeId, entrantId: entrant, aspectCode: 'A', version: 1 },
  });
  expect(got.json.id).toBe(got.headers['webhook-id']);
  expect(JSON.stringify(got.json)).not.toContain('选手');
  expect(() =>
    new Webhook(`whsec_${Buffer.alloc(24, 1).toString('base64')}`).verify(
      got.body,
      got.headers as Record<string, string>,
    ),
  ).toThrow();

  // 咸阳's stage change is not 西安's; 西安's own arrives.
  const xianyangCompetition = await xianStageChange(w.orgs.xianyang, w.tokens.xianyang);
  const xianCompetition = await xianStageChange();
  await until('西安’s stage change', () => forCompetition(r, xianCompetition).length === 1);
  // The receiver answers before the worker records the answer: wait for the log.
  const log1 = await until('both deliveries logged', async () => {
    const x = await log(ep.id);
    return x.deliveries.nodes.every((d) => d.status !== 'PENDING') && x;
  });
  expect(log1.deliveries.nodes.map((d) => d.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  expect(log1.deliveries.nodes[0]!.attempts).toEqual([
    { attemptedAt: expect.any(String), statusCode: 200, error: null, durationMs: expect.any(Number) },
  ]);
  // The outbox may hand an event over again (at least once): the (endpoint, event) key drops it.
  const repeat = new WebhookWorker(() => t.orm.em.fork() as EntityManager, {
    pollMs: 50,
    timeoutMs: 500,
    allowPrivate: true,
    clock,
  });
  // 咸阳's event, handed to the fan-out once more and awaited: no endpoint of 西安 matches it.
  const [outside] = await t.sql<{ id: string; payload: unknown }>(
    `select id, payload from outbox_event where name = 'COMPETITION_STATUS_CHANGED' and payload->>'competitionId' = ?`,
    [String(dbId(xianyangCompetition))],
  );
  await repeat.fanOut(WebhookEventType.COMPETITION_STATUS_CHANGED, outside!.id, outside!.payload);
  const [outsideRows] = await t.sql<{ n: string }>(
    'select count(*) n from webhook_delivery where event_id = ?',
    [outside!.id],
  );
  expect(Number(outsideRows!.n)).toBe(0);
  expect(forCompetition(r, xianyangCompetition)).toEqual([]);

  const [event] = await t.sql<{ id: string; payload: unknown }>(
    `select id, payload from outbox_event where name = 'MARK_ACCEPTED' and payload->>'markId' = ?`,
    [String(dbId(outcome.mark.id))],
  );
  await repeat.fanOut(WebhookEventType.MARK_ACCEPTED, event!.id, event!.payload);
  await repeat.fanOut(WebhookEventType.MARK_ACCEPTED, event!.id, event!.payload);
  const [rows] = await t.sql<{ n: string }>('select count(*) n from webhook_delivery where event_id = ?', [
    event!.id,
  ]);
  expect(Number(rows!.n)).toBe(1);
  await repeat.close();
  await disable(ep.id);
}, 60_000);

test('what is sent is read at delivery time: an owner who lost access gets nothing (SKIPPED)', async () => {
  const r = await listen();
  const owner = await t.account(Role.ORGANIZER, w.orgs.xian);
  const ep = await register(r.url, ['COMPETITION_STATUS_CHANGED'], { token: owner.token });
  // Disabled behind the API's back, as by another instance: the next event is queued, then not sent.
  await t.sql('update account set active = false where id = ?', [owner.account.id]);
  await xianStageChange();
  const d = await until('the skipped delivery', async () => {
    const x = (await log(ep.id)).deliveries.nodes[0];
    return x?.status === 'SKIPPED' && x;
  });
  expect(d.attempts).toEqual([]);
  expect(r.got).toEqual([]);
  await disable(ep.id);
});

test('rotation: during the overlap both secrets sign; after a rotation without overlap only the new one', async () => {
  const r = await listen();
  const ep = await register(r.url, ['COMPETITION_STATUS_CHANGED']);
  const rotated = await t.gql(
    RotateWebhookSecretDocument,
    { input: { id: ep.id, previousSecretValidHours: 24 } },
    { token: w.tokens.xian },
  );
  const second = rotated.data!.rotateWebhookSecret.secret!;
  expect(second).toMatch(/^whsec_/);
  expect(second).not.toBe(ep.secret);
  expect(rotated.data!.rotateWebhookSecret.endpoint!.previousSecretExpiresAt).not.toBeNull();
  const c1 = await xianStageChange();
  const during = await until('an event during the overlap', () => forCompetition(r, c1)[0]);
  expect(String(during!.headers['webhook-signature']).split(' ')).toHaveLength(2);
  for (const secret of [ep.secret, second])
    expect(new Webhook(secret).verify(during!.body, during!.headers as Record<string, string>)).toMatchObject(
      { type: 'COMPETITION_STATUS_CHANGED' },
    );

  const third = (
    await t.gql(
      RotateWebhookSecretDocument,
      { input: { id: ep.id, previousSecretValidHours: 0 } },
      { token: w.tokens.xian },
    )
  ).data!.rotateWebhookSecret.secret!;
  const c2 = await xianStageChange();
  const after = await until('an event after the overlap', () => forCompetition(r, c2)[0]);
  expect(String(after!.headers['webhook-signature']).split(' ')).toHaveLength(1);
  expect(new Webhook(third).verify(after!.body, after!.headers as Record<string, string>)).toMatchObject({
    type: 'COMPETITION_STATUS_CHANGED',
  });
  expect(() => new Webhook(second).verify(after!.body, after!.headers as Record<string, string>)).toThrow();
  await disable(ep.id);
});

test('resend: a delivery goes out again with the same webhook-id, and the log keeps both attempts', async () => {
  const r = await listen();
  const ep = await register(r.url, ['COMPETITION_STATUS_CHANGED']);
  const c = await xianStageChange();
  await until('the first delivery', () => forCompetition(r, c).length === 1);
  const delivery = (await until('the logged attempt', async () => {
    const d = (await log(ep.id)).deliveries.nodes[0];
    return d?.attempts.length === 1 && d;
  }))!;
  const other = await t.gql(ResendWebhookDeliveryDocument, { id: delivery.id }, { token: w.tokens.xianyang });
  expect(other.data?.resendWebhookDelivery.errors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  const resent = await t.gql(ResendWebhookDeliveryDocument, { id: delivery.id }, { token: w.tokens.xian });
  expect(resent.data?.resendWebhookDelivery).toMatchObject({
    delivery: { id: delivery.id, status: 'PENDING' },
    errors: [],
  });
  await until('the resent delivery', () => forCompetition(r, c).length === 2);
  const [a, b] = forCompetition(r, c);
  expect(b!.headers['webhook-id']).toBe(a!.headers['webhook-id']);
  expect(b!.body).toBe(a!.body);
  await until(
    'both attempts in the log',
    async () => (await log(ep.id)).deliveries.nodes[0]!.attempts.length === 2,
  );

  await disable(ep.id);
  const refused = await t.gql(ResendWebhookDeliveryDocument, { id: delivery.id }, { token: w.tokens.xian });
  expect(refused.data?.resendWebhookDelivery.errors.map((e) => e.code)).toEqual([
    'WEBHOOK_ENDPOINT_DISABLED',
  ]);
});

test('a receiver that fails, then recovers: retries follow the schedule under the injected clock', async () => {
  const r = await listen((_id, nth) => (nth <= 2 ? 500 : 204));
  const ep = await register(r.url, ['COMPETITION_STATUS_CHANGED']);
  const c = await xianStageChange();
  const attempts = async (n: number) => {
    await until(`${n} attempts`, async () => {
      const d = (await log(ep.id)).deliveries.nodes[0];
      return d && d.attempts.length === n && d;
    });
    // Read again: one answer reads the delivery and its attempts by separate statements, so the
    // answer that first showed the attempt may hold the delivery as it was before that commit.
    return (await log(ep.id)).deliveries.nodes[0]!;
  };
  let d = await attempts(1);
  expect(d.status).toBe('PENDING');
  expect(new Date(d.nextAttemptAt!).getTime() - new Date(d.attempts[0]!.attemptedAt).getTime()).toBe(
    RETRY_SCHEDULE_MS[0],
  );
  offsetMs += RETRY_SCHEDULE_MS[0]!;
  d = await attempts(2);
  expect(new Date(d.nextAttemptAt!).getTime() - new Date(d.attempts[1]!.attemptedAt).getTime()).toBe(
    RETRY_SCHEDULE_MS[1],
  );
  offsetMs += RETRY_SCHEDULE_MS[1]!;
  d = await attempts(3);
  expect(d.status).toBe('SUCCEEDED');
  expect(d.attempts.map((a) => a.statusCode)).toEqual([500, 500, 204]);
  const gaps = d.attempts
    .slice(1)
    .map((a, i) => new Date(a.attemptedAt).getTime() - new Date(d.attempts[i]!.attemptedAt).getTime());
  expect(gaps[0]).toBeGreaterThanOrEqual(RETRY_SCHEDULE_MS[0]!);
  expect(gaps[1]).toBeGreaterThanOrEqual(RETRY_SCHEDULE_MS[1]!);
  expect(forCompetition(r, c)).toHaveLength(3);
  expect((await log(ep.id)).enabled).toBe(true);
  await disable(ep.id);
});

test('a receiver that never answers: the attempt times out and is logged as such', async () => {
  const r = await listen(() => 'hang');
  const ep = await register(r.url, ['COMPETITION_STATUS_CHANGED']);
  await xianStageChange();
  const d = await until('a timed-out attempt', async () => {
    const x = (await log(ep.id)).deliveries.nodes[0];
    return x && x.attempts.length === 1 && x;
  });
  expect(d.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/timed out/) });
  expect(d.attempts[0]!.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  expect(d.status).toBe('PENDING');
  await disable(ep.id);
});

test('a receiver that always fails: every retry over more than a day, then the endpoint is disabled with a reason', async () => {
  expect(RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24 * 3_600_000);
  const r = await listen(() => 503);
  const ep = await register(r.url, ['COMPETITION_STATUS_CHANGED']);
  await xianStageChange();
  for (let n = 1; n <= MAX_ATTEMPTS; n++) {
    await until(`attempt ${n}`, async () => (await log(ep.id)).deliveries.nodes[0]?.attempts.length === n);
    if (n < MAX_ATTEMPTS) offsetMs += RETRY_SCHEDULE_MS[n - 1]!;
  }
  const e = await until('the endpoint disabled', async () => {
    const x = await log(ep.id);
    return !x.enabled && x;
  });
  expect(e.disabledReason).toMatch(new RegExp(`all ${MAX_ATTEMPTS} attempts .* failed \\(last: HTTP 503\\)`));
  const d = e.deliveries.nodes[0]!;
  expect(d.status).toBe('FAILED');
  expect(d.attempts).toHaveLength(MAX_ATTEMPTS);
  expect(d.attempts.every((a) => a.statusCode === 503)).toBe(true);
  const span =
    new Date(d.attempts.at(-1)!.attemptedAt).getTime() - new Date(d.attempts[0]!.attemptedAt).getTime();
  expect(span).toBeGreaterThanOrEqual(24 * 3_600_000);

  // Re-enabling clears the reason.
  const on = await t.gql(
    SetWebhookEndpointEnabledDocument,
    { input: { id: ep.id, enabled: true } },
    { token: w.tokens.xian },
  );
  expect(on.data?.setWebhookEndpointEnabled.endpoint).toMatchObject({ enabled: true, disabledReason: null });
  await disable(ep.id);
}, 120_000);
