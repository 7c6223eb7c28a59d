import {
  BerthError,
  displayPath,
  findSpecFile,
  hasErrors,
  loadRegistryFile,
  loadSpecFile,
  resolveRegistryPath,
  type BerthSpec,
  type Loaded,
  type PortRegistry,
  type Problem,
} from '@berth/spec';
import { dirname, resolve } from 'node:path';
import { Output, useColor, type Streams } from './output.js';
import type { Redaction } from './redaction.js';
import { bundledExampleSpec } from './bundled-example.js';
import { startProgress, type Progress } from './progress.js';

/** Options every command takes (set on the root program). */
export interface GlobalOptions {
  spec?: string;
  registry?: string;
  json?: boolean;
  color?: boolean;
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
  /** True when no berth.yaml was found and the bundled example is in use. */
  usingBundledExample: boolean;
  /** Warnings from loading (errors throw). */
  warnings: Problem[];
}

export interface RunEnvironment extends Streams {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C; long commands stop waiting cleanly. */
  signal: AbortSignal;
  /** What printed text passes through so no secret value is shown (set by runCli). */
  redaction?: Redaction;
}

/** Everything a command needs: where it runs, how to print, and the spec on demand. */
export class CliContext {
  readonly out: Output;
  private loaded: LoadedWorkspace | undefined;
  constructor(
    readonly run: RunEnvironment,
    readonly options: GlobalOptions,
  ) {
    this.out = new Output(run, !!options.json, useColor(run.stdout, run.env, options.color), run.redaction?.redact);
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
  get signal() {
    return this.run.signal;
  }

  progress(text: string, delayMs = 1000): Progress {
    const redact = this.run.redaction?.redact;
    const streams = redact ? { ...this.run, stderr: redactingStream(this.run.stderr, redact) } : this.run;
    return startProgress(streams, { enabled: !this.json || !!this.run.stderr.isTTY, delayMs, text });
  }

  /** The spec path: --spec, else the nearest berth.yaml from the cwd up, else the bundled example (said on stderr). */
  resolveSpecPath(): { path: string; bundled: boolean } {
    if (this.options.spec) return { path: resolve(this.cwd, this.options.spec), bundled: false };
    const found = findSpecFile(this.cwd);
    if (found) return { path: found, bundled: false };
    return { path: bundledExampleSpec(), bundled: true };
  }

  /** Loads and validates the spec and its registry; throws a BerthError (exit 2) listing every problem. */
  load(options: { requireRegistry?: boolean } = {}): LoadedWorkspace {
    if (this.loaded) return this.loaded;
    const { path, bundled } = this.resolveSpecPath();
    if (bundled) this.out.note(`berth: no berth.yaml found from ${this.cwd} up; using the bundled example (${displayPath(path, this.cwd)})`);
    const specLoaded = loadSpecFile(path, this.cwd);
    if (!specLoaded.value || hasErrors(specLoaded.problems)) {
      throw new BerthError('ERR_BERTH_INVALID_SPEC', `${specLoaded.file}: the spec is not valid`, { problems: specLoaded.problems });
    }
    const warnings = specLoaded.problems.filter((p) => p.severity === 'warning');
    let registryPath: string | undefined;
    if (this.options.registry) registryPath = resolve(this.cwd, this.options.registry);
    else {
      const ref = resolveRegistryPath(specLoaded.value, path);
      if (ref.problem) {
        const at = specLoaded.source?.locate(ref.problem.path ?? [], 'value');
        throw new BerthError('ERR_BERTH_REGISTRY', ref.problem.message, { problems: [{ ...ref.problem, file: specLoaded.file, ...at }] });
      }
      registryPath = ref.path;
    }
    let registry: LoadedWorkspace['registry'];
    if (registryPath) {
      const r = loadRegistryFile(registryPath, this.cwd);
      if (!r.value || hasErrors(r.problems)) {
        const flagged = this.options.registry ? r.problems.map((p) => (p.code === 'file-not-found' ? { ...p, message: `${p.message} (from --registry)` } : p)) : r.problems;
        throw new BerthError('ERR_BERTH_INVALID_REGISTRY', `${r.file}: the port registry is not valid`, { problems: flagged });
      }
      registry = r as LoadedWorkspace['registry'];
      warnings.push(...r.problems.filter((p) => p.severity === 'warning'));
    } else if (options.requireRegistry) {
      throw new BerthError('ERR_BERTH_NO_REGISTRY', `${specLoaded.file}: names no port registry`, {
        hint: 'add `registry: path/to/ports.yaml` to the spec, or pass --registry FILE',
      });
    }
    this.run.redaction?.forSpec(specLoaded.value, dirname(path));
    this.loaded = {
      spec: specLoaded.value,
      specPath: path,
      specFile: specLoaded.file,
      specLoaded,
      ...(registry ? { registry } : {}),
      usingBundledExample: bundled,
      warnings,
    };
    return this.loaded;
  }
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
