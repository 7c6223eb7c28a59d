import type { EnvVar } from '../schema/env.js';
import { isPortValue } from './port-env.js';

const BOOLS = new Set(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']);

/**
 * Why `value` does not fit the variable's type, or undefined when it does.
 * The reason describes the expectation only; it never quotes the value (it may be a secret).
 */
export function envValueProblem(v: Pick<EnvVar, 'type' | 'values' | 'pattern'>, value: string): string | undefined {
  switch (v.type) {
    case 'url':
      if (!isUrl(value)) return 'is not a URL (expected scheme://host..., such as http://localhost:5000)';
      break;
    case 'port':
      if (!isPortValue(value)) return 'is not a port number (1-65535)';
      break;
    case 'int':
      if (!/^[+-]?\d+$/.test(value.trim())) return 'is not a whole number';
      break;
    case 'bool':
      if (!BOOLS.has(value.trim().toLowerCase())) return 'is not a boolean (true/false, 1/0, yes/no, on/off)';
      break;
    case 'enum':
      if (!v.values?.includes(value)) return `is not one of ${v.values?.join(', ')}`;
      break;
    case 'string':
      break;
  }
  if (v.pattern !== undefined) {
    const re = compilePattern(v.pattern);
    if (re && !re.test(value)) return `does not match the pattern ${v.pattern}`;
  }
  return undefined;
}

function isUrl(value: string): boolean {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** The pattern as a regular expression (unanchored, as JSON Schema's `pattern`), or undefined when it does not compile. */
export function compilePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}
