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
  /** Interrupted (Ctrl-C). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_HELP = `Exit codes:
  0    clean
  1    findings (conflicts, missing env, unhealthy services, drifted docs)
  2    bad input or usage (invalid spec, unknown flag, missing file)
  3    Docker engine unreachable
  130  interrupted`;
