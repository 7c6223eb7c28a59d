import { describe, expect, it } from 'vitest';
import { formatProblem, MAX_NESTING } from '@berth/spec';
import { lineCol, parseJsonc } from './jsonc.js';
import { parseDevcontainerJson } from './read-config.js';

describe('devcontainer.json read as JSONC', () => {
  it('takes comments and trailing commas, and locates values by path', () => {
    const text = '{\n  // the image\n  "image": "x", /* inline */\n  "forwardPorts": [\n    8080,\n  ],\n}\n';
    const { doc, problems } = parseJsonc(text, 'devcontainer.json');
    expect(problems).toEqual([]);
    expect(doc.value).toEqual({ image: 'x', forwardPorts: [8080] });
    expect(doc.locate(['forwardPorts', 0])).toEqual({ line: 5, col: 5 });
    expect(doc.locate(['image'])).toEqual({ line: 3, col: 12 });
    // a path that is not there points at the nearest parent that is
    expect(doc.locate(['forwardPorts', 3])).toEqual({ line: 4, col: 3 });
  });

  it('reports every syntax error at file:line:col, in words', () => {
    const { doc, problems } = parseJsonc('{\n  "a": 1\n  "b": [1 2],\n  "c": "open\n}\n', 'dc.json');
    expect(doc.value).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      'dc.json:3:3: not valid JSONC: expected ","',
      'dc.json:3:11: not valid JSONC: expected ","',
      'dc.json:4:8: not valid JSONC: unclosed string',
    ]);
  });

  it(`nests up to ${MAX_NESTING} levels; past that one line at the first bracket too deep, brackets in strings and comments not counted`, () => {
    const deep = (n: number) => `{\n  "x": ${'['.repeat(n - 1)}${']'.repeat(n - 1)}\n}\n`;
    expect(parseJsonc(deep(MAX_NESTING), 'dc.json').problems).toEqual([]);
    const quoted = `{ "s": "${'['.repeat(1000)}", /* ${'{'.repeat(1000)} */ "x": ${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)} }`;
    expect(parseJsonc(quoted, 'dc.json').problems).toEqual([]);
    for (const n of [MAX_NESTING + 1, 100_000]) {
      const { doc, problems } = parseJsonc(deep(n), 'dc.json');
      expect(problems.map(formatProblem)).toEqual([`dc.json:2:${8 + MAX_NESTING - 1}: not valid JSONC: nested more than ${MAX_NESTING} levels deep`]);
      expect(doc.value).toBeUndefined();
    }
  });

  it('counts lines and columns from 1', () => {
    expect([lineCol('ab\ncd', 0), lineCol('ab\ncd', 3), lineCol('ab\ncd', 4)]).toEqual([
      { line: 1, col: 1 },
      { line: 2, col: 1 },
      { line: 2, col: 2 },
    ]);
  });
});

describe('the fields berth reads', () => {
  it('refuses forwardPorts entries that are not ports, one line each at the entry', () => {
    const r = parseDevcontainerJson('{\n  "forwardPorts": [8080, "web", 0, 65536, "db:5432", "db:", 3000.5, true]\n}\n', 'dc.json');
    expect(r.config).toBeUndefined();
    expect(r.problems.map(formatProblem)).toEqual([
      'dc.json:2:26: forwardPorts.1: "web" is not a port: forwardPorts takes a number from 1 to 65535 or "service:port"',
      'dc.json:2:33: forwardPorts.2: 0 is not a port: forwardPorts takes a number from 1 to 65535 or "service:port"',
      'dc.json:2:36: forwardPorts.3: 65536 is not a port: forwardPorts takes a number from 1 to 65535 or "service:port"',
      'dc.json:2:54: forwardPorts.5: "db:" is not a port: forwardPorts takes a number from 1 to 65535 or "service:port"',
      'dc.json:2:61: forwardPorts.6: 3000.5 is not a port: forwardPorts takes a number from 1 to 65535 or "service:port"',
      'dc.json:2:69: forwardPorts.7: not one of the forms devcontainer.json allows here',
    ]);
  });

  it('checks the GPU request and portsAttributes, and leaves every other field alone', () => {
    const r = parseDevcontainerJson('{ "hostRequirements": { "gpu": "yes" }, "portsAttributes": { "80": { "protocol": "tcp" } }, "customizations": { "any": [1] } }', 'dc.json');
    expect(r.problems.map((p) => p.message)).toEqual(['hostRequirements.gpu: not one of the forms devcontainer.json allows here', 'portsAttributes.80.protocol: must be one of "http", "https"']);
    expect(parseDevcontainerJson('{ "image": "x", "customizations": { "any": [1] }, "mounts": [] }', 'dc.json').problems).toEqual([]);
  });

  it('wants one object', () => {
    expect(parseDevcontainerJson('[1]', 'dc.json').problems.map(formatProblem)).toEqual(['dc.json:1:1: devcontainer.json must hold one JSON object']);
  });
});
