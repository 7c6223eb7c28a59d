import { interpolate } from './interpolate.js';

/**
 * Parses a Compose `.env` file: `KEY=VALUE` lines, `export` prefixes, comments, single quotes
 * (literal), double quotes (escapes and interpolation) and unquoted values (inline ` #` comments,
 * interpolation). References resolve against `lookup` (the process environment) first, then the
 * values defined earlier in the file, as Compose does.
 */
export function parseEnvFile(text: string, lookup: (name: string) => string | undefined = () => undefined): Record<string, string> {
  const values: Record<string, string> = {};
  const resolve = (name: string) => lookup(name) ?? values[name];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!;
    let raw = m[2]!;
    if (raw.startsWith("'")) {
      // single quotes: literal, may span lines
      while (!/^'[^']*'/.test(raw) && i + 1 < lines.length) raw += `\n${lines[++i]!}`;
      values[key] = /^'([^']*)'/.exec(raw)?.[1] ?? raw.slice(1);
    } else if (raw.startsWith('"')) {
      while (!/^"(?:[^"\\]|\\.)*"/s.test(raw) && i + 1 < lines.length) raw += `\n${lines[++i]!}`;
      const body = /^"((?:[^"\\]|\\.)*)"/s.exec(raw)?.[1] ?? raw.slice(1);
      const unescaped = body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
      values[key] = interpolate(unescaped, resolve).value;
    } else {
      const unquoted = raw.replace(/\s+#.*$/, '').trim();
      values[key] = interpolate(unquoted, resolve).value;
    }
  }
  return values;
}
