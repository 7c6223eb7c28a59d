import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, parseDocument, type YAMLMap } from 'yaml';
import { spliceYaml } from './yaml-splice.js';

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
