import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { starterSpecText } from '@berth/spec/render';
import { spliceFault, spliceYaml } from './yaml-splice.js';

const example = readFileSync(fileURLToPath(new URL('../../../examples/semops-data/berth.yaml', import.meta.url)), 'utf8');
const print = (doc: ReturnType<typeof parseDocument>) => doc.toString({ lineWidth: 0 });

describe('spliceYaml', () => {
  it('gives back the original when nothing changed, though the yaml library prints it otherwise', () => {
    const reprinted = print(parseDocument(example));
    expect(reprinted).not.toBe(example); // flow padding and comment alignment differ
    expect(spliceYaml(example, reprinted)).toBe(example);
  });

  it('prints anew only the pair that changed, one level down at a time', () => {
    const doc = parseDocument(example);
    (doc.getIn(['services', 'mlflow', 'runtime']) as YAMLMap).set('onAutoForward', 'openBrowser');
    const out = spliceYaml(example, print(doc));
    expect(parse(out)).toEqual(doc.toJSON());
    const lines = (t: string) => t.split('\n');
    const added = lines(out).filter((l) => !lines(example).includes(l));
    const removed = lines(example).filter((l) => !lines(out).includes(l));
    expect(added).toEqual(['      onAutoForward: openBrowser']);
    expect(removed).toEqual([]);
    expect(out).toContain('    exclusiveWith: [marquez]   # Marquez API also uses 5000'); // a sibling's alignment kept
  });

  it('keeps list items that did not change and the blank lines between top-level keys', () => {
    const doc = parseDocument(example);
    doc.setIn(['services', 'marquez', 'ports', 1, 'host'], 5003);
    doc.deleteIn(['connections', 'ollama']);
    (doc.get('services') as YAMLMap).set('tensorboard', doc.createNode({ runtime: 'devcontainer', ports: [6006] }));
    const out = spliceYaml(example, print(doc));
    expect(parse(out)).toEqual(doc.toJSON());
    expect(out).toContain('      - host: 5003\n        name: admin');
    expect(out).toContain('    dependsOn: [marquez]\n  tensorboard:\n    runtime: devcontainer\n    ports:\n      - 6006\n\nmodules:');
    expect(out).not.toContain('Ollama');
    expect(out.split('\n').length).toBe(example.split('\n').length - 9 + 4);
  });

  it('follows the edited text where it cannot match the two (another kind of document)', () => {
    expect(spliceYaml('a: 1\n', '- 1\n')).toBe('- 1\n');
  });
});

/** What `berth import devcontainer` does to a spec through the Document API: a new service, and a new top-level section (after a blank line) before `before`, else at the end. */
function importLike(text: string, opts: { service?: string; section?: string; before?: string } = {}): string {
  const doc = parseDocument(text);
  if (opts.service) doc.setIn(['services', opts.service], doc.createNode({ name: 'TensorBoard', runtime: 'devcontainer', ports: [6006] }));
  if (opts.section) {
    const pair = doc.createPair(opts.section, { image: 'python:3.12' });
    (pair.key as Scalar).spaceBefore = true;
    const items = (doc.contents as YAMLMap).items;
    const at = items.findIndex((p) => (p.key as Scalar).value === opts.before);
    items.splice(at === -1 ? items.length : at, 0, pair);
  }
  return print(doc);
}

const commentLines = (t: string) => t.split(/\r?\n/).filter((l) => /^\s*#/.test(l));
/** Each comment line of `before` once in `after`, in the same order, and no other. */
function expectCommentsKept(before: string, after: string) {
  expect(commentLines(after)).toEqual(commentLines(before));
}

describe('spliceYaml keeps every comment once, where it was', () => {
  const init = starterSpecText({ repo: 'demo' });

  it('on the spec berth init writes: the new service before the commented-out one, the new section after env, each comment once', () => {
    const out = spliceYaml(init, importLike(init, { service: 'tensorboard', section: 'devcontainer', before: 'docs' }));
    expectCommentsKept(init, out);
    expect(out.match(/# conventions:/g)).toHaveLength(1);
    expect(out.match(/# Optional features/g)).toHaveLength(1);
    expect(out).toContain('    #     url: http://localhost:8080/health\n  tensorboard:\n    name: TensorBoard\n    runtime: devcontainer\n    ports:\n      - 6006\n  # admin:\n');
    expect(out).toContain('  #   exclusiveWith: [app]   # two services on one port: declare they never run together\n\n# Optional features; an env var can be required only when its module is enabled.\nmodules:\n');
    expect(out).toContain('    required: { module: search }\n\ndevcontainer:\n  image: python:3.12\n\n# conventions:\n');
    // the original, byte for byte, with the new lines taken out
    expect(out.replace('  tensorboard:\n    name: TensorBoard\n    runtime: devcontainer\n    ports:\n      - 6006\n', '').replace('\ndevcontainer:\n  image: python:3.12\n', '')).toBe(init);
  });

  it('puts new services and sections before the trailing comments, not after them, and does not repeat them', () => {
    const original = 'a: 1\nservices:\n  app:\n    name: App\n# trailing comment\n#   more of it\n';
    const out = spliceYaml(original, importLike(original, { service: 'web', section: 'devcontainer' }));
    expect(out).toBe('a: 1\nservices:\n  app:\n    name: App\n  web:\n    name: TensorBoard\n    runtime: devcontainer\n    ports:\n      - 6006\n\ndevcontainer:\n  image: python:3.12\n# trailing comment\n#   more of it\n');
  });

  it('leaves the comment above the next section where it is, and out of the new service', () => {
    const original = 'berth: 1\nservices:\n  app:\n    name: App\n  # admin:\n  #   name: Admin\n\n# Optional features\nmodules:\n  search: {}\n';
    const out = spliceYaml(original, importLike(original, { service: 'tb' }));
    expect(out).toBe('berth: 1\nservices:\n  app:\n    name: App\n  tb:\n    name: TensorBoard\n    runtime: devcontainer\n    ports:\n      - 6006\n  # admin:\n  #   name: Admin\n\n# Optional features\nmodules:\n  search: {}\n');
  });

  it('keeps the comments between services with the service they sit above', () => {
    const original = 'services:\n  # the app\n  app:\n    name: App   # shown\n\n  # the database\n  db:\n    name: DB\n  # a third, some day\n';
    const doc = parseDocument(original);
    doc.setIn(['services', 'app', 'purpose'], 'serves');
    doc.setIn(['services', 'web'], doc.createNode({ name: 'Web' }));
    const out = spliceYaml(original, print(doc));
    expect(out).toBe('services:\n  # the app\n  app:\n    name: App   # shown\n    purpose: serves\n\n  # the database\n  db:\n    name: DB\n  web:\n    name: Web\n  # a third, some day\n');
  });

  it('keeps the comment above a first pair the edit removes, as the library does (on the map), rather than refusing', () => {
    const original = 'berth: 1\ndevcontainer:\n  # the base image\n  image: x\n  build:\n    dockerfile: Dockerfile\n';
    const doc = parseDocument(original);
    (doc.get('devcontainer') as YAMLMap).delete('image');
    expect(spliceYaml(original, print(doc))).toBe('berth: 1\ndevcontainer:\n  # the base image\n  build:\n    dockerfile: Dockerfile\n');
  });

  it('sets a new section apart with a blank line where the section before ends in a comment', () => {
    const original = 'services:\n  app:\n    name: App\n  # db: later\n\n# end\n';
    expect(spliceYaml(original, importLike(original, { section: 'devcontainer' }))).toBe('services:\n  app:\n    name: App\n  # db: later\n\ndevcontainer:\n  image: python:3.12\n\n# end\n');
  });

  it('writes CRLF where the spec has CRLF', () => {
    const original = 'a: 1\r\nservices:\r\n  app:\r\n    name: App   # here\r\n# trailing\r\n';
    const out = spliceYaml(original, importLike(original, { service: 'web', section: 'devcontainer' }));
    expect(out).toBe('a: 1\r\nservices:\r\n  app:\r\n    name: App   # here\r\n  web:\r\n    name: TensorBoard\r\n    runtime: devcontainer\r\n    ports:\r\n      - 6006\r\n\r\ndevcontainer:\r\n  image: python:3.12\r\n# trailing\r\n');
  });

  it('reads past a byte-order mark and gives it back', () => {
    const original = '\uFEFFa: 1   # café\nservices:\n  app: {}\n';
    expect(spliceYaml(original, importLike(original, { service: 'web', section: 'devcontainer' }))).toBe(
      '\uFEFFa: 1   # café\nservices:\n  app: {}\n  web:\n    name: TensorBoard\n    runtime: devcontainer\n    ports:\n      - 6006\n\ndevcontainer:\n  image: python:3.12\n',
    );
  });

  it('keeps a spec without a trailing newline without one', () => {
    const original = 'a: 1   # one\nservices:\n  app:\n    name: App';
    const out = spliceYaml(original, importLike(original, { service: 'web', section: 'devcontainer' }));
    expect(out).toBe('a: 1   # one\nservices:\n  app:\n    name: App\n  web:\n    name: TensorBoard\n    runtime: devcontainer\n    ports:\n      - 6006\n\ndevcontainer:\n  image: python:3.12');
    const trailing = 'a: 1\n# last words';
    expect(spliceYaml(trailing, importLike(trailing, { section: 'devcontainer' }))).toBe('a: 1\n\ndevcontainer:\n  image: python:3.12\n# last words');
  });

  it('keeps the bytes of every pair whose value did not change, however the library would print it', () => {
    const original = "berth: 1\nrepo: {name: h,   role: owner}\nservices:\n  app:\n    name:    'App'     # aligned\n    ports: [ 8080 ]\n    runtime:\n    - compose\n  db:\n    image: \"postgres\"\n";
    const doc = parseDocument(original);
    doc.setIn(['services', 'db', 'image'], 'postgres:16');
    doc.setIn(['services', 'app', 'runtime', 1], 'devcontainer');
    const out = spliceYaml(original, print(doc));
    expect(out).toBe("berth: 1\nrepo: {name: h,   role: owner}\nservices:\n  app:\n    name:    'App'     # aligned\n    ports: [ 8080 ]\n    runtime:\n    - compose\n    - devcontainer\n  db:\n    image: \"postgres:16\"\n");
  });

  it('prints a new pair or item at the depth of its neighbours, where the spec indents otherwise than the library', () => {
    const original = 'services:\n    app:\n        name: App\n        runtime:\n        -   compose\n';
    const doc = parseDocument(original);
    doc.setIn(['services', 'app', 'runtime', 1], doc.createNode({ kind: 'devcontainer', onAutoForward: 'silent' }));
    doc.setIn(['services', 'web'], doc.createNode({ name: 'Web', ports: [8080] }));
    const out = spliceYaml(original, print(doc));
    expect(out).toBe('services:\n    app:\n        name: App\n        runtime:\n        -   compose\n        - kind: devcontainer\n          onAutoForward: silent\n    web:\n      name: Web\n      ports:\n        - 8080\n');
    expect(parse(out)).toEqual(doc.toJS());
  });

  it('refuses a text that does not say what the edit says, or that repeats, drops or moves a comment', () => {
    const original = 'a: 1\n# one\nb: 2\n# two\n';
    expect(spliceFault(original, 'a: 1\nb: 3\n', 'a: 1\n# one\nb: 2\n# two\n')).toBe('the merged text does not hold the edited values');
    expect(spliceFault(original, 'a: 1\n# one\nb: 2\n# two\n', 'a: 1\n# one\nb: 2\n# two\n# two\n')).toMatch(/the comment line "# two" would be there 2 times/);
    expect(spliceFault(original, 'a: 1\n# one\nb: 2\n# two\n', 'a: 1\n# one\nb: 2\n')).toMatch(/"# two" would be there 0 times/);
    expect(spliceFault(original, 'a: 1\n# one\nb: 2\n# two\n', '# two\na: 1\n# one\nb: 2\n')).toBe('the comment line "# one" would move');
    expect(spliceFault(original, 'a: 1\nb: 2\n# two\n', 'a: 1\nb: 2\n# two\n')).toBeUndefined(); // the edit removed "# one" with what it commented
    expect(spliceFault(original, 'a: 1\n# one\nb: 2\n# two\n', 'a: [1\n')).toMatch(/^the merged text does not parse/);
    expect(() => spliceYaml('a: 1\n', 'a: 1\nb: 2\n')).not.toThrow();
  });
});

describe('spliceYaml on random commented specs and random edits', () => {
  const word = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
  const value = fc.oneof(fc.integer({ min: 0, max: 99999 }), word);
  const child = fc.record({ above: fc.boolean(), deep: fc.boolean(), inline: fc.boolean(), value });
  const section = fc.record({ above: fc.nat(2), blank: fc.boolean(), children: fc.array(child, { minLength: 1, maxLength: 4 }), tail: fc.nat(2) });
  const spec = fc.record({ head: fc.nat(2), sections: fc.array(section, { minLength: 1, maxLength: 4 }), trailer: fc.nat(3), crlf: fc.boolean(), finalNewline: fc.boolean() });
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), s: fc.nat(), c: fc.nat(), value }),
    fc.record({ kind: fc.constant('add' as const), s: fc.nat(), value }),
    fc.record({ kind: fc.constant('section' as const), at: fc.nat(), value }),
    fc.record({ kind: fc.constant('del' as const), s: fc.nat(), c: fc.nat() }),
  );

  type Model = typeof spec extends fc.Arbitrary<infer T> ? T : never;

  function render(m: Model): string {
    let n = 0;
    const c = (indent: string) => `${indent}# c${++n}\n`;
    let t = '';
    for (let i = 0; i < m.head; i++) t += c('');
    m.sections.forEach((s, i) => {
      if (s.blank && i > 0) t += '\n';
      for (let k = 0; k < s.above; k++) t += c('');
      t += `s${i}:\n`;
      s.children.forEach((ch, j) => {
        if (ch.above) t += c('  ');
        t += `  k${j}: ${JSON.stringify(ch.value)}${ch.inline ? `   # i${++n}` : ''}\n`;
        if (ch.deep) t += c('    ');
      });
      for (let k = 0; k < s.tail; k++) t += c('  ');
    });
    for (let i = 0; i < m.trailer; i++) t += (i === 0 ? '\n' : '') + c('');
    if (!m.finalNewline) t = t.replace(/\n$/, '');
    return m.crlf ? t.replace(/\n/g, '\r\n') : t;
  }

  it('gives the edited value, every comment line once and in order, and the original line breaks', () => {
    fc.assert(
      fc.property(spec, fc.array(edit, { minLength: 1, maxLength: 4 }), (m, edits) => {
        const original = render(m);
        const doc = parseDocument(original);
        const root = doc.contents as YAMLMap;
        let fresh = 0;
        for (const e of edits) {
          const sections = root.items;
          if (e.kind === 'section') {
            const pair = doc.createPair(`new${++fresh}`, { x: e.value });
            (pair.key as Scalar).spaceBefore = true;
            sections.splice(e.at % (sections.length + 1), 0, pair);
            continue;
          }
          const s = sections[e.s % sections.length]!;
          const map = s.value as YAMLMap;
          if (!map.items.length) continue;
          if (e.kind === 'add') map.set(`added${++fresh}`, e.value);
          else if (e.kind === 'del') map.items.splice(e.c % map.items.length, 1);
          else map.items[e.c % map.items.length]!.value = doc.createNode(e.value);
        }
        const edited = print(doc);
        const out = spliceYaml(original, edited);
        expect(parse(out)).toEqual(doc.toJS());
        // each comment line once and in order; one the edit removed with its pair (as the library does) may go
        if (edits.some((e) => e.kind === 'del')) expect(spliceFault(original, edited, out)).toBeUndefined();
        else expectCommentsKept(original, out);
        if (m.crlf) expect(out.replace(/\r\n/g, '')).not.toContain('\n');
        expect(out.endsWith('\n')).toBe(original.endsWith('\n'));
      }),
      { numRuns: 300 },
    );
  });
});
