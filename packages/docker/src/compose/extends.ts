import { dirname, resolve } from 'node:path';
import { isMap, scalarText, type ComposeMap, type ProblemSink } from './model.js';
import { bareMap, mergeService } from './merge.js';
import { rebaseService, unmovedMessage, type RebaseNotes } from './paths.js';

/** What `extends` needs from the loader: another file's services, read and interpolated (cached). */
export interface ExtendsContext {
  sink: ProblemSink;
  /** A value as Compose reads it (references resolved): for file and service names and merge keys. */
  resolved: (v: unknown) => unknown;
  loadServices(path: string, by: { file: string; path: (string | number)[] }): { file: string; services: ComposeMap } | undefined;
}

interface FileScope {
  file: string;
  dir: string;
  services: ComposeMap;
}

/**
 * Resolves `extends` (a service of the same file, or `file:` + `service:` of another) for every
 * service of one file: the base is merged under the service with Compose's merge rules, and the
 * base's relative paths are rewritten to the extending file's directory. Cycles and missing
 * services or files are errors naming them.
 */
export function resolveExtends(services: ComposeMap, scope: { file: string; dir: string }, ctx: ExtendsContext): ComposeMap {
  const out = bareMap();
  const root: FileScope = { ...scope, services };
  for (const name of Object.keys(services)) out[name] = resolveOne(root, name, ctx, []);
  return out;
}

function resolveOne(scope: FileScope, name: string, ctx: ExtendsContext, chain: string[]): unknown {
  const svc = scope.services[name];
  if (!isMap(svc) || svc.extends === undefined || svc.extends === null) return svc;
  const at = { file: scope.file, path: ['services', name, 'extends'] };
  const key = `${scope.file}#${name}`;
  if (chain.includes(key)) {
    ctx.sink.error(at.path, `extends cycle: ${[...chain, key].join(' -> ')}`, 'compose-extends-cycle', scope.file);
    return withoutExtends(svc);
  }
  const ext = ctx.resolved(svc.extends);
  const baseName = isMap(ext) ? scalarText(ext.service) : scalarText(ext);
  const fileRef = isMap(ext) ? scalarText(ext.file) : undefined;
  if (!baseName) {
    ctx.sink.error(at.path, 'needs the name of the service to extend', 'compose-extends', scope.file);
    return withoutExtends(svc);
  }
  let baseScope = scope;
  if (fileRef) {
    const path = resolve(scope.dir, fileRef);
    const loaded = ctx.loadServices(path, { file: scope.file, path: [...at.path, 'file'] });
    if (!loaded) return withoutExtends(svc);
    baseScope = { file: loaded.file, dir: dirname(path), services: loaded.services };
  }
  // the file's own services only: `constructor` or `__proto__` is no service (an object's own names are not)
  if (!Object.hasOwn(baseScope.services, baseName)) {
    ctx.sink.error(at.path, `service "${baseName}" not found${fileRef ? ` in ${fileRef}` : ''}`, 'compose-extends', scope.file);
    return withoutExtends(svc);
  }
  const notes: RebaseNotes = {
    resolved: (text) => scalarText(ctx.resolved(text)),
    unmoved: (field, text) => ctx.sink.warn(['services', name, ...field], unmovedMessage(text, `the directory of ${scope.file}, which extends it`), 'compose-path-not-moved', scope.file),
  };
  const base = rebaseService(resolveOne(baseScope, baseName, ctx, [...chain, key]), baseScope.dir, scope.dir, notes);
  return mergeService(base, withoutExtends(svc), ctx.resolved);
}

function withoutExtends(svc: ComposeMap): ComposeMap {
  const { extends: _ignored, ...rest } = svc;
  return rest;
}
