import { scalarText, type ComposeMap, type DocPath, type ProblemSink } from './model.js';
import { asMap, bareMap, splitEntry } from './merge.js';
import { hasReference } from './references.js';

/**
 * A list of `KEY=value` entries (`environment`, `labels`, build `args`, `extra_hosts`) as the map the spec
 * holds, values as written (references kept). Compose interpolates a list entry as a whole but never a map
 * key, so a name written with a reference (`${HOST}:1.2.3.4`) would be dead text as a key: it is carried as
 * Compose reads it, from `resolved` (the same list, interpolated), with a warning; kept as written, with a
 * warning, where its variable is unset.
 */
export function entriesAsMap(written: unknown, resolved: unknown, key: string, at: DocPath, sink: ProblemSink): ComposeMap {
  if (!Array.isArray(written)) {
    // a list merged from several files (an override, extends) is a map by now: its `__proto__=` entry is still there to report
    const map = asMap(written, key);
    if (!Object.hasOwn(map, '__proto__')) return map;
    sink.error([...at, '__proto__'], PROTO_KEY, 'proto-key');
    const out = bareMap(map);
    delete out['__proto__'];
    return out;
  }
  const out = bareMap();
  written.forEach((entry, i) => {
    const text = scalarText(entry);
    if (text === undefined) return;
    const [raw, value] = splitEntry(text, key);
    const name = hasReference(raw) ? resolvedName(raw, Array.isArray(resolved) ? resolved[i] : undefined, key, [...at, i], sink) : raw;
    // as the map form is (the YAML reader refuses that key): the spec's map could not keep it
    if (name === '__proto__') sink.error([...at, i], PROTO_KEY, 'proto-key');
    else out[name] = value;
  });
  return out;
}

/** What the YAML reader says of a map key named `__proto__`, said the same of a list entry with that name. */
const PROTO_KEY = 'a key named "__proto__" cannot be kept (zod, and any JavaScript object, drop it); rename it';

/**
 * The name of a list entry written with a reference: as Compose reads it (from RESOLVEDENTRY, the entry
 * interpolated), with a warning; as written, with a warning, where its variable is unset.
 */
export function resolvedName(name: string, resolvedEntry: unknown, key: string, at: DocPath, sink: ProblemSink): string {
  const text = scalarText(resolvedEntry);
  const resolved = text === undefined ? '' : splitEntry(text, key)[0];
  if (resolved === '') {
    sink.warn(at, `the name "${name}" holds a variable that is unset, and the spec's map key cannot keep a reference; kept as written, which Compose will not fill in`, 'compose-entry-name-reference');
    return name;
  }
  sink.warn(at, `the name "${name}" holds a variable, and the spec's map key cannot keep a reference; carried as Compose reads it now, "${resolved}" (a later change of the variable does not reach it)`, 'compose-entry-name-reference');
  return resolved;
}
