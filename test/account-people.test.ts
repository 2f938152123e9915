import { randomUUID } from 'node:crypto';
import { Role } from '../src/modules/account/account.entity';
import { OrganizationLevel } from '../src/modules/organization/organization.entity';
import {
  AccountPersonDocument,
  CreateLinkedAccountDocument,
  LinkAccountPersonDocument,
  PanelAssignJudgeDocument,
  SignInTokenDocument,
} from './generated/graphql';
import { gid, startTestApp, type TestApp } from './support/app';
import { buildWorld, createPerson, dbId, runningTrade, tablet, type World } from './support/world';

/**
 * Accounts linked to people: an organizer links a judge's account to the person record of its
 * holder (on creation or later, within the organizer's subtree); the own-employer conflict rule
 * then applies whoever created the account; the account shows its person to those who may see it.
 */
let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await startTestApp();
  w = await buildWorld(t);
});
afterAll(() => t?.close());

const PASSWORD = 'a long enough password';

async function createJudge(personId: string | null, token = w.tokens.xian) {
  return t.gql(
    CreateLinkedAccountDocument,
    {
      input: {
        username: `judge_${randomUUID().slice(0, 8)}`,
        password: PASSWORD,
        displayName: '裁判',
        role: 'JUDGE',
        organizationId: gid('Organization', w.orgs.xian.id),
        personId,
      },
    },
    { token },
  );
}

test('an account is linked on creation or later, only to a person within the organizer’s subtree', async () => {
  const welder = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '王师傅');
  const created = await createJudge(welder);
  expect(created.data!.createAccount).toMatchObject({
    errors: [],
    account: { role: 'JUDGE', person: { id: welder, name: '王师傅' } },
  });

  // A person of the neighbouring city is refused exactly like one that does not exist.
  const neighbour = await createPerson(t, w.tokens.xianyang, w.orgs.xianyangFirm, '李师傅');
  const outside = await createJudge(neighbour);
  const missing = await createJudge(gid('Person', 999_999));
  for (const r of [outside, missing]) {
    expect(r.data!.createAccount).toEqual({
      account: null,
      errors: [{ code: 'NOT_FOUND', field: 'input.personId', message: 'No such person.' }],
    });
  }

  // Later: an account an admin created, linked by the organizer who manages it.
  const { account } = await t.account(Role.JUDGE, w.orgs.lianhu);
  const accountId = gid('Account', account.id);
  const linked = await t.gql(
    LinkAccountPersonDocument,
    { input: { accountId, personId: welder } },
    { token: w.tokens.xian },
  );
  expect(linked.data!.linkAccountPerson).toMatchObject({
    errors: [],
    account: { id: accountId, person: { id: welder, employer: { name: '西安秦川焊接有限公司' } } },
  });
  const refused = await t.gql(
    LinkAccountPersonDocument,
    { input: { accountId, personId: neighbour } },
    { token: w.tokens.xian },
  );
  expect(refused.data!.linkAccountPerson.errors).toEqual([
    expect.objectContaining({ code: 'NOT_FOUND', field: 'input.personId' }),
  ]);
  // The neighbouring organizer manages neither: the account is refused like a missing one.
  const foreign = await t.gql(
    LinkAccountPersonDocument,
    { input: { accountId, personId: neighbour } },
    { token: w.tokens.xianyang },
  );
  expect(foreign.data!.linkAccountPerson.errors).toEqual([
    { code: 'NOT_FOUND', field: 'input.accountId', message: 'No such account.' },
  ]);

  // Who sees the person: those who manage the employer (the organizer, an admin).
  const seen = async (token: string) =>
    (await t.gql(AccountPersonDocument, { id: accountId }, { token })).data!.node;
  expect(await seen(w.tokens.xian)).toEqual({ id: accountId, person: { id: welder, name: '王师傅' } });
  expect(await seen(w.tokens.admin)).toMatchObject({ person: { id: welder } });

  // Unlinked with a null person.
  const unlinked = await t.gql(
    LinkAccountPersonDocument,
    { input: { accountId, personId: null } },
    { token: w.tokens.xian },
  );
  expect(unlinked.data!.linkAccountPerson.account!.person).toBeNull();
});

test('the own-employer conflict applies to a linked account, whoever created it', async () => {
  // Entrants are employed by 西安秦川焊接有限公司 (under 莲湖区).
  const trade = await runningTrade(t, w, { name: '电焊', entrants: 2 });
  const power = await t.org('西安某电力公司', OrganizationLevel.ENTERPRISE, w.orgs.xian);
  const colleague = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '同厂裁判');
  const outsider = await createPerson(t, w.tokens.xian, power, '外厂裁判');

  // One account created through the API with its person; one created elsewhere and linked later.
  const viaApi = await createJudge(colleague);
  const apiAccount = viaApi.data!.createAccount.account!.id;
  const seeded = await t.account(Role.JUDGE, w.orgs.xian);
  const seededAccount = gid('Account', seeded.account.id);
  await t.gql(
    LinkAccountPersonDocument,
    { input: { accountId: seededAccount, personId: outsider } },
    { token: w.tokens.xian },
  );
  for (const accountId of [apiAccount, seededAccount]) {
    const seat = await t.gql(
      PanelAssignJudgeDocument,
      { input: { tradeId: trade.tradeId, accountId, role: 'JUDGE', reason: '增补裁判' } },
      { token: w.tokens.xian },
    );
    expect(seat.data!.assignJudge.errors).toEqual([]);
  }
  const signIn = async (username: string) => {
    const r = await t.gql(SignInTokenDocument, { input: { username, password: PASSWORD } });
    return r.data!.signIn.token!;
  };
  const apiUsername = (
    await t.sql<{ username: string }>('select username from account where id = ?', [dbId(apiAccount)])
  )[0]!.username;
  const mark = (token: string) =>
    tablet<{ submitMarks: { outcomes: { status: string; code: string | null }[] } }>(
      t,
      token,
      'TabletSubmitMarks',
      {
        input: {
          deviceId: 'tablet-9',
          marks: [
            { idempotencyKey: randomUUID(), entrantId: trade.entrants[0], aspectCode: 'P1', value: 80 },
          ],
        },
      },
    );
  expect((await mark(await signIn(apiUsername))).submitMarks.outcomes[0]).toMatchObject({
    status: 'REFUSED',
    code: 'CONFLICT_OF_INTEREST',
  });
  expect((await mark(seeded.token)).submitMarks.outcomes[0]).toMatchObject({ status: 'ACCEPTED' });

  // Linking the seeded account to the entrants' employer makes it conflicted too.
  await t.gql(
    LinkAccountPersonDocument,
    { input: { accountId: seededAccount, personId: colleague } },
    { token: w.tokens.xian },
  );
  const again = await tablet<{ submitMarks: { outcomes: { code: string | null }[] } }>(
    t,
    seeded.token,
    'TabletSubmitMarks',
    {
      input: {
        deviceId: 'tablet-9',
        marks: [{ idempotencyKey: randomUUID(), entrantId: trade.entrants[1], aspectCode: 'P1', value: 70 }],
      },
    },
  );
  expect(again.submitMarks.outcomes[0]!.code).toBe('CONFLICT_OF_INTEREST');
});
