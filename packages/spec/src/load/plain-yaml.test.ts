import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composePlainYaml } from './plain-yaml.js';
import { parseYamlSource, parseYamlWithLibrary, type SourceDocument } from './yaml-document.js';

/**
 * The plain path may only answer where the YAML library would say the same: no error or warning, the same value,
 * and every key and value at the same line and column. Compared on every YAML file of the repository, on
 * documents generated from the constructs the plain path knows (and the ones it leaves to the library), and on
 * those texts with bytes deleted, duplicated or inserted.
 */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const repoYaml = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);

/** Every path into a value: each map key and list index, down to the scalars. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : value && typeof value === 'object' ? Object.entries(value) : [];
  for (const [k, v] of entries) {
    out.push([...prefix, k]);
    paths(v, [...prefix, k], out);
  }
  return out;
}

/** Whether the plain path answered for `text`; when it did, that it agrees with the library in every respect. */
function agrees(text: string): boolean {
  const plain = composePlainYaml(text);
  if (!plain) return false;
  const library = parseYamlWithLibrary('x.yaml', text);
  expect(library.problems, text).toEqual([]);
  expect(plain.value, text).toEqual(library.value);
  const source = parseYamlSource('x.yaml', text);
  const where = (s: SourceDocument, p: (string | number)[]) => [s.locate(p, 'key'), s.locate(p, 'value'), s.locate([...p, 'missing'])];
  for (const p of [[], ['missing'], ...paths(library.value)]) expect(where(source, p), `${JSON.stringify(p)} in\n${text}`).toEqual(where(library, p));
  return true;
}

const key = fc.oneof(fc.constantFrom('a', 'port', 'x-ext', 'repo', 'semops-data', 'a b', 'a,b', 'k.v', '1', 'true', 'null', '~', '__proto__', '<<', 'a:b', '-k', '"q"', "'s'", "'it''s'", '"a b"', '""', "''"), fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/));
const scalar = fc.oneof(
  fc.constantFrom('1', '-5', '+3', '0x1F', '0o17', '1.50', '.inf', '-.Inf', '.nan', '1e3', '007', '~', 'null', 'Null', 'true', 'False', 'TRUE', 'yes', 'http://localhost:5000/x', 'a # c', 'a#b', 'x: y', '- x', '-x', '&a x', '*a', '!!str 5', '|', '>-', '"a\\nb"', '"tab"', "'it''s'", "'a # b'", '"a, b"', '@x', '`x`', '%x', '?x', ':x', 'a b  ', "''", '""', '[]', '{}', '-', '-1x', '-,'),
  fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9 ._/-]{0,10}$/),
);
const spaces = fc.constantFrom('', ' ', '  ');
const comment = fc.constantFrom('', '', ' # note', '  #x', '#tight');

/** A flow collection (nested one level at most), as written on one line. */
const flow: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.array(fc.tuple(key, spaces, fc.oneof(scalar, fc.constant(''), fc.constantFrom('[a, b]', '{ k: v }'))), { maxLength: 4 }), spaces, fc.boolean()).map(([pairs, s, trailing]) => `{${s}${pairs.map(([k, sp, v]) => `${k}:${sp || ' '}${v}`).join(`,${s}`)}${trailing && pairs.length ? ',' : ''}${s}}`),
  fc.tuple(fc.array(fc.oneof(scalar, fc.constant('{ k: 1 }')), { maxLength: 4 }), spaces).map(([items, s]) => `[${s}${items.join(`, `)}${s}]`),
);

/** A block map or list at `indent`, to a small depth. */
const block = (indent: number, depth: number): fc.Arbitrary<string> => {
  const pad = ' '.repeat(indent);
  const value = depth > 2 ? fc.oneof(scalar, flow, fc.constant('')) : fc.oneof(scalar, flow, scalar, fc.constant(''), fc.constant('\n'));
  const entry = fc.tuple(key, value, comment, fc.constantFrom(0, 1, 2), fc.boolean()).chain(([k, v, c, extra, seqHere]) => {
    if (v !== '\n') return fc.constant(`${pad}${k}:${v ? ' ' : ''}${v}${c}\n`);
    const nested = seqHere ? seq(indent, depth + 1) : fc.oneof(block(indent + 1 + extra, depth + 1), seq(indent + 2, depth + 1));
    return nested.map((n) => `${pad}${k}:${c}\n${n}`);
  });
  return fc.array(fc.oneof(entry, entry, entry, fc.constantFrom('\n', `${pad}# a comment\n`, '   \n')), { minLength: 1, maxLength: 5 }).map((lines) => lines.join(''));
};
const seq = (indent: number, depth: number): fc.Arbitrary<string> => {
  const pad = ' '.repeat(indent);
  const item = fc.oneof(
    fc.tuple(scalar, comment).map(([v, c]) => `${pad}- ${v}${c}\n`),
    flow.map((f) => `${pad}- ${f}\n`),
    fc.constant(`${pad}-\n`),
    fc.tuple(key, scalar, key, scalar).map(([k, v, k2, v2]) => `${pad}- ${k}: ${v}\n${pad}  ${k2}: ${v2}\n`),
    depth > 2 ? fc.constant(`${pad}- x\n`) : block(indent + 2, depth + 1).map((b) => `${pad}-\n${b}`),
  );
  return fc.array(item, { minLength: 1, maxLength: 4 }).map((items) => items.join(''));
};
const documentText = block(0, 0);

/** One edit: delete or duplicate a slice, or insert YAML punctuation. */
function edit(text: string, at: number, kind: number, piece: string): string {
  const i = at % (text.length + 1);
  if (kind === 0) return text.slice(0, i) + text.slice(i + 1 + (at % 7));
  if (kind === 1) return text.slice(0, i) + text.slice(i, i + 1 + (at % 30)) + text.slice(i);
  return text.slice(0, i) + piece + text.slice(i);
}
const piece = fc.constantFrom(':', ': ', '- ', '{', '}', '[', ']', ',', '"', "'", '#', ' #', '\n', '\n  ', '  ', '&a ', '*a', '!!int ', '? ', '|', '---\n', '\t', '\r');

describe('composePlainYaml agrees with the YAML library wherever it answers', () => {
  it('on every YAML file of the repository', () => {
    let answered = 0;
    for (const file of repoYaml) if (agrees(readFileSync(join(root, file), 'utf8'))) answered++;
    // The examples, berth's own spec and most of the bad-input corpus are plain YAML: the fast path is the common one.
    expect(answered).toBeGreaterThan(repoYaml.length / 2);
  });

  it('on the bundled example spec and registry', () => {
    for (const file of ['examples/semops-data/berth.yaml', 'examples/semops-dx-orchestrator/ports.yaml', 'examples/semops-dx-orchestrator/ecosystem.yaml', 'apps/api/berth.yaml']) {
      expect(agrees(readFileSync(join(root, file), 'utf8')), file).toBe(true);
    }
  });

  it('on generated documents', () => {
    let answered = 0;
    fc.assert(
      fc.property(documentText, (text) => {
        if (agrees(text)) answered++;
      }),
      { numRuns: 1500 },
    );
    expect(answered).toBeGreaterThan(100);
  });

  it('on generated documents and repository files with bytes deleted, duplicated or inserted', () => {
    const texts = fc.oneof(documentText, fc.constantFrom(...repoYaml.slice(0, 12).map((f) => readFileSync(join(root, f), 'utf8'))));
    let answered = 0;
    fc.assert(
      fc.property(texts, fc.array(fc.tuple(fc.nat(), fc.nat(2), piece), { minLength: 1, maxLength: 3 }), (text, edits) => {
        if (agrees(edits.reduce((t, [at, kind, p]) => edit(t, at, kind, p), text))) answered++;
      }),
      { numRuns: 1500 },
    );
    // Many edits leave plain YAML (a duplicated line, a deleted comment): those are held to the library too.
    expect(answered).toBeGreaterThan(100);
  });

  it('leaves to the library what it does not compose itself', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 5\n', 'a: |\n  text\n', 'a: b\n  c\n', 'a: 1\na: 2\n', '---\na: 1\n', '- a\n', 'a:\tb\n', 'a: "x\\ny"\n', '? a\n: b\n', '<<: { a: 1 }\n', '1: a\n', '', '# only\n', 'a: { b: 1,\n  c: 2 }\n', 'a: [x, -, y]\n', 'a: -\n', 'a: [-]\n']) {
      expect(composePlainYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('hands the library\'s Document to whoever asks for it, parsed from the same text', () => {
    const source = parseYamlSource('x.yaml', 'a: { b: 1 }\n');
    expect(source.doc.toJS()).toEqual({ a: { b: 1 } });
    expect(source.doc.errors).toEqual([]);
  });
});
