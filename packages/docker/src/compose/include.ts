import { dirname, resolve } from 'node:path';
import { isMap, scalarText, type ComposeMap } from './model.js';
import { rebaseService } from './paths.js';
import type { ComposeSource } from './sources.js';
import { loadFiles, type LoadSession } from './load-project.js';

const RESOURCES = ['services', 'networks', 'volumes', 'secrets', 'configs'] as const;

/**
 * Compose's top-level `include`: each entry (a path, or `path` (one or several files merged),
 * `env_file`, `project_directory`) is loaded as its own project and its resources are added to this
 * file's. A resource defined on both sides is an error, as in Compose; so is an include cycle or a
 * missing file. Relative paths of included services are rewritten to this project's directory.
 */
export function applyIncludes(
  value: ComposeMap,
  source: ComposeSource,
  projectDir: string,
  session: LoadSession,
  scope: { env: Record<string, string | undefined>; resolved: (v: unknown) => unknown },
): ComposeMap {
  const { include, ...rest } = value;
  if (include === undefined || include === null) return rest;
  const entries = Array.isArray(include) ? include : [include];
  const env = scope.env;
  let out: ComposeMap = rest;
  entries.forEach((written, i) => {
    const at = ['include', i];
    const entry = scope.resolved(written);
    const pathsRaw = isMap(entry) ? entry.path : entry;
    const paths = (Array.isArray(pathsRaw) ? pathsRaw : [pathsRaw]).map(scalarText).filter((p): p is string => !!p).map((p) => resolve(source.dir, p));
    if (paths.length === 0) {
      session.sink.error(at, 'needs a path', 'compose-include', source.file);
      return;
    }
    const cycle = paths.find((p) => p === source.path || session.includeChain.includes(p));
    if (cycle) {
      session.sink.error(at, `include cycle: ${[...session.includeChain, source.path, cycle].join(' -> ')}`, 'compose-include-cycle', source.file);
      return;
    }
    const envFileRaw = isMap(entry) ? entry.env_file : undefined;
    const envFile = scalarText(Array.isArray(envFileRaw) ? envFileRaw[0] : envFileRaw);
    const projectDirectory = isMap(entry) ? scalarText(entry.project_directory) : undefined;
    session.includeChain.push(source.path);
    const included = loadFiles(
      session,
      paths,
      { env, ...(envFile ? { envFile: resolve(source.dir, envFile) } : {}), projectDirectory: projectDirectory ? resolve(source.dir, projectDirectory) : dirname(paths[0]!) },
      { file: source.file, path: at },
    );
    session.includeChain.pop();
    // Compose interpolates an included file with its own variables: remember them for its services.
    for (const name of isMap(included.model.services) ? Object.keys(included.model.services) : []) {
      if (!session.included.has(name)) session.included.set(name, { lookup: included.lookup, ...(included.envFile ? { envFile: included.envFile } : {}) });
    }
    out = addResources(out, included.model, included.projectDir, projectDir, (kind, name) =>
      session.sink.error([kind, name], `is defined here and in the included ${scalarText(Array.isArray(pathsRaw) ? pathsRaw[0] : pathsRaw)}; Compose refuses the conflict`, 'compose-include-conflict', source.file),
    );
  });
  return out;
}

function addResources(target: ComposeMap, included: ComposeMap, fromDir: string, toDir: string, conflict: (kind: string, name: string) => void): ComposeMap {
  const out: ComposeMap = { ...target };
  for (const kind of RESOURCES) {
    const theirs = included[kind];
    if (!isMap(theirs)) continue;
    const mine: ComposeMap = isMap(out[kind]) ? { ...(out[kind] as ComposeMap) } : {};
    for (const [name, def] of Object.entries(theirs)) {
      if (name in mine) conflict(kind, name);
      else mine[name] = kind === 'services' ? rebaseService(def, fromDir, toDir) : def;
    }
    out[kind] = mine;
  }
  return out;
}
