import { describe, expect, it } from 'vitest';
import { formatProblem } from '../problem.js';
import { pushAll } from '../util/push-all.js';
import { parseSpec } from './load.js';
import { parseYamlSource } from './yaml-document.js';

/**
 * What keeps loading linear in the size of a spec (timings are in bench/spec-large-input.mjs): berth's own
 * duplicate-key check, an index per large map for locating problems, one did-you-mean per unknown key.
 * These tests pin that the faster paths say exactly what the slow ones said.
 */
describe('loading large specs', () => {
  const services = (n: number, line: (i: number) => string) => `berth: 1\nrepo: { name: big }\nservices:\n${Array.from({ length: n }, (_, i) => line(i)).join('\n')}\n`;

  it('finds a repeated key in a large map (a set) and in a small one (a scan), at the repeat, each once', () => {
    const text = services(40, (i) => `  s${i}: { purpose: x }`) + '  s7: { purpose: again }\n  s7: { purpose: thrice }\n';
    const loaded = parseSpec(text);
    expect(loaded.problems.map(formatProblem)).toEqual(['berth.yaml:44:3: duplicate key "s7"', 'berth.yaml:45:3: duplicate key "s7"']);
    const small = parseYamlSource('x.yaml', 'a: { b: 1, c: 2, b: 3 }\nlist:\n  - { k: 1, k: 2 }\n');
    expect(small.problems.map(formatProblem)).toEqual(['x.yaml:1:18: duplicate key "b"', 'x.yaml:3:13: duplicate key "k"']);
    expect(small.value).toBeUndefined();
  });

  it('compares keys by value as the YAML library does: 1 and "1" differ, "a" and a do not', () => {
    expect(parseYamlSource('x.yaml', '1: a\n"1": b\n').problems).toEqual([]);
    expect(parseYamlSource('x.yaml', 'a: 1\n"a": 2\n').problems.map(formatProblem)).toEqual(['x.yaml:2:1: duplicate key "a"']);
  });

  it('locates a key in a map of a thousand keys, and the nearest ancestor of one that is not there', () => {
    const source = parseYamlSource('x.yaml', services(1000, (i) => `  s${i}:\n    purpose: p${i}`));
    expect(source.locate(['services', 's0', 'purpose'])).toEqual({ line: 5, col: 14 });
    expect(source.locate(['services', 's999', 'purpose'])).toEqual({ line: 2003, col: 14 });
    expect(source.locate(['services', 's999'], 'key')).toEqual({ line: 2002, col: 3 });
    expect(source.locate(['services', 'nope', 'purpose'])).toEqual({ line: 4, col: 3 });
  });

  it('2,000 services each with a misspelt key: one problem each, at its line, each with the did-you-mean', () => {
    const loaded = parseSpec(services(2000, (i) => `  s${i}: { purpose: x, prots: [${3000 + i}] }`));
    expect(loaded.problems).toHaveLength(2000);
    expect(formatProblem(loaded.problems[0]!)).toBe('berth.yaml:4:21: services.s0: unknown key "prots" (did you mean "ports"?)');
    expect(formatProblem(loaded.problems[1999]!)).toBe('berth.yaml:2003:24: services.s1999: unknown key "prots" (did you mean "ports"?)');
  });

  it('references to missing services: a did-you-mean for the first ones, no list of thousands of names', () => {
    const loaded = parseSpec(services(300, (i) => `  s${i}: { dependsOn: [t${i}] }`));
    expect(loaded.problems).toHaveLength(300);
    expect(loaded.problems[0]!.message).toBe('service "t0" does not exist (did you mean "s0"?)');
    expect(loaded.problems[299]!.message).toBe('service "t299" does not exist');
  });

  it('appends more items than a call can take as arguments', () => {
    const many = Array.from({ length: 300_000 }, (_, i) => i);
    expect(() => [].push(...(many as never[]))).toThrow(RangeError);
    expect(pushAll([-1], many)).toHaveLength(300_001);
  });
});
