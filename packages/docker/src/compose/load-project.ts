import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { displayPath, type Problem } from '@berth/spec';
import { parseEnvFile } from './dotenv.js';
import { interpolateTree, reportUnset, type UnsetTracker } from './interpolate-tree.js';
import { isMap, ProblemSink, type ComposeMap, type DocPath } from './model.js';
import { mergeCompose } from './merge.js';
import { resolveExtends } from './extends.js';
import { applyIncludes } from './include.js';
import { locateProblems, readComposeFile, type ComposeSource } from './sources.js';
import { collectPortEnv, type PortEnv } from './port-env.js';
import { resolveMarkers } from './yaml-tags.js';

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
  /** The merged model: interpolated, `extends` and `include` resolved, anchors and `<<` applied. */
  model: ComposeMap;
  projectDir: string;
  /** Every file read, for placing problems. */
  sources: ComposeSource[];
  /** The `.env` file used for interpolation, as shown to users. */
  envFile?: string;
  /** The variable behind each published host port that is set by exactly one (`"${MLFLOW_PORT}:5000"`). */
  portEnv: PortEnv;
  problems: Problem[];
}

/** Shared state of one load: the variables, the files read, the problems. */
export interface LoadSession {
  cwd: string;
  sink: ProblemSink;
  unset: UnsetTracker;
  sources: ComposeSource[];
  /** Files on the include chain, to refuse include cycles. */
  includeChain: string[];
  portEnv: PortEnv;
}

/** Reads, interpolates and merges Compose files as `docker compose config` would. Never throws. */
export function loadComposeProject(options: ComposeLoadOptions): LoadedCompose {
  const session: LoadSession = { cwd: options.cwd, sink: new ProblemSink(), unset: new Map(), sources: [], includeChain: [], portEnv: new Map() };
  const loaded = loadFiles(session, options.files.map((f) => resolve(options.cwd, f)), options);
  reportUnset(session.unset, session.sink);
  return { ...loaded, sources: session.sources, portEnv: session.portEnv, problems: locateProblems(session.sink.problems, session.sources) };
}

/** Loads a set of files into one model (also used for `include`). */
export function loadFiles(session: LoadSession, paths: string[], options: Omit<ComposeLoadOptions, 'files' | 'cwd'>, by?: { file: string; path: DocPath }): Omit<LoadedCompose, 'sources' | 'problems' | 'portEnv'> {
  const projectDir = options.projectDirectory ? resolve(session.cwd, options.projectDirectory) : dirname(paths[0] ?? resolve(session.cwd, 'compose.yaml'));
  const { lookup, envFile } = environment(session, projectDir, options, by);
  const cache = new Map<string, { file: string; services: ComposeMap } | undefined>();
  const readInterpolated = (path: string, wanted: { what: string; by?: { file: string; path: DocPath } }) => {
    const source = readComposeFile(path, session.cwd, session.sink, wanted);
    if (!source) return undefined;
    session.sources.push(source);
    const value = interpolateTree(source.value, lookup, source.file, session.sink, session.unset);
    collectPortEnv(source.value, value, session.portEnv);
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
    if (isMap(value.services)) value = { ...value, services: resolveExtends(value.services, { file: r.source.file, dir: r.source.dir }, { sink: session.sink, loadServices }) };
    value = applyIncludes(value, r.source, projectDir, session, options.env);
    model = mergeCompose(model, value) as ComposeMap;
  }
  return { model: resolveMarkers(model) as ComposeMap, projectDir, ...(envFile ? { envFile } : {}) };
}

function environment(session: LoadSession, projectDir: string, options: Omit<ComposeLoadOptions, 'files' | 'cwd'>, by?: { file: string; path: DocPath }) {
  const explicit = options.envFile ? resolve(session.cwd, options.envFile) : undefined;
  const path = explicit ?? join(projectDir, '.env');
  let dotenv: Record<string, string> = {};
  if (existsSync(path)) {
    try {
      dotenv = parseEnvFile(readFileSync(path, 'utf8'), (n) => options.env[n]);
    } catch (err) {
      session.sink.error(by?.path ?? [], `cannot read env file ${displayPath(path, session.cwd)}: ${(err as Error).message}`, 'compose-env-file', by?.file);
    }
  } else if (explicit) {
    session.sink.error(by?.path ?? [], `env file ${displayPath(path, session.cwd)} not found`, 'compose-env-file', by?.file);
  }
  const lookup = (name: string) => options.env[name] ?? dotenv[name];
  return { lookup, envFile: existsSync(path) ? displayPath(path, session.cwd) : undefined };
}
