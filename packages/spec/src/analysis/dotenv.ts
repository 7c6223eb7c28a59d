/** One assignment of a `.env` file, with the line it starts on. */
export interface DotEnvEntry {
  name: string;
  value: string;
  line: number;
  /** How the value was written: single quotes are literal; Compose interpolates the others. */
  quote?: 'single' | 'double';
}

export interface DotEnvParse {
  entries: DotEnvEntry[];
  /** Lines that are not `NAME=value`, by line number; the text is never quoted back (it may hold a secret). */
  invalidLines: number[];
}

const KEY_RE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$' };

/**
 * Parses a `.env` file as Docker Compose reads it: `NAME=value`, optional `export`, `#` comments
 * (inline ones need a space before `#` when the value is unquoted), single quotes literal,
 * double quotes with `\n` escapes, both able to span lines. No interpolation. Never throws.
 */
export function parseDotEnvEntries(text: string): DotEnvParse {
  const entries: DotEnvEntry[] = [];
  const invalidLines: number[] = [];
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
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      let body = rest.slice(1);
      let close = findClose(body, quote);
      while (close < 0 && i + 1 < lines.length) {
        body += `\n${lines[++i]}`;
        close = findClose(body, quote);
      }
      if (close < 0) {
        invalidLines.push(start);
        continue;
      }
      const inner = body.slice(0, close);
      entries.push(
        quote === '"'
          ? { name: m[1]!, value: inner.replace(/\\(.)/g, (all, c: string) => ESCAPES[c] ?? all), line: start, quote: 'double' }
          : { name: m[1]!, value: inner, line: start, quote: 'single' },
      );
      continue;
    }
    const hash = rest.search(/\s#/);
    if (hash >= 0) rest = rest.slice(0, hash);
    entries.push({ name: m[1]!, value: rest.trim(), line: start });
  }
  return { entries, invalidLines };
}

function findClose(body: string, quote: string): number {
  for (let j = 0; j < body.length; j++) {
    if (quote === '"' && body[j] === '\\') {
      j++;
      continue;
    }
    if (body[j] === quote) return j;
  }
  return -1;
}

/** The values of a `.env` file; a name set twice keeps its last value, as Compose does. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of parseDotEnvEntries(text).entries) out[e.name] = e.value;
  return out;
}
