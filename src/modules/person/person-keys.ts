import { createHmac } from 'node:crypto';
import { text, type Text } from '../../shared/i18n';

/**
 * The stable keys that identify a person across imports: an employee number within the
 * employer, and the national resident ID (居民身份证号码). The ID itself is never stored,
 * logged or returned: only its HMAC-SHA256 under a server key, so a leaked table cannot be
 * reversed by hashing the (small) space of valid IDs without the key.
 */
export class PersonKeys {
  constructor(private readonly key: string) {
    if (key.length < 32) throw new Error('The person ID key must be at least 32 characters.');
  }

  /** Hex HMAC of a normalized ID (see `normalizeNationalId`). */
  hashNationalId(normalized: string): string {
    return createHmac('sha256', this.key).update(`national-id:${normalized}`).digest('hex');
  }
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Why an ID is refused; the ID itself never goes into a message. */
export type NationalIdProblem = 'FORMAT' | 'BIRTH_DATE' | 'CHECK_DIGIT';

/** Upper-cases the check character and drops spaces; other characters are kept (and refused). */
export function normalizeNationalId(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/** GB 11643-1999 check character: ISO 7064 MOD 11-2 over the first 17 digits. */
export function nationalIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** Null when the normalized ID is an 18-character resident ID with a real birth date and a matching check character. */
export function nationalIdProblem(id: string): NationalIdProblem | null {
  if (!/^[0-9]{17}[0-9X]$/.test(id)) return 'FORMAT';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return 'BIRTH_DATE';
  }
  return nationalIdCheckChar(id) === id[17] ? null : 'CHECK_DIGIT';
}

export const NATIONAL_ID_PROBLEMS: Record<NationalIdProblem, Text> = {
  FORMAT: text('不是 17 位数字加 1 位数字或 X', 'is not 17 digits followed by a digit or X'),
  BIRTH_DATE: text('中的出生日期不存在', 'does not hold a real birth date'),
  CHECK_DIGIT: text(
    '的校验码不符（GB 11643，ISO 7064 MOD 11-2）',
    'has a check digit that does not match (GB 11643, ISO 7064 MOD 11-2)',
  ),
};

declare module '../../shared/graphql/context' {
  interface ContextServices {
    /** Hashes national IDs for matching people; the key comes from PERSON_ID_HMAC_KEY. */
    personKeys: PersonKeys;
  }
}
