import { isAbsolute, relative, sep } from 'node:path';
import type { EcosystemMember, Where } from './model.js';

/** A path into a member's spec, located. */
export function whereIn(m: Pick<EcosystemMember, 'file' | 'source'> | undefined, path: (string | number)[], which: 'key' | 'value' = 'value'): Where {
  return { file: m?.file, ...(m?.source ? m.source.locate(path, which) : {}), path };
}

/** `file:line:col` of a place, for a message that refers to a second one. */
export function ref(where: Where): string {
  return where.line ? `${where.file}:${where.line}:${where.col ?? 1}` : (where.file ?? '?');
}

/**
 * A file as an ecosystem's messages show it: relative to the working directory when it lies inside it, or up to
 * three folders above and shorter so (repos cloned side by side: `../semops-data/berth.yaml`); else absolute. @berth/spec's
 * displayPath keeps a repo's own files relative only inside the working directory; an ecosystem is made of
 * sibling repos, so its files are nearly always beside, not below, the orchestrator.
 */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (!rel || isAbsolute(rel)) return path;
  const parts = rel.split(sep);
  let ups = 0;
  while (parts[ups] === '..') ups++;
  const shown = parts.join('/');
  return ups === 0 || (ups <= 3 && shown.length < path.length) ? shown : path;
}
