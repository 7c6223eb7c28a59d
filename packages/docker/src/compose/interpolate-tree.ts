import { interpolate, MAX_INTERPOLATION_NESTING } from './interpolate.js';
import { isMap, type DocPath, type ProblemSink } from './model.js';

/** Unset variables seen so far, so each is reported once (where first used), as Compose does. */
export type UnsetTracker = Map<string, { file: string; path: DocPath; count: number }>;

/**
 * Interpolates every string value of a parsed Compose file (keys are left alone, as Compose does).
 * `${VAR:?msg}` with VAR unset is an error naming the variable and the message.
 */
export function interpolateTree(value: unknown, lookup: (name: string) => string | undefined, file: string, sink: ProblemSink, unset: UnsetTracker, path: DocPath = []): unknown {
  if (typeof value === 'string') {
    const r = interpolate(value, lookup);
    for (const name of r.unset) {
      const seen = unset.get(name);
      if (seen) seen.count++;
      else unset.set(name, { file, path, count: 1 });
    }
    for (const req of r.required) {
      sink.error(path, `required variable ${req.name} is not set${req.message ? `: ${req.message}` : ''}`, 'compose-variable-required', file);
    }
    if (r.tooDeep) sink.error(path, `invalid interpolation format: \${...} nested more than ${MAX_INTERPOLATION_NESTING} levels deep`, 'compose-interpolation', file);
    else if (r.invalid !== undefined) sink.error(path, `invalid interpolation format in "${r.invalid}" (write $$ for a literal $)`, 'compose-interpolation', file);
    return r.value;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, lookup, file, sink, unset, [...path, i]));
  if (isMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateTree(v, lookup, file, sink, unset, [...path, k]);
    return out;
  }
  return value;
}

/** One warning per unset variable, at its first use. */
export function reportUnset(unset: UnsetTracker, sink: ProblemSink): void {
  for (const [name, at] of unset) {
    const more = at.count > 1 ? ` (used ${at.count} times)` : '';
    sink.warn(at.path, `variable ${name} is not set; Compose and berth up read it as an empty string${more}`, 'compose-variable-unset', at.file);
  }
}
