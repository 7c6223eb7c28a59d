import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { parseRegistry, parseSpec, type Problem } from '../src/index.js';

/**
 * The loader never throws and always returns, whatever it is fed: the example spec's text with
 * bytes deleted, duplicated, swapped or replaced, and its parsed object with keys dropped, values
 * swapped for other types and subtrees copied elsewhere. A parse that hung would fail this test by
 * its timeout; one that threw fails the property.
 */
const exampleText = readFileSync(fileURLToPath(new URL('../../../examples/semops-data/berth.yaml', import.meta.url)), 'utf8');
const registryText = readFileSync(fileURLToPath(new URL('../../../examples/semops-dx-orchestrator/ports.yaml', import.meta.url)), 'utf8');
const exampleObject = parseSpec(exampleText).source!.value as Record<string, unknown>;

function wellFormed(result: { problems: Problem[]; value?: unknown }) {
  expect(Array.isArray(result.problems)).toBe(true);
  for (const p of result.problems) {
    expect(typeof p.message).toBe('string');
    expect(p.message.length).toBeGreaterThan(0);
    if (p.line !== undefined) expect(p.line).toBeGreaterThanOrEqual(1);
  }
  // A value comes back only when there is no error, and an error always comes with a message.
  if (result.value !== undefined) expect(result.problems.some((p) => p.severity === 'error')).toBe(false);
  else expect(result.problems.some((p) => p.severity === 'error')).toBe(true);
}

/** One edit of a text: delete, duplicate or move a slice, or drop in random bytes or YAML punctuation. */
const textEdit = (length: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(length), len: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(length), len: fc.integer({ min: 1, max: 200 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(length), text: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(':', '- ', '{', '}', '[', ']', '"', "'", '&a ', '*a', '\t', '\n  ', '#', '!!int ', '? ', '|', '>', '%YAML 1.2\n---\n', '\u0000', '\ufeff')) }),
    fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(length), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
  );

type TextEdit = { kind: 'delete'; at: number; len: number } | { kind: 'duplicate'; at: number; len: number } | { kind: 'insert'; at: number; text: string } | { kind: 'bytes'; at: number; bytes: Uint8Array };

function applyEdit(text: string, e: TextEdit): string {
  const at = Math.min(e.at, text.length);
  switch (e.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + e.len);
    case 'duplicate':
      return text.slice(0, at) + text.slice(at, at + e.len) + text.slice(at);
    case 'insert':
      return text.slice(0, at) + e.text + text.slice(at);
    case 'bytes':
      return text.slice(0, at) + Buffer.from(e.bytes).toString('latin1') + text.slice(at);
  }
}

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

describe('the loader under mutation (fuzz)', () => {
  it('never throws on the example spec text with 1-4 random edits (3,000 cases)', () => {
    fc.assert(
      fc.property(fc.array(textEdit(exampleText.length), { minLength: 1, maxLength: 4 }), (edits) => {
        const text = edits.reduce(applyEdit, exampleText);
        wellFormed(parseSpec(text, 'berth.yaml'));
      }),
      { numRuns: 3000, seed: 20260223 },
    );
  }, 240_000);

  it('never throws on the example spec object with keys dropped, renamed, retyped or copied (1,500 cases)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allPaths), fc.constantFrom('delete', 'replace', 'copy', 'rename'), replacement, fc.constantFrom(...allPaths), (path, op, value, donor) => {
        const mutated = mutateObject(exampleObject, path, op as 'delete', value, donor);
        wellFormed(parseSpec(stringify(mutated), 'berth.yaml'));
      }),
      { numRuns: 1500, seed: 7 },
    );
  }, 240_000);

  it('never throws on the registry text with random edits (500 cases)', () => {
    fc.assert(
      fc.property(fc.array(textEdit(registryText.length), { minLength: 1, maxLength: 3 }), (edits) => {
        wellFormed(parseRegistry(edits.reduce(applyEdit, registryText), 'ports.yaml'));
      }),
      { numRuns: 500, seed: 11 },
    );
  }, 120_000);

  it('returns on an alias bomb instead of expanding it', () => {
    const bomb = ['berth: 1', 'repo: { name: bomb }', 'x-a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]', ...Array.from({ length: 9 }, (_, i) => `x-${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    const r = parseSpec(bomb, 'bomb.yaml');
    expect(r.value).toBeUndefined();
    expect(r.problems[0]?.message).toMatch(/alias/i);
  });
});
