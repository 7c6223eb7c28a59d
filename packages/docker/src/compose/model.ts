import type { Problem } from '@berth/spec';

/** A Compose document as parsed YAML: plain JSON-like data, never trusted to have any shape. */
export type ComposeValue = unknown;
export type ComposeMap = Record<string, unknown>;
export type DocPath = (string | number)[];

export function isMap(v: unknown): v is ComposeMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `services.web.ports[0]`: a path as users read it. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

/** A string of a scalar (numbers and booleans as YAML writes them); undefined for anything else. */
/** A Compose true/false as written (a boolean, or the text true/false); undefined for anything else. */
export function composeFlag(v: unknown): boolean | undefined {
  return v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined;
}

export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Problems collected while importing or exporting; each is placed in its file by a locator later. */
export class ProblemSink {
  readonly problems: Problem[] = [];
  warn(path: DocPath, message: string, code = 'compose-not-carried', file?: string): void {
    this.problems.push({ code, severity: 'warning', path, message: path.length ? `${formatPath(path)}: ${message}` : message, ...(file ? { file } : {}) });
  }
  error(path: DocPath, message: string, code = 'compose-invalid', file?: string): void {
    this.problems.push({ code, severity: 'error', path, message: path.length ? `${formatPath(path)}: ${message}` : message, ...(file ? { file } : {}) });
  }
  get hasErrors(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }
}
