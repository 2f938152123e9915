import { ErrorCode, type Problems } from './errors';
import { fromGlobalId } from './graphql/relay';
import { text } from './i18n';

/** Trims and checks a required text input; records a problem and returns '' when invalid. */
export function requiredText(
  p: Problems,
  field: string,
  value: string | null | undefined,
  max: number,
): string {
  const v = (value ?? '').trim();
  if (v.length === 0) {
    p.add(ErrorCode.REQUIRED, text('不能为空。', 'Must not be empty.'), field);
    return '';
  }
  if ([...v].length > max)
    p.add(ErrorCode.TOO_LONG, text(`最多 ${max} 个字符。`, `Must be at most ${max} characters.`), field);
  return v;
}

/** Optional text: empty means null. */
export function optionalText(
  p: Problems,
  field: string,
  value: string | null | undefined,
  max: number,
): string | null {
  if (value == null) return null;
  const v = value.trim();
  if (v.length === 0) return null;
  if ([...v].length > max)
    p.add(ErrorCode.TOO_LONG, text(`最多 ${max} 个字符。`, `Must be at most ${max} characters.`), field);
  return v;
}

export function intInRange(p: Problems, field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    p.add(
      ErrorCode.OUT_OF_RANGE,
      text(`须为 ${min} 到 ${max} 之间的整数。`, `Must be a whole number from ${min} to ${max}.`),
      field,
    );
  }
  return value;
}

/** Decodes a global ID of the expected type(s); records INVALID_ID otherwise. */
export function decodeId(p: Problems, field: string, globalId: string, ...types: string[]): number {
  const d = fromGlobalId(globalId);
  if (!d || !types.includes(d.type)) {
    p.add(
      ErrorCode.INVALID_ID,
      text(`不是有效的 ${types.join(' 或 ')} ID。`, `Not a valid ${types.join(' or ')} ID.`),
      field,
    );
    return 0;
  }
  return d.id;
}

export function isoDate(p: Problems, field: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(`${value}T00:00:00Z`) : null;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    p.add(
      ErrorCode.VALIDATION,
      text('须为 YYYY-MM-DD 格式的日期。', 'Must be a date written YYYY-MM-DD.'),
      field,
    );
    return null;
  }
  return value;
}
