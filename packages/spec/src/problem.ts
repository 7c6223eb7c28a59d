import * as z from 'zod/mini';

/**
 * Where a problem was found: a file position, a flag, or a field path. A zod schema (written with
 * `zod/mini`, so the dashboard can parse the API's answers with it at little cost: `@berth/spec/reports`).
 */
export const Problem = z.object({
  code: z.string().check(z.describe('Stable machine-readable code, such as "port-conflict" or "unknown-key".')),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  file: z.optional(z.string().check(z.describe('The file it is in, as the user named it (relative to the cwd where possible).'))),
  line: z.optional(z.number()),
  col: z.optional(z.number()),
  path: z.optional(z.array(z.union([z.string(), z.number()])).check(z.describe('Path into the document, such as ["services", "mlflow", "ports", 0].'))),
  hint: z.optional(z.string().check(z.describe('What to do about it.'))),
});
export type Problem = z.infer<typeof Problem>;

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
