/** Where a problem was found: a file position, a flag, or a field path. */
export interface Problem {
  /** Stable machine-readable code, such as "port-conflict" or "unknown-key". */
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** File the problem is in, as the user named it (relative to the cwd where possible). */
  file?: string;
  line?: number;
  col?: number;
  /** Path into the document, such as ["services", "mlflow", "ports", 0]. */
  path?: (string | number)[];
  /** What to do about it. */
  hint?: string;
}

/** `file:line:col: message`, the one-line form every command prints. */
export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}:${p.col ?? 1}` : ''}: ` : '';
  const level = p.severity === 'warning' ? 'warning: ' : '';
  return `${where}${level}${p.message}${p.hint ? ` (${p.hint})` : ''}`;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/**
 * An error a user can act on: bad input, a missing file, an unreachable engine.
 * The CLI prints its problems one per line and exits with `exitCode`, never a stack trace.
 */
export class BerthError extends Error {
  readonly problems: Problem[];
  readonly exitCode: number;
  readonly code: string;
  readonly hint: string | undefined;
  constructor(code: string, message: string, options: { problems?: Problem[]; exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BerthError';
    this.code = code;
    this.problems = options.problems ?? [];
    this.exitCode = options.exitCode ?? 2;
    this.hint = options.hint;
  }
}
