import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  Lexer,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  Source,
  TokenKind,
  validate,
  specifiedRules,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  visit,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../graphql/relay';
import { localizedError, textOf } from '../errors';
import { text, type Text } from '../i18n';

/**
 * Limits every operation must fit before anything runs: checked the same way
 * for HTTP and WebSocket, before any resolver runs or any SQL is sent.
 */
export interface OperationLimits {
  maxCharacters: number;
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxCost: number;
  /** When false, `__schema`/`__type` are refused as part of validation. */
  introspection: boolean;
}

export const DEFAULT_LIMITS: OperationLimits = {
  maxCharacters: 15_000,
  maxTokens: 1_000,
  // Relay connections spend two levels per hop (connection → nodes/edges → node),
  // so the armor default of 6 would refuse competitions → trades → entrants → person.
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 50,
  maxCost: 5_000,
  introspection: true,
};

/** Stable codes of refused operations (`extensions.code`). */
export const LimitCode = {
  SIZE: 'QUERY_TOO_LARGE',
  TOKENS: 'TOO_MANY_TOKENS',
  DEPTH: 'QUERY_TOO_DEEP',
  ALIASES: 'TOO_MANY_ALIASES',
  DIRECTIVES: 'TOO_MANY_DIRECTIVES',
  COST: 'QUERY_TOO_COSTLY',
  PARSE: 'GRAPHQL_PARSE_FAILED',
  OPERATION: 'OPERATION_RESOLUTION_FAILURE',
  SUBSCRIPTION_OVER_HTTP: 'SUBSCRIPTION_OVER_HTTP',
  BAD_INPUT: 'BAD_USER_INPUT',
  VALIDATION: 'GRAPHQL_VALIDATION_FAILED',
} as const;

/** graphql-js's message, with our own explanation in Chinese when one of our scalars refused the value. */
function ownText(e: GraphQLError): Text | string {
  const own = textOf(e);
  return own ? text(`输入值无效：${own.zh}`, e.message) : e.message;
}

/** Ours in both languages; graphql-js's own messages (syntax, validation, variables) as they are. */
function refused(code: string, message: Text | string, extra: Record<string, unknown> = {}): GraphQLError {
  if (typeof message !== 'string') return localizedError(code, message, extra);
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/** Counts lexical tokens without building an AST, stopping one past the limit. */
function tooManyTokens(source: string, max: number): boolean {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > max) return true;
    }
  } catch {
    return false; // syntax errors are reported by the parser
  }
  return false;
}

interface Counts {
  depth: number;
  aliases: number;
  directives: number;
}

/** Depth (introspection fields aside), aliases and directives, through fragments. */
function measure(doc: DocumentNode, operation: OperationDefinitionNode): Counts {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const counts: Counts = { depth: 0, aliases: 0, directives: operation.directives?.length ?? 0 };
  const visit = (set: SelectionSetNode, depth: number, seen: Set<string>) => {
    for (const sel of set.selections) {
      counts.directives += sel.directives?.length ?? 0;
      if (sel.kind === Kind.FIELD) {
        if (sel.alias) counts.aliases += 1;
        if (sel.name.value.startsWith('__')) continue;
        counts.depth = Math.max(counts.depth, depth + 1);
        if (sel.selectionSet) visit(sel.selectionSet, depth + 1, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        visit(sel.selectionSet, depth, seen);
      } else {
        const frag = fragments.get(sel.name.value);
        if (!frag || seen.has(frag.name.value)) continue;
        counts.directives += frag.directives?.length ?? 0;
        visit(frag.selectionSet, depth, new Set([...seen, frag.name.value]));
      }
    }
  };
  visit(operation.selectionSet, 0, new Set());
  return counts;
}

/** A list or connection field multiplies its selection by `first` (or the default page size). */
const pageEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  const hasFirst = field.args.some((a) => a.name === 'first');
  if (!hasFirst) return undefined;
  const first =
    typeof args.first === 'number' ? Math.min(Math.max(args.first, 0), MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  return 1 + first * childComplexity;
};

export interface CheckedOperation {
  document: DocumentNode | null;
  errors: GraphQLError[];
}

/** Parse and validate results depend only on the text; the cost depends on variables too. */
const parsed = new Map<
  string,
  {
    document: DocumentNode | null;
    errors: GraphQLError[];
    costs?: Map<string, number>;
    costVariables?: string[];
  }
>();
const PARSE_CACHE_SIZE = 500;

/**
 * Checks one request's document against the limits and the schema.
 * Returns the parsed document when it may run, or the errors refusing it.
 */
export function checkOperation(
  schema: GraphQLSchema,
  source: string,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  limits: OperationLimits = DEFAULT_LIMITS,
  transport: 'http' | 'ws' = 'http',
): CheckedOperation {
  if (typeof source !== 'string' || source.length === 0) {
    return {
      document: null,
      errors: [refused(LimitCode.PARSE, text('请求中没有查询文档。', 'The request has no query document.'))],
    };
  }
  if (source.length > limits.maxCharacters) {
    return {
      document: null,
      errors: [
        refused(
          LimitCode.SIZE,
          text(
            `文档超过 ${limits.maxCharacters} 个字符。`,
            `The document exceeds ${limits.maxCharacters} characters.`,
          ),
          {
            limit: limits.maxCharacters,
          },
        ),
      ],
    };
  }
  const key = `${limits.introspection ? 1 : 0}${limits.maxDepth}:${limits.maxAliases}:${limits.maxDirectives}:${limits.maxTokens}\n${source}`;
  let entry = parsed.get(key);
  if (!entry) {
    entry = parseAndValidate(schema, source, limits);
    if (parsed.size >= PARSE_CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, entry);
  }
  if (!entry.document || entry.errors.length) return entry;
  const operation = getOperationAST(entry.document, operationName ?? undefined);
  if (!operation) {
    return {
      document: null,
      errors: [
        refused(
          LimitCode.OPERATION,
          operationName
            ? text(`没有名为“${operationName}”的操作。`, `No operation is named "${operationName}".`)
            : text(
                '文档中有多个操作，请指定要执行的操作名称。',
                'Name the operation to run: the document has several.',
              ),
        ),
      ],
    };
  }
  if (transport === 'http' && operation.operation === 'subscription') {
    return {
      document: null,
      errors: [
        refused(
          LimitCode.SUBSCRIPTION_OVER_HTTP,
          text(
            '订阅须通过同一路径的 WebSocket（graphql-ws）进行。',
            'Subscriptions run over WebSocket (graphql-ws) at the same path.',
          ),
        ),
      ],
    };
  }
  if (unstorableText(variables)) {
    return { document: null, errors: [refused(LimitCode.BAD_INPUT, UNSTORABLE)] };
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, {
    maxErrors: 10,
  });
  if (coerced.errors) {
    return { document: null, errors: coerced.errors.map((e) => refused(LimitCode.BAD_INPUT, ownText(e))) };
  }
  try {
    const cost = operationCost(schema, entry, variables, operationName);
    if (cost > limits.maxCost) {
      return {
        document: null,
        errors: [
          refused(
            LimitCode.COST,
            text(
              `该操作的估算开销 ${cost} 超过上限 ${limits.maxCost}，请减小分页大小。`,
              `The operation's estimated cost ${cost} exceeds ${limits.maxCost}; ask for smaller pages.`,
            ),
            {
              cost,
              limit: limits.maxCost,
            },
          ),
        ],
      };
    }
  } catch (err) {
    // Unknown operation name or bad variables: execution reports it precisely.
    void err;
  }
  return entry;
}

/**
 * The estimated cost, remembered per document and the values of the variables it depends on: a
 * screen or an app repeats the same few requests (a worker's app asks the same rank question with
 * a different entrant each time), and walking the document costs more than the rest of the gate.
 */
function operationCost(
  schema: GraphQLSchema,
  entry: { document: DocumentNode | null; costs?: Map<string, number>; costVariables?: string[] },
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
): number {
  const relevant = (entry.costVariables ??= costVariables(entry.document!));
  const vars = JSON.stringify(relevant.map((name) => variables?.[name] ?? null));
  // Kept with the parsed document (itself in a bounded cache), a few variable sets each.
  const key = vars.length <= 256 ? `${operationName ?? ''}\n${vars}` : null;
  const costs = (entry.costs ??= new Map());
  const known = key === null ? undefined : costs.get(key);
  if (known !== undefined) return known;
  const cost = getComplexity({
    schema,
    query: entry.document!,
    variables: variables ?? {},
    ...(operationName ? { operationName } : {}),
    estimators: [pageEstimator, simpleEstimator({ defaultComplexity: 1 })],
  });
  if (key !== null) {
    if (costs.size >= COSTS_PER_DOCUMENT) costs.delete(costs.keys().next().value!);
    costs.set(key, cost);
  }
  return cost;
}

/**
 * The variables a document's cost can depend on: those given to a `first` argument (the page
 * estimator) or to a directive (`@include` and `@skip` decide what is counted). No other value
 * changes the estimate.
 */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node, _key, _parent, _path, ancestors) {
      if (node.value.kind !== Kind.VARIABLE) return;
      // The parent is the list of arguments; the node that owns them comes before it.
      const owner = ancestors[ancestors.length - 1] as { kind?: string } | undefined;
      if (node.name.value === 'first' || owner?.kind === Kind.DIRECTIVE) names.add(node.value.name.value);
    },
  });
  return [...names].sort();
}

const COSTS_PER_DOCUMENT = 64;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * PostgreSQL stores neither NUL nor lone surrogates (text or jsonb); refusing
 * them here keeps them from surfacing as driver errors deep in a mutation.
 */
function unstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || LONE_SURROGATE.test(value);
  if (depth > 20 || value === null || typeof value !== 'object') return false;
  return Object.values(value as Record<string, unknown>).some((v) => unstorableText(v, depth + 1));
}

const UNSTORABLE = text(
  '文本须为有效的 Unicode，且不含 NUL 字符。',
  'Text must be valid Unicode without NUL characters.',
);

function parseAndValidate(schema: GraphQLSchema, source: string, limits: OperationLimits): CheckedOperation {
  if (tooManyTokens(source, limits.maxTokens)) {
    return {
      document: null,
      errors: [
        refused(
          LimitCode.TOKENS,
          text(
            `文档超过 ${limits.maxTokens} 个词法单元。`,
            `The document exceeds ${limits.maxTokens} tokens.`,
          ),
          {
            limit: limits.maxTokens,
          },
        ),
      ],
    };
  }
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: limits.maxTokens, noLocation: false });
  } catch (err) {
    return { document: null, errors: [refused(LimitCode.PARSE, (err as Error).message)] };
  }
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const c = measure(document, def);
    if (c.depth > limits.maxDepth) {
      return {
        document: null,
        errors: [
          refused(
            LimitCode.DEPTH,
            text(
              `该操作嵌套 ${c.depth} 层，最多允许 ${limits.maxDepth} 层。`,
              `The operation is ${c.depth} levels deep; at most ${limits.maxDepth}.`,
            ),
            {
              limit: limits.maxDepth,
            },
          ),
        ],
      };
    }
    if (c.aliases > limits.maxAliases) {
      return {
        document: null,
        errors: [
          refused(
            LimitCode.ALIASES,
            text(
              `该操作使用了 ${c.aliases} 个别名，最多允许 ${limits.maxAliases} 个。`,
              `The operation uses ${c.aliases} aliases; at most ${limits.maxAliases}.`,
            ),
            { limit: limits.maxAliases },
          ),
        ],
      };
    }
    if (c.directives > limits.maxDirectives) {
      return {
        document: null,
        errors: [
          refused(
            LimitCode.DIRECTIVES,
            text(
              `该操作使用了 ${c.directives} 个指令，最多允许 ${limits.maxDirectives} 个。`,
              `The operation uses ${c.directives} directives; at most ${limits.maxDirectives}.`,
            ),
            { limit: limits.maxDirectives },
          ),
        ],
      };
    }
  }
  let nulLiteral = false;
  visit(document, {
    StringValue(node) {
      if (unstorableText(node.value)) nulLiteral = true;
    },
  });
  if (nulLiteral) return { document: null, errors: [refused(LimitCode.BAD_INPUT, UNSTORABLE)] };
  const rules = limits.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const errors = validate(schema, document, rules, { maxErrors: 10 }).map((e) =>
    refused(LimitCode.VALIDATION, ownText(e)),
  );
  return { document: errors.length ? null : document, errors };
}
