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
 * Codes of problems found after loading that still make the spec invalid input, as a schema error does (exit 2, not
 * the findings' 1): an image reference the engine refuses. It is checked after loading, not by the schema, because
 * `berth up` words a reference it resolved from `${VAR}` with the same rule and message (imageReferenceError).
 */
const INVALID_SPEC_CODES: ReadonlySet<string> = new Set(['image-reference']);

/** Whether PROBLEMS hold an error that makes the spec invalid input (INVALID_SPEC_CODES). */
export function hasInvalidSpecErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error' && INVALID_SPEC_CODES.has(p.code));
}

/**
 * Every code a BerthError carries, grouped by what it means for the user. Packages throw codes; what a
 * code becomes is decided at each edge, in one table there: the CLI's exit code (apps/cli/src/exit-codes.ts)
 * and the API's HTTP status (apps/api/src/error-status.ts). Both tables are keyed by this list, so a new
 * code does not compile until both say what it means.
 */
export const BERTH_ERROR_CODES = [
  // The input is wrong: the spec, the registry, a flag, a file the user named.
  'ERR_BERTH_USAGE',
  'ERR_BERTH_INVALID_SPEC',
  'ERR_BERTH_INVALID_REGISTRY',
  'ERR_BERTH_REGISTRY',
  'ERR_BERTH_NO_REGISTRY',
  'ERR_BERTH_PACKAGED_REGISTRY',
  'ERR_BERTH_BUNDLED',
  'ERR_BERTH_UNKNOWN_SERVICE',
  'ERR_BERTH_UNKNOWN_MODULE',
  'ERR_BERTH_UNKNOWN_ENGINE',
  'ERR_BERTH_SWARM_UNSUPPORTED',
  'ERR_BERTH_ENV_FILE',
  'ERR_BERTH_NO_COMPOSE_FILE',
  'ERR_BERTH_COMPOSE_IMPORT',
  'ERR_BERTH_KEEP_MARKERS',
  'ERR_BERTH_PROFILES',
  'ERR_BERTH_SERVICES',
  'ERR_BERTH_BUILD_INPUT',
  'ERR_BERTH_DEVCONTAINER',
  'ERR_BERTH_NO_DEVCONTAINER',
  'ERR_BERTH_INVALID_ECOSYSTEM',
  'ERR_BERTH_NO_ECOSYSTEM',
  // A file berth would write or read: already there (without --force), no directory, not readable or writable.
  'ERR_BERTH_FILE_EXISTS',
  'ERR_BERTH_NO_DIR',
  'ERR_BERTH_UNREADABLE',
  'ERR_BERTH_WRITE',
  'ERR_BERTH_FILE_CHANGED',
  'ERR_BERTH_MCP_JSON',
  // berth's own state: its history store, its locks.
  'ERR_BERTH_STORE',
  'ERR_BERTH_STORE_NEWER',
  'ERR_BERTH_LOCK_DIR',
  'ERR_BERTH_LOCK_FAILED',
  'ERR_BERTH_LOCKED',
  // The engine: unreachable, or it refused, or what it runs did not come up.
  'ERR_BERTH_ENGINE_UNREACHABLE',
  // An ssh:// engine: the key refused, the host key unknown, the host silent, no docker CLI or engine there, ssh failing otherwise.
  'ERR_BERTH_SSH_KEY_REFUSED',
  'ERR_BERTH_SSH_HOST_KEY',
  'ERR_BERTH_SSH_UNREACHABLE',
  'ERR_BERTH_SSH_NO_DOCKER',
  'ERR_BERTH_SSH_NO_ENGINE',
  'ERR_BERTH_SSH_FAILED',
  // Several engines at once: some could not be reached (or stopped answering), or failed otherwise; a dependency on another engine failed.
  'ERR_BERTH_ENGINES_UNREACHABLE',
  'ERR_BERTH_ENGINES_FAILED',
  'ERR_BERTH_DEPENDENCY_FAILED',
  'ERR_BERTH_ENGINE',
  'ERR_BERTH_IMAGE_MISSING',
  'ERR_BERTH_IMAGE_BUILD',
  'ERR_BERTH_BUILD_FAILED',
  'ERR_BERTH_PULL',
  'ERR_BERTH_PORTS',
  'ERR_BERTH_PORT_TAKEN',
  'ERR_BERTH_GPU_RUNTIME',
  'ERR_BERTH_NOT_RUNNING',
  'ERR_BERTH_SERVICE_FAILED',
  'ERR_BERTH_WAIT_TIMEOUT',
  'ERR_BERTH_UP_FAILED',
  'ERR_BERTH_ENGINE_STALLED',
  'ERR_BERTH_CONTAINER_GONE',
  'ERR_BERTH_NETWORK_GONE',
  'ERR_BERTH_NETWORK_AMBIGUOUS',
  'ERR_BERTH_TIMEOUT',
  // A swarm engine: not a manager (the engine named is not what the spec says), a resource no node has,
  // an external network, secret or config missing, a service removed while berth waited for it.
  'ERR_BERTH_NOT_SWARM_MANAGER',
  'ERR_BERTH_SWARM_RESOURCES',
  'ERR_BERTH_SWARM_EXTERNAL',
  'ERR_BERTH_SWARM_SERVICE_GONE',
] as const;
export type BerthErrorCode = (typeof BERTH_ERROR_CODES)[number];

/**
 * An error a user can act on: bad input, a missing file, an unreachable engine. It says what happened
 * (`code`, `message`, `problems`, `hint`); the edge that reports it decides the exit code or HTTP status
 * from `code`, never the thrower. The CLI prints its problems one per line, never a stack trace.
 */
export class BerthError extends Error {
  readonly problems: Problem[];
  readonly code: BerthErrorCode;
  readonly hint: string | undefined;
  constructor(code: BerthErrorCode, message: string, options: { problems?: Problem[]; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BerthError';
    this.code = code;
    this.problems = options.problems ?? [];
    this.hint = options.hint;
  }
}
