import { scalarText, type ComposeMap, type DocPath, type ProblemSink } from './model.js';
import { asMap, splitEntry } from './merge.js';
import { hasReference } from './references.js';

/**
 * A list of `KEY=value` entries (`environment`, `labels`, build `args`, `extra_hosts`) as the map the spec
 * holds, values as written (references kept). Compose interpolates a list entry as a whole but never a map
 * key, so a name written with a reference (`${HOST}:1.2.3.4`) would be dead text as a key: it is carried as
 * Compose reads it, from `resolved` (the same list, interpolated), with a warning; kept as written, with a
 * warning, where its variable is unset.
 */
export function entriesAsMap(written: unknown, resolved: unknown, key: string, at: DocPath, sink: ProblemSink): ComposeMap {
  if (!Array.isArray(written)) return asMap(written, key);
  const out: ComposeMap = {};
  written.forEach((entry, i) => {
    const text = scalarText(entry);
    if (text === undefined) return;
    const [name, value] = splitEntry(text, key);
    out[hasReference(name) ? resolvedName(name, Array.isArray(resolved) ? resolved[i] : undefined, key, [...at, i], sink) : name] = value;
  });
  return out;
}

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
