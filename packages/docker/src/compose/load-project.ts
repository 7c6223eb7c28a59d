import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { displayPath, envOverDotEnv, envValue, notAFile, readDotEnv, unreadableReason, type DotEnvValues, type Problem } from '@berth/spec';
import { interpolateTree, reportUnset, type UnsetTracker } from './interpolate-tree.js';
import { isMap, ProblemSink, type ComposeMap, type DocPath } from './model.js';
import { mergeCompose } from './merge.js';
import { resolveExtends } from './extends.js';
import { applyIncludes } from './include.js';
import { locateProblems, readComposeFile, type ComposeSource } from './sources.js';
import { resolveMarkers } from './yaml-tags.js';
import { resolveDeep } from './references.js';
import type { Lookup } from './interpolate.js';

export interface ComposeLoadOptions {
  /** The Compose files, in `-f` order (later ones override earlier ones). */
  files: string[];
  cwd: string;
  /** The process environment: it wins over `.env`, as in Compose. */
  env: Record<string, string | undefined>;
  /** `--env-file`; default `.env` in the project directory when it exists. */
  envFile?: string;
  /** `--project-directory`; default the first file's directory. */
  projectDirectory?: string;
}

export interface LoadedCompose {
  /**
   * The merged model as written: `extends` and `include` resolved, anchors and `<<` applied, and every
   * `${VAR}` reference (and `$$`) kept as it is. `resolvedModel` gives what Compose would run.
   */
  model: ComposeMap;
  projectDir: string;
  /** Every file read, for placing problems. */
  sources: ComposeSource[];
  /** The `.env` file used for interpolation, as shown to users. */
  envFile?: string;
  /** The same file, as an absolute path. */
  envPath?: string;
  /** The project's variables: the process environment, then its `.env`. */
  lookup: Lookup;
  /** Services that came from an `include` with variables of its own (its `env_file` or its directory's `.env`). */
  included: Map<string, IncludedEnv>;
  problems: Problem[];
}

/** The variables an included service was interpolated with, by Compose. */
export interface IncludedEnv {
  lookup: Lookup;
  /** The env file, as shown to users; absent when the include has none. */
  envFile?: string;
}

/** Shared state of one load: the variables, the files read, the problems. */
export interface LoadSession {
  cwd: string;
  sink: ProblemSink;
  unset: UnsetTracker;
  sources: ComposeSource[];
  /** Files on the include chain, to refuse include cycles. */
  includeChain: string[];
  included: Map<string, IncludedEnv>;
}

/**
 * Reads and merges Compose files as `docker compose config` would, checking every interpolation
 * (unset and required variables, bad syntax) but keeping the references in the model. Never throws.
 */
export function loadComposeProject(options: ComposeLoadOptions): LoadedCompose {
  const session: LoadSession = { cwd: options.cwd, sink: new ProblemSink(), unset: new Map(), sources: [], includeChain: [], included: new Map() };
  const loaded = loadFiles(session, options.files.map((f) => resolve(options.cwd, f)), options);
  reportUnset(session.unset, session.sink);
  return { ...loaded, sources: session.sources, included: session.included, problems: locateProblems(session.sink.problems, session.sources) };
}

/** The variables a service of the model is interpolated with: its include's, else the project's. */
export function lookupFor(loaded: Pick<LoadedCompose, 'lookup' | 'included'>, service: string): Lookup {
  return loaded.included.get(service)?.lookup ?? loaded.lookup;
}

/** The model as Compose runs it: every reference resolved (each service with its own include's variables). */
export function resolvedModel(loaded: Pick<LoadedCompose, 'model' | 'lookup' | 'included'>): ComposeMap {
  const { services, ...rest } = loaded.model;
  const out = resolveDeep(rest, loaded.lookup) as ComposeMap;
  if (isMap(services)) out.services = Object.fromEntries(Object.entries(services).map(([name, svc]) => [name, resolveDeep(svc, lookupFor(loaded, name))]));
  return out;
}

/** Loads a set of files into one model (also used for `include`). */
export function loadFiles(session: LoadSession, paths: string[], options: Omit<ComposeLoadOptions, 'files' | 'cwd'>, by?: { file: string; path: DocPath }): Omit<LoadedCompose, 'sources' | 'problems' | 'included'> {
  const projectDir = options.projectDirectory ? resolve(session.cwd, options.projectDirectory) : dirname(paths[0] ?? resolve(session.cwd, 'compose.yaml'));
  const { lookup, envFile, envPath } = environment(session, projectDir, options, by);
  // Merge keys (a port's mapping, a volume's target) and file names are compared as Compose sees them: resolved.
  const resolved = (v: unknown) => resolveDeep(v, lookup);
  const cache = new Map<string, { file: string; services: ComposeMap } | undefined>();
  const readInterpolated = (path: string, wanted: { what: string; by?: { file: string; path: DocPath } }) => {
    const source = readComposeFile(path, session.cwd, session.sink, wanted);
    if (!source) return undefined;
    session.sources.push(source);
    // no document, or only comments: Compose refuses it ("empty compose file")
    if (source.doc.doc.contents === null) {
      session.sink.error([], 'the file is empty; Compose refuses an empty file', 'compose-empty', source.file);
      return undefined;
    }
    // Interpolated only to report what Compose would refuse or warn about; the model keeps the references.
    interpolateTree(source.value, lookup, source.file, session.sink, session.unset);
    const value = source.value;
    if (!isMap(value)) {
      session.sink.error([], `${source.file}: a Compose file must be a mapping with "services"`, 'compose-invalid', source.file);
      return undefined;
    }
    return { source, value };
  };
  const loadServices = (path: string, at: { file: string; path: DocPath }) => {
    if (!cache.has(path)) {
      const r = readInterpolated(path, { what: 'extends file', by: at });
      cache.set(path, r ? { file: r.source.file, services: isMap(r.value.services) ? r.value.services : {} } : undefined);
    }
    return cache.get(path);
  };
  let model: ComposeMap = {};
  for (const [i, path] of paths.entries()) {
    const r = readInterpolated(path, { what: i === 0 && !by ? 'Compose file' : by ? 'included file' : 'override file', ...(by ? { by } : {}) });
    if (!r) continue;
    let value = r.value;
    if (isMap(value.services)) value = { ...value, services: resolveExtends(value.services, { file: r.source.file, dir: r.source.dir }, { sink: session.sink, loadServices, resolved }) };
    value = applyIncludes(value, r.source, projectDir, session, { env: options.env, resolved });
    model = mergeCompose(model, value, resolved) as ComposeMap;
  }
  return { model: resolveMarkers(model) as ComposeMap, projectDir, lookup, ...(envFile ? { envFile, envPath } : {}) };
}

function environment(session: LoadSession, projectDir: string, options: Omit<ComposeLoadOptions, 'files' | 'cwd'>, by?: { file: string; path: DocPath }) {
  const explicit = options.envFile ? resolve(session.cwd, options.envFile) : undefined;
  const path = explicit ?? join(projectDir, '.env');
  let dotenv: DotEnvValues | undefined;
  const not = notAFile(path);
  if (not) {
    session.sink.error(by?.path ?? [], `cannot read env file ${displayPath(path, session.cwd)}: it is ${not}, not a file`, 'compose-env-file', by?.file);
  } else if (existsSync(path)) {
    try {
      // @berth/spec's one reading of `.env`; a quote never closed or a failed `${VAR:?}` refuses the file, as in Compose
      dotenv = readDotEnv([{ file: displayPath(path, session.cwd), text: readFileSync(path, 'utf8') }], options.env);
      session.sink.problems.push(...dotenv.problems);
    } catch (err) {
      // a read that failed is said as every read is (unreadableReason); a line the parser refused, in its own words
      const why = (err as NodeJS.ErrnoException).code ? unreadableReason(err) : (err as Error).message;
      session.sink.error(by?.path ?? [], `cannot read env file ${displayPath(path, session.cwd)}: ${why}`, 'compose-env-file', by?.file);
    }
  } else if (explicit) {
    session.sink.error(by?.path ?? [], `env file ${displayPath(path, session.cwd)} not found`, 'compose-env-file', by?.file);
  }
  const vars = envOverDotEnv(options.env, dotenv ?? { values: {} });
  const lookup = (name: string) => envValue(vars, name);
  return { lookup, envFile: existsSync(path) ? displayPath(path, session.cwd) : undefined, envPath: path };
}
