import { type GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { localizedError } from '../errors';
import { text, type Text } from '../i18n';

/**
 * Scalars that say what a value holds. Both travel as strings, so a client never meets a float:
 * `Decimal` is an exact amount of yuan with two decimals, `Date` a calendar day.
 */

const DECIMAL_AS_STRING = text(
  '金额请以字符串给出，例如 "1250000.50"（数字会损失精度）。',
  'give the amount as a string, e.g. "1250000.50" (numbers lose exactness).',
);

const DECIMAL = /^(-?)(\d{1,14})(?:\.(\d{1,2}))?$/;

function invalid(scalar: string, message: Text): GraphQLError {
  return localizedError('BAD_USER_INPUT', text(`${scalar}：${message.zh}`, `${scalar}: ${message.en}`));
}

/** Normalises a decimal string to two decimals without passing through a float. */
export function toDecimalString(value: string): string | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const int = m[2]!.replace(/^0+(?=\d)/, '');
  const frac = (m[3] ?? '').padEnd(2, '0');
  const negative = m[1] === '-' && !(/^0+$/.test(int) && frac === '00');
  return `${negative ? '-' : ''}${int}.${frac}`;
}

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string') throw invalid('Decimal', DECIMAL_AS_STRING);
  const d = toDecimalString(value);
  if (d === null)
    throw invalid(
      'Decimal',
      text(`“${value}”不是最多 2 位小数的金额。`, `"${value}" is not an amount with at most 2 decimals.`),
    );
  return d;
}

export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description:
    'An exact amount of yuan, as a string with two decimals (e.g. "1250000.50"). Input takes a string with at most two decimals.',
  serialize(value) {
    // PostgreSQL numeric arrives as a string; integers (sums of nothing) as numbers.
    const s = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
    if (typeof s !== 'string') throw new TypeError('Decimal serialises strings (exact numerics) only.');
    const d = toDecimalString(s);
    if (d === null) throw new TypeError(`Decimal cannot serialise "${s}".`);
    return d;
  },
  parseValue: parseDecimal,
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.STRING) throw invalid('Decimal', DECIMAL_AS_STRING);
    return parseDecimal(ast.value);
  },
});

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDate(value))
    throw invalid(
      'Date',
      text(
        `${JSON.stringify(value)} 不是 YYYY-MM-DD 格式的日历日期。`,
        `${JSON.stringify(value)} is not a calendar day written YYYY-MM-DD.`,
      ),
    );
  return value;
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar day, written YYYY-MM-DD (no time, no zone).',
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    if (typeof value === 'string' && isCalendarDate(value.slice(0, 10))) return value.slice(0, 10);
    throw new TypeError(`Date cannot serialise ${JSON.stringify(value)}.`);
  },
  parseValue: parseDate,
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.STRING)
      throw invalid(
        'Date',
        text('日期请以字符串 YYYY-MM-DD 给出。', 'give the day as a string, YYYY-MM-DD.'),
      );
    return parseDate(ast.value);
  },
});
