import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../problem.js';
import { parseSpec } from './load.js';
import { composePlainYaml } from './plain-yaml.js';
import { parseYamlSource } from './yaml-document.js';
import { MAX_NESTING, parseYamlDocument } from './yaml-library.js';

/** Texts nested `depth` levels under `a:`, in each way YAML nests: flow lists, flow maps, block maps, block lists. */
const nested = {
  flowList: (depth: number) => `a: ${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}\n`,
  flowMap: (depth: number) => `a: ${'{k: '.repeat(depth - 1)}1${'}'.repeat(depth - 1)}\n`,
  blockMap: (depth: number) => `${Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`,
  blockList: (depth: number) => `a:\n${'- '.repeat(depth - 1)}x\n`,
};

describe('parseYamlDocument: the YAML library, refusing what nests too deep to compose', () => {
  it('answers as parseDocument does for ordinary texts: value, errors, several documents, an empty text', () => {
    for (const text of ['a: 1\nb: [x, {c: d}]\n', 'a: [1, 2\n', '---\na: 1\n---\nb: 2\n', '', 'a: &x 1\nb: *x\n']) {
      const ours = parseYamlDocument(text, { prettyErrors: false });
      const theirs = parseDocument(text, { prettyErrors: false });
      expect(ours.toJS()).toEqual(theirs.toJS());
      expect(ours.errors.map((e) => [e.code, e.pos])).toEqual(theirs.errors.map((e) => [e.code, e.pos]));
    }
  });

  for (const [kind, make] of Object.entries(nested)) {
    it(`${kind}: ${MAX_NESTING} levels parse; one more is one error at the collection past the limit, and thousands more never reach the stack`, () => {
      expect(parseYamlDocument(make(MAX_NESTING)).errors).toEqual([]);
      const over = parseYamlDocument(make(MAX_NESTING + 1));
      expect(over.errors.map((e) => [e.code, e.message])).toEqual([['RESOURCE_EXHAUSTION', `nested more than ${MAX_NESTING} levels deep`]]);
      expect(over.toJS()).toBeNull();
      // a block map's text grows with the square of its depth
      const huge = parseYamlDocument(make(kind === 'blockMap' ? 3000 : 50_000));
      expect(huge.errors.map((e) => e.code)).toEqual(['RESOURCE_EXHAUSTION']);
      expect(huge.errors[0]!.pos[0]).toBe(over.errors[0]!.pos[0]);
    });
  }
});

describe('the loader on deeply nested YAML', () => {
  it('composes up to the limit on the plain path, with the same value as the library', () => {
    const text = nested.flowList(MAX_NESTING);
    expect(composePlainYaml(text)?.value).toEqual(parseDocument(text).toJS());
    expect(composePlainYaml(nested.flowList(MAX_NESTING + 1))).toBeUndefined();
    expect(composePlainYaml(nested.blockMap(MAX_NESTING + 1))).toBeUndefined();
  });

  it('says where a document nests too deep, in one line, and gives no value', () => {
    const deep = parseYamlSource('deep.yaml', `b: 1\n${nested.flowList(MAX_NESTING + 1)}`);
    expect(deep.problems.map(formatProblem)).toEqual([`deep.yaml:2:${3 + MAX_NESTING}: invalid YAML: nested more than ${MAX_NESTING} levels deep`]);
    expect(deep.value).toBeUndefined();
    const block = parseYamlSource('deep.yaml', nested.blockMap(3000));
    expect(block.problems.map((p) => [p.line, p.message])).toEqual([[MAX_NESTING + 1, `invalid YAML: nested more than ${MAX_NESTING} levels deep`]]);
  });

  it("a second document is one line in the user's words, not the library's advice", () => {
    const two = parseYamlSource('m.yaml', 'berth: 1\nrepo: {name: x}\n---\nberth: 1\n');
    expect(two.problems.map(formatProblem)).toEqual(['m.yaml:3:1: invalid YAML: a second document (after ---): the file must hold one']);
  });

  it('a spec with an x- extension nested 100,000 levels deep is one problem, not a crash', () => {
    const loaded = parseSpec(`berth: 1\nrepo: { name: x }\nx-deep: ${'['.repeat(100_000)}${']'.repeat(100_000)}\nservices: {}\n`);
    expect(loaded.problems.map(formatProblem)).toEqual([`berth.yaml:3:${8 + MAX_NESTING}: invalid YAML: nested more than ${MAX_NESTING} levels deep`]);
  });
});
