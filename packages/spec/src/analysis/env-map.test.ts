import { describe, expect, it } from 'vitest';
import { formatProblem } from '../problem.js';
import { parseSpec } from '../load/load.js';
import { parseYamlSource } from '../load/yaml-document.js';
import { analyzeEnv } from './analyze-env.js';
import { envMap, envValue } from './env-map.js';

describe('environment variables named like Object\'s own properties', () => {
  it('envValue answers only for names set; envMap keeps __proto__ and constructor as keys like any other', () => {
    expect(envValue({ A: '1' }, 'constructor')).toBeUndefined();
    expect(envValue(process.env, 'toString')).toBeUndefined();
    expect(envValue({ constructor: 'x' }, 'constructor')).toBe('x');
    const map = envMap({ constructor: 'a', A: '1' }, { A: '2' }, undefined);
    map['__proto__'] = 'kept';
    expect(Object.keys(map).sort()).toEqual(['A', '__proto__', 'constructor']);
    expect([map['A'], map['constructor'], map['__proto__'], map['toString']]).toEqual(['2', 'a', 'kept', undefined]);
  });

  it('env check: a variable called constructor or toString is missing until it is set, never "set" by Object', () => {
    const loaded = parseSpec('berth: 1\nrepo: { name: x }\nservices: {}\nenv:\n  constructor: { purpose: p, required: true }\n  toString: { purpose: q }\n');
    const report = analyzeEnv(loaded.value!, { env: { PATH: '/bin' }, file: 'berth.yaml', source: loaded.source });
    expect(report.vars.map((v) => [v.name, v.set, v.source])).toEqual([
      ['constructor', false, undefined],
      ['toString', false, undefined],
    ]);
    expect(report.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^constructor is required always but not set/)]);
    const set = analyzeEnv(loaded.value!, { env: {}, envFile: { file: '.env', values: envMap({ constructor: 'c' }) as Record<string, string> }, file: 'berth.yaml' });
    expect(set.vars.find((v) => v.name === 'constructor')).toMatchObject({ set: true, source: 'env-file' });
  });

  it('a YAML key named __proto__ is a problem at the key, not a variable or service that silently vanishes', () => {
    const spec = parseSpec('berth: 1\nrepo: { name: x }\nservices: {}\nenv:\n  __proto__: { purpose: p }\n');
    expect(spec.problems.map(formatProblem)).toEqual(['berth.yaml:5:3: a key named "__proto__" cannot be kept (zod, and any JavaScript object, drop it); rename it']);
    expect(spec.value).toBeUndefined();
    expect(parseYamlSource('x.yaml', 'a: [{ b: 1 }, { __proto__: 2 }]\n').problems.map((p) => [p.line, p.col, p.code])).toEqual([[1, 17, 'proto-key']]);
  });
});
