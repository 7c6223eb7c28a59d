import { describe, expect, it } from 'vitest';
import { parse } from 'jsonc-parser';
import { appendAt, removeAt, setAt, styleOf } from './jsonc-edit.js';

/** Every edit must leave JSONC that parses, with no error. */
function valid(text: string): string {
  const errors: unknown[] = [];
  parse(text, errors as never, { allowTrailingComma: true });
  expect(errors).toEqual([]);
  return text;
}

describe('removing an entry', () => {
  it('takes its own line, with the comment on it, and leaves the rest byte for byte', () => {
    const text = '{\n  "forwardPorts": [\n    8888, // Jupyter\n    // TensorBoard:\n    6006,\n  ],\n}\n';
    expect(valid(removeAt(text, ['forwardPorts', 0]))).toBe('{\n  "forwardPorts": [\n    // TensorBoard:\n    6006,\n  ],\n}\n');
  });

  it('drops the comma the new last entry no longer needs', () => {
    const text = '{\n  "a": 1,\n  "b": 2\n}';
    expect(valid(removeAt(text, ['b']))).toBe('{\n  "a": 1\n}');
    expect(valid(removeAt('[1, 2, 3]', [2]))).toBe('[1, 2]');
    expect(valid(removeAt('[1, 2, 3]', [0]))).toBe('[2, 3]');
    expect(valid(removeAt('[1, 2, 3]', [1]))).toBe('[1, 3]');
  });

  it('leaves no stray comma when the only entry had a trailing one', () => {
    expect(valid(removeAt('{\n  "a": {\n    "b": 1,\n  },\n}', ['a', 'b']))).toBe('{\n  "a": {\n  },\n}');
    expect(valid(removeAt('{ "x": [1,] }', ['x', 0]))).toBe('{ "x": [] }');
  });

  it('does nothing for a path that is not there', () => {
    expect(removeAt('{ "a": 1 }', ['b'])).toBe('{ "a": 1 }');
  });
});

describe('adding an entry', () => {
  it('goes on its own line after the last, in the file\'s indentation, keeping a trailing-comma style', () => {
    expect(valid(appendAt('{\n\t"ports": [\n\t\t1, // one\n\t],\n}', ['ports'], 2))).toBe('{\n\t"ports": [\n\t\t1, // one\n\t\t2,\n\t],\n}');
    expect(valid(appendAt('{\n  "ports": [\n    1\n  ]\n}', ['ports'], 2))).toBe('{\n  "ports": [\n    1,\n    2\n  ]\n}');
  });

  it('stays inline in a one-line container', () => {
    expect(valid(appendAt('{ "ports": [1, 2] }', ['ports'], 'db:5432'))).toBe('{ "ports": [1, 2, "db:5432"] }');
    expect(valid(setAt('{ "p": { "8080": { "label": "a" } } }', ['p', '9090'], { label: 'b', protocol: 'http' }))).toBe('{ "p": { "8080": { "label": "a" }, "9090": { "label": "b", "protocol": "http" } } }');
  });

  it('makes what is missing, on one line where it fits in 100 columns, else one entry a line', () => {
    expect(valid(setAt('{\n  "image": "x"\n}\n', ['hostRequirements', 'gpu'], true))).toBe('{\n  "image": "x",\n  "hostRequirements": { "gpu": true }\n}\n');
    expect(valid(setAt('{}', ['a'], [1]))).toBe('{\n  "a": [1]\n}');
    const long = new Map([['8888', { label: 'Jupyter Lab', protocol: 'http' }], ['5000', { label: 'MLflow UI', protocol: 'http' }]]);
    expect(valid(setAt('{\n  "image": "x"\n}', ['portsAttributes'], long))).toBe(
      '{\n  "image": "x",\n  "portsAttributes": {\n    "8888": { "label": "Jupyter Lab", "protocol": "http" },\n    "5000": { "label": "MLflow UI", "protocol": "http" }\n  }\n}',
    );
  });

  it('fills an empty array written on one line on that line', () => {
    expect(valid(appendAt('{ "forwardPorts": [] }', ['forwardPorts'], 9090))).toBe('{ "forwardPorts": [9090] }');
    expect(valid(appendAt('{\n\t"forwardPorts": [],\n}', ['forwardPorts'], 9090))).toBe('{\n\t"forwardPorts": [9090],\n}');
  });

  it('replaces a value in place', () => {
    expect(valid(setAt('{ "gpu": "optional" /* laptops */ }', ['gpu'], true))).toBe('{ "gpu": true /* laptops */ }');
  });
});

describe('a repeated key', () => {
  // the last occurrence is the one in effect (jsonc-parser's getNodeValue, the Dev Containers CLI)
  const dup = '{\n  "forwardPorts": [3000],\n  "forwardPorts": [8080],\n  "p": { "8080": { "label": "a" } },\n  "p": { "8080": { "label": "b" } }\n}';

  it('is edited where it takes effect: the last occurrence', () => {
    expect(parse(valid(setAt(dup, ['forwardPorts', 0], 9090)))).toMatchObject({ forwardPorts: [9090] });
    expect(setAt(dup, ['forwardPorts', 0], 9090)).toContain('"forwardPorts": [3000],\n  "forwardPorts": [9090]');
    expect(parse(valid(setAt(dup, ['p', '8080', 'label'], 'c')))).toMatchObject({ p: { '8080': { label: 'c' } } });
    expect(parse(valid(appendAt(dup, ['forwardPorts'], 1)))).toMatchObject({ forwardPorts: [8080, 1] });
    expect(parse(valid(removeAt(dup, ['forwardPorts', 0])))).toMatchObject({ forwardPorts: [] });
  });

  it('is removed with every occurrence, so that no earlier one comes into effect', () => {
    expect(parse(valid(removeAt(dup, ['p', '8080'])))).toEqual({ forwardPorts: [8080], p: {} });
    expect(parse(valid(removeAt(dup, ['forwardPorts'])))).toEqual({ p: { '8080': { label: 'b' } } });
  });
});

describe('any edit on any document', () => {
  it('gives the value the edit means, in JSONC that parses, whatever the layout (fast-check)', async () => {
    const fc = (await import('fast-check')).default;
    const value = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.oneof(fc.integer(), fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 4 }), fc.dictionary(fc.constantFrom('x', 'y'), fc.boolean())));
    const layout = fc.constantFrom(
      (v: unknown) => JSON.stringify(v),
      (v: unknown) => JSON.stringify(v, null, 2),
      (v: unknown) => JSON.stringify(v, null, '\t').replace(/\n(\s*)"/g, '\n$1// note\n$1"'),
      (v: unknown) => JSON.stringify(v, null, 2).replace(/(\d|true|false|\]|\})\n/g, '$1,\n'),
    );
    fc.assert(
      fc.property(value, layout, fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 5 }), (v, print, key, n) => {
        const text = print(v);
        const removed = removeAt(text, [key]);
        const expected = { ...v };
        delete expected[key];
        expect(parse(valid(removed))).toEqual(expected);
        expect(parse(valid(setAt(text, [key], n)))).toEqual({ ...v, [key]: n });
        const arr = v[key];
        if (Array.isArray(arr)) {
          expect(parse(valid(appendAt(text, [key], n)))).toEqual({ ...v, [key]: [...arr, n] });
          if (arr.length) expect(parse(valid(removeAt(text, [key, 0])))).toEqual({ ...v, [key]: arr.slice(1) });
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('styleOf', () => {
  it('takes the indent from the first line of JSON, not from a block comment or a comment line above it', () => {
    expect(styleOf('/*\n * A header\n */\n{\n    // a note\n    "image": "x"\n}\n').unit).toBe('    ');
    expect(styleOf('{\n\t"image": "x"\n}\n').unit).toBe('\t');
    expect(styleOf('{ "image": "x" }').unit).toBe('  ');
  });
});
