import { isAbsolute, relative, resolve } from 'node:path';
import { isMap, scalarText, type ComposeMap } from './model.js';
import { splitVolume } from './merge.js';

/** A relative path written in `fromDir`, rewritten to mean the same file from `toDir`. */
export function rebasePath(p: string, fromDir: string, toDir: string): string {
  if (fromDir === toDir || isAbsolute(p) || p.startsWith('~') || /^[A-Za-z]:[\\/]/.test(p)) return p;
  const r = relative(toDir, resolve(fromDir, p)).split('\\').join('/');
  if (r === '') return '.';
  return r.startsWith('.') ? r : `./${r}`;
}

const isRelativeBind = (source: string) => source === '.' || source.startsWith('./') || source.startsWith('../') || source === '..';

/** A service whose relative paths (env_file, bind mounts, build context) are rewritten from `fromDir` to `toDir`. */
export function rebaseService(svc: unknown, fromDir: string, toDir: string): unknown {
  if (!isMap(svc) || fromDir === toDir) return svc;
  const out: ComposeMap = { ...svc };
  const move = (p: string) => rebasePath(p, fromDir, toDir);
  if (typeof out.env_file === 'string') out.env_file = move(out.env_file);
  else if (Array.isArray(out.env_file)) out.env_file = out.env_file.map((e) => (typeof e === 'string' ? move(e) : isMap(e) && typeof e.path === 'string' ? { ...e, path: move(e.path) } : e));
  if (Array.isArray(out.volumes)) {
    out.volumes = out.volumes.map((v) => {
      if (isMap(v)) return v.type === 'bind' && typeof v.source === 'string' ? { ...v, source: move(v.source) } : v;
      const text = scalarText(v);
      if (text === undefined) return v;
      const parts = splitVolume(text);
      if (parts.length < 2 || !isRelativeBind(parts[0]!)) return v;
      return [move(parts[0]!), ...parts.slice(1)].join(':');
    });
  }
  if (typeof out.build === 'string') out.build = move(out.build);
  else if (isMap(out.build)) out.build = rebaseBuild(out.build, move);
  return out;
}

/** A build's context and its extra contexts that are directories (not URLs, `docker-image://`, `target:`), rewritten. */
function rebaseBuild(build: ComposeMap, move: (p: string) => string, nested = false): ComposeMap {
  const out: ComposeMap = { ...build };
  const isDir = (p: string) => !p.includes('://') && !/^[a-z-]+:/.test(p);
  // no context means the Compose file's directory: said explicitly once it is written elsewhere
  if (out.context === undefined && !nested) out.context = move('.');
  else if (typeof out.context === 'string' && !out.context.includes('://')) out.context = move(out.context);
  // an export puts additional_contexts under the build's x-berth (docker-compose 1.29 refuses it)
  if (isMap(out['x-berth'])) out['x-berth'] = rebaseBuild(out['x-berth'], move, true);
  if (isMap(out.additional_contexts)) out.additional_contexts = Object.fromEntries(Object.entries(out.additional_contexts).map(([k, v]) => [k, typeof v === 'string' && isDir(v) ? move(v) : v]));
  else if (Array.isArray(out.additional_contexts)) {
    out.additional_contexts = out.additional_contexts.map((v) => {
      const eq = typeof v === 'string' ? v.indexOf('=') : -1;
      return typeof v === 'string' && eq > 0 && isDir(v.slice(eq + 1)) ? `${v.slice(0, eq)}=${move(v.slice(eq + 1))}` : v;
    });
  }
  return out;
}
