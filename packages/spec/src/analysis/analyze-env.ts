import type { BerthSpec } from '../schema/spec.js';
import type { Problem } from '../problem.js';
import type { SourceDocument } from '../load/yaml-document.js';
import { closest, editDistance } from '../util/did-you-mean.js';
import { envValueProblem } from './env-values.js';
import { envWithOrigins, isPortEnvValueProblem, isPortValue } from './port-env.js';
import { analyzePorts } from './analyze-ports.js';
import { defaultMisfit, defaultTypeProblem } from './env-schema-checks.js';
import { requiredBy, knownEnvVars, type KnownEnvVar } from './env-schema-view.js';
import type { EnvReport, EnvVarStatus, RegistryInput, SpecInput } from './types.js';
import { envValue } from './env-map.js';
import { shellValue } from './dotenv-values.js';

export interface AnalyzeEnvOptions {
  /** The process environment. */
  env: Record<string, string | undefined>;
  /** A `.env` file: its values (the process env wins, as in Compose) and the line each name is set on. */
  envFile?: { file: string; values: Record<string, string>; lines?: Record<string, number>; files?: Record<string, string>; written?: Record<string, string[]> };
  /** Enabled modules: variables required `{ module: M }` are required only when M is enabled. */
  modules?: string[];
  /** The Compose profiles on (`*`: all of them): variables required `{ profile: P }` are required only when P is on. */
  profiles?: string[];
  /**
   * Judge only the variables that are required (missing, empty, a value of the wrong type), as `berth up` does for
   * what it starts; default: every variable that is set, and names that look like typos (`berth env check`).
   */
  requiredOnly?: boolean;
  /** The spec file and its source, so problems point into it. */
  file?: string;
  source?: SourceDocument;
  /**
   * Env vars the port analysis judges against the port they carry (analyzePorts' `envCarriers`). A value of one
   * that is no port number is reported there, naming the port the spec or registry gives, and not again here: its
   * status still says invalid. The one rule of which analysis reports a bad port value.
   */
  portCarriers?: Iterable<string>;
}

/**
 * The process env and a `.env` file against the spec's env schema: unknown modules, missing required
 * variables, values of the wrong type, and names that look like typos of known ones.
 * Neither the report nor any problem ever holds a value.
 */
export function analyzeEnv(spec: BerthSpec, options: AnalyzeEnvOptions): EnvReport {
  const problems: Problem[] = [];
  const known = knownEnvVars(spec);
  const modules = checkModules(spec, options.modules ?? [], problems);
  const specAt = (path: (string | number)[]) => ({ file: options.file, ...(options.source ? options.source.locate(path, 'key') : {}), path });
  const fileAt = (name: string) => {
    const line = envValue(options.envFile?.lines, name);
    return { file: envValue(options.envFile?.files, name) ?? options.envFile!.file, ...(line ? { line, col: 1 } : {}) };
  };
  const profiles = [...new Set(options.profiles ?? [])];
  const typos = options.requiredOnly ? new Map<string, Typo>() : findTypos(known, options);
  const carriers = new Set(options.portCarriers ?? []);
  const vars: EnvVarStatus[] = [];
  for (const v of known.values()) {
    const by = requiredBy(v, modules, profiles);
    const required = by !== undefined;
    const fromEnv = shellValue(options.env, v.name, options.envFile?.written);
    const fromFile = envValue(options.envFile?.values, v.name);
    // The same value in both is attributed to the file, which names a line (and Node 20 itself loads a
    // `--env-file` given after the script into the process env: nodejs/node#54232).
    const source = fromEnv !== undefined && fromEnv !== fromFile ? 'env' : fromFile !== undefined ? 'env-file' : v.declared?.default !== undefined ? 'default' : undefined;
    const value = fromEnv ?? fromFile;
    const r = v.required;
    const status: EnvVarStatus = {
      name: v.name,
      required,
      secret: v.secret,
      set: source !== undefined,
      valid: true,
      ...(source ? { source } : {}),
      ...(r.kind === 'module' ? { modules: r.modules } : r.kind === 'profile' ? { profiles: r.profiles } : {}),
    };
    const why = by === undefined || by === 'always' ? 'always' : 'modules' in by ? `by module ${by.modules.join(', ')}` : `by profile ${by.profiles.join(', ')}`;
    const typo = typos.get(v.name);
    const typoHint = typo ? `${typo.name}${typo.where} looks like a typo of it` : undefined;
    if (source === undefined && required) {
      Object.assign(status, { valid: false, reason: `required ${why} but not set` });
      problems.push({ code: 'env-missing', severity: 'error', ...specAt(v.path), message: `${v.name} is required ${why} but not set`, hint: typoHint ?? `set it in the environment or in ${options.envFile?.file ?? '.env'}` });
    } else if (value === '' && required) {
      Object.assign(status, { valid: false, reason: `required ${why} but empty` });
      problems.push({ code: 'env-empty', severity: 'error', ...(source === 'env-file' ? fileAt(v.name) : specAt(v.path)), message: `${v.name} is required ${why} but ${emptyWhere(source, v.name, options.envFile)}` });
    } else if (options.requiredOnly && !required) {
      // not this caller's concern: what is not required is judged by env check
    } else if (source === 'default') {
      // nothing sets it: the app gets the default, which must fit the type as a set value must (validate says so too)
      const misfit = defaultMisfit(v);
      if (misfit) {
        Object.assign(status, { valid: false, reason: misfit });
        problems.push(defaultTypeProblem(v, (path) => ({ file: options.file, ...(options.source ? options.source.locate(path) : {}), path }))!);
      }
    } else if (value !== undefined && value !== '') {
      const wrong = envValueProblem({ type: v.type, values: v.declared?.values, pattern: v.declared?.pattern }, value);
      if (wrong) {
        Object.assign(status, { valid: false, reason: wrong });
        const where = source === 'env-file' ? fileAt(v.name) : specAt(v.path);
        if (!(carriers.has(v.name) && !isPortValue(value))) problems.push({ code: 'env-type', severity: 'error', ...where, message: `${v.name} (${source === 'env-file' ? `set in ${options.envFile!.file}` : 'set in the environment'}) ${wrong}` });
      }
    }
    vars.push(status);
  }
  for (const [target, t] of typos) {
    const v = known.get(target)!;
    const at = t.inFile ? fileAt(t.name) : { file: undefined };
    problems.push({ code: 'env-typo', severity: 'warning', ...at, message: `${t.name}${t.where} is not in the env schema; did you mean ${target}?`, hint: `rename it to ${target}${v.secret ? ' (a secret)' : ''}` });
  }
  return { modules, profiles, vars, problems };
}

export interface AnalyzeEnvironmentInput extends Pick<AnalyzeEnvOptions, 'env' | 'envFile' | 'modules' | 'profiles' | 'requiredOnly'> {
  /** The spec, with its file and source: problems point into it. */
  spec: SpecInput;
  /** The registry the spec names: a port's variable must hold the port it gives. */
  registry?: RegistryInput;
  /** Only these services' port variables are held to their ports (`berth up`: the services it starts); default every service's. */
  services?: readonly string[];
}

/**
 * The environment (the process env over a `.env` file) against the spec: its env schema (analyzeEnv) and, by the
 * port analysis's one rule (checkPortEnv), each variable that carries a port against the port the registry or the
 * spec gives. A bad value is said once. What `berth env check` and `berth up` ask; never holds a value.
 */
export function analyzeEnvironment(input: AnalyzeEnvironmentInput): { report: EnvReport; problems: Problem[] } {
  const { spec, file, source } = input.spec;
  const { env, origins } = envWithOrigins(input.env, input.envFile);
  const only = input.services ? new Set(input.services) : undefined;
  const judged = only ? { ...spec, services: Object.fromEntries(Object.entries(spec.services).filter(([name]) => only.has(name))) } : spec;
  const ports = analyzePorts({ specs: [{ spec: judged, file, ...(source ? { source } : {}) }], ...(input.registry ? { registry: input.registry } : {}), env, envOrigins: origins, connections: false });
  const report = analyzeEnv(spec, {
    env: input.env,
    ...(input.envFile ? { envFile: input.envFile } : {}),
    ...(input.modules ? { modules: input.modules } : {}),
    ...(input.profiles ? { profiles: input.profiles } : {}),
    ...(input.requiredOnly ? { requiredOnly: true } : {}),
    file,
    ...(source ? { source } : {}),
    portCarriers: ports.envCarriers,
  });
  return { report, problems: [...report.problems, ...ports.problems.filter(isPortEnvValueProblem)] };
}

function checkModules(spec: BerthSpec, asked: string[], problems: Problem[]): string[] {
  problems.push(...unknownModuleProblems(spec, asked));
  return [...new Set(asked.filter((m) => Object.hasOwn(spec.modules, m)))];
}

/** One problem per module name the spec does not declare (a `--module` flag's): bad input, with a did-you-mean. */
export function unknownModuleProblems(spec: BerthSpec, asked: readonly string[]): Problem[] {
  const known = Object.keys(spec.modules);
  return asked
    .filter((m) => !known.includes(m))
    .map((m) => {
      const guess = closest(m, known);
      return { code: 'unknown-module', severity: 'error', file: '--module', message: `module "${m}" does not exist${guess ? ` (did you mean "${guess}"?)` : known.length ? ` (known: ${known.join(', ')})` : ''}` } satisfies Problem;
    });
}

/**
 * Where an empty value of a required variable comes from: the `.env` line, or the environment, which wins over a
 * value the `.env` gives (as in Compose: an empty shell variable is set).
 */
function emptyWhere(source: EnvVarStatus['source'], name: string, envFile: AnalyzeEnvOptions['envFile']): string {
  if (source === 'env-file') return `empty in ${envFile!.file}`;
  if (envValue(envFile?.values, name) === undefined) return 'set empty in the environment';
  const line = envValue(envFile!.lines, name);
  return `set empty in the environment, which wins over ${envFile!.file}${line ? `:${line}` : ''}`;
}

/** A name that looks like a typo of a known one: where it is set. */
interface Typo {
  name: string;
  where: string;
  inFile: boolean;
}

/** "OPENAI_APIKEY" and "openai_api_key" both normalise to "OPENAIAPIKEY". */
const squash = (name: string) => name.toUpperCase().replace(/_/g, '');

/**
 * Names set in the `.env` file or the process env that are not in the schema but close to a name that is.
 * `.env` names get the usual did-you-mean distance; the process env, which holds many unrelated variables,
 * only matches when the names are equal ignoring case and underscores, or one edit apart and long.
 */
function findTypos(known: Map<string, KnownEnvVar>, options: AnalyzeEnvOptions): Map<string, Typo> {
  const out = new Map<string, Typo>();
  const names = [...known.keys()];
  const bySquash = new Map(names.map((n) => [squash(n), n]));
  const consider = (name: string, inFile: boolean) => {
    if (known.has(name)) return;
    let target = bySquash.get(squash(name));
    if (!target && inFile) target = closest(name, names);
    if (!target && !inFile && name.length >= 8) target = names.find((n) => editDistance(name, n, 1) <= 1);
    if (target && !out.has(target) && envValue(options.env, target) === undefined && envValue(options.envFile?.values, target) === undefined) {
      out.set(target, { name, where: inFile ? ` (in ${options.envFile!.file})` : ' (in the environment)', inFile });
    }
  };
  for (const name of Object.keys(options.envFile?.values ?? {})) consider(name, true);
  for (const [name, value] of Object.entries(options.env)) if (value !== undefined && !(options.envFile && name in options.envFile.values)) consider(name, false);
  return out;
}
