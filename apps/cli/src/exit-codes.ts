import type { BerthErrorCode } from '@berth/spec';

/** berth's exit codes, documented in the README and `berth --help`. */
export const ExitCode = {
  /** Everything checked is clean. */
  Ok: 0,
  /** The command ran and found problems (port conflicts, missing env, unhealthy services, drifted docs). */
  Findings: 1,
  /** Bad input or usage: a spec that does not parse, an unknown flag, a missing file. */
  BadInput: 2,
  /** The Docker engine could not be reached. */
  EngineUnreachable: 3,
  /** A bug in berth: an error no code describes (sysexits' EX_SOFTWARE). The message says so. */
  Internal: 70,
  /** Interrupted (Ctrl-C: 128 + SIGINT). */
  Interrupted: 130,
  /** Stopped by SIGTERM while it waited (128 + SIGTERM, as a process the signal ends by its default action). */
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * What each BerthError code means for the exit status: the CLI's one table. Packages throw codes and
 * never choose an exit code; a new code does not compile until it has a row here (and in the API's table).
 */
export const EXIT_CODE_OF: Record<BerthErrorCode, ExitCode> = {
  ERR_BERTH_USAGE: ExitCode.BadInput,
  ERR_BERTH_INVALID_SPEC: ExitCode.BadInput,
  ERR_BERTH_INVALID_REGISTRY: ExitCode.BadInput,
  ERR_BERTH_REGISTRY: ExitCode.BadInput,
  ERR_BERTH_NO_REGISTRY: ExitCode.BadInput,
  ERR_BERTH_PACKAGED_REGISTRY: ExitCode.BadInput,
  ERR_BERTH_BUNDLED: ExitCode.BadInput,
  ERR_BERTH_UNKNOWN_SERVICE: ExitCode.BadInput,
  ERR_BERTH_UNKNOWN_MODULE: ExitCode.BadInput,
  ERR_BERTH_UNKNOWN_ENGINE: ExitCode.BadInput,
  ERR_BERTH_SWARM_UNSUPPORTED: ExitCode.BadInput,
  ERR_BERTH_ENV_FILE: ExitCode.BadInput,
  ERR_BERTH_NO_COMPOSE_FILE: ExitCode.BadInput,
  ERR_BERTH_COMPOSE_IMPORT: ExitCode.BadInput,
  ERR_BERTH_KEEP_MARKERS: ExitCode.BadInput,
  ERR_BERTH_PROFILES: ExitCode.BadInput,
  ERR_BERTH_SERVICES: ExitCode.BadInput,
  ERR_BERTH_BUILD_INPUT: ExitCode.BadInput,
  ERR_BERTH_DEVCONTAINER: ExitCode.BadInput,
  ERR_BERTH_NO_DEVCONTAINER: ExitCode.BadInput,
  ERR_BERTH_INVALID_ECOSYSTEM: ExitCode.BadInput,
  ERR_BERTH_NO_ECOSYSTEM: ExitCode.BadInput,
  ERR_BERTH_FILE_EXISTS: ExitCode.BadInput,
  ERR_BERTH_NO_DIR: ExitCode.BadInput,
  ERR_BERTH_UNREADABLE: ExitCode.BadInput,
  ERR_BERTH_WRITE: ExitCode.BadInput,
  ERR_BERTH_FILE_CHANGED: ExitCode.BadInput,
  ERR_BERTH_MCP_JSON: ExitCode.BadInput,
  ERR_BERTH_STORE: ExitCode.BadInput,
  ERR_BERTH_STORE_NEWER: ExitCode.BadInput,
  ERR_BERTH_LOCK_DIR: ExitCode.BadInput,
  ERR_BERTH_LOCK_FAILED: ExitCode.BadInput,
  ERR_BERTH_LOCKED: ExitCode.Findings,
  ERR_BERTH_ENGINE_UNREACHABLE: ExitCode.EngineUnreachable,
  ERR_BERTH_SSH_KEY_REFUSED: ExitCode.EngineUnreachable,
  ERR_BERTH_SSH_HOST_KEY: ExitCode.EngineUnreachable,
  ERR_BERTH_SSH_UNREACHABLE: ExitCode.EngineUnreachable,
  ERR_BERTH_SSH_NO_DOCKER: ExitCode.EngineUnreachable,
  ERR_BERTH_SSH_NO_ENGINE: ExitCode.EngineUnreachable,
  ERR_BERTH_SSH_FAILED: ExitCode.EngineUnreachable,
  ERR_BERTH_ENGINES_UNREACHABLE: ExitCode.EngineUnreachable,
  ERR_BERTH_ENGINES_FAILED: ExitCode.Findings,
  ERR_BERTH_DEPENDENCY_FAILED: ExitCode.Findings,
  ERR_BERTH_ENGINE: ExitCode.Findings,
  ERR_BERTH_IMAGE_MISSING: ExitCode.Findings,
  ERR_BERTH_IMAGE_BUILD: ExitCode.Findings,
  ERR_BERTH_BUILD_FAILED: ExitCode.Findings,
  ERR_BERTH_PULL: ExitCode.Findings,
  ERR_BERTH_PORTS: ExitCode.Findings,
  ERR_BERTH_PORT_TAKEN: ExitCode.Findings,
  ERR_BERTH_GPU_RUNTIME: ExitCode.Findings,
  ERR_BERTH_NOT_RUNNING: ExitCode.Findings,
  ERR_BERTH_SERVICE_FAILED: ExitCode.Findings,
  ERR_BERTH_WAIT_TIMEOUT: ExitCode.Findings,
  ERR_BERTH_UP_FAILED: ExitCode.Findings,
  ERR_BERTH_ENGINE_STALLED: ExitCode.EngineUnreachable,
  ERR_BERTH_CONTAINER_GONE: ExitCode.Findings,
  ERR_BERTH_NETWORK_GONE: ExitCode.Findings,
  ERR_BERTH_NETWORK_AMBIGUOUS: ExitCode.Findings,
  ERR_BERTH_TIMEOUT: ExitCode.Findings,
  ERR_BERTH_NOT_SWARM_MANAGER: ExitCode.BadInput,
  ERR_BERTH_SWARM_RESOURCES: ExitCode.Findings,
  ERR_BERTH_SWARM_EXTERNAL: ExitCode.Findings,
  ERR_BERTH_SWARM_SERVICE_GONE: ExitCode.Findings,
};

/** The exit code of an error code; one the table lacks (a build that skipped the type check) is berth's bug. */
export function exitCodeOf(code: string): ExitCode {
  return Object.hasOwn(EXIT_CODE_OF, code) ? EXIT_CODE_OF[code as BerthErrorCode] : ExitCode.Internal;
}

export const EXIT_CODE_HELP = `Exit codes:
  0    clean
  1    findings (conflicts, missing env, unhealthy services, drifted docs)
  2    bad input or usage (invalid spec, unknown flag, missing file)
  3    Docker engine unreachable
  70   internal error: a bug in berth (the message says so; BERTH_DEBUG=1 shows the stack)
  130  interrupted (Ctrl-C)
  143  stopped by SIGTERM`;
