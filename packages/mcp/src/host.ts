/** What one run of the berth CLI left behind: its output streams and its exit code. */
export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The files the resources read and the watcher follows. */
export interface WorkspaceFiles {
  /** Absolute path of the spec file (found even when it does not load). */
  spec: string;
  /** Absolute path of the port registry, when the spec names one and loads. */
  registry?: string;
  /** Absolute path of the `.env` file the CLI reads beside the spec. */
  dotenv: string;
}

/**
 * What the MCP server needs from berth. The CLI implements it in-process (runCli with captured streams),
 * so @berth/mcp depends on neither the CLI nor the API, and every tool answers exactly as `berth ... --json` does.
 */
export interface BerthHost {
  /**
   * Runs berth with `argv` (global flags such as --spec are the host's business) and resolves with what it
   * printed. Never rejects: a failure is an exit code and a line on stderr, as on a terminal.
   */
  run(argv: string[], signal: AbortSignal): Promise<CliRun>;
  /** Where the spec, its registry and its `.env` file are. Never throws; a registry is absent when the spec does not load. */
  files(): WorkspaceFiles;
  /** The environment berth runs with; its secret-looking values never leave the server. */
  env: NodeJS.ProcessEnv;
}
