import { print } from 'graphql';
import {
  AccessUnionStatisticsDocument,
  CompetitionsDocument,
  RecordBenefitDocument,
  SignInDocument,
  ViewerDocument,
} from './generated/graphql';
import { startTestApp, type TestApp } from './support/app';
import { Peer } from './support/ws';

/**
 * Messages come in Chinese unless the caller asks for English (Accept-Language, or the
 * WebSocket connection_init `language`); codes never change. Cacheable answers carry no
 * messages, so they are the same in both languages.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const ZH = '用户名或密码错误。';
const EN = 'Wrong username or password.';
let n = 0;

/** A sign-in that fails (an unknown name each time, so no lock-out), asked with these headers. */
async function failedSignIn(headers: Record<string, string>) {
  const { status, json } = await t.raw(
    {
      query: print(SignInDocument),
      variables: { input: { username: `nobody${++n}`, password: 'not the password' } },
    },
    { headers },
  );
  expect(status).toBe(200);
  const errors = (json.data as { signIn: { errors: { code: string; message: string; field: string }[] } })
    .signIn.errors;
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

test('a payload error is in Chinese by default, in English when asked, with the same code', async () => {
  const zh = await failedSignIn({ 'accept-language': '' });
  expect(zh).toEqual({ code: 'INVALID_CREDENTIALS', field: 'input.password', message: ZH });
  expect(await failedSignIn({ 'accept-language': 'en' })).toEqual({ ...zh, message: EN });
  expect((await failedSignIn({ 'accept-language': 'en-GB,en;q=0.8' })).message).toBe(EN);
  expect((await failedSignIn({ 'accept-language': 'zh-CN' })).message).toBe(ZH);
});

test('q-values decide between the two; a language neither of them is gives Chinese', async () => {
  expect((await failedSignIn({ 'accept-language': 'en;q=0.5, zh;q=0.9' })).message).toBe(ZH);
  expect((await failedSignIn({ 'accept-language': 'zh;q=0.3, en-US;q=0.7' })).message).toBe(EN);
  expect((await failedSignIn({ 'accept-language': 'fr-FR, de;q=0.9' })).message).toBe(ZH);
  expect((await failedSignIn({ 'accept-language': 'fr, en;q=0.1' })).message).toBe(EN);
});

test('top-level errors are localized too, codes unchanged', async () => {
  const ask = (lang: string) =>
    t.raw(
      { query: print(ViewerDocument) },
      { headers: { 'accept-language': lang, authorization: 'Bearer nope' } },
    );
  const zh = await ask('zh');
  const en = await ask('en');
  expect(zh.status).toBe(401);
  expect(zh.json.errors?.[0]).toMatchObject({
    message: '令牌无效或已过期。',
    extensions: { code: 'UNAUTHENTICATED' },
  });
  expect(en.json.errors?.[0]).toMatchObject({
    message: 'Invalid or expired token.',
    extensions: { code: 'UNAUTHENTICATED' },
  });
});

test('an error a resolver raises is in the language of the request', async () => {
  const ask = (lang: string) =>
    t.gql(
      AccessUnionStatisticsDocument,
      { id: 'T3JnYW5pemF0aW9uOjE=' },
      { headers: { 'accept-language': lang } },
    );
  const zh = await ask('zh-CN,zh;q=0.9');
  const en = await ask('en');
  expect(zh.errors?.[0]).toMatchObject({ message: '请先登录。', extensions: { code: 'UNAUTHENTICATED' } });
  expect(en.errors?.[0]).toMatchObject({
    message: 'Sign in first.',
    extensions: { code: 'UNAUTHENTICATED' },
  });
});

test('a value our scalars refuse is explained in the language of the request', async () => {
  const ask = (lang: string) =>
    t.raw(
      {
        query: print(RecordBenefitDocument),
        variables: {
          i: {
            studioId: 'x',
            kind: 'ECONOMIC_BENEFIT',
            title: '效益',
            achievedOn: '2024-06-01',
            benefitYuan: 0.1,
          },
        },
      },
      { headers: { 'accept-language': lang } },
    );
  const zh = (await ask('zh')).json.errors?.[0];
  const en = (await ask('en')).json.errors?.[0];
  expect(zh?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(en?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(zh?.message).toContain('金额请以字符串给出');
  expect(en?.message).toMatch(/^Variable "\$i" got invalid value .*give the amount as a string/);
});

test('over WebSocket, connection_init `language` chooses; the upgrade header is the fallback', async () => {
  const run = async (peer: Peer, payload: Record<string, unknown> | undefined) => {
    try {
      await peer.init(payload);
      peer.subscribeRaw('1', print(SignInDocument), {
        input: { username: `nobody${++n}`, password: 'not the password' },
      });
      const m = await peer.next('1');
      return (m.payload as { data: { signIn: { errors: { code: string; message: string }[] } } }).data.signIn
        .errors[0]!;
    } finally {
      peer.terminate();
    }
  };
  expect(await run(new Peer(t.url, { acceptLanguage: 'en' }), { language: 'zh' })).toEqual(
    expect.objectContaining({ code: 'INVALID_CREDENTIALS', message: ZH }),
  );
  expect(await run(new Peer(t.url, { acceptLanguage: 'zh' }), { language: 'en' })).toEqual(
    expect.objectContaining({ code: 'INVALID_CREDENTIALS', message: EN }),
  );
  expect((await run(new Peer(t.url, { acceptLanguage: 'zh-CN' }), undefined)).message).toBe(ZH);
  expect((await run(new Peer(t.url, { acceptLanguage: 'en-US' }), {})).message).toBe(EN);
});

test('a cacheable public read carries no message: the same answer in both languages', async () => {
  const read = (lang: string) =>
    t.raw(
      { query: print(CompetitionsDocument), variables: { first: 5 } },
      { headers: { 'accept-language': lang } },
    );
  const zh = await read('zh');
  const en = await read('en');
  expect(zh.status).toBe(200);
  expect(zh.json.errors).toBeUndefined();
  expect(en.json).toEqual(zh.json);
});
