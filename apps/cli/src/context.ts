import { dirname, resolve } from 'node:path';
import { BerthError, DEFAULT_LOCK_TIMEOUT_MS, displayPath, findWorkspaceFile, loadFailure, loadWorkspace, lockHolderPlace, type BerthSpec, type EnvFile, type Loaded, type LockHolder, type PortRegistry, type Problem } from '@berth/spec';
import { Output, useColor, type Streams } from './output.js';
import type { Redaction } from './redaction.js';
import { bundledExampleSpec } from './bundled-example.js';
import { startProgress, type Progress } from './progress.js';
import type { WalkAhead } from '@berth/docker/runtime';

/** Options every command takes (set on the root program). */
export interface GlobalOptions {
  spec?: string;
  registry?: string;
  json?: boolean;
  color?: boolean;
  allProblems?: boolean;
}

export interface LoadedWorkspace {
  spec: BerthSpec;
  /** Absolute path of the spec file. */
  specPath: string;
  /** The spec file as shown to the user. */
  specFile: string;
  specLoaded: Loaded<BerthSpec>;
  /** The registry, when the spec names one or --registry is given. */
  registry?: Loaded<PortRegistry> & { value: PortRegistry };
  /** The `.env` beside the spec (or the one --env-file named), as @berth/spec's loader read it; its line problems are in `env.problems`. */
  env?: EnvFile;
  /** True when no berth.yaml was found and the bundled example is in use. */
  usingBundledExample: boolean;
  /** Warnings from loading the spec and the registry (errors throw). */
  warnings: Problem[];
}

/** A repo's spec: the one --spec names, the nearest berth.yaml, or the bundled example where nothing else is found. */
export interface SpecPlace {
  kind: 'spec';
  path: string;
  bundled: boolean;
}

/** An orchestrator's folder: its ecosystem manifest, or a port registry with no manifest nearer (`path`, absolute). */
export interface OrchestratorPlace {
  kind: 'orchestrator';
  found: 'ecosystem' | 'registry';
  path: string;
}

/** What a command that needs a repo's spec says in an orchestrator's folder: one line, with what to run there instead. */
export function orchestratorFolderError(place: OrchestratorPlace, cwd: string): BerthError {
  if (place.found === 'ecosystem') {
    return new BerthError('ERR_BERTH_USAGE', `${displayPath(place.path, cwd)}: this is an orchestrator's folder, not a repo's (no berth.yaml here or above): run \`berth ecosystem check\` for its members, or pass --spec PATH for one repo's spec`);
  }
  const registry = displayPath(place.path, cwd);
  return new BerthError('ERR_BERTH_USAGE', `${registry}: this is an orchestrator's folder, not a repo's (a port registry, no berth.yaml here or above): run \`berth ports check SPEC...\` or \`berth ecosystem check --registry ${registry} SPEC...\`, or pass --spec PATH for one repo's spec`);
}

/** The options that name a `.env` file: --env-file, or --dotenv where Node grabs --env-file itself (nodejs/node#54232). */
export interface EnvFileOptions {
  envFile?: string;
  dotenv?: string;
}

export interface RunEnvironment extends Streams {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C or SIGTERM once `catchSignals` is in effect; long commands stop waiting cleanly. */
  signal: AbortSignal;
  /** What printed text passes through so no secret value is shown (set by runCli). */
  redaction?: Redaction;
  /**
   * Makes SIGINT and SIGTERM abort `signal` instead of ending the process, until the returned function is
   * called. Until then they keep their default action, which ends berth at once even while it computes:
   * a handler cannot run while JavaScript holds the CPU, so only waiting work (the engine, checks, a lock)
   * asks for it. Absent in-process (tests), where no signal arrives.
   */
  catchSignals?: () => () => void;
  /** Build contexts the launcher started walking on a worker thread (bin/berth.cjs, for `up` and `build`); see WalkAhead. */
  walkAhead?: WalkAhead;
}

/** Everything a command needs: where it runs, how to print, and the spec on demand. */
export class CliContext {
  readonly out: Output;
  private loaded: LoadedWorkspace | undefined;
  constructor(
    readonly run: RunEnvironment,
    readonly options: GlobalOptions,
  ) {
    this.out = new Output(run, !!options.json, useColor(run.stdout, run.env, options.color), run.redaction?.redact, !!options.allProblems);
  }

  get cwd() {
    return this.run.cwd;
  }
  get env() {
    return this.run.env;
  }
  get json() {
    return this.out.json;
  }
  /** The abort signal; asking for it means the command waits on something, so SIGINT/SIGTERM now abort it (see RunEnvironment.catchSignals). */
  get signal() {
    if (!this.signalsCaught) {
      this.signalsCaught = true;
      this.run.catchSignals?.();
    }
    return this.run.signal;
  }
  private signalsCaught = false;

  /**
   * Runs a write under a berth lock: SIGINT/SIGTERM stop the wait (exit 130) and a wait longer than a second
   * says who holds the lock. Signals are caught only while it waits: once the lock is held they get their default
   * action back, so a signal ends the command at once, whatever it computes (the write is atomic, so the file is
   * whole, and the lock a dead holder leaves is taken over). A signal that came during the wait ends it there.
   */
  async waitingForLock<T>(fn: (lock: { signal: AbortSignal; timeoutMs: number; onWait: (holder: LockHolder) => void; onLocked: () => void }) => Promise<T>): Promise<T> {
    const timeoutMs = lockTimeoutMs(this.env);
    let progress: Progress | undefined;
    const release = this.signalsCaught ? undefined : this.run.catchSignals?.();
    try {
      return await fn({
        signal: this.run.signal,
        timeoutMs,
        onWait: (h) => {
          progress ??= this.progress(`waiting for ${lockHolderPlace(h)} ("${h.command}"${h.purpose ? `, ${h.purpose}` : ''}) to finish with the file`);
        },
        onLocked: () => {
          progress?.stop();
          release?.();
          this.run.signal.throwIfAborted();
        },
      });
    } finally {
      progress?.stop();
      release?.();
    }
  }

  progress(text: string, delayMs = 1000): Progress {
    const redact = this.run.redaction?.redact;
    const streams = redact ? { ...this.run, stderr: redactingStream(this.run.stderr, redact) } : this.run;
    // NO_COLOR, --no-color and TERM=dumb: no escape sequence of any kind, so no spinner (it redraws with \r and ESC [2K)
    return startProgress(streams, { enabled: !this.json || !!this.run.stderr.isTTY, delayMs, text, escapes: useColor(this.run.stderr, this.run.env, this.options.color) });
  }

  /**
   * Problems about the spec's own fields (a `path` that is written in the spec, and no file) placed where the field
   * is written: file:line:col. What an engine command found once the spec was loaded (an image the engine would
   * refuse, a missing env file) then reads like what validate says. Others, and any before the spec is loaded, as they are.
   */
  inSpec(problems: Problem[], which: 'key' | 'value' = 'value'): Problem[] {
    const ws = this.loaded;
    const source = ws?.specLoaded.source;
    if (!ws || !source) return problems;
    return problems.map((p) => (p.file !== undefined || !p.path?.length || !writtenAt(source.value, p.path) ? p : { ...p, file: ws.specFile, ...source.locate(p.path, which) }));
  }

  /**
   * Where the command runs: --spec's repo; else the nearest of berth.yaml (a repo), ecosystem.yaml and a ports.yaml
   * that is a registry (an orchestrator's folder) from the cwd up (@berth/spec's findWorkspaceFile); else, where
   * there is none of them, the bundled example.
   */
  place(): SpecPlace | OrchestratorPlace {
    if (this.options.spec) return { kind: 'spec', path: resolve(this.cwd, this.options.spec), bundled: false };
    const found = findWorkspaceFile(this.cwd);
    if (!found) return { kind: 'spec', path: bundledExampleSpec(), bundled: true };
    if (found.kind === 'spec') return { kind: 'spec', path: found.path, bundled: false };
    return { kind: 'orchestrator', found: found.kind, path: found.path };
  }

  /**
   * The spec path: --spec, else the nearest berth.yaml from the cwd up, else the bundled example (said on stderr).
   * In an orchestrator's folder (an ecosystem.yaml or a registry nearer than any berth.yaml) there is no spec to
   * use, and the bundled example is not it: bad input, one line saying what to run there instead.
   */
  resolveSpecPath(): { path: string; bundled: boolean } {
    const place = this.place();
    if (place.kind === 'orchestrator') throw orchestratorFolderError(place, this.cwd);
    return place;
  }

  /**
   * Loads the spec, its registry and its `.env` through @berth/spec's one loader; throws that loader's one
   * BerthError (exit 2, every problem listed) when any of them cannot be loaded.
   */
  load(options: { requireRegistry?: boolean; env?: EnvFileOptions } = {}): LoadedWorkspace {
    if (this.loaded) return this.loaded;
    const { path, bundled } = this.resolveSpecPath();
    if (bundled) this.out.note(`berth: no berth.yaml found from ${this.cwd} up; using the bundled example (${displayPath(path, this.cwd)})`);
    const envFlag = options.env?.dotenv ?? options.env?.envFile;
    const ws = loadWorkspace({
      specPath: path,
      cwd: this.cwd,
      ...(this.options.registry ? { registryPath: this.options.registry } : {}),
      ...(envFlag ? { envFile: envFlag, envFlag: options.env?.dotenv ? '--dotenv' : '--env-file' } : {}),
      // the `.env`'s ${VAR}s look in this run's environment first, as Compose interpolates it
      env: this.env,
    });
    const failure = loadFailure(ws);
    if (failure) throw failure;
    if (!ws.registry && options.requireRegistry) {
      throw new BerthError('ERR_BERTH_NO_REGISTRY', `${ws.spec.file}: names no port registry`, {
        
        hint: 'add `registry: path/to/ports.yaml` to the spec, or pass --registry FILE',
      });
    }
    this.run.redaction?.forSpec(ws.spec.value!, dirname(path));
    // a .env named by --env-file / --dotenv: its values fill checks' ${VAR}s, so its secrets are hidden too
    if (envFlag && ws.env) this.run.redaction?.withEnvFile(ws.env.values);
    this.loaded = {
      spec: ws.spec.value!,
      specPath: path,
      specFile: ws.spec.file,
      specLoaded: ws.spec,
      ...(ws.registry ? { registry: ws.registry as LoadedWorkspace['registry'] } : {}),
      ...(ws.env ? { env: ws.env } : {}),
      usingBundledExample: bundled,
      warnings: [...ws.spec.problems, ...(ws.registry?.problems ?? [])].filter((p) => p.severity === 'warning'),
    };
    return this.loaded;
  }
}

/** Whether PATH leads to something written in VALUE (a parsed YAML file). */
function writtenAt(value: unknown, path: readonly (string | number)[]): boolean {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return false;
    at = (at as Record<string | number, unknown>)[key];
  }
  return true;
}

/** How long a write waits for another berth holding the file: BERTH_LOCK_TIMEOUT seconds, default 10. */
function lockTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env.BERTH_LOCK_TIMEOUT;
  if (raw === undefined || raw === '') return DEFAULT_LOCK_TIMEOUT_MS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new BerthError('ERR_BERTH_USAGE', `BERTH_LOCK_TIMEOUT=${raw} is not a number of seconds`);
  return seconds * 1000;
}

/** A stream whose text writes pass `redact` first (progress lines quote what a container said). */
function redactingStream(stream: Streams['stderr'], redact: (text: string) => string): Streams['stderr'] {
  return new Proxy(stream, {
    get(target, key) {
      if (key === 'write') return (chunk: unknown, ...rest: unknown[]) => (target.write as (...a: unknown[]) => boolean)(typeof chunk === 'string' ? redact(chunk) : chunk, ...rest);
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
