import { isNode, Pair, Scalar, visit, YAMLMap, type Document } from 'yaml';
import { isMap } from './model.js';

/** Compose's `!reset` (drop the value the files before set) and `!override` (replace it instead of merging). */
export const RESET = '\u0000compose:reset';
export const OVERRIDE = '\u0000compose:override';

/** Rewrites `!reset` and `!override` nodes into markers the merge understands; returns whether any was found. */
export function markComposeTags(doc: Document): boolean {
  let found = false;
  visit(doc, {
    Node(_key, node) {
      if (!isNode(node) || (node.tag !== '!reset' && node.tag !== '!override')) return undefined;
      found = true;
      if (node.tag === '!reset') return new Scalar(RESET);
      node.tag = undefined;
      const wrapper = new YAMLMap();
      wrapper.items.push(new Pair(new Scalar(OVERRIDE), node));
      return wrapper;
    },
  });
  return found;
}

export const isReset = (v: unknown): boolean => v === RESET;
export const overridden = (v: unknown): { value: unknown } | undefined => (isMap(v) && OVERRIDE in v && Object.keys(v).length === 1 ? { value: v[OVERRIDE] } : undefined);

/** The model with markers left over (in the first file, or nested) resolved: reset keys dropped, overrides unwrapped. */
export function resolveMarkers(v: unknown): unknown {
  const o = overridden(v);
  if (o) return resolveMarkers(o.value);
  if (Array.isArray(v)) return v.filter((x) => !isReset(x)).map(resolveMarkers);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).filter(([, x]) => !isReset(x)).map(([k, x]) => [k, resolveMarkers(x)]));
  return v;
}
