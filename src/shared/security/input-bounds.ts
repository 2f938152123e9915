import {
  type DocumentNode,
  type FieldNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  getOperationAST,
  isInputObjectType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type OperationDefinitionNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import { localizedError } from '../errors';
import { text, type Text } from '../i18n';

/**
 * The most characters and items any argument or input field takes. These sit at or above the
 * services' own limits (which answer `TOO_LONG` in a payload), so they refuse only what no
 * service would accept, and do so before a resolver runs or a connection is taken.
 */
export const INPUT_BOUNDS = {
  /** Search filters and every other field of a `…Filter` input. */
  filter: 200,
  /** Global ids and page cursors. */
  id: 200,
  /** A file (CSV, XLSX as base64) or a marking scheme sent whole. */
  document: 8_000_000,
  /** Any other text. */
  text: 10_000,
  /** Any list. */
  items: 1_000,
} as const;

interface Bound {
  maxLength?: number;
  maxItems?: number;
}

const DOCUMENT_FIELDS = new Set(['content']);
const CURSOR_ARGS = new Set(['after', 'before']);

function boundFor(name: string, type: GraphQLInputType, owner: string): Bound {
  const named = getNamedType(type);
  const list = isListType(getNullableType(type));
  const bound: Bound = {};
  if (list) bound.maxItems = INPUT_BOUNDS.items;
  if (named.name === 'ID' || CURSOR_ARGS.has(name)) bound.maxLength = INPUT_BOUNDS.id;
  else if (named.name === 'String') {
    if (owner.endsWith('Filter') || name === 'search') bound.maxLength = INPUT_BOUNDS.filter;
    else if (DOCUMENT_FIELDS.has(name)) bound.maxLength = INPUT_BOUNDS.document;
    else bound.maxLength = INPUT_BOUNDS.text;
  }
  return bound;
}

function describe(description: string | null | undefined, bound: Bound): string | null {
  const n = (x: number) => x.toLocaleString('en');
  let sentence: string | null = null;
  if (bound.maxItems !== undefined && bound.maxLength !== undefined)
    sentence = `Refused (BAD_USER_INPUT) above ${n(bound.maxItems)} items or ${n(bound.maxLength)} characters in an item.`;
  else if (bound.maxItems !== undefined)
    sentence = `Refused (BAD_USER_INPUT) above ${n(bound.maxItems)} items.`;
  else if (bound.maxLength !== undefined)
    sentence = `Refused (BAD_USER_INPUT) above ${n(bound.maxLength)} characters.`;
  if (!sentence) return description ?? null;
  return description ? `${description.trimEnd()} ${sentence}` : sentence;
}

/**
 * Gives every argument and input field of the schema its bound (kept in `extensions.bound`)
 * and states it at the end of its description, so the published schema documents the limits.
 */
export function boundInputs(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        for (const arg of field.args) {
          const bound = boundFor(arg.name, arg.type, type.name);
          (arg as { extensions: object }).extensions = { ...arg.extensions, bound };
          (arg as { description?: string | null }).description = describe(arg.description, bound);
        }
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        const bound = boundFor(field.name, field.type, type.name);
        (field as { extensions: object }).extensions = { ...field.extensions, bound };
        (field as { description?: string | null }).description = describe(field.description, bound);
      }
    }
  }
  return schema;
}

function boundOf(def: { extensions?: unknown }): Bound {
  return ((def.extensions ?? {}) as { bound?: Bound }).bound ?? {};
}

/** The first value beyond its bound, as a path and a message; null when all fit. */
function checkValue(value: unknown, type: GraphQLInputType, bound: Bound, path: string): Text | null {
  if (value == null) return null;
  const inner = getNullableType(type);
  if (isListType(inner)) {
    if (!Array.isArray(value)) return checkValue(value, inner.ofType as GraphQLInputType, bound, path);
    if (bound.maxItems !== undefined && value.length > bound.maxItems)
      return text(`${path} 最多 ${bound.maxItems} 项。`, `${path} takes at most ${bound.maxItems} items.`);
    for (let i = 0; i < value.length; i++) {
      const r = checkValue(value[i], inner.ofType as GraphQLInputType, bound, `${path}[${i}]`);
      if (r) return r;
    }
    return null;
  }
  if (isInputObjectType(inner)) {
    if (typeof value !== 'object') return null;
    const fields = inner.getFields();
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const f = fields[key];
      if (!f) continue;
      const r = checkValue(v, f.type, boundOf(f), `${path}.${key}`);
      if (r) return r;
    }
    return null;
  }
  if (typeof value === 'string' && bound.maxLength !== undefined && value.length > bound.maxLength)
    return text(
      `${path} 最多 ${bound.maxLength} 个字符。`,
      `${path} takes at most ${bound.maxLength} characters.`,
    );
  return null;
}

type FieldWithArguments = { def: GraphQLField<unknown, unknown>; field: FieldNode };
const walked = new WeakMap<DocumentNode, Map<OperationDefinitionNode, FieldWithArguments[]>>();

/**
 * The fields of an operation (and the fragments it may spread) that take arguments, in document
 * order, with their definitions: found once per parsed document, not on every request.
 */
function fieldsWithArguments(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): FieldWithArguments[] {
  let byOperation = walked.get(document);
  if (!byOperation) walked.set(document, (byOperation = new Map()));
  let found = byOperation.get(operation);
  if (found) return found;
  found = [];
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const typeInfo = new TypeInfo(schema);
  const list = found;
  visit(
    { ...document, definitions: [operation, ...fragments] },
    visitWithTypeInfo(typeInfo, {
      Field(field: FieldNode) {
        const def = typeInfo.getFieldDef() as GraphQLField<unknown, unknown> | null;
        if (def && field.arguments?.length) list.push({ def, field });
      },
    }),
  );
  byOperation.set(operation, found);
  return found;
}

/**
 * Refuses an operation whose arguments (inline or through variables) exceed their bounds, with
 * `BAD_USER_INPUT` and the argument's path, before any resolver runs. Only the selected
 * operation counts; values that do not coerce are left to execution to report.
 */
export function checkInputBounds(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | null,
): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  // Character counts in UTF-16 code units: never fewer than the characters a service counts.
  const coerced: Record<string, unknown> = {};
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    if (name in variables) coerced[name] = variables[name];
  }
  // Variable values are checked where they are used, against the argument's bound.
  let problem: Text | null = null;
  for (const { def, field } of fieldsWithArguments(schema, document, operation)) {
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(def, field, coerced);
    } catch {
      continue;
    }
    for (const arg of def.args) {
      problem = checkValue(values[arg.name], arg.type, boundOf(arg), `${def.name}(${arg.name})`);
      if (problem) break;
    }
    if (problem) break;
  }
  return problem
    ? localizedError(
        'BAD_USER_INPUT',
        text(`输入过长：${(problem as Text).zh}`, `Input too long: ${(problem as Text).en}`),
        { reason: 'TOO_LONG' },
      )
    : null;
}
