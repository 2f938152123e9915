/**
 * The two languages of the API's messages. Codes are the stable contract; messages are for
 * people, in Chinese unless the caller asks for English (`Accept-Language`, or the WebSocket
 * `connection_init` payload's `language`).
 */
export type Language = 'zh' | 'en';

export const DEFAULT_LANGUAGE: Language = 'zh';

/** A message in both languages; rendered in the caller's language when it is sent. */
export interface Text {
  readonly zh: string;
  readonly en: string;
}

/** A localized text: the Chinese first, the English second. */
export function text(zh: string, en: string): Text {
  return { zh, en };
}

export function isText(v: unknown): v is Text {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Text).zh === 'string' &&
    typeof (v as Text).en === 'string'
  );
}

/** The text in `language`. */
export function render(t: Text, language: Language): string {
  return t[language];
}

/** Joins texts (and plain, language-neutral strings such as codes or numbers) in both languages. */
export function join(parts: readonly (Text | string | number)[], separator: Text | string = ''): Text {
  const pick = (p: Text | string | number, l: Language) => (typeof p === 'object' ? p[l] : String(p));
  return {
    zh: parts.map((p) => pick(p, 'zh')).join(pick(separator, 'zh')),
    en: parts.map((p) => pick(p, 'en')).join(pick(separator, 'en')),
  };
}

function fromTag(tag: string): Language | null {
  const t = tag.trim().toLowerCase();
  if (t === 'zh' || t.startsWith('zh-')) return 'zh';
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return null;
}

/**
 * The language an `Accept-Language` header prefers (q-values honoured; `zh*` → zh, `en*` → en;
 * Chinese when neither is acceptable or the header is missing).
 */
export function languageFromAcceptLanguage(header: string | string[] | null | undefined): Language {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return DEFAULT_LANGUAGE;
  let best: { language: Language; q: number; index: number } | null = null;
  value
    .split(',')
    .slice(0, 50)
    .forEach((part, index) => {
      const [tag = '', ...params] = part.split(';');
      const language = fromTag(tag);
      if (!language) return;
      let q = 1;
      for (const p of params) {
        const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
        if (m) q = Number(m[1]);
      }
      if (!Number.isFinite(q) || q <= 0) return;
      if (!best || q > best.q) best = { language, q, index };
    });
  return (best as { language: Language } | null)?.language ?? DEFAULT_LANGUAGE;
}

/**
 * A WebSocket connection's language: the `connection_init` payload's `language` (or
 * `acceptLanguage`), else the upgrade request's `Accept-Language` header.
 */
export function languageFromConnectionParams(
  params: Record<string, unknown> | null | undefined,
  header: string | string[] | null | undefined,
): Language {
  const given = params?.language ?? params?.acceptLanguage ?? params?.['accept-language'];
  if (typeof given === 'string' && given.trim()) return languageFromAcceptLanguage(given);
  return languageFromAcceptLanguage(header);
}

/** An error whose message a caller may see: it carries both languages (`message` is the English). */
export class LocalizedError extends Error {
  constructor(readonly text: Text) {
    super(text.en);
  }
}
