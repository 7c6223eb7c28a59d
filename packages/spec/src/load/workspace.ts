import { dirname, join, resolve } from 'node:path';
import { BerthError, hasErrors, type Problem } from '../problem.js';
import type { BerthSpec } from '../schema/spec.js';
import type { PortRegistry } from '../schema/registry.js';
import { loadEnvFile, type EnvFile } from './env-file.js';
import { loadRegistryFile, loadSpecFile, resolveRegistryPath, type Loaded } from './load.js';
import { pushAll } from '../util/push-all.js';
import type { EnvValues } from '../analysis/env-map.js';

export interface LoadWorkspaceOptions {
  /** The spec file (relative to cwd). Finding it, or falling back to an example, is the caller's decision. */
  specPath: string;
  cwd?: string;
  /** A registry named on the command line (`--registry`), relative to cwd; else the one the spec names. */
  registryPath?: string;
  /** A `.env` named on the command line, relative to cwd; else `.env` beside the spec, when there is one. */
  envFile?: string;
  /** The flag that named `envFile`, for messages (default "--env-file"). */
  envFlag?: string;
  /** Load the registry (default true) and the `.env` (default true): a check that does not use one does not depend on it. */
  withRegistry?: boolean;
  withEnv?: boolean;
  /** Where the `.env`'s `${VAR}`s look first (default: the process env), as Compose interpolates it. */
  env?: Readonly<EnvValues>;
}

/** A spec with what it needs around it: its port registry and the `.env` beside it. */
export interface Workspace {
  spec: Loaded<BerthSpec>;
  /** The registry named by --registry or the spec's `registry:`; undefined when none is named. Its `value` is set only when valid. */
  registry?: Loaded<PortRegistry>;
  /** The `.env` read; undefined when there is none. */
  env?: EnvFile;
  /** Every problem of the three, each with file:line:col where it has one: the spec's, the registry's, the `.env`'s. */
  problems: Problem[];
  /** The first part that has errors, in that order; undefined when everything loaded. */
  failed?: 'spec' | 'registry' | 'env';
}

/**
 * The one loader of a spec, its registry and its `.env`, used by the CLI, the API and `berth-spec`.
 * Never throws: what cannot be loaded is in `problems` (and `failed` says which part); `loadFailure`
 * turns that into the one error every app reports.
 */
export function loadWorkspace(options: LoadWorkspaceOptions): Workspace {
  const cwd = options.cwd ?? process.cwd();
  const spec = loadSpecFile(options.specPath, cwd);
  const problems: Problem[] = [...spec.problems];
  let failed: Workspace['failed'] = hasErrors(spec.problems) || !spec.value ? 'spec' : undefined;

  let registry: Loaded<PortRegistry> | undefined;
  const registryProblems: Problem[] = [];
  let registryPath: string | undefined;
  if (options.withRegistry === false) registryPath = undefined;
  else if (options.registryPath) registryPath = resolve(cwd, options.registryPath);
  else if (spec.value) {
    const ref = resolveRegistryPath(spec.value, spec.path);
    if (ref.problem) registryProblems.push({ ...ref.problem, file: spec.file, ...spec.source?.locate(ref.problem.path ?? [], 'value') });
    registryPath = ref.path;
  }
  if (registryPath) {
    // the spec's `registry:` is a file berth finds: a pipe there would block the read for good
    registry = loadRegistryFile(registryPath, cwd, options.registryPath ? {} : { pipe: false });
    pushAll(registryProblems, registry.problems.map((p) => (p.code === 'file-not-found' || (p.code === 'file-unreadable' && !options.registryPath) ? { ...p, message: `${p.message} (${registrySource(options.registryPath, spec)})` } : p)));
  }
  pushAll(problems, registryProblems);
  if (!failed && (hasErrors(registryProblems) || (registry && !registry.value))) failed = 'registry';

  const envPath = options.envFile ? resolve(cwd, options.envFile) : join(dirname(spec.path), '.env');
  const env = options.withEnv === false ? { problems: [] } : loadEnvFile(envPath, { cwd, ...(options.env ? { env: options.env } : {}), ...(options.envFile ? { from: options.envFlag ?? '--env-file' } : {}) });
  pushAll(problems, env.problems);
  if (!failed && hasErrors(env.problems)) failed = 'env';

  return { spec, ...(registry ? { registry } : {}), ...(env.env ? { env: env.env } : {}), problems, ...(failed ? { failed } : {}) };
}

/** Who named the registry, for a registry file that cannot be read: the flag, or the spec's `registry:` field with its line. */
function registrySource(flag: string | undefined, spec: Loaded<BerthSpec>): string {
  if (flag) return 'from --registry';
  const at = spec.source?.locate(['registry'], 'value');
  return at?.line ? `named at ${spec.file}:${at.line}:${at.col}` : `named by ${spec.file}`;
}

/** The one error for a workspace that did not load (exit 2, every problem listed), or undefined when it did. */
export function loadFailure(ws: Workspace): BerthError | undefined {
  switch (ws.failed) {
    case 'spec':
      return new BerthError('ERR_BERTH_INVALID_SPEC', `${ws.spec.file}: the spec is not valid`, { problems: ws.problems });
    case 'registry':
      return new BerthError('ERR_BERTH_INVALID_REGISTRY', `${ws.registry?.file ?? ws.spec.file}: the port registry cannot be loaded`, { problems: ws.problems });
    case 'env': {
      const first = ws.problems.find((p) => p.severity === 'error');
      return new BerthError('ERR_BERTH_ENV_FILE', `${first?.file ?? '.env'}: ${first?.message ?? 'cannot be read'}`, { problems: ws.problems });
    }
    default:
      return undefined;
  }
}
