import { isAbsolute, relative, resolve } from 'node:path';
import { isMap, scalarText, type ComposeMap, type DocPath } from './model.js';
import { splitVolume } from './merge.js';
import { isRemoteContext } from '../build/remote-context.js';

export { isRemoteContext };

/** `${ROOT}/app`, `$PWD/x`: a path whose start only the variable's value decides (`$$` is a literal `$`). */
const startsWithReference = (p: string) => /^\$(\{|[A-Za-z_])/.test(p);

/**
 * Who hears of a path that could not be rewritten: one that starts with a variable, unless its value
 * (`resolved`, where the caller knows the variables) is absolute, which means the same from anywhere.
 */
export interface RebaseNotes {
  resolved?: (text: string) => string | undefined;
  unmoved: (field: DocPath, text: string) => void;
}

/** The warning for a path left as written (its field path is the caller's to add). */
export const unmovedMessage = (text: string, toWhere: string) =>
  `"${text}" starts with a variable, so berth cannot rewrite it for ${toWhere}; kept as written (the variable must give an absolute path)`;

/** A relative path written in `fromDir`, rewritten to mean the same file from `toDir`. */
export function rebasePath(p: string, fromDir: string, toDir: string, notes?: RebaseNotes, field: DocPath = []): string {
  if (fromDir === toDir || isAbsolute(p) || p.startsWith('~') || /^[A-Za-z]:[\\/]/.test(p)) return p;
  if (startsWithReference(p)) {
    const value = notes?.resolved?.(p);
    if (value === undefined || !isAbsolute(value)) notes?.unmoved(field, p);
    return p;
  }
  const r = relative(toDir, resolve(fromDir, p)).split('\\').join('/');
  if (r === '') return '.';
  return r.startsWith('.') ? r : `./${r}`;
}

const isRelativeBind = (source: string) => source === '.' || source.startsWith('./') || source.startsWith('../') || source === '..';

/** A service whose relative paths (env_file, bind mounts, build context) are rewritten from `fromDir` to `toDir`. */
export function rebaseService(svc: unknown, fromDir: string, toDir: string, notes?: RebaseNotes): unknown {
  if (!isMap(svc) || fromDir === toDir) return svc;
  const out: ComposeMap = { ...svc };
  const move = (p: string, field: DocPath) => rebasePath(p, fromDir, toDir, notes, field);
  if (typeof out.env_file === 'string') out.env_file = move(out.env_file, ['env_file']);
  else if (Array.isArray(out.env_file)) out.env_file = out.env_file.map((e, i) => (typeof e === 'string' ? move(e, ['env_file', i]) : isMap(e) && typeof e.path === 'string' ? { ...e, path: move(e.path, ['env_file', i, 'path']) } : e));
  if (Array.isArray(out.volumes)) {
    out.volumes = out.volumes.map((v, i) => {
      if (isMap(v)) return v.type === 'bind' && typeof v.source === 'string' ? { ...v, source: move(v.source, ['volumes', i, 'source']) } : v;
      const text = scalarText(v);
      if (text === undefined) return v;
      const parts = splitVolume(text);
      if (parts.length < 2 || !isRelativeBind(parts[0]!)) return v;
      return [move(parts[0]!, ['volumes', i]), ...parts.slice(1)].join(':');
    });
  }
  if (typeof out.build === 'string') out.build = isRemoteContext(out.build) ? out.build : move(out.build, ['build']);
  else if (isMap(out.build)) out.build = rebaseBuild(out.build, move);
  return out;
}

/** A build's context and its extra contexts that are directories (not remote, `docker-image://`, `target:`), rewritten. */
function rebaseBuild(build: ComposeMap, move: (p: string, field: DocPath) => string, nested = false): ComposeMap {
  const out: ComposeMap = { ...build };
  const isDir = (p: string) => !isRemoteContext(p) && !/^[a-z-]+:/.test(p);
  const at = (...field: DocPath): DocPath => ['build', ...(nested ? ['x-berth'] : []), ...field];
  // no context means the Compose file's directory: said explicitly once it is written elsewhere
  if (out.context === undefined && !nested) out.context = move('.', at('context'));
  else if (typeof out.context === 'string' && !isRemoteContext(out.context)) out.context = move(out.context, at('context'));
  // an export puts additional_contexts under the build's x-berth (docker-compose 1.29 refuses it)
  if (isMap(out['x-berth'])) out['x-berth'] = rebaseBuild(out['x-berth'], move, true);
  if (isMap(out.additional_contexts)) out.additional_contexts = Object.fromEntries(Object.entries(out.additional_contexts).map(([k, v]) => [k, typeof v === 'string' && isDir(v) ? move(v, at('additional_contexts', k)) : v]));
  else if (Array.isArray(out.additional_contexts)) {
    out.additional_contexts = out.additional_contexts.map((v, i) => {
      const eq = typeof v === 'string' ? v.indexOf('=') : -1;
      return typeof v === 'string' && eq > 0 && isDir(v.slice(eq + 1)) ? `${v.slice(0, eq)}=${move(v.slice(eq + 1), at('additional_contexts', i))}` : v;
    });
  }
  return out;
}
