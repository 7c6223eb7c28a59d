/** What interpolating one string found. */
export interface Interpolated {
  value: string;
  /** Variables referenced without a default that are not set (they became ""). */
  unset: string[];
  /** `${VAR:?message}` / `${VAR?message}` whose variable is missing: Compose refuses these. `at`: the index of its `$` in the text. */
  required: { name: string; message: string; at: number }[];
  /** Text that is not valid interpolation syntax, such as an unclosed `${`. */
  invalid?: string;
  /** The index in the text of the `$` that starts the first invalid reference. */
  invalidAt?: number;
  /** Set when the text is invalid because its references nest deeper than MAX_INTERPOLATION_NESTING. */
  tooDeep?: true;
}

/**
 * How deep `${A:-${B:-...}}` may nest: each level is a recursion of expand() and braced(), so thousands of levels
 * (a few kilobytes of text) would exhaust the stack. Compose files nest two or three.
 */
export const MAX_INTERPOLATION_NESTING = 64;

/** Where variables come from: the process environment first, then `.env`. */
export type Lookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Compose's variable substitution: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `${VAR?message}`, `${VAR:+alt}`, `${VAR+alt}` and `$$` for a literal `$`.
 * Defaults and messages may themselves hold references (`${A:-${B}}`). The one implementation, for
 * Compose files and for `.env` values alike (interpolateDotEnv).
 */
export function interpolate(text: string, lookup: Lookup): Interpolated {
  const result: Interpolated = { value: '', unset: [], required: [] };
  if (!text.includes('$')) return { ...result, value: text };
  const [value] = expand(text, 0, lookup, result, false);
  result.value = value;
  return result;
}

/** Marks the text invalid at the `$` of index AT, unless an earlier problem already did. */
function invalidAt(acc: Interpolated, text: string, at: number): void {
  if (acc.invalid !== undefined) return;
  acc.invalid = text;
  acc.invalidAt = at;
}

/** Expands from `start` up to the end, or (nested) up to the `}` that closes the enclosing reference, which starts at `opener`. */
function expand(text: string, start: number, lookup: Lookup, acc: Interpolated, nested: boolean, opener = 0, depth = 0): [string, number] {
  let out = '';
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (nested && c === '}') return [out, i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      if (depth >= MAX_INTERPOLATION_NESTING) {
        // too deep to follow: the rest of the text is not read
        invalidAt(acc, text, i);
        acc.tooDeep = true;
        return [out, text.length];
      }
      const [piece, end] = braced(text, i, lookup, acc, depth + 1);
      out += piece;
      i = end;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (!name) {
        out += '$';
        i++;
        continue;
      }
      const v = lookup(name);
      if (v === undefined) acc.unset.push(name);
      out += v ?? '';
      i += 1 + name.length;
    }
  }
  if (nested) invalidAt(acc, text, opener);
  return [out, i];
}

/** `${...}` whose `$` is at `dollar`; returns the text and the index after the closing brace. */
function braced(text: string, dollar: number, lookup: Lookup, acc: Interpolated, depth: number): [string, number] {
  const start = dollar + 2;
  const name = NAME.exec(text.slice(start))?.[0];
  if (!name) {
    invalidAt(acc, text, dollar);
    const close = text.indexOf('}', start);
    return ['', close < 0 ? text.length : close + 1];
  }
  let i = start + name.length;
  const op = /^(:-|:\?|:\+|-|\?|\+)/.exec(text.slice(i))?.[0];
  const value = lookup(name);
  if (!op) {
    if (text[i] !== '}') {
      invalidAt(acc, text, dollar);
      const close = text.indexOf('}', i);
      return ['', close < 0 ? text.length : close + 1];
    }
    if (value === undefined) acc.unset.push(name);
    return [value ?? '', i + 1];
  }
  i += op.length;
  // the operand is expanded lazily: unused defaults must not report their own unset variables
  const scratch: Interpolated = { value: '', unset: [], required: [] };
  const [operand, end] = expand(text, i, lookup, scratch, true, dollar, depth);
  if (scratch.invalid !== undefined) invalidAt(acc, text, scratch.invalidAt ?? dollar);
  if (scratch.tooDeep) {
    acc.tooDeep = true;
    return ['', text.length];
  }
  const empty = value === undefined || (op.startsWith(':') && value === '');
  const useOperand = () => {
    acc.unset.push(...scratch.unset);
    acc.required.push(...scratch.required);
    return operand;
  };
  let piece: string;
  switch (op) {
    case ':-':
    case '-':
      piece = empty ? useOperand() : value!;
      break;
    case ':?':
    case '?':
      if (empty) {
        acc.required.push({ name, message: useOperand(), at: dollar });
        piece = '';
      } else piece = value!;
      break;
    default: // :+ and +
      piece = empty ? '' : useOperand();
  }
  return [piece, end + 1];
}
