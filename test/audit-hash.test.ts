import fc from 'fast-check';
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAudit, verifyChain } from '../src/modules/audit/audit.service';
import { OrganizationLevel } from '../src/modules/organization/organization.entity';
import { startTestApp, type TestApp } from './support/app';

// The database hashes each appended event (audit_append) from the canonical body the caller cuts
// around seq's value; appendAudit refuses a hash that differs from hashEvent's, and verifyChain
// recomputes every hash from the rows as stored (jsonb). Both must hold for any content.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

// jsonb keeps neither NUL nor lone surrogates; graphemes are whole characters, Chinese and emoji included.
const text = fc.string({ unit: 'grapheme', maxLength: 10 }).filter((s) => !s.includes('\u0000'));
const key = fc
  .oneof(text, fc.constantFrom('seq', 'subject', 'after', 'before', 'registryId', '"seq":0,'))
  .filter((k) => k !== '__proto__');
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));
const record = fc.dictionary(key, value, { maxKeys: 5 });

test('events hashed by the database verify as hashEvent computes them, whatever their content', async () => {
  const host = await t.org('审计哈希测试工会', OrganizationLevel.CITY);
  const [c] = await t.sql<{ id: number }>(
    `insert into competition (name, kind, year, host_id) values ('哈希链测试', 'SKILLS', 2026, ?) returning id`,
    [host.id],
  );
  let appended = 0;
  await fc.assert(
    fc.asyncProperty(record, fc.option(record), fc.option(record), async (subject, before, after) => {
      await t.orm.em.fork().transactional((em) =>
        appendAudit(em as EntityManager, {
          competitionId: c!.id,
          kind: 'MARK_CORRECTED',
          actorId: null,
          deviceId: '平板 "A"\\1',
          idempotencyKey: `键-${appended}`,
          subject,
          before,
          after,
        }),
      );
      appended += 1;
    }),
    { numRuns: 80 },
  );
  const verdict = await verifyChain(t.orm.em.fork() as EntityManager, c!.id);
  expect(verdict).toEqual({ ok: true, checked: appended, firstBrokenSeq: null, reason: null });
});
