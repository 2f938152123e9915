/**
 * Schema-driven fuzzing of the GraphQL API.
 *
 *  - `generateOperation`: a seeded generator of random operations from the schema, valid
 *    ones and deliberately invalid ones (unknown field, wrong argument type, …).
 *  - `checkHttpResponse` / `checkWsOutcome`: every answer must be well formed: a JSON body,
 *    status 200 or 4xx, errors with a string `extensions.code` that is never
 *    INTERNAL_SERVER_ERROR, and `data` that matches the schema for the selection.
 *  - `runCampaign`: sends operations per caller (HTTP, sometimes graphql-ws) and counts.
 *
 * Shared by test/fuzz.test.ts (bounded, in the suite) and scripts/fuzz.ts (long runs);
 * nothing here depends on jest globals.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type ArgumentNode,
  buildSchema,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLArgument,
  type GraphQLEnumType,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  type NameNode,
  type ObjectFieldNode,
  type OperationDefinitionNode,
  OperationTypeNode,
  parse,
  parseType,
  print,
  SchemaMetaFieldDef,
  type SelectionNode,
  type SelectionSetNode,
  type TypeNode,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type ValueNode,
  type VariableDefinitionNode,
  type VariableNode,
} from 'graphql';
import { DateTimeISOResolver } from 'graphql-scalars';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { Role } from '../../src/modules/account/account.entity';
import { createApp, type App } from '../../src/server';
import { API_SCOPES } from '../../src/shared/access/viewer';
import type { MikroORM } from '../../src/shared/db/orm';
import { fromGlobalId, toGlobalId } from '../../src/shared/graphql/relay';
import { DateScalar, DecimalScalar } from '../../src/shared/graphql/scalars';
import { documentId, loadManifest } from '../../src/shared/security/trusted-documents';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AddHonorDocument,
  CreateApiKeyDocument,
  CreateTeamDocument,
  RegisterEntrantIdDocument,
} from '../generated/graphql';
import { type Auth, PASSWORD, type TestApp } from './app';
import { buildWorld, createCompetition, createPerson, createTrade, moveTo, orgId, type World } from './world';

// ------------------------------------------------------------------ randomness

/** A seeded source of numbers in [0, 1). */
export type Rng = () => number;

/**
 * The committed SDL as a schema. SDL carries no scalar behaviour, so each custom scalar gets the
 * server's own coercion: the fuzzer then knows which literals the server refuses.
 */
export function loadFuzzSchema(): GraphQLSchema {
  const schema = buildSchema(
    readFileSync(path.join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8'),
  );
  for (const scalar of [DateTimeISOResolver, DateScalar, DecimalScalar]) {
    Object.assign(schema.getType(scalar.name)!, {
      parseValue: scalar.parseValue,
      parseLiteral: scalar.parseLiteral,
      serialize: scalar.serialize,
    });
  }
  return schema;
}

/** mulberry32: tiny, fast, and good enough to drive a fuzzer reproducibly. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An independent seed per label (e.g. per role), so each stream is reproducible on its own. */
export function subSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

const between = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const chance = (rng: Rng, p: number): boolean => rng() < p;
function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// ------------------------------------------------------------------ ID pool

/** Object types reachable by global ID, most specific names first (for matching by context). */
export const NODE_TYPES = [
  'ApiKey',
  'Account',
  'Organization',
  'Competition',
  'Trade',
  'Entrant',
  'Person',
  'Team',
  'Honor',
] as const;

/** Real values the generator draws from; it grows with IDs and cursors seen in responses. */
export interface IdPool {
  ids: Map<string, string[]>;
  cursors: string[];
  usernames: string[];
  password: string | null;
  orgNames: string[];
  /** IDs that must never be sent (the fuzzing accounts and key: disabling them would end the run). */
  protectedIds: Set<string>;
  replaced: number;
}

const POOL_CAP = 300;

export function createIdPool(
  init: {
    ids?: string[];
    protectedIds?: string[];
    usernames?: string[];
    password?: string;
    orgNames?: string[];
  } = {},
): IdPool {
  const pool: IdPool = {
    ids: new Map(),
    cursors: [],
    usernames: [...(init.usernames ?? [])],
    password: init.password ?? null,
    orgNames: [...(init.orgNames ?? [])],
    protectedIds: new Set(init.protectedIds ?? []),
    replaced: 0,
  };
  for (const id of init.ids ?? []) addToPool(pool, id);
  return pool;
}

export function addToPool(pool: IdPool, id: string): boolean {
  if (pool.protectedIds.has(id)) return false;
  const d = fromGlobalId(id);
  if (!d) return false;
  const list = pool.ids.get(d.type) ?? [];
  if (list.includes(id)) return false;
  if (list.length < POOL_CAP) list.push(id);
  else list[pool.replaced++ % POOL_CAP] = id;
  pool.ids.set(d.type, list);
  return true;
}

/** Collects global IDs and cursors from response data into the pool. */
export function harvest(pool: IdPool, value: unknown, depth = 0): void {
  if (depth > 30 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) harvest(pool, v, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') {
      if (k === 'id' || k.endsWith('Id')) addToPool(pool, v);
      else if ((k === 'endCursor' || k === 'startCursor' || k === 'cursor') && !pool.cursors.includes(v)) {
        if (pool.cursors.length < POOL_CAP) pool.cursors.push(v);
        else pool.cursors[pool.replaced++ % POOL_CAP] = v;
      }
    } else harvest(pool, v, depth + 1);
  }
}

// ------------------------------------------------------------------ values

const CHINESE =
  '中华全国总工会陕西省西安市咸阳莲湖区焊接电力检修公司职工技能大赛劳动模范工匠选手裁判长赛项理论实操班组团队报名审核通过检录张王李赵刘陈杨黄周吴';
const ASCII_WORDS = ['a', 'test', 'Welder', 'admin', 'xian', 'foo bar', 'Hello, World', 'x_y-z.1', 'ORG'];
const SPECIALS = [
  "'",
  '"',
  '\\',
  '%',
  '_',
  '%_%',
  "' OR '1'='1",
  "'); drop table organization; --",
  '--',
  ';',
  '<script>alert(1)</script>',
  '${x}',
  '{{x}}',
  '👷‍♀️🏭',
  'e\u0301',
  '\u202eabc',
  '\u200b',
  '\ufeff',
  'İ',
  'ß',
  '\r\n',
  '%00',
  '../../etc/passwd',
  'null',
  'NULL',
  'undefined',
  'true',
  'NaN',
  '1e309',
  '\\u0000',
  'a,b\n"c"',
];
const SPACES = [' ', '   ', '\t', '\n', '\u3000', '\u00a0', ' \t\n '];
const NUMERIC_STRINGS = [
  '0',
  '-0',
  '1',
  '-1',
  '1.5',
  '2147483648',
  '2024-02-30',
  '2024-13-01',
  '9'.repeat(40),
];

function chineseText(rng: Rng, min: number, max: number): string {
  let s = '';
  const n = between(rng, min, max);
  for (let i = 0; i < n; i++) s += CHINESE[between(rng, 0, CHINESE.length - 1)];
  return s;
}

/**
 * A random string: empty, whitespace, ASCII, Chinese, very long (up to `max`),
 * specials, control characters (NUL included), numbers as text. Strings inlined in
 * a document never carry lone surrogates (a GraphQL document cannot hold them).
 */
export function randomText(rng: Rng, opts: { inline?: boolean; max?: number } = {}): string {
  const max = opts.max ?? 300;
  switch (between(rng, 0, 12)) {
    case 0:
      return '';
    case 1:
      return pick(rng, SPACES) + (chance(rng, 0.5) ? pick(rng, SPACES) : '');
    case 2:
      return pick(rng, ASCII_WORDS);
    case 3:
    case 4:
      return chineseText(rng, 1, 20);
    case 5: {
      const n = between(rng, Math.min(100, max), max);
      let s = '';
      while (s.length < n) s += chance(rng, 0.7) ? chineseText(rng, 1, 8) : pick(rng, ASCII_WORDS);
      return s.slice(0, n);
    }
    case 6:
      return pick(rng, SPECIALS);
    case 7:
      return `${pick(rng, SPACES)}${chineseText(rng, 1, 6)}${pick(rng, SPACES)}`;
    case 8:
      return pick(rng, ['\u0000', 'a\u0000b', `${chineseText(rng, 1, 4)}\u0000`]);
    case 9: {
      let s = '';
      const n = between(rng, 1, 6);
      for (let i = 0; i < n; i++) s += String.fromCharCode(between(rng, 1, 31));
      return s + pick(rng, ['', 'x', '名']);
    }
    case 10:
      return opts.inline ? '😀' : pick(rng, ['\ud800', 'a\udc00b', '\udbff']);
    case 11: {
      let s = '';
      const n = between(rng, 1, 12);
      for (let i = 0; i < n; i++) {
        const cp = pick(rng, [
          between(rng, 0x20, 0x7e),
          between(rng, 0xa0, 0x24f),
          between(rng, 0x400, 0x4ff),
        ]);
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return pick(rng, NUMERIC_STRINGS);
  }
}

function randomIsoDate(rng: Rng): string {
  if (chance(rng, 0.25))
    return pick(rng, ['2024-02-29', '2023-02-29', '2024-13-01', '24-1-1', '2024/05/01', '']);
  const d = new Date(Date.UTC(between(rng, 1990, 2100), between(rng, 0, 11), between(rng, 1, 28)));
  return d.toISOString().slice(0, 10);
}

function randomDateTime(rng: Rng): string {
  const iso = new Date(between(rng, Date.UTC(1990, 0, 1), Date.UTC(2100, 0, 1))).toISOString();
  return pick(rng, [
    iso,
    iso,
    iso.replace(/\.\d{3}Z$/, 'Z'),
    '2024-02-29T00:00:00Z',
    '1970-01-01T00:00:00.000Z',
    '2024-05-01T08:00:00+08:00',
    '0001-01-01T00:00:00Z',
    '2099-12-31T23:59:59.999Z',
  ]);
}

const base64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

function randomBytesB64(rng: Rng, n: number): string {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = between(rng, 0, 255);
  return b.toString(chance(rng, 0.5) ? 'base64' : 'base64url');
}

/** Node types an ID argument or input field most likely refers to, from its name and context. */
const ID_NAME_HINTS: Record<string, string> = {
  host: 'Organization',
  parent: 'Organization',
  newParent: 'Organization',
  employer: 'Organization',
  union: 'Organization',
  enterprise: 'Organization',
  organization: 'Organization',
  under: 'Organization',
  member: 'Person',
  person: 'Person',
  competition: 'Competition',
  trade: 'Trade',
  team: 'Team',
};

function idTypes(name: string, context: string): string[] {
  const m = /^(.*?)(Ids|Id|Under)$/.exec(name);
  if (m && m[1]) {
    const t = ID_NAME_HINTS[m[1]];
    if (t) return [t];
  }
  if (name === 'under') return ['Organization'];
  if (/^(node|nodes)$/.test(context)) return [...NODE_TYPES];
  const lc = context.toLowerCase();
  const t = NODE_TYPES.find((n) => lc.includes(n.toLowerCase()));
  return t ? [t] : [...NODE_TYPES];
}

interface Hint {
  /** Argument or input field name. */
  name: string;
  /** Root field name or input type name. */
  context: string;
}

// ------------------------------------------------------------------ generation

export const INVALID_KINDS = [
  'unknownField',
  'unknownArgument',
  'wrongArgType',
  'missingRequiredArg',
  'syntaxError',
  'variableTypeMismatch',
  'variableValueMismatch',
  'unknownEnumValue',
  'hugeInt',
  'leafSelection',
  'missingSelection',
  'undefinedVariable',
  'unusedVariable',
  'unknownOperationName',
  'transport',
] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

export interface GeneratedOperation {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  /** Whether the operation is valid GraphQL (parses, validates, variables coerce). */
  valid: boolean;
  /** What was broken, for invalid operations (e.g. `wrongArgType`, `transport:batch`). */
  invalidKind?: string;
  operationType: 'query' | 'mutation' | 'subscription';
  rootFields: string[];
  /** Sent verbatim instead of `{ query, variables, operationName }` (transport-level cases). */
  body?: unknown;
  /** Sent as the raw request text (not JSON-encoded). */
  rawText?: string;
}

export interface GenerateOptions {
  /** Levels of object fields below the root field (default 4). */
  maxDepth?: number;
  /** Share of deliberately invalid operations (default 0.25). */
  invalidRate?: number;
  /** Share of subscriptions among valid operations (default 0.04). */
  subscriptionRate?: number;
  /** Most fields selected in one operation (keeps documents under the token limit). */
  fieldBudget?: number;
}

/** Where a value sits in the document: an argument or an input-object field. */
interface Site {
  container: (ArgumentNode | ObjectFieldNode)[];
  node: ArgumentNode | ObjectFieldNode;
  type: GraphQLInputType;
  hint: Hint;
  variable?: string;
}

interface ObjectSite {
  fields: ObjectFieldNode[];
  type: GraphQLInputObjectType;
}

interface FieldSite {
  container: SelectionNode[];
  node: FieldNode;
}

interface GenCtx {
  rng: Rng;
  schema: GraphQLSchema;
  pool: IdPool;
  varDefs: VariableDefinitionNode[];
  variables: Record<string, unknown>;
  sites: Site[];
  objectSites: ObjectSite[];
  selectionSets: SelectionNode[][];
  leafFields: FieldSite[];
  compositeFields: FieldSite[];
  rootArgs: ArgumentNode[][];
  fieldBudget: number;
  aliasCount: number;
  nextVar: number;
  variableRate: number;
}

const nameNode = (value: string): NameNode => ({ kind: Kind.NAME, value });
const varNode = (name: string): VariableNode => ({ kind: Kind.VARIABLE, name: nameNode(name) });
const str = (value: string): ValueNode => ({ kind: Kind.STRING, value });
const intNode = (value: number | string): ValueNode => ({ kind: Kind.INT, value: String(value) });

function newVariable(ctx: GenCtx, type: TypeNode | string, value: unknown): string {
  const v = `v${ctx.nextVar++}`;
  ctx.varDefs.push({
    kind: Kind.VARIABLE_DEFINITION,
    variable: varNode(v),
    type: typeof type === 'string' ? parseType(type) : type,
  });
  if (value !== undefined) ctx.variables[v] = value;
  return v;
}

function removeVariable(ctx: GenCtx, name: string): void {
  const i = ctx.varDefs.findIndex((d) => d.variable.name.value === name);
  if (i >= 0) ctx.varDefs.splice(i, 1);
  delete ctx.variables[name];
}

function genInt(rng: Rng, name: string): number {
  if (name === 'first') return pick(rng, [0, 1, 2, 3, 5, 10, 20, 20, 50, 100, 101, -1, 2147483647]);
  if (/year/i.test(name)) {
    return chance(rng, 0.7)
      ? between(rng, 1950, 2100)
      : pick(rng, [1949, 2101, 0, -1, 1999, 2000, 9999, -2147483648, 2147483647]);
  }
  if (/capacity/i.test(name)) return pick(rng, [0, 1, 2, 50, 1000, 1_000_000, 1_000_001, -5, 2147483647]);
  if (/weight/i.test(name)) {
    return chance(rng, 0.7) ? between(rng, 0, 100) : pick(rng, [-1, 101, 1000, 2147483647, -2147483648]);
  }
  return chance(rng, 0.5)
    ? pick(rng, [0, 1, -1, 2, 100, 101, 2147483647, -2147483648])
    : between(rng, -1000, 1000);
}

function genId(ctx: GenCtx, hint: Hint, inline: boolean): string | number {
  const { rng, pool } = ctx;
  const r = rng();
  if (r < 0.7) {
    const preferred = r < 0.55 ? idTypes(hint.name, hint.context) : [...pool.ids.keys()];
    const lists = preferred.map((t) => pool.ids.get(t) ?? []).filter((l) => l.length > 0);
    if (lists.length) return pick(rng, pick(rng, lists));
  }
  if (r < 0.8) {
    const type = pick(rng, [...NODE_TYPES, 'Foo', 'organization', 'Node', '']);
    const n = pick(rng, [
      '0',
      '1',
      '2',
      '3',
      '5',
      '8',
      '13',
      '50',
      '999',
      '2147483647',
      '2147483648',
      '-1',
      '01',
    ]);
    const id = base64url(`${type}:${n}`);
    return pool.protectedIds.has(id) ? 'not-a-global-id' : id;
  }
  if (r < 0.85) return randomBytesB64(rng, between(rng, 1, 40));
  if (r < 0.88) return between(rng, 0, 20);
  return pick(rng, [
    'not-a-global-id',
    '',
    'Organization:1',
    base64url('Organization:1') + '==',
    'x'.repeat(between(rng, 150, 300)),
    randomText(rng, { inline }),
  ]);
}

const CSV_HEADERS = [
  'name',
  'employer',
  'gender',
  'birthYear',
  'occupation',
  '姓名',
  '单位',
  '性别',
  '出生年份',
];

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Import file content: plausible CSV (sometimes broken), random base64 or random text. */
function genImportContent(ctx: GenCtx, inline: boolean): string {
  const { rng, pool } = ctx;
  const r = rng();
  if (r < 0.55) {
    const header = chance(rng, 0.8)
      ? shuffled(rng, ['name', 'employer', ...shuffled(rng, CSV_HEADERS).slice(0, between(rng, 0, 3))])
      : shuffled(rng, CSV_HEADERS)
          .slice(0, between(rng, 0, 4))
          .concat(chance(rng, 0.5) ? ['bogus'] : []);
    const unique = [...new Set(header)];
    const lines = [unique.map(csvCell).join(',')];
    const orgs = pool.ids.get('Organization') ?? [];
    const rows = between(rng, 0, 5);
    for (let i = 0; i < rows; i++) {
      const cells = unique.map((h) => {
        if (chance(rng, 0.15)) return randomText(rng, { inline, max: 60 });
        if (h === 'name' || h === '姓名') return chineseText(rng, 2, 3);
        if (h === 'employer' || h === '单位') {
          return chance(rng, 0.6) && orgs.length
            ? pick(rng, orgs)
            : pool.orgNames.length
              ? pick(rng, pool.orgNames)
              : '某公司';
        }
        if (h === 'gender' || h === '性别') return pick(rng, ['男', '女', 'MALE', 'FEMALE', 'x', '']);
        if (h === 'birthYear' || h === '出生年份') return String(genInt(rng, 'birthYear'));
        return chineseText(rng, 1, 4);
      });
      lines.push(cells.map(csvCell).join(','));
    }
    let text = lines.join(pick(rng, ['\n', '\r\n']));
    if (chance(rng, 0.1)) text = `\ufeff${text}`;
    if (chance(rng, 0.1)) text = text.replace(',', ',"');
    return text;
  }
  if (r < 0.75) return randomBytesB64(rng, between(rng, 0, 200));
  if (r < 0.8) return `UEsDBBQ${randomBytesB64(rng, between(rng, 10, 120))}`;
  return randomText(rng, { inline });
}

function genString(ctx: GenCtx, hint: Hint, inline: boolean): string {
  const { rng, pool } = ctx;
  const n = hint.name;
  if (chance(rng, 0.3)) return randomText(rng, { inline });
  switch (n) {
    case 'startsOn':
    case 'endsOn':
      return randomIsoDate(rng);
    case 'username':
      if (pool.usernames.length && chance(rng, 0.5)) return pick(rng, pool.usernames);
      return pick(rng, ['ab', 'a'.repeat(65), `user_${between(rng, 0, 999)}`, 'UPPER', 'with space', '用户']);
    case 'password':
      return pool.password && chance(rng, 0.6) ? pool.password : randomText(rng, { inline });
    case 'content':
      return genImportContent(ctx, inline);
    case 'scopes':
      return chance(rng, 0.8) ? pick(rng, API_SCOPES) : pick(rng, ['admin', 'competitions:*', '', '*']);
    case 'after':
      if (pool.cursors.length && chance(rng, 0.6)) return pick(rng, pool.cursors);
      return pick(rng, [randomBytesB64(rng, between(rng, 1, 24)), base64url('cursor:1'), '-1', '']);
    case 'occupationCode':
      return pick(rng, ['6-18-02-04', '6-31-01-03', 'X-1', '']);
    case 'name':
    case 'displayName':
    case 'title':
    case 'shortName':
    case 'awardingBody':
    case 'venue':
    case 'occupation':
      return chineseText(rng, 1, 12);
    default:
      return randomText(rng, { inline });
  }
}

/** A random JS value of an input type; `undefined` never (null stands for "none" when nullable). */
function genValue(ctx: GenCtx, type: GraphQLInputType, hint: Hint, inline: boolean): unknown {
  const { rng } = ctx;
  if (isNonNullType(type)) return genNonNull(ctx, type.ofType, hint, inline);
  if (chance(rng, 0.08)) return null;
  return genNonNull(ctx, type, hint, inline);
}

function genNonNull(ctx: GenCtx, type: GraphQLInputType, hint: Hint, inline: boolean): unknown {
  const { rng } = ctx;
  if (isNonNullType(type)) return genNonNull(ctx, type.ofType, hint, inline);
  if (isListType(type)) {
    const item = type.ofType as GraphQLInputType;
    if (chance(rng, 0.08)) return genValue(ctx, item, hint, inline); // a single value coerces to a list
    const n = chance(rng, 0.03) ? 101 : between(rng, 0, 3);
    return Array.from({ length: n }, () => genValue(ctx, item, hint, inline));
  }
  if (isInputObjectType(type)) {
    const obj: Record<string, unknown> = {};
    const fields = Object.values(type.getFields());
    for (const f of fields) {
      const required = isNonNullType(f.type) && f.defaultValue === undefined;
      if (!required && !chance(rng, 0.5)) continue;
      obj[f.name] = genValue(ctx, f.type, { name: f.name, context: type.name }, inline);
    }
    if ('theoryWeight' in type.getFields() && chance(rng, 0.6) && 'theoryWeight' in obj) {
      const theory = between(rng, 0, 100);
      obj.theoryWeight = theory;
      obj.practicalWeight = 100 - theory;
    }
    return obj;
  }
  if (isEnumType(type)) return pick(rng, type.getValues()).name;
  switch ((type as GraphQLNamedType).name) {
    case 'Int':
      return genInt(rng, hint.name);
    case 'Float':
      return pick(rng, [0, -1.5, 3.14, 1e10]);
    case 'Boolean':
      return chance(rng, 0.5);
    case 'ID':
      return genId(ctx, hint, inline);
    case 'DateTimeISO':
      return randomDateTime(rng);
    case 'Date':
      return new Date(between(rng, Date.UTC(1990, 0, 1), Date.UTC(2100, 0, 1))).toISOString().slice(0, 10);
    case 'Decimal':
      return pick(rng, ['0.00', '12.5', '1250000.50', '98765432109876.43']);
    default:
      return genString(ctx, hint, inline);
  }
}

/** JS value → literal of the given input type, recording sites for later breakage. */
function toLiteral(ctx: GenCtx, value: unknown, type: GraphQLInputType): ValueNode {
  if (isNonNullType(type)) return toLiteral(ctx, value, type.ofType);
  if (value === null || value === undefined) return { kind: Kind.NULL };
  if (isListType(type)) {
    const item = type.ofType as GraphQLInputType;
    if (!Array.isArray(value)) return toLiteral(ctx, value, item);
    return { kind: Kind.LIST, values: value.map((v) => toLiteral(ctx, v, item)) };
  }
  if (isInputObjectType(type) && typeof value === 'object' && !Array.isArray(value)) {
    const fields: ObjectFieldNode[] = [];
    const defs = type.getFields();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const def = defs[k];
      const node: ObjectFieldNode = {
        kind: Kind.OBJECT_FIELD,
        name: nameNode(k),
        value: def ? toLiteral(ctx, v, def.type) : toLiteral(ctx, v, type),
      };
      fields.push(node);
      if (def)
        ctx.sites.push({ container: fields, node, type: def.type, hint: { name: k, context: type.name } });
    }
    ctx.objectSites.push({ fields, type });
    return { kind: Kind.OBJECT, fields };
  }
  if (isEnumType(type) && typeof value === 'string' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) {
    return { kind: Kind.ENUM, value };
  }
  switch (typeof value) {
    case 'string':
      return str(value);
    case 'number':
      return Number.isInteger(value) ? intNode(value) : { kind: Kind.FLOAT, value: String(value) };
    case 'boolean':
      return { kind: Kind.BOOLEAN, value };
    default:
      return str(JSON.stringify(value));
  }
}

function genArgs(
  ctx: GenCtx,
  args: readonly GraphQLArgument[],
  context: string,
  optionalRate: number,
): ArgumentNode[] {
  const out: ArgumentNode[] = [];
  for (const a of args) {
    const required = isNonNullType(a.type) && a.defaultValue === undefined;
    if (!required && !chance(ctx.rng, optionalRate)) continue;
    const hint: Hint = { name: a.name, context };
    let node: ArgumentNode;
    let variable: string | undefined;
    if (chance(ctx.rng, ctx.variableRate)) {
      const value = genValue(ctx, a.type, hint, false);
      // A nullable variable may also be left out of `variables` altogether.
      variable = newVariable(ctx, String(a.type), value === null && chance(ctx.rng, 0.5) ? undefined : value);
      node = { kind: Kind.ARGUMENT, name: nameNode(a.name), value: varNode(variable) };
    } else {
      const value = genValue(ctx, a.type, hint, true);
      node = { kind: Kind.ARGUMENT, name: nameNode(a.name), value: toLiteral(ctx, value, a.type) };
    }
    out.push(node);
    ctx.sites.push({ container: out, node, type: a.type, hint, ...(variable ? { variable } : {}) });
  }
  return out;
}

function directiveNodes(ctx: GenCtx): DirectiveNode[] | undefined {
  if (!chance(ctx.rng, 0.04)) return undefined;
  const value: ValueNode = chance(ctx.rng, 0.5)
    ? { kind: Kind.BOOLEAN, value: chance(ctx.rng, 0.5) }
    : varNode(newVariable(ctx, 'Boolean!', chance(ctx.rng, 0.5)));
  return [
    {
      kind: Kind.DIRECTIVE,
      name: nameNode(chance(ctx.rng, 0.5) ? 'include' : 'skip'),
      arguments: [{ kind: Kind.ARGUMENT, name: nameNode('if'), value }],
    },
  ];
}

function fieldNode(
  ctx: GenCtx,
  container: SelectionNode[],
  name: string,
  args: ArgumentNode[],
  selectionSet: SelectionSetNode | undefined,
  forcedAlias?: string,
): FieldNode {
  const alias =
    forcedAlias ?? (chance(ctx.rng, 0.05) && ctx.aliasCount < 6 ? `a${ctx.aliasCount++}` : undefined);
  const directives = directiveNodes(ctx);
  const node: FieldNode = {
    kind: Kind.FIELD,
    ...(alias ? { alias: nameNode(alias) } : {}),
    name: nameNode(name),
    arguments: args,
    ...(directives ? { directives } : {}),
    ...(selectionSet ? { selectionSet } : {}),
  };
  container.push(node);
  (selectionSet ? ctx.compositeFields : ctx.leafFields).push({ container, node });
  return node;
}

function selectionFor(ctx: GenCtx, type: GraphQLOutputType, depth: number): SelectionSetNode | undefined {
  const named = getNamedType(type);
  if (isLeafType(named)) return undefined;
  if (isAbstractType(named)) {
    const selections: SelectionNode[] = [];
    ctx.selectionSets.push(selections);
    fieldNode(ctx, selections, '__typename', [], undefined);
    if (isInterfaceType(named) && named.getFields().id && chance(ctx.rng, 0.6)) {
      fieldNode(ctx, selections, 'id', [], undefined);
    }
    // Fragments on different types share response keys: a key must keep one type.
    const keys = new Map<string, string>([
      ['__typename', 'String!'],
      ['id', 'ID!'],
    ]);
    const possible = ctx.schema.getPossibleTypes(named);
    for (const t of shuffled(ctx.rng, possible).slice(0, between(ctx.rng, 0, 2))) {
      selections.push({
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: { kind: Kind.NAMED_TYPE, name: nameNode(t.name) },
        selectionSet: objectSelection(ctx, t, depth, keys),
      });
    }
    return { kind: Kind.SELECTION_SET, selections };
  }
  return objectSelection(ctx, named as GraphQLObjectType, depth);
}

function objectSelection(
  ctx: GenCtx,
  type: GraphQLObjectType,
  depth: number,
  keys?: Map<string, string>,
): SelectionSetNode {
  const { rng } = ctx;
  const selections: SelectionNode[] = [];
  ctx.selectionSets.push(selections);
  const fields = type.getFields();
  const all = Object.values(fields);
  let chosen: GraphQLField<unknown, unknown>[];
  if (type.name === 'PageInfo') {
    chosen = [fields.hasNextPage!, fields.endCursor!, ...all.filter(() => chance(rng, 0.2))];
    chosen = [...new Set(chosen)];
  } else if (type.name.endsWith('Connection') && fields.nodes && fields.totalCount) {
    chosen = [];
    if (chance(rng, 0.6)) chosen.push(fields.totalCount);
    if (chance(rng, 0.4) && fields.pageInfo) chosen.push(fields.pageInfo);
    if (chance(rng, 0.6)) chosen.push(fields.nodes);
    if (chance(rng, 0.2) && fields.edges) chosen.push(fields.edges);
    if (chosen.length === 0) chosen.push(fields.totalCount);
  } else if (type.name.endsWith('Payload') && fields.errors) {
    chosen = all.filter((f) => chance(rng, f.name === 'errors' ? 0.85 : 0.65));
  } else {
    chosen = shuffled(rng, all).slice(0, between(rng, 1, Math.min(4, all.length)));
    if (fields.id && !chosen.includes(fields.id) && chance(rng, 0.6)) chosen.unshift(fields.id);
  }
  for (const f of chosen) {
    if (ctx.fieldBudget <= 0) break;
    const leaf = isLeafType(getNamedType(f.type));
    if (!leaf && depth <= 0) continue;
    ctx.fieldBudget -= 1;
    const args = f.args.length ? genArgs(ctx, f.args, `${type.name}.${f.name}`, 0.3) : [];
    const set = leaf ? undefined : selectionFor(ctx, f.type, depth - 1);
    let alias: string | undefined;
    if (keys) {
      const known = keys.get(f.name);
      if (known !== undefined && known !== String(f.type)) alias = `${f.name}_${type.name}`;
      else keys.set(f.name, String(f.type));
    }
    fieldNode(ctx, selections, f.name, args, set, alias);
  }
  if (selections.length === 0 || chance(rng, 0.08)) fieldNode(ctx, selections, '__typename', [], undefined);
  return { kind: Kind.SELECTION_SET, selections };
}

// ---------------------------------------------------------- breaking things

function wrongLiteral(rng: Rng, type: GraphQLInputType): ValueNode {
  const named = getNamedType(type);
  if (isInputObjectType(named)) return pick(rng, [str('x'), intNode(1), { kind: Kind.BOOLEAN, value: true }]);
  if (isEnumType(named)) {
    return pick(rng, [str(named.getValues()[0]!.name), intNode(0), { kind: Kind.BOOLEAN, value: false }]);
  }
  switch (named.name) {
    case 'Int':
      return pick(rng, [str('1'), { kind: Kind.FLOAT, value: '1.5' }, { kind: Kind.BOOLEAN, value: true }]);
    case 'Boolean':
      return pick(rng, [str('true'), intNode(1), { kind: Kind.ENUM, value: 'TRUE' }]);
    case 'ID':
      return pick(rng, [
        { kind: Kind.BOOLEAN, value: true },
        { kind: Kind.FLOAT, value: '1.5' },
        { kind: Kind.OBJECT, fields: [] },
      ]);
    case 'Date':
    case 'Decimal':
    case 'DateTimeISO':
      return pick(rng, [
        str('not-a-date'),
        { kind: Kind.BOOLEAN, value: true },
        { kind: Kind.OBJECT, fields: [] },
      ]);
    default:
      return pick(rng, [
        intNode(7),
        { kind: Kind.BOOLEAN, value: false },
        { kind: Kind.OBJECT, fields: [] },
        { kind: Kind.FLOAT, value: '2.5' },
      ]);
  }
}

function wrongJs(rng: Rng, named: GraphQLNamedType): unknown {
  if (isEnumType(named)) return pick(rng, [0, true, 'fuzz_not_a_value', { a: 1 }]);
  switch (named.name) {
    case 'Int':
      return pick(rng, ['1', 1.5, true, { a: 1 }]);
    case 'Boolean':
      return pick(rng, ['true', 1, 0]);
    case 'Float':
      return pick(rng, ['1.5', true, { a: 1 }]);
    case 'ID':
      return pick(rng, [true, 1.5, { a: 1 }, [[]]]);
    case 'DateTimeISO':
    case 'Date':
      return pick(rng, ['not-a-date', true, { a: 1 }]);
    case 'Decimal':
      return pick(rng, [0.1, '1.005', true, { a: 1 }]);
    default:
      return pick(rng, [7, true, { a: 1 }, 2.5]);
  }
}

type PoisonMode = 'type' | 'null' | 'missing' | 'unknownField' | 'huge' | 'enum';

/** A copy of a variable's value made invalid for its type in the given way, or null when impossible. */
function poison(
  rng: Rng,
  value: unknown,
  type: GraphQLInputType,
  mode: PoisonMode,
): { value: unknown } | null {
  if (isNonNullType(type)) {
    if (mode === 'null' && value !== undefined && chance(rng, 0.5)) return { value: null };
    return poison(rng, value, type.ofType, mode);
  }
  if (isListType(type)) {
    const item = type.ofType as GraphQLInputType;
    const items = Array.isArray(value) ? [...(value as unknown[])] : value == null ? [] : [value];
    if (items.length) {
      const i = between(rng, 0, items.length - 1);
      const r = poison(rng, items[i], item, mode);
      if (r) {
        items[i] = r.value;
        return { value: items };
      }
    }
    const fresh = poison(rng, undefined, item, mode);
    return fresh ? { value: [...items, fresh.value] } : null;
  }
  if (isInputObjectType(type)) {
    const obj: Record<string, unknown> =
      value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as object) } : {};
    const fields = type.getFields();
    if (mode === 'unknownField') {
      obj.fuzzUnknownField = 1;
      return { value: obj };
    }
    if (mode === 'type' && chance(rng, 0.3)) return { value: pick(rng, ['x', 1, true, [1]]) };
    const required = Object.values(fields).filter(
      (f) => isNonNullType(f.type) && f.defaultValue === undefined,
    );
    if (mode === 'missing' && required.length) {
      delete obj[pick(rng, required).name];
      return { value: obj };
    }
    if (mode === 'null' && required.length) {
      obj[pick(rng, required).name] = null;
      return { value: obj };
    }
    for (const f of shuffled(rng, Object.values(fields))) {
      const r = poison(rng, obj[f.name], f.type, mode);
      if (r) {
        obj[f.name] = r.value;
        return { value: obj };
      }
    }
    return null;
  }
  const named = type as GraphQLNamedType;
  if (mode === 'enum') return isEnumType(named) ? { value: 'FUZZ_NOT_A_VALUE' } : null;
  if (mode === 'huge') {
    return named.name === 'Int' ? { value: pick(rng, [2147483648, -2147483649, 1e15, 1.5]) } : null;
  }
  if (mode === 'type') return { value: wrongJs(rng, named) };
  return null;
}

function replaceSite(site: Site, value: ValueNode): void {
  const i = site.container.indexOf(site.node);
  if (i < 0) return;
  const next = { ...site.node, value } as ArgumentNode & ObjectFieldNode;
  site.container[i] = next;
  site.node = next;
}

function liveSites(ctx: GenCtx): Site[] {
  return ctx.sites.filter((s) => s.container.includes(s.node));
}

/** Named type of a declared variable type, replaced by an incompatible one. */
function mismatchedType(rng: Rng, type: TypeNode, named: string): TypeNode {
  if (type.kind === Kind.NON_NULL_TYPE) {
    return { kind: Kind.NON_NULL_TYPE, type: mismatchedType(rng, type.type, named) as never };
  }
  if (type.kind === Kind.LIST_TYPE)
    return { kind: Kind.LIST_TYPE, type: mismatchedType(rng, type.type, named) };
  const options = ['String', 'Int', 'Boolean', 'ID', 'CompetitionKind', 'SignInInput'].filter(
    (n) => n !== named,
  );
  return { kind: Kind.NAMED_TYPE, name: nameNode(pick(rng, options)) };
}

/** Breaks the operation in the given way; returns the kind actually applied. */
function breakOperation(ctx: GenCtx, kind: InvalidKind): string {
  const { rng } = ctx;
  const sites = liveSites(ctx);
  const inline = sites.filter((s) => !s.variable);
  const variables = sites.filter((s) => s.variable);
  switch (kind) {
    case 'unknownField': {
      const set = pick(rng, ctx.selectionSets);
      set.push({ kind: Kind.FIELD, name: nameNode(pick(rng, ['fuzzUnknownField', 'password', 'Id', 'ID'])) });
      return kind;
    }
    case 'unknownArgument': {
      const args = pick(rng, ctx.rootArgs);
      args.push({ kind: Kind.ARGUMENT, name: nameNode('fuzzUnknownArg'), value: intNode(1) });
      return kind;
    }
    case 'wrongArgType': {
      if (!sites.length) return breakOperation(ctx, 'unknownArgument');
      const site = pick(rng, sites);
      if (site.variable) removeVariable(ctx, site.variable);
      replaceSite(site, wrongLiteral(rng, site.type));
      return kind;
    }
    case 'missingRequiredArg': {
      const required = sites.filter((s) => isNonNullType(s.type));
      if (!required.length) return breakOperation(ctx, 'unknownArgument');
      const site = pick(rng, required);
      site.container.splice(site.container.indexOf(site.node), 1);
      if (site.variable) removeVariable(ctx, site.variable);
      return kind;
    }
    case 'hugeInt': {
      const ints = sites.filter((s) => getNamedType(s.type).name === 'Int');
      if (!ints.length) return breakOperation(ctx, 'wrongArgType');
      const site = pick(rng, ints);
      if (site.variable) {
        ctx.variables[site.variable] = pick(rng, [2147483648, -2147483649, 99999999999, 1e21]);
      } else {
        replaceSite(
          site,
          intNode(pick(rng, ['2147483648', '-2147483649', '99999999999', '1' + '0'.repeat(30)])),
        );
      }
      return kind;
    }
    case 'unknownEnumValue': {
      const enums = inline.filter((s) => isEnumType(getNamedType(s.type)));
      if (enums.length && chance(rng, 0.6)) {
        replaceSite(pick(rng, enums), { kind: Kind.ENUM, value: 'FUZZ_NOT_A_VALUE' });
        return kind;
      }
      const objects = ctx.objectSites.filter((o) =>
        Object.values(o.type.getFields()).some((f) => isEnumType(getNamedType(f.type))),
      );
      if (objects.length && chance(rng, 0.5)) {
        const o = pick(rng, objects);
        const f = pick(
          rng,
          Object.values(o.type.getFields()).filter((x) => isEnumType(getNamedType(x.type))),
        );
        const i = o.fields.findIndex((x) => x.name.value === f.name);
        const node: ObjectFieldNode = {
          kind: Kind.OBJECT_FIELD,
          name: nameNode(f.name),
          value: { kind: Kind.ENUM, value: 'FUZZ_NOT_A_VALUE' },
        };
        if (i >= 0) o.fields[i] = node;
        else o.fields.push(node);
        return kind;
      }
      for (const s of shuffled(rng, variables)) {
        const r = poison(rng, ctx.variables[s.variable!], s.type, 'enum');
        if (r) {
          ctx.variables[s.variable!] = r.value;
          return kind;
        }
      }
      if (enums.length) {
        replaceSite(pick(rng, enums), { kind: Kind.ENUM, value: 'FUZZ_NOT_A_VALUE' });
        return kind;
      }
      return breakOperation(ctx, 'unknownField');
    }
    case 'variableValueMismatch': {
      for (const s of shuffled(rng, variables)) {
        for (const mode of shuffled(rng, [
          'type',
          'null',
          'missing',
          'unknownField',
          'huge',
          'enum',
        ] as const)) {
          if (mode === 'missing' && isNonNullType(s.type) && chance(rng, 0.3)) {
            delete ctx.variables[s.variable!];
            return `${kind}:absent`;
          }
          const r = poison(rng, ctx.variables[s.variable!], s.type, mode);
          if (r) {
            ctx.variables[s.variable!] = r.value;
            return `${kind}:${mode}`;
          }
        }
      }
      return breakOperation(ctx, 'variableTypeMismatch');
    }
    case 'variableTypeMismatch': {
      let site = variables.length ? pick(rng, variables) : undefined;
      if (!site && inline.length) {
        // Turn an inline argument into a variable first.
        site = pick(rng, inline);
        const v = newVariable(ctx, String(site.type), genValue(ctx, site.type, site.hint, false));
        replaceSite(site, varNode(v));
        site.variable = v;
      }
      if (!site) return breakOperation(ctx, 'unusedVariable');
      const i = ctx.varDefs.findIndex((d) => d.variable.name.value === site.variable);
      const def = ctx.varDefs[i]!;
      ctx.varDefs[i] = { ...def, type: mismatchedType(rng, def.type, getNamedType(site.type).name) };
      return kind;
    }
    case 'leafSelection': {
      const leaves = ctx.leafFields.filter((f) => f.node.name.value !== '__typename' || chance(rng, 0.2));
      if (!leaves.length) return breakOperation(ctx, 'unknownField');
      const f = pick(rng, leaves);
      const i = f.container.indexOf(f.node);
      f.container[i] = {
        ...f.node,
        selectionSet: { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: nameNode('id') }] },
      };
      return kind;
    }
    case 'missingSelection': {
      if (!ctx.compositeFields.length) return breakOperation(ctx, 'unknownField');
      const f = pick(rng, ctx.compositeFields);
      const i = f.container.indexOf(f.node);
      const { selectionSet: _drop, ...rest } = f.node;
      f.container[i] = rest;
      return kind;
    }
    case 'undefinedVariable': {
      if (sites.length && chance(rng, 0.7)) {
        const site = pick(rng, sites);
        if (site.variable) removeVariable(ctx, site.variable);
        replaceSite(site, varNode('fuzzUndeclared'));
      } else {
        pick(rng, ctx.rootArgs).push({
          kind: Kind.ARGUMENT,
          name: nameNode('fuzzArg'),
          value: varNode('fuzzUndeclared'),
        });
      }
      return kind;
    }
    case 'unusedVariable':
      newVariable(ctx, pick(rng, ['Int', 'String!', '[ID!]', 'CompetitionFilter']), null);
      return kind;
    default:
      return kind;
  }
}

/** Breaks a printed document so that it cannot parse. */
function breakSyntax(rng: Rng, query: string): { query: string; how: string } {
  const how = pick(rng, [
    'truncate',
    'leadingBrace',
    'trailingBrace',
    'paren',
    'keyword',
    'empty',
    'comment',
    'cut',
  ]);
  switch (how) {
    case 'truncate':
      return { query: query.replace(/\}\s*$/, ''), how };
    case 'leadingBrace':
      return { query: `}${query}`, how };
    case 'trailingBrace':
      return { query: `${query} {`, how };
    case 'paren':
      return { query: query.replace('{', '{ ('), how };
    case 'keyword':
      return { query: /^(query|mutation|subscription)/.test(query) ? `x${query}` : `quer ${query}`, how };
    case 'empty':
      return { query: pick(rng, ['', ' ', '\n']), how };
    case 'comment':
      return { query: `# ${randomText(rng, { inline: true }).replace(/[\r\n]/g, ' ')}`, how };
    default: {
      // Cut right after an opening brace: the document can never be complete.
      const at = query.indexOf('{', between(rng, 0, Math.max(0, query.length - 1)));
      return { query: at >= 0 ? query.slice(0, at + 1) : query.slice(0, -1), how };
    }
  }
}

function transportCase(rng: Rng, valid: GeneratedOperation): GeneratedOperation {
  const how = pick(rng, ['batch', 'queryNotString', 'variablesNotObject', 'noQuery', 'malformedJson']);
  const base = { ...valid, valid: false, invalidKind: `transport:${how}` };
  switch (how) {
    case 'batch':
      return { ...base, body: [{ query: valid.query, variables: valid.variables }] };
    case 'queryNotString':
      return { ...base, body: { query: pick(rng, [42, true, { a: 1 }, ['{ viewer { kind } }']]) } };
    case 'variablesNotObject':
      return { ...base, body: { query: valid.query, variables: pick(rng, ['{}', 7, [1, 2], true]) } };
    case 'noQuery':
      return { ...base, body: pick(rng, [{}, { variables: valid.variables }, { operationName: 'X' }]) };
    default:
      return { ...base, rawText: JSON.stringify({ query: valid.query }).slice(0, between(rng, 1, 12)) };
  }
}

/** A random operation on the schema: valid, or deliberately broken in one way (see INVALID_KINDS). */
export function generateOperation(
  rng: Rng,
  schema: GraphQLSchema,
  pool: IdPool,
  options: GenerateOptions = {},
): GeneratedOperation {
  const invalid = chance(rng, options.invalidRate ?? 0.25);
  const kind: InvalidKind | null = invalid ? pick(rng, INVALID_KINDS) : null;
  const subscription = schema.getSubscriptionType();
  const mutation = schema.getMutationType();
  let operationType: GeneratedOperation['operationType'] = 'query';
  const r = rng();
  if (subscription && r < (options.subscriptionRate ?? 0.04)) operationType = 'subscription';
  else if (mutation && r < 0.5) operationType = 'mutation';
  const root =
    operationType === 'subscription'
      ? subscription!
      : operationType === 'mutation'
        ? mutation!
        : schema.getQueryType()!;

  const needsArgs =
    kind === 'wrongArgType' ||
    kind === 'missingRequiredArg' ||
    kind === 'hugeInt' ||
    kind === 'unknownEnumValue' ||
    kind === 'variableValueMismatch' ||
    kind === 'variableTypeMismatch';
  const all = Object.values(root.getFields());
  const candidates = needsArgs ? all.filter((f) => f.args.length > 0) : all;
  const ctx: GenCtx = {
    rng,
    schema,
    pool,
    varDefs: [],
    variables: {},
    sites: [],
    objectSites: [],
    selectionSets: [],
    leafFields: [],
    compositeFields: [],
    rootArgs: [],
    fieldBudget: options.fieldBudget ?? 40,
    aliasCount: 0,
    nextVar: 1,
    variableRate: kind === 'variableValueMismatch' ? 0.9 : chance(rng, 0.3) ? 0 : 0.5,
  };
  const rootSelections: SelectionNode[] = [];
  ctx.selectionSets.push(rootSelections);
  const count = operationType === 'subscription' || !chance(rng, 0.15) ? 1 : 2;
  const rootFields: string[] = [];
  for (let i = 0; i < count; i++) {
    const f = pick(rng, candidates.length ? candidates : all);
    const args = genArgs(ctx, f.args, f.name, 0.5);
    ctx.rootArgs.push(args);
    const node: FieldNode = {
      kind: Kind.FIELD,
      ...(rootFields.includes(f.name) ? { alias: nameNode(`${f.name}${i}`) } : {}),
      name: nameNode(f.name),
      arguments: args,
      ...(() => {
        const set = selectionFor(ctx, f.type, options.maxDepth ?? 4);
        return set ? { selectionSet: set } : {};
      })(),
    };
    rootSelections.push(node);
    (node.selectionSet ? ctx.compositeFields : ctx.leafFields).push({ container: rootSelections, node });
    rootFields.push(f.name);
  }
  if (operationType === 'query' && chance(rng, 0.03)) {
    rootSelections.push({
      kind: Kind.FIELD,
      name: nameNode('__type'),
      arguments: [
        { kind: Kind.ARGUMENT, name: nameNode('name'), value: str(pick(rng, ['Query', 'Role', 'Nope'])) },
      ],
      selectionSet: {
        kind: Kind.SELECTION_SET,
        selections: [
          { kind: Kind.FIELD, name: nameNode('name') },
          { kind: Kind.FIELD, name: nameNode('kind') },
        ],
      },
    });
  }

  let applied: string | undefined;
  if (kind && kind !== 'syntaxError' && kind !== 'transport' && kind !== 'unknownOperationName') {
    applied = breakOperation(ctx, kind);
  }
  const named = chance(rng, 0.5) || kind === 'unknownOperationName';
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation:
      operationType === 'mutation'
        ? OperationTypeNode.MUTATION
        : operationType === 'subscription'
          ? OperationTypeNode.SUBSCRIPTION
          : OperationTypeNode.QUERY,
    ...(named
      ? { name: nameNode(`Fuzz${rootFields.map((n) => n[0]!.toUpperCase() + n.slice(1)).join('')}`) }
      : {}),
    variableDefinitions: ctx.varDefs,
    selectionSet: { kind: Kind.SELECTION_SET, selections: rootSelections },
  };
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation] };
  let query = print(document);
  const op: GeneratedOperation = {
    query,
    variables: ctx.variables,
    ...(named && chance(rng, 0.5) ? { operationName: operation.name!.value } : {}),
    valid: kind === null,
    operationType,
    rootFields,
  };
  if (kind === 'syntaxError') {
    const broken = breakSyntax(rng, query);
    query = broken.query;
    return { ...op, query, invalidKind: `syntaxError:${broken.how}` };
  }
  if (kind === 'transport') return transportCase(rng, op);
  if (kind === 'unknownOperationName') {
    return { ...op, operationName: pick(rng, ['FuzzNoSuchOperation', '', 'query']), invalidKind: kind };
  }
  return { ...op, ...(applied ? { invalidKind: applied } : {}) };
}

// ------------------------------------------------------------------ checking

export interface FormattedError {
  message?: unknown;
  path?: unknown;
  locations?: unknown;
  extensions?: { code?: unknown; stacktrace?: unknown } & Record<string, unknown>;
}

export interface Verdict {
  /** Why the answer is not well formed; empty when it is. */
  problems: string[];
  /** Codes of all errors, in order. */
  codes: string[];
  /** Errors with code INTERNAL_SERVER_ERROR (or none). */
  internal: FormattedError[];
  /** Whether the operation was refused before it ran (parse, validation, variables). */
  refused: boolean;
  data: unknown;
}

const ALLOWED_TOP_KEYS = new Set(['data', 'errors', 'extensions']);
/** Codes that must not occur on a healthy database under a fuzzer. */
const UNEXPECTED_CODES = new Set(['DATABASE_UNAVAILABLE', 'STATEMENT_TIMEOUT', 'REQUEST_TIMEOUT']);
/** Codes meaning the document or variables were refused before execution. */
const REFUSAL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'BATCHING_DISABLED',
]);

function checkErrors(errors: unknown, v: Verdict): FormattedError[] {
  if (!Array.isArray(errors)) {
    v.problems.push('`errors` is not an array');
    return [];
  }
  if (errors.length === 0) v.problems.push('`errors` is an empty array');
  for (const e of errors as FormattedError[]) {
    if (!e || typeof e !== 'object') {
      v.problems.push('an error is not an object');
      continue;
    }
    if (typeof e.message !== 'string') v.problems.push('an error has no string message');
    const code = e.extensions?.code;
    if (typeof code !== 'string') {
      v.problems.push(`an error has no string extensions.code: ${JSON.stringify(e).slice(0, 300)}`);
      v.codes.push('(none)');
      continue;
    }
    v.codes.push(code);
    if (code === 'INTERNAL_SERVER_ERROR') v.internal.push(e);
    if (REFUSAL_CODES.has(code) || (code === 'BAD_USER_INPUT' && e.path === undefined)) v.refused = true;
    if (UNEXPECTED_CODES.has(code)) v.problems.push(`unexpected ${code}: ${String(e.message)}`);
    if (e.path !== undefined) {
      if (!Array.isArray(e.path) || !e.path.every((p) => typeof p === 'string' || Number.isInteger(p))) {
        v.problems.push('an error has a malformed path');
      }
    }
    if (e.locations !== undefined && !Array.isArray(e.locations)) v.problems.push('malformed locations');
  }
  return errors as FormattedError[];
}

interface DataCheck {
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  fragments: Map<string, FragmentDefinitionNode>;
  errorPaths: (string | number)[][];
  problems: string[];
}

function included(
  node: { directives?: readonly DirectiveNode[] },
  variables: Record<string, unknown>,
): boolean {
  for (const d of node.directives ?? []) {
    const arg = d.arguments?.find((a) => a.name.value === 'if');
    if (!arg) continue;
    const value =
      arg.value.kind === Kind.BOOLEAN
        ? arg.value.value
        : arg.value.kind === Kind.VARIABLE
          ? variables[arg.value.name.value] === true
          : false;
    if (d.name.value === 'skip' && value) return false;
    if (d.name.value === 'include' && !value) return false;
  }
  return true;
}

function typeApplies(c: DataCheck, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (!condition || condition === type.name) return true;
  const cond = c.schema.getType(condition);
  return !!cond && isAbstractType(cond) && c.schema.isSubType(cond, type);
}

function collectFields(
  c: DataCheck,
  type: GraphQLObjectType,
  set: SelectionSetNode,
  out: Map<string, FieldNode[]>,
  seen = new Set<string>(),
): Map<string, FieldNode[]> {
  for (const sel of set.selections) {
    if (!included(sel, c.variables)) continue;
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias?.value ?? sel.name.value;
      out.set(key, [...(out.get(key) ?? []), sel]);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (typeApplies(c, sel.typeCondition?.name.value, type))
        collectFields(c, type, sel.selectionSet, out, seen);
    } else {
      const frag = c.fragments.get(sel.name.value);
      if (!frag || seen.has(frag.name.value)) continue;
      seen.add(frag.name.value);
      if (typeApplies(c, frag.typeCondition.name.value, type))
        collectFields(c, type, frag.selectionSet, out, seen);
    }
  }
  return out;
}

function fieldDef(c: DataCheck, parent: GraphQLObjectType, name: string) {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (parent === c.schema.getQueryType()) {
    if (name === '__schema') return SchemaMetaFieldDef;
    if (name === '__type') return TypeMetaFieldDef;
  }
  return parent.getFields()[name];
}

const isPrefix = (prefix: (string | number)[], path: (string | number)[]) =>
  prefix.length <= path.length && prefix.every((p, i) => p === path[i]);

function checkObject(
  c: DataCheck,
  type: GraphQLObjectType,
  sets: SelectionSetNode[],
  value: unknown,
  at: (string | number)[],
): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    c.problems.push(`${at.join('.') || 'data'}: expected an object of type ${type.name}`);
    return;
  }
  const fields = new Map<string, FieldNode[]>();
  for (const set of sets) collectFields(c, type, set, fields);
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!fields.has(key)) c.problems.push(`${[...at, key].join('.')}: not selected, yet present`);
  }
  for (const [key, nodes] of fields) {
    const path = [...at, key];
    if (!(key in obj)) {
      c.problems.push(`${path.join('.')}: selected, yet missing`);
      continue;
    }
    const def = fieldDef(c, type, nodes[0]!.name.value);
    if (!def) {
      c.problems.push(`${path.join('.')}: no field ${nodes[0]!.name.value} on ${type.name}`);
      continue;
    }
    const sub = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    checkValue(c, def.type, sub, obj[key], path);
  }
  if (type.name.endsWith('Connection')) checkConnection(c, fields, obj, at);
}

/** Page invariants: a page holds at most 100 items, no more than match in all, and nodes match edges. */
function checkConnection(
  c: DataCheck,
  fields: Map<string, FieldNode[]>,
  obj: Record<string, unknown>,
  at: (string | number)[],
): void {
  const valueOf = (name: string) => {
    for (const [key, nodes] of fields)
      if (nodes[0]!.name.value === name && Array.isArray(obj[key])) return obj[key];
    for (const [key, nodes] of fields) if (nodes[0]!.name.value === name) return obj[key];
    return undefined;
  };
  const total = valueOf('totalCount');
  const where = at.join('.');
  for (const name of ['nodes', 'edges']) {
    const list = valueOf(name);
    if (!Array.isArray(list)) continue;
    if (list.length > 100) c.problems.push(`${where}.${name}: ${list.length} items in one page`);
    if (typeof total === 'number' && list.length > total) {
      c.problems.push(`${where}.${name}: ${list.length} items, yet totalCount is ${total}`);
    }
  }
  const nodes = valueOf('nodes');
  const edges = valueOf('edges');
  if (Array.isArray(nodes) && Array.isArray(edges) && nodes.length !== edges.length) {
    c.problems.push(`${where}: ${nodes.length} nodes but ${edges.length} edges`);
  }
}

function checkValue(
  c: DataCheck,
  type: GraphQLOutputType,
  sets: SelectionSetNode[],
  value: unknown,
  at: (string | number)[],
): void {
  const where = at.join('.');
  if (isNonNullType(type)) {
    if (value === null || value === undefined) {
      if (!c.errorPaths.some((p) => isPrefix(at, p))) {
        c.problems.push(`${where}: null for non-null ${String(type)} with no error at or below it`);
      }
      return;
    }
    checkValue(c, type.ofType, sets, value, at);
    return;
  }
  if (value === null) return;
  if (isListType(type)) {
    if (!Array.isArray(value)) {
      c.problems.push(`${where}: expected a list`);
      return;
    }
    value.forEach((item, i) => checkValue(c, type.ofType, sets, item, [...at, i]));
    return;
  }
  if (isEnumType(type)) {
    if (typeof value !== 'string' || !(type as GraphQLEnumType).getValue(value)) {
      c.problems.push(`${where}: ${JSON.stringify(value)} is not a value of ${type.name}`);
    }
    return;
  }
  if (isScalarType(type)) {
    const bad = (what: string) => c.problems.push(`${where}: ${JSON.stringify(value)} is not ${what}`);
    switch (type.name) {
      case 'Int':
        if (!Number.isInteger(value) || (value as number) > 2147483647 || (value as number) < -2147483648) {
          bad('an Int');
        }
        return;
      case 'Float':
        if (typeof value !== 'number' || !Number.isFinite(value)) bad('a Float');
        return;
      case 'String':
      case 'ID':
        if (typeof value !== 'string') bad(`a ${type.name}`);
        return;
      case 'Boolean':
        if (typeof value !== 'boolean') bad('a Boolean');
        return;
      case 'DateTimeISO':
        if (
          typeof value !== 'string' ||
          !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
          Number.isNaN(Date.parse(value))
        ) {
          bad('a DateTimeISO');
        }
        return;
      case 'Date':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) bad('a Date');
        return;
      case 'Decimal':
        if (typeof value !== 'string' || !/^-?\d+\.\d{2}$/.test(value)) bad('a Decimal');
        return;
      default:
        return;
    }
  }
  if (isObjectType(type)) {
    checkObject(c, type, sets, value, at);
    return;
  }
  if (isAbstractType(type)) {
    const typename = (value as { __typename?: unknown }).__typename;
    const runtime = typeof typename === 'string' ? c.schema.getType(typename) : undefined;
    if (typename === undefined) {
      // Without __typename only the interface's own fields can be checked.
      if (!value || typeof value !== 'object')
        c.problems.push(`${where}: expected an object of ${type.name}`);
      return;
    }
    if (!runtime || !isObjectType(runtime) || !c.schema.isSubType(type, runtime)) {
      c.problems.push(`${where}: __typename ${String(typename)} is not a possible type of ${type.name}`);
      return;
    }
    checkObject(c, runtime, sets, value, at);
  }
}

/** Checks `data` against the operation's selection and the schema. */
export function checkData(
  schema: GraphQLSchema,
  query: string,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  data: unknown,
  errors: FormattedError[],
): string[] {
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch {
    return ['data was returned for a document that does not parse'];
  }
  const ops = doc.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
  if (!op) return ['data was returned, yet no operation was selected'];
  const root =
    op.operation === OperationTypeNode.QUERY
      ? schema.getQueryType()
      : op.operation === OperationTypeNode.MUTATION
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return [`no ${op.operation} type`];
  const c: DataCheck = {
    schema,
    variables,
    fragments: new Map(
      doc.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d]),
    ),
    errorPaths: errors.flatMap((e) => (Array.isArray(e.path) ? [e.path as (string | number)[]] : [])),
    problems: [],
  };
  checkObject(c, root, [op.selectionSet], data, []);
  return c.problems;
}

export interface HttpOutcome {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
}

/** Whether one HTTP answer to `op` is well formed. */
export function checkHttpResponse(schema: GraphQLSchema, op: GeneratedOperation, res: HttpOutcome): Verdict {
  const v: Verdict = { problems: [], codes: [], internal: [], refused: false, data: undefined };
  if (!(res.status === 200 || (res.status >= 400 && res.status < 500)))
    v.problems.push(`HTTP status ${res.status}`);
  if (
    res.json === undefined ||
    res.json === null ||
    typeof res.json !== 'object' ||
    Array.isArray(res.json)
  ) {
    v.problems.push(`the body is not a JSON object (${res.contentType}): ${res.text.slice(0, 200)}`);
    return v;
  }
  checkResult(schema, op, res.json as Record<string, unknown>, v);
  if (res.status >= 400 && !v.codes.length) v.problems.push(`HTTP ${res.status} without errors`);
  return v;
}

function checkResult(
  schema: GraphQLSchema,
  op: GeneratedOperation,
  body: Record<string, unknown>,
  v: Verdict,
) {
  for (const k of Object.keys(body))
    if (!ALLOWED_TOP_KEYS.has(k)) v.problems.push(`unexpected top-level key ${k}`);
  const errors = 'errors' in body ? checkErrors(body.errors, v) : [];
  if (!('data' in body) && !('errors' in body)) v.problems.push('neither data nor errors');
  v.data = body.data;
  if (body.data !== undefined && body.data !== null) {
    v.problems.push(...checkData(schema, op.query, op.operationName, op.variables, body.data, errors));
  } else if ('data' in body && body.data === null && errors.length === 0) {
    v.problems.push('data is null without errors');
  }
}

export type WsOutcome =
  | { kind: 'complete'; results: unknown[] }
  | { kind: 'error'; error: unknown; results: unknown[] }
  | { kind: 'listening'; results: unknown[] }
  | { kind: 'timeout'; results: unknown[] };

/** Whether the messages of one graphql-ws operation are well formed. */
export function checkWsOutcome(schema: GraphQLSchema, op: GeneratedOperation, out: WsOutcome): Verdict {
  const v: Verdict = { problems: [], codes: [], internal: [], refused: false, data: undefined };
  for (const r of out.results) {
    if (!r || typeof r !== 'object' || Array.isArray(r)) v.problems.push('a result is not an object');
    else checkResult(schema, op, r as Record<string, unknown>, v);
  }
  if (out.kind === 'timeout') v.problems.push('no answer over graphql-ws within the time limit');
  if (out.kind === 'error') {
    if (Array.isArray(out.error)) checkErrors(out.error, v);
    else {
      const e = out.error as { code?: unknown; reason?: unknown; message?: unknown };
      v.problems.push(`the socket failed: ${String(e?.code ?? '')} ${String(e?.reason ?? e?.message ?? e)}`);
    }
  }
  if (out.kind === 'complete' && op.operationType !== 'subscription' && out.results.length !== 1) {
    v.problems.push(`${out.results.length} results for a ${op.operationType}`);
  }
  return v;
}

// ------------------------------------------------------------------ transport

export async function postOperation(url: string, op: GeneratedOperation, auth: Auth): Promise<HttpOutcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...auth.headers };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth.apiKey) headers['x-api-key'] = auth.apiKey;
  const body =
    op.rawText ??
    JSON.stringify(
      op.body ?? {
        query: op.query,
        variables: op.variables,
        ...(op.operationName !== undefined ? { operationName: op.operationName } : {}),
      },
    );
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json };
}

function wsClientFor(url: string, auth: Auth): WsClient {
  const connectionParams: Record<string, string> = {};
  if (auth.token) connectionParams.authorization = `Bearer ${auth.token}`;
  if (auth.apiKey) connectionParams.apiKey = auth.apiKey;
  return createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
}

function runOverWs(
  client: WsClient,
  payload: Record<string, unknown>,
  subscription: boolean,
): Promise<WsOutcome> {
  return new Promise((resolve) => {
    const results: unknown[] = [];
    let settled = false;
    let unsubscribe: () => void = () => {};
    const finish = (o: WsOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(o);
    };
    const timer = setTimeout(
      () => finish({ kind: subscription ? 'listening' : 'timeout', results }),
      subscription ? 150 : 15_000,
    );
    unsubscribe = client.subscribe(payload as never, {
      next: (r) => results.push(r),
      error: (error) => finish({ kind: 'error', error, results }),
      complete: () => finish({ kind: 'complete', results }),
    });
  });
}

// ------------------------------------------------------------------ campaign

export interface FuzzCaller {
  role: string;
  auth: Auth;
  /** Sends only trusted documents, by id (judge tablets): its operations come from a plan. */
  firstParty?: boolean;
}

export interface Failure {
  role: string;
  transport: 'http' | 'ws';
  mode: string;
  op: GeneratedOperation;
  status?: number;
  problems: string[];
  response: string;
}

interface RoleCounts {
  total: number;
  valid: number;
  invalid: number;
  /** Answers without any error. */
  clean: number;
  ws: number;
  internal: number;
  malformed: number;
}

export interface FuzzStats {
  operations: number;
  byRole: Record<string, RoleCounts>;
  errorCodes: Record<string, number>;
  invalidKinds: Record<string, number>;
  rootFields: Record<string, number>;
  statuses: Record<string, number>;
  /** Codes of mutation payload `errors` (expected failures), and `APPLIED` for payloads without any. */
  payloadCodes: Record<string, number>;
  internalErrors: number;
  /** Operations with at least one problem (internal error, malformed answer, …). */
  failures: Failure[];
  /** Valid operations refused as invalid: a generator bug, not a server bug. */
  generatorMisses: Failure[];
  /** Invalid operations that ran without any error. */
  invalidAccepted: Failure[];
  elapsedMs: number;
}

export interface CampaignOptions {
  url: string;
  schema: GraphQLSchema;
  pool: IdPool;
  callers: FuzzCaller[];
  operationsPerRole: number;
  seed: number;
  /** Operations of first-party callers, registered as the server's trusted documents. */
  plans?: Record<string, GeneratedOperation[]>;
  /** Share of operations sent over graphql-ws (default 0.08). */
  wsRate?: number;
  concurrency?: number;
  generate?: GenerateOptions;
  progressEvery?: number;
  onProgress?: (done: number, total: number, stats: FuzzStats) => void;
  /** How many failures to keep with their whole answer (default 200). */
  keepFailures?: number;
  /** Stops the campaign after the operations in flight. */
  signal?: AbortSignal;
}

const bump = (m: Record<string, number>, k: string, n = 1) => {
  m[k] = (m[k] ?? 0) + n;
};

/** Counts the expected failures (payload `errors`) of each mutation payload in `data`. */
function countPayloads(into: Record<string, number>, data: unknown): void {
  if (!data || typeof data !== 'object') return;
  for (const payload of Object.values(data as Record<string, unknown>)) {
    const errors = (payload as { errors?: unknown } | null)?.errors;
    if (!Array.isArray(errors)) continue;
    if (errors.length === 0) bump(into, 'APPLIED');
    for (const e of errors) bump(into, String((e as { code?: unknown } | null)?.code ?? '?'));
  }
}

/** Operations a first-party caller will send, generated up front so the server can trust them. */
export function planOperations(
  schema: GraphQLSchema,
  pool: IdPool,
  role: string,
  count: number,
  seed: number,
  options: GenerateOptions = {},
): GeneratedOperation[] {
  const rng = mulberry32(subSeed(seed, role));
  return Array.from({ length: count }, () => generateOperation(rng, schema, pool, options));
}

/** The manifest (id → text) holding the plans' documents and the shipped trusted documents. */
export function manifestFor(plans: Record<string, GeneratedOperation[]>): Record<string, string> {
  const manifest: Record<string, string> = { ...loadManifest() };
  for (const ops of Object.values(plans)) {
    for (const op of ops) if (op.query) manifest[documentId(op.query)] = op.query;
  }
  return manifest;
}

export async function runCampaign(o: CampaignOptions): Promise<FuzzStats> {
  const started = Date.now();
  const stats: FuzzStats = {
    operations: 0,
    byRole: {},
    errorCodes: {},
    invalidKinds: {},
    rootFields: {},
    statuses: {},
    payloadCodes: {},
    internalErrors: 0,
    failures: [],
    generatorMisses: [],
    invalidAccepted: [],
    elapsedMs: 0,
  };
  const keep = o.keepFailures ?? 200;
  const rngs = new Map(o.callers.map((c) => [c.role, mulberry32(subSeed(o.seed, c.role))]));
  const modeRngs = new Map(o.callers.map((c) => [c.role, mulberry32(subSeed(o.seed, `${c.role}:mode`))]));
  const sockets = new Map<string, WsClient>();
  const jobs: { caller: FuzzCaller; index: number }[] = [];
  for (let i = 0; i < o.operationsPerRole; i++)
    for (const caller of o.callers) jobs.push({ caller, index: i });
  const total = jobs.length;

  const runOne = async ({ caller, index }: { caller: FuzzCaller; index: number }) => {
    const mrng = modeRngs.get(caller.role)!;
    let op: GeneratedOperation;
    if (caller.firstParty) {
      const plan = o.plans?.[caller.role];
      if (!plan?.[index]) throw new Error(`no planned operation ${index} for ${caller.role}`);
      op = plan[index];
    } else {
      op = generateOperation(rngs.get(caller.role)!, o.schema, o.pool, o.generate);
    }
    // First-party callers: mostly by id; sometimes the text (refused) or an unknown id.
    const mode = caller.firstParty
      ? pick(mrng, ['byId', 'byId', 'byId', 'byId', 'byId', 'byId', 'text', 'unknownId'])
      : 'text';
    const ws =
      !op.body &&
      !op.rawText &&
      (chance(mrng, o.wsRate ?? 0.08) || (op.operationType === 'subscription' && chance(mrng, 0.5)));
    const counts = (stats.byRole[caller.role] ??= {
      total: 0,
      valid: 0,
      invalid: 0,
      clean: 0,
      ws: 0,
      internal: 0,
      malformed: 0,
    });
    counts.total += 1;
    counts[op.valid ? 'valid' : 'invalid'] += 1;
    if (ws) counts.ws += 1;
    if (op.invalidKind) bump(stats.invalidKinds, op.invalidKind.split(':')[0]!);
    for (const f of op.rootFields) bump(stats.rootFields, f);

    let verdict: Verdict;
    let status: number | undefined;
    let response: string;
    const sent: GeneratedOperation =
      mode === 'byId'
        ? {
            ...op,
            body: op.body ?? {
              documentId: documentId(op.query),
              variables: op.variables,
              ...(op.operationName !== undefined ? { operationName: op.operationName } : {}),
            },
          }
        : mode === 'unknownId'
          ? {
              ...op,
              body: { documentId: `sha256:${'0'.repeat(64)}`, variables: op.variables },
              rawText: undefined,
            }
          : op;
    try {
      if (ws) {
        let client = sockets.get(caller.role);
        if (!client) sockets.set(caller.role, (client = wsClientFor(o.url, caller.auth)));
        const payload: Record<string, unknown> =
          mode === 'text'
            ? { query: op.query, variables: op.variables, operationName: op.operationName ?? null }
            : {
                query: '',
                variables: op.variables,
                operationName: op.operationName ?? null,
                extensions: {
                  documentId: mode === 'byId' ? documentId(op.query) : `sha256:${'0'.repeat(64)}`,
                },
              };
        const out = await runOverWs(client, payload, op.operationType === 'subscription');
        if (out.kind === 'error' && !Array.isArray(out.error)) {
          sockets.delete(caller.role);
          void client.dispose();
        }
        verdict = checkWsOutcome(o.schema, op, out);
        response = JSON.stringify(out, (_k, v) => (v instanceof Error ? v.message : v)).slice(0, 4000);
        bump(stats.statuses, `ws:${out.kind}`);
      } else {
        const res = await postOperation(o.url, sent, caller.auth);
        status = res.status;
        verdict = checkHttpResponse(o.schema, op, res);
        response = res.text.slice(0, 4000);
        bump(stats.statuses, String(res.status));
      }
    } catch (err) {
      verdict = {
        problems: [`request failed: ${String(err)}`],
        codes: [],
        internal: [],
        refused: false,
        data: undefined,
      };
      response = String(err);
    }
    for (const code of verdict.codes) bump(stats.errorCodes, code);
    if (verdict.data) {
      harvest(o.pool, verdict.data);
      if (op.operationType === 'mutation') countPayloads(stats.payloadCodes, verdict.data);
    }

    // What the mode demands of first-party callers.
    const plain = !op.body && !op.rawText;
    if (
      mode === 'text' &&
      plain &&
      caller.firstParty &&
      !verdict.codes.includes('TRUSTED_DOCUMENT_REQUIRED')
    ) {
      verdict.problems.push('a first-party caller ran a document sent as text');
    }
    if (mode === 'unknownId' && !verdict.codes.includes('TRUSTED_DOCUMENT_NOT_FOUND')) {
      verdict.problems.push('an unknown document id was not refused with TRUSTED_DOCUMENT_NOT_FOUND');
    }
    const failure = (problems: string[]): Failure => ({
      role: caller.role,
      transport: ws ? 'ws' : 'http',
      mode,
      op,
      ...(status !== undefined ? { status } : {}),
      problems,
      response,
    });
    if (verdict.internal.length) {
      counts.internal += 1;
      stats.internalErrors += verdict.internal.length;
      verdict.problems.unshift(...verdict.internal.map((e) => `INTERNAL_SERVER_ERROR: ${String(e.message)}`));
    }
    if (verdict.problems.length) {
      if (!verdict.internal.length) counts.malformed += 1;
      const f = failure(verdict.problems);
      // Beyond `keep`, only enough of the answer to group the failure.
      stats.failures.push(stats.failures.length < keep ? f : { ...f, response: f.response.slice(0, 1500) });
    }
    if (verdict.codes.length === 0 && verdict.problems.length === 0) counts.clean += 1;
    if (mode !== 'unknownId' && !(mode === 'text' && caller.firstParty)) {
      // NUL and lone surrogates are valid GraphQL but refused by policy (PostgreSQL cannot store
      // them): BAD_USER_INPUT is right. JSON escapes them; a printed document carries them raw.
      const carriesNul =
        /\\u(0000|d[89a-f][0-9a-f]{2})/i.test(JSON.stringify(op.variables ?? {})) ||
        op.query.includes('\u0000') ||
        /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(op.query) ||
        op.query.includes('\\u0000');
      const nulRefusal = carriesNul && verdict.codes.every((c) => c === 'BAD_USER_INPUT');
      // Text or a list beyond the bound its schema description states is refused by policy too.
      const boundRefusal =
        verdict.codes.every((c) => c === 'BAD_USER_INPUT') &&
        /"reason":"TOO_LONG"/.test(response) &&
        // The smallest bound is 200 characters: the operation must carry a longer string.
        /"(?:[^"\\]|\\.){201,}"/.test(`${op.query} ${JSON.stringify(op.variables ?? {})}`);
      if (
        op.valid &&
        verdict.refused &&
        !nulRefusal &&
        !boundRefusal &&
        stats.generatorMisses.length < keep
      ) {
        stats.generatorMisses.push(failure([`valid operation refused: ${verdict.codes.join(', ')}`]));
      }
      const silent = verdict.codes.length === 0 && verdict.problems.length === 0;
      if (!op.valid && silent && !(ws && op.operationType === 'subscription')) {
        stats.invalidAccepted.push(failure(['an invalid operation ran without errors']));
      }
    }
    stats.operations += 1;
    if (o.onProgress && stats.operations % (o.progressEvery ?? 1000) === 0) {
      o.onProgress(stats.operations, total, stats);
    }
  };

  let next = 0;
  const lane = async () => {
    while (next < jobs.length && !o.signal?.aborted) await runOne(jobs[next++]!);
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 1) }, lane));
  } finally {
    await Promise.all([...sockets.values()].map((s) => s.dispose()));
  }
  stats.elapsedMs = Date.now() - started;
  return stats;
}

// ------------------------------------------------------------------ reporting

/** One line of a message, with the details that vary from case to case blanked out. */
function normalize(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/(Variable "\$\w+") .*/, '$1 … (variable coercion)')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 120);
}

/** Groups failures by what went wrong, so that one bug shows once, with its first example. */
export function failureSignature(f: Failure): string {
  const first = f.problems[0] ?? '';
  let where = '';
  try {
    const body = JSON.parse(f.response) as { errors?: FormattedError[] };
    const e = body.errors?.find((x) => x.extensions?.code === 'INTERNAL_SERVER_ERROR') ?? body.errors?.[0];
    const stack = e?.extensions?.stacktrace;
    if (Array.isArray(stack)) {
      where = String(stack.find((l: string) => l.includes('/src/')) ?? '')
        .trim()
        .replace(/:\d+:\d+\)?$/, '');
    }
  } catch {
    // not JSON
  }
  const html = first.startsWith('the body is not a JSON object');
  return [f.transport, html ? 'the body is not a JSON object' : normalize(first), where]
    .filter(Boolean)
    .join(' | ');
}

export function summarize(stats: FuzzStats, examples = 5): string {
  const lines: string[] = [];
  lines.push(
    `fuzz: ${stats.operations} operations in ${(stats.elapsedMs / 1000).toFixed(1)} s; ` +
      `internal errors: ${stats.internalErrors}; failing operations: ${stats.failures.length}; ` +
      `invalid accepted: ${stats.invalidAccepted.length}; generator misses: ${stats.generatorMisses.length}`,
  );
  lines.push('by role (total / valid / invalid / clean / ws / internal / malformed):');
  for (const [role, c] of Object.entries(stats.byRole)) {
    lines.push(
      `  ${role.padEnd(10)} ${c.total} / ${c.valid} / ${c.invalid} / ${c.clean} / ${c.ws} / ${c.internal} / ${c.malformed}`,
    );
  }
  const sorted = (m: Record<string, number>) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}=${n}`)
      .join(', ');
  lines.push(`statuses: ${sorted(stats.statuses)}`);
  lines.push(`errors by code: ${sorted(stats.errorCodes)}`);
  lines.push(`invalid kinds: ${sorted(stats.invalidKinds)}`);
  lines.push(`mutation payloads: ${sorted(stats.payloadCodes)}`);
  lines.push(`root fields: ${sorted(stats.rootFields)}`);
  const groups = new Map<string, Failure[]>();
  for (const f of [...stats.failures, ...stats.invalidAccepted, ...stats.generatorMisses]) {
    const k = failureSignature(f);
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  if (groups.size) lines.push(`distinct problems: ${groups.size}`);
  let shown = 0;
  for (const [sig, fs] of groups) {
    if (shown++ >= examples) break;
    const f = fs[0]!;
    const roles = [...new Set(fs.map((x) => x.role))].join(',');
    const fields = [...new Set(fs.flatMap((x) => x.op.rootFields))].slice(0, 8).join(',');
    lines.push(`--- ${fs.length}× ${sig}`);
    lines.push(`    seen as: ${roles}; root fields: ${fields}`);
    lines.push(`    role=${f.role} transport=${f.transport} mode=${f.mode} status=${f.status ?? '-'}`);
    lines.push(`    problems: ${f.problems.slice(0, 3).join(' | ').replace(/\s+/g, ' ').slice(0, 300)}`);
    lines.push(`    query: ${f.op.query.replace(/\s+/g, ' ').slice(0, 600)}`);
    lines.push(`    variables: ${JSON.stringify(f.op.variables).slice(0, 600)}`);
    if (f.op.operationName !== undefined)
      lines.push(`    operationName: ${JSON.stringify(f.op.operationName)}`);
    if (f.op.body !== undefined) lines.push(`    body: ${JSON.stringify(f.op.body).slice(0, 300)}`);
    if (f.op.rawText !== undefined) lines.push(`    raw body: ${JSON.stringify(f.op.rawText)}`);
    lines.push(`    response: ${f.response.replace(/\s+/g, ' ').slice(0, 700)}`);
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------ fixtures

export interface FuzzFixtures {
  world: World;
  pool: IdPool;
  callers: FuzzCaller[];
}

/** Environment for a fuzzed server: no rate limits in the way, a fixed token secret. */
export function fuzzEnv(jwtSecret: string): Record<string, string> {
  return {
    JWT_SECRET: jwtSecret,
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_ACCOUNT_PER_MINUTE: '1000000',
    RATE_LIMIT_API_KEY_PER_MINUTE: '1000000',
    WS_MAX_SOCKETS_PER_IP: '1000',
  };
}

async function must<R, V>(t: TestApp, auth: Auth, doc: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  const r = await t.gql(doc, variables, auth);
  if (!r.data || r.errors) throw new Error(`fixture failed: ${print(doc)}: ${JSON.stringify(r)}`);
  return r.data;
}

/**
 * The world of test/support/world.ts plus objects of every type (competitions in several
 * states, trades, people, a team, entrants, an honor, keys and an account), an API key with
 * every scope, the callers, and a pool of their IDs. The fuzzing accounts and key are kept out
 * of the pool so that no random `setAccountActive`/`revokeApiKey` can silence a caller.
 */
export async function buildFuzzFixtures(t: TestApp): Promise<FuzzFixtures> {
  const w = await buildWorld(t);
  const x = { token: w.tokens.xian };
  const y = { token: w.tokens.xianyang };
  const c1 = await createCompetition(t, w.tokens.xian, w.orgs.xian);
  const c2 = await createCompetition(t, w.tokens.xian, w.orgs.lianhu, {
    name: '2024年劳动竞赛',
    kind: 'LABOR',
  });
  const c3 = await createCompetition(t, w.tokens.xianyang, w.orgs.xianyang, { name: '咸阳市技能大赛' });
  const c4 = await createCompetition(t, w.tokens.xian, w.orgs.xian, { name: '已归档的大赛', year: 2020 });
  const tr1 = await createTrade(t, w.tokens.xian, c1);
  const tr2 = await createTrade(t, w.tokens.xian, c2, { name: '班组赛', capacity: 3 });
  const tr3 = await createTrade(t, w.tokens.xianyang, c3, { name: '电工' });
  const p1 = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '张三');
  const p2 = await createPerson(t, w.tokens.xian, w.orgs.xianFirm, '李四');
  const p3 = await createPerson(t, w.tokens.xianyang, w.orgs.xianyangFirm, '王五');
  await moveTo(t, w.tokens.xian, c1, 'REGISTRATION_OPEN');
  await moveTo(t, w.tokens.xian, c2, 'REGISTRATION_OPEN');
  await moveTo(t, w.tokens.xianyang, c3, 'REGISTRATION_OPEN');
  await moveTo(t, w.tokens.xian, c4, 'ARCHIVED');
  const team = await must(t, x, CreateTeamDocument, {
    input: { organizationId: orgId(w.orgs.xianFirm), name: '焊接班组', kind: 'CREW', memberIds: [p1, p2] },
  });
  const register = RegisterEntrantIdDocument;
  const e1 = await must(t, x, register, {
    input: { tradeId: tr1, personId: p1 },
  });
  const e2 = await must(t, x, register, {
    input: { tradeId: tr2, teamId: team.createTeam.team!.id },
  });
  const e3 = await must(t, y, register, {
    input: { tradeId: tr3, personId: p3 },
  });
  await moveTo(t, w.tokens.xianyang, c3, 'RUNNING', 'SCORING_CLOSED', 'PUBLISHED');
  const honor = await must(t, x, AddHonorDocument, {
    input: {
      personId: p1,
      kind: 'MODEL_WORKER',
      title: '全国劳动模范',
      awardingBody: '中华全国总工会',
      year: 2020,
      level: 'NATIONAL',
    },
  });
  const createKey = CreateApiKeyDocument;
  const fullKey = await must(t, x, createKey, {
    input: { name: 'fuzz-app', scopes: [...API_SCOPES], organizationId: orgId(w.orgs.xian) },
  });
  const spareKey = await must(t, x, createKey, {
    input: { name: 'spare-app', scopes: ['competitions:read'], organizationId: orgId(w.orgs.lianhu) },
  });
  const spare = await t.account(Role.ORGANIZER, w.orgs.lianhu, 'fuzz_spare');
  const screenKey = await must(t, y, createKey, {
    input: {
      name: 'screen',
      scopes: ['competitions:read'],
      organizationId: orgId(w.orgs.xianyang),
      firstParty: true,
    },
  });

  // Every account but the spare one is a caller's: keep them out of reach.
  const accounts = await t.sql<{ id: number; username: string }>('select id, username from account');
  const pool = createIdPool({
    ids: [
      ...Object.values(w.orgs).map(orgId),
      c1,
      c2,
      c3,
      c4,
      tr1,
      tr2,
      tr3,
      p1,
      p2,
      p3,
      team.createTeam.team!.id,
      e1.registerEntrant.entrant!.id,
      e2.registerEntrant.entrant!.id,
      e3.registerEntrant.entrant!.id,
      honor.addHonor.honor!.id,
      spareKey.createApiKey.apiKey!.id,
      screenKey.createApiKey.apiKey!.id,
      toGlobalId('Account', spare.account.id),
    ],
    protectedIds: [
      ...accounts.filter((a) => a.id !== spare.account.id).map((a) => toGlobalId('Account', a.id)),
      fullKey.createApiKey.apiKey!.id,
    ],
    usernames: [...accounts.map((a) => a.username), 'nobody'],
    password: PASSWORD,
    orgNames: Object.values(w.orgs).map((o) => o.name),
  });
  const callers: FuzzCaller[] = [
    { role: 'anonymous', auth: {} },
    { role: 'judge', auth: { token: w.tokens.judge }, firstParty: true },
    { role: 'organizer', auth: { token: w.tokens.xian } },
    { role: 'neighbour', auth: { token: w.tokens.xianyang } },
    { role: 'admin', auth: { token: w.tokens.admin } },
    { role: 'apiKey', auth: { apiKey: fullKey.createApiKey.secret! } },
  ];
  return { world: w, pool, callers };
}

/**
 * A second server on the same database whose trusted documents include the first-party
 * callers' planned operations (the manifest is read at start-up, after the fixtures exist).
 */
export async function startPlannedServer(
  orm: MikroORM,
  env: Record<string, string>,
  plans: Record<string, GeneratedOperation[]>,
): Promise<{ app: App; close: () => Promise<void> }> {
  const file = path.join(os.tmpdir(), `jingsai-fuzz-manifest-${process.pid}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(manifestFor(plans)));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...env,
    TRUSTED_DOCUMENTS_PATH: file,
  });
  const app = await createApp({ config, orm });
  return {
    app,
    close: async () => {
      await app.close();
      rmSync(file, { force: true });
    },
  };
}
