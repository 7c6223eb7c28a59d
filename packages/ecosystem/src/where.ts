import type { EcosystemMember, Where } from './model.js';

/** A path into a member's spec, located. */
export function whereIn(m: Pick<EcosystemMember, 'file' | 'source'> | undefined, path: (string | number)[], which: 'key' | 'value' = 'value'): Where {
  return { file: m?.file, ...(m?.source ? m.source.locate(path, which) : {}), path };
}

/** `file:line:col` of a place, for a message that refers to a second one. */
export function ref(where: Where): string {
  return where.line ? `${where.file}:${where.line}:${where.col ?? 1}` : (where.file ?? '?');
}
