import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRegistry, parseSpec } from '../src/index.js';
import { exampleText, registryText, wellFormed } from './loader-fuzz-support.js';

/**
 * The loader never throws and always returns, whatever text it is fed: the example spec's and registry's text with
 * bytes deleted, duplicated, swapped or replaced. A parse that hung would fail this test by its timeout; one that
 * threw fails the property. (Mutated objects: loader-objects.fuzz.test.ts, a file of its own so the two run side by side.)
 */
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

describe('the loader under mutation of its text (fuzz)', () => {
  it('never throws on the example spec text with 1-4 random edits (3,000 cases)', () => {
    fc.assert(
      fc.property(fc.array(textEdit(exampleText.length), { minLength: 1, maxLength: 4 }), (edits) => {
        const text = edits.reduce(applyEdit, exampleText);
        wellFormed(parseSpec(text, 'berth.yaml'));
      }),
      { numRuns: 3000, seed: 20260223 },
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
