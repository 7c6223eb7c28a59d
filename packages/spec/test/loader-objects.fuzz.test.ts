import { describe, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseSpec } from '../src/index.js';
import { exampleText, wellFormed } from './loader-fuzz-support.js';

/**
 * The loader never throws and always returns when the example spec's parsed object has keys dropped, values swapped
 * for other types and subtrees copied elsewhere (text edits: loader.fuzz.test.ts).
 */
const exampleObject = parseSpec(exampleText).source!.value as Record<string, unknown>;

/** Paths to every node of the example object, to mutate one at a time. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((c, i) => paths(c, [...prefix, i], out));
  else if (v && typeof v === 'object' && !(v instanceof Date)) for (const [k, c] of Object.entries(v)) paths(c, [...prefix, k], out);
  return out;
}
const allPaths = paths(exampleObject).filter((p) => p.length > 0);

const replacement = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 5000.5, 65536, '', 'x', '2s', '7010-7000', [], {}, [1, 'a'], { type: 'http' }, { 'x-ext': 1 }, new Date(0)),
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.double(),
);

function mutateObject(root: unknown, path: (string | number)[], op: 'delete' | 'replace' | 'copy' | 'rename', value: unknown, donor: (string | number)[]): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (op === 'replace') parent[key] = value;
  else if (op === 'rename' && !Array.isArray(parent)) {
    parent[`${String(key)}x`] = parent[key];
    delete parent[key];
  } else {
    let d: unknown = copy;
    for (const seg of donor) d = (d as Record<string | number, unknown>)?.[seg];
    parent[key] = structuredClone(d ?? null);
  }
  return copy;
}

describe('the loader under mutation of its object (fuzz)', () => {
  it('never throws on the example spec object with keys dropped, renamed, retyped or copied (1,500 cases)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allPaths), fc.constantFrom('delete', 'replace', 'copy', 'rename'), replacement, fc.constantFrom(...allPaths), (path, op, value, donor) => {
        const mutated = mutateObject(exampleObject, path, op as 'delete', value, donor);
        wellFormed(parseSpec(stringify(mutated), 'berth.yaml'));
      }),
      { numRuns: 1500, seed: 7 },
    );
  }, 240_000);

});
