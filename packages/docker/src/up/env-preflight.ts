import { analyzeEnvironment, BerthError, hasErrors, knownEnvVars, requiredBy, sortProblems, type BerthSpec, type DotEnvEntry, type Problem, type RegistryInput, type SourceDocument } from '@berth/spec';
import { referencedNames } from '../compose/references.js';
import { projectDotEnv } from './project-vars.js';

export interface EnvPreflightInput {
  /** The Compose profiles on (`*`: all), those the services named turned on included: ProfileSelection's. */
  profiles: string[];
  /** The services `up` starts (ProfileSelection's): only their ports' variables are held to their ports. */
  services: string[];
  env: NodeJS.ProcessEnv;
  projectDir: string;
  /** The `.env` beside the spec as the loader read it; default: read from projectDir. */
  dotEnv?: readonly DotEnvEntry[];
  /** How messages name the `.env` (default `.env`). */
  dotEnvFile?: string;
  /** The spec file as messages name it (default `berth.yaml`), and its source: problems point at the line. */
  specFile?: string;
  specSource?: SourceDocument;
  registry?: RegistryInput;
}

/**
 * The environment a selection needs, checked before anything is made (`berth up`, its dry run too): every variable
 * required for it (always, or by a profile on; modules are `env check`'s) set, not empty and of its type, and every
 * variable that carries a port of a service it starts holding that port, by `berth validate`'s one rule (the registry
 * and the spec decide the port: `up` and Compose on berth's export then publish the same one). The `.env` is read as
 * `up` reads it (interpolated); the process env wins. Errors only, each at its file:line:col; never a value.
 */
export function envPreflightProblems(spec: BerthSpec, input: EnvPreflightInput): Problem[] {
  const dotEnv = projectDotEnv(input.projectDir, input.env, input.dotEnv);
  const specFile = input.specFile ?? 'berth.yaml';
  const { problems } = analyzeEnvironment({
    spec: { spec: { ...spec, env: upsConcern(spec, input) }, file: specFile, ...(input.specSource ? { source: input.specSource } : {}) },
    ...(input.registry ? { registry: input.registry } : {}),
    env: input.env,
    envFile: { file: input.dotEnvFile ?? '.env', values: dotEnv.values, lines: dotEnv.lines, written: dotEnv.written },
    profiles: input.profiles,
    services: input.services,
    requiredOnly: true,
  });
  // as env check orders them: the spec's first, by position, then the .env's
  return sortProblems(problems.filter((p) => p.severity === 'error'), [specFile]);
}

/**
 * The part of the env schema `up` holds its selection to: a variable a profile it turns on requires, and a required
 * variable a service it starts refers to (`${NAME}` anywhere in its definition, or an environment entry with no value,
 * passed through). A variable required always that none of them uses (one the host's own processes read) is `env
 * check`'s to report, not a reason to refuse starting a profile's containers; modules are env check's too.
 */
function upsConcern(spec: BerthSpec, input: EnvPreflightInput): BerthSpec['env'] {
  const used = new Set<string>();
  for (const name of input.services) {
    const service = Object.hasOwn(spec.services, name) ? spec.services[name] : undefined;
    if (!service) continue;
    referencedNames(service, used);
    for (const [key, value] of Object.entries(service.environment ?? {})) if (value === null || value === undefined) used.add(key);
  }
  const known = knownEnvVars(spec);
  return Object.fromEntries(
    Object.entries(spec.env).filter(([name]) => {
      const by = requiredBy(known.get(name)!, [], input.profiles);
      return by !== undefined && ((typeof by === 'object' && 'profiles' in by) || used.has(name));
    }),
  );
}

/** envPreflightProblems, thrown as bad input (exit 2) when there is any. */
export function envPreflight(spec: BerthSpec, input: EnvPreflightInput): void {
  const problems = envPreflightProblems(spec, input);
  if (hasErrors(problems)) {
    throw new BerthError('ERR_BERTH_SERVICES', 'the environment does not give the selected services what the spec asks', {
      problems,
      hint: `berth env check${input.profiles.map((p) => ` --profile ${p === '*' ? "'*'" : p}`).join('')} lists every variable and where it is set`,
    });
  }
}
