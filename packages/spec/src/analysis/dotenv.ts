/** One assignment of a `.env` file, with where its value starts. */
export interface DotEnvEntry {
  name: string;
  /** The value with its quotes and escapes undone, not interpolated (interpolateDotEnv does that). */
  value: string;
  /** The line the assignment starts on. */
  line: number;
  /** The column of the value's first character (after an opening quote). */
  col?: number;
  /** How the value was written: single quotes are literal; Compose interpolates the others. */
  quote?: 'single' | 'double';
  /** A double-quoted value as written between its quotes, escapes kept (interpolation reads `\$` as a literal `$`). */
  text?: string;
}

export interface DotEnvParse {
  entries: DotEnvEntry[];
  /** Lines that are not `NAME=value`, by line number; the text is never quoted back (it may hold a secret). */
  invalidLines: number[];
  /** Quotes opened and never closed, at the quote: Compose refuses such a file ("unterminated quoted value"). */
  unterminated: { line: number; col: number }[];
}

const KEY_RE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/;
/** The escapes Compose expands in double quotes (`\$` is a literal `$`, and interpolation is told so: see doubleQuoted). */
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', $: '$' };

/**
 * Parses a `.env` file as Docker Compose reads it: `NAME=value`, optional `export`, `#` comments
 * (inline ones need a space before `#` when the value is unquoted), single quotes literal (`\'` is a quote),
 * double quotes with `\n` escapes, both able to span lines. A quote never closed is reported at its line and
 * column, and reading goes on at the next line. No interpolation here (interpolateDotEnv). Never throws.
 */
export function parseDotEnvEntries(text: string): DotEnvParse {
  const entries: DotEnvEntry[] = [];
  const invalidLines: number[] = [];
  const unterminated: DotEnvParse['unterminated'] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = KEY_RE.exec(raw);
    if (!m) {
      // A bare NAME means "take it from the environment" in Compose: nothing to read here.
      if (!/^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*$/.test(raw)) invalidLines.push(i + 1);
      continue;
    }
    const start = i + 1;
    let rest = raw.slice(m[0].length).replace(/^[ \t]+/, '');
    const col = raw.length - rest.length + 1;
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      let body = rest.slice(1);
      let close = findClose(body, quote);
      let last = i;
      while (close < 0 && last + 1 < lines.length) {
        body += `\n${lines[++last]}`;
        close = findClose(body, quote);
      }
      if (close < 0) {
        // Compose refuses the file; the lines after it are read on (a later problem is reported too), not swallowed
        unterminated.push({ line: start, col });
        continue;
      }
      i = last;
      const inner = body.slice(0, close);
      entries.push(
        quote === '"'
          ? { name: m[1]!, value: doubleQuoted(inner).value, line: start, col: col + 1, quote: 'double', text: inner }
          : { name: m[1]!, value: inner.replace(/\\(.)/g, (all, c: string) => (c === "'" ? c : all)), line: start, col: col + 1, quote: 'single' },
      );
      continue;
    }
    const hash = rest.search(/\s#/);
    if (hash >= 0) rest = rest.slice(0, hash);
    entries.push({ name: m[1]!, value: rest.trim(), line: start, col });
  }
  return { entries, invalidLines, unterminated };
}

/** Where the closing quote is: a backslash escapes the next character, in single quotes as in double (as Compose reads them). */
function findClose(body: string, quote: string): number {
  for (let j = 0; j < body.length; j++) {
    if (body[j] === '\\') {
      j++;
      continue;
    }
    if (body[j] === quote) return j;
  }
  return -1;
}

/**
 * A double-quoted value's escapes undone: `value` as the container gets it when nothing is interpolated;
 * `template` the same with `\$` as `$$`, the text to interpolate; `offsets[i]` the index in TEXT of the
 * character that gave `template[i]`, so a problem points at its column.
 */
export function doubleQuoted(text: string): { value: string; template: string; offsets: number[] } {
  let value = '';
  let template = '';
  const offsets: number[] = [];
  for (let j = 0; j < text.length; j++) {
    const c = text[j]!;
    const escaped = c === '\\' && j + 1 < text.length ? ESCAPES[text[j + 1]!] : undefined;
    const piece = escaped ?? c;
    value += piece;
    const t = escaped === '$' ? '$$' : piece;
    template += t;
    for (let k = 0; k < t.length; k++) offsets.push(j);
    if (escaped !== undefined) j++;
  }
  return { value, template, offsets };
}

/** The values of a `.env` file, not interpolated; a name set twice keeps its last value, as Compose does. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of parseDotEnvEntries(text).entries) out[e.name] = e.value;
  return out;
}
