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
  else if (isMap(out.build) && typeof out.build.context === 'string' && !out.build.context.includes('://')) out.build = { ...out.build, context: move(out.build.context) };
  return out;
}
