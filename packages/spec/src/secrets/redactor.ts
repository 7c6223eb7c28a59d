import { CUT_MARK } from '../format/peer-text.js';

/** What a secret value is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Values shorter than this are never redacted: "1", "true", "5432" or "admin" are too common to hide
 * without mangling every line that happens to contain them (and too weak to be worth hiding).
 */
export const MIN_SECRET_LENGTH = 8;

/** Replaces every secret value in a text with REDACTED. `values` is what it hides (for tests and counts). */
export interface Redactor {
  (text: string): string;
  readonly values: readonly string[];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The forms a value takes in what berth prints or serves: as it is, escaped inside a JSON string
 * (a secret with a quote or backslash in it), and percent-encoded (a password inside a URL).
 */
function forms(value: string): string[] {
  return [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)];
}

/**
 * A redactor for some secret values: every occurrence of each (of MIN_SECRET_LENGTH characters or more),
 * in each of its forms, becomes REDACTED; the longest first, so a value that contains another is hidden
 * whole. One pass over the text; then, where a peer's words were cut (CUT_MARK), the start of a secret
 * left just before the cut is dropped.
 */
export function makeRedactor(values: Iterable<string>): Redactor {
  const kept = [...new Set([...values].filter((v) => v.length >= MIN_SECRET_LENGTH))];
  const all = [...new Set(kept.flatMap(forms))].sort((a, b) => b.length - a.length);
  const pattern = all.length ? new RegExp(all.map(escapeRegExp).join('|'), 'g') : undefined;
  const redact = (text: string) => (pattern && typeof text === 'string' ? dropCutSecrets(text.replace(pattern, REDACTED), all) : text);
  return Object.assign(redact, { values: kept });
}

/**
 * A check cuts what a peer said before any redactor sees it (the redactor is the printing edge's), so a secret
 * that straddles the cut no longer matches whole and its first part would print. Before each CUT_MARK, the
 * longest start of a secret's form is dropped, however short: at worst a cut text loses a few more characters.
 */
function dropCutSecrets(text: string, secretForms: readonly string[]): string {
  if (!text.includes(CUT_MARK)) return text;
  const parts = text.split(CUT_MARK);
  return parts.map((part, i) => (i === parts.length - 1 ? part : part.slice(0, part.length - secretStartAtEnd(part, secretForms)))).join(CUT_MARK);
}

/** How many characters at the end of `text` are the start of one of the forms (the longest such start). */
function secretStartAtEnd(text: string, secretForms: readonly string[]): number {
  let longest = 0;
  for (const form of secretForms) {
    for (let n = Math.min(form.length, text.length); n > longest; n--) {
      if (text.endsWith(form.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

/** A copy of a JSON-like value with every string, keys included, passed through the redactor. */
export function redactValue<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redact)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactValue(v, redact)])) as T;
  }
  return value;
}
