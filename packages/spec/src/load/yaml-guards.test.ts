import { describe, expect, it } from 'vitest';
import { formatProblem, parseRegistry, parseSpec } from '../index.js';
import { renderInfrastructurePage } from '../render/index.js';
import { parseYamlSource } from './yaml-document.js';

/**
 * Hostile YAML (the CLI audit's findings 1, 4, 8, 9 and 10): alias cycles and fan-outs, errors the library raises
 * while building the value, YAML 1.1 and unknown tags, control characters. Each is one problem at the place it is
 * written, in berth's words, found at load, quickly; never a hang, a stack overflow or "1:1".
 */
const BASE = ['berth: 1', 'repo:', '  name: h', '  role: owner', '  status: active', '  version: 0.1.0', 'services:', '  app:', '    name: App', '    purpose: p', '    runtime: compose', '    image: nginx'].join('\n');
const spec = (extra: string) => `${BASE}\n${extra}`;
const lines = (text: string, file = 'berth.yaml') => parseSpec(text, file).problems.map(formatProblem);

describe('alias cycles are refused at load, at the alias', () => {
  it('a list holding its own alias', () => {
    expect(lines(spec('x-r: &r [*r]'))).toEqual(['berth.yaml:13:10: alias *r refers to the node that holds it: the value would contain itself (write it out, or alias a node outside it)']);
  });
  it('a document anchored at its root and aliased inside it', () => {
    const text = '&root\nberth: 1\nrepo: {name: h, role: owner, status: active, version: 0.1.0}\nservices: {}\nx-self: *root\n';
    expect(lines(text)).toEqual(['berth.yaml:5:9: alias *root refers to the node that holds it: the value would contain itself (write it out, or alias a node outside it)']);
  });
  it('a map holding its own alias (environment: &e { SELF: *e })', () => {
    const text = BASE.replace('    image: nginx', '    image: nginx\n    env:\n      vars: &e { SELF: *e }');
    expect(lines(text)).toEqual(['berth.yaml:14:24: alias *e refers to the node that holds it: the value would contain itself (write it out, or alias a node outside it)']);
  });
  it('a merge key naming the map that holds it', () => {
    expect(lines(spec('x-r: &r\n  <<: *r\n'))).toEqual(['berth.yaml:14:7: alias *r refers to the node that holds it: the value would contain itself (write it out, or alias a node outside it)']);
  });
  it('in a registry too', () => {
    const text = 'registry: 1\nowner: o\nports: []\nx-r: &r [*r]\n';
    expect(parseRegistry(text, 'ports.yaml').problems.map(formatProblem)).toEqual(['ports.yaml:4:10: alias *r refers to the node that holds it: the value would contain itself (write it out, or alias a node outside it)']);
  });
  it('an alias to an earlier, closed node is fine, merges included', () => {
    expect(lines(spec('x-a: &a [1, 2]\nx-b: [*a, *a]\nx-m: &m { k: v }\nx-n: { <<: *m, j: w }\n'))).toEqual([]);
  });
});

describe('an expansion far larger than the text is refused, at the alias that passes the bound', () => {
  it('a 1 MB file whose aliases copy it 999 times (the audit: 2.6 GB and growing)', () => {
    const item = `"${'x'.repeat(100)}"`;
    const text = `x-q:\n  a: &a [${Array(10_000).fill(item).join(',')}]\n  b: [${Array(999).fill('*a').join(',')}]\n${BASE}\n`;
    const started = Date.now();
    const problems = lines(text);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^berth\.yaml:3:\d+: alias \*a expands the document too far \(past \d+ values and characters, for a text of \d+\): write the values out, or alias fewer of them$/);
  }, 20_000);
  it('the billion laughs: refused at its alias, not at 1:1 in the library\'s words', () => {
    const levels = ['x-l:', '  a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]'];
    for (const p of 'abcdefgh') {
      const n = String.fromCharCode(p.charCodeAt(0) + 1);
      levels.push(`  ${n}: &${n} [${Array(9).fill(`*${p}`).join(',')}]`);
    }
    const problems = lines(spec(levels.join('\n')));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^berth\.yaml:\d\d:\d+: alias \*[a-h] expands the document too far/);
    expect(problems[0]).not.toMatch(/:1:1:|Excessive/);
  });
  it('aliases that nest the value deeper than 256 levels', () => {
    const deep = (n: number, inner: string) => `${'['.repeat(n)}${inner}${']'.repeat(n)}`;
    const text = spec(`x-a: &a ${deep(200, '1')}\nx-b: ${deep(100, '*a')}\n`);
    expect(lines(text)).toEqual(['berth.yaml:14:106: alias *a nests the document more than 256 levels deep']);
  });
});

describe('merge errors are said at the merge key, in berth\'s words', () => {
  it('a merge of a scalar', () => {
    expect(lines(spec('  web:\n    <<: 5\n    name: W\n'))).toEqual(['berth.yaml:14:5: a merge key (<<) takes a map, an alias to a map, or a list of those']);
  });
  it('a merge of an alias to a list of scalars', () => {
    expect(lines(spec('x-l: &l [1]\nx-m:\n  <<: *l\n'))).toEqual(['berth.yaml:15:3: a merge key (<<) takes a map, an alias to a map, or a list of those']);
  });
});

describe('tags', () => {
  it.each([
    ['!!binary aGVsbG8=', '!!binary'],
    ['!!set {a, b}', '!!set'],
    ['!!omap [ {a: 1} ]', '!!omap'],
    ['!!pairs [ {a: 1} ]', '!!pairs'],
    ['!!timestamp 2001-12-14', '!!timestamp'],
    ['!!js/function "function(){}"', '!!js/function'],
    ['!!python/object/apply:os.system ["true"]', '!!python/object/apply:os.system'],
  ])('%s is refused at the tag, in one line', (value, tag) => {
    expect(lines(BASE.replace('purpose: p', `purpose: ${value}`))).toEqual([`berth.yaml:10:14: tag ${tag} is not supported in berth.yaml: write the value as a plain string`]);
  });
  it('a custom tag is a warning that says what berth does with it, not "invalid YAML"', () => {
    expect(lines(BASE.replace('purpose: p', 'purpose: !secret p'))).toEqual(['berth.yaml:10:14: warning: tag !secret is not known to berth; its value is read as plain YAML in berth.yaml (remove the tag)']);
  });
  it("a YAML tag that does not fit its value is an error", () => {
    expect(lines(BASE.replace('purpose: p', 'purpose: !!str {a: 1}'))).toEqual(['berth.yaml:10:14: tag !!str does not fit the value it is on: remove the tag, or write the value it names']);
  });
  it('a format that defines tags reads them silently', () => {
    const doc = parseYamlSource('compose.yaml', 'services:\n  web:\n    ports: !reset []\n', { tags: ['!reset'] });
    expect(doc.problems).toEqual([]);
  });
});

describe('control characters', () => {
  const ctrl = BASE.replace('name: App', 'name: "Evil\\e[31mRed\\e]0;pwned\\a"');
  it('a string holding one is a warning at its place', () => {
    expect(lines(ctrl)).toEqual(['berth.yaml:9:11: warning: holds the control character U+001B, which a terminal or page would act on: remove it']);
  });
  it('the rendered page never holds one', () => {
    const page = renderInfrastructurePage(parseSpec(ctrl, 'berth.yaml').value!);
    // eslint-disable-next-line no-control-regex -- the point
    expect(page).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(page).toContain('Evil\\u001b[31mRed');
  });
  it('an unknown key is quoted with its control characters escaped', () => {
    expect(lines(`${BASE}\n"\\0x": 1\n`)).toContain('berth.yaml:13:1: unknown key "\\u0000x"');
  });
});
