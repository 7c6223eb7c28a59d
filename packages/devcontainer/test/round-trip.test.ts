import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { devcontainerForwards, loadSpecFile, parseSpec, type BerthSpec } from '@berth/spec';
import { importDevcontainerFile, newDevcontainerJson, parseDevcontainerJson, readDevcontainerJson, syncDevcontainerJson } from '../src/index.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/semops-data/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-roundtrip-'));
  made.push(dir);
  return dir;
};

/** What devcontainer.json carries of a spec: the devcontainer's base, GPU ask, commands and features, and its forwards. */
function carried(spec: BerthSpec) {
  const d = spec.devcontainer!;
  return {
    image: d.image,
    build: d.build,
    compose: d.compose,
    gpu: d.gpu && { optional: d.gpu.optional, cores: d.gpu.cores, memory: d.gpu.memory },
    postCreateCommand: d.postCreateCommand,
    features: d.features,
    forwards: devcontainerForwards(spec).forwards.map(({ service, forward, attributes }) => ({ service, forward, attributes })),
  };
}

describe("the bundled example's devcontainer round-trips through devcontainer.json", () => {
  const example = loadSpecFile(join(EXAMPLE, 'berth.yaml'));
  const json = newDevcontainerJson(example.value!);

  it('the committed example devcontainer.json is what berth writes from the spec', () => {
    expect(readFileSync(join(EXAMPLE, '.devcontainer/devcontainer.json'), 'utf8')).toBe(json);
  });

  it('spec -> devcontainer.json -> import: the same fields, and not one byte of berth.yaml changes', () => {
    const dir = tempDir();
    cpSync(join(EXAMPLE, 'berth.yaml'), join(dir, 'berth.yaml'));
    mkdirSync(join(dir, '.devcontainer'));
    writeFileSync(join(dir, '.devcontainer/devcontainer.json'), json);
    const r = importDevcontainerFile({ configPath: join(dir, '.devcontainer/devcontainer.json'), specPath: join(dir, 'berth.yaml'), cwd: dir });
    expect(r.problems).toEqual([]);
    expect(r.changes).toEqual([]);
    expect(r.after).toBe(readFileSync(join(EXAMPLE, 'berth.yaml'), 'utf8'));
  });

  it('imported into a spec that has no devcontainer yet, it gives the same devcontainer and forwards', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'berth.yaml'), 'berth: 1\nrepo:\n  name: semops-data\n');
    mkdirSync(join(dir, '.devcontainer'));
    writeFileSync(join(dir, '.devcontainer/devcontainer.json'), json);
    const r = importDevcontainerFile({ configPath: join(dir, '.devcontainer/devcontainer.json'), specPath: join(dir, 'berth.yaml'), cwd: dir });
    const imported = parseSpec(r.after!).value!;
    const services = (s: BerthSpec) => carried(s).forwards.map((f) => ({ ...f, service: undefined }));
    expect({ ...carried(imported), forwards: services(imported) }).toEqual({ ...carried(example.value!), forwards: services(example.value!) });
  });
});

describe('berth devcontainer --write changes only what berth owns', () => {
  const fixture = readFileSync(join(FIXTURES, 'pytorch-gpu/.devcontainer/devcontainer.json'), 'utf8');
  const spec = (services: string, gpu: string) =>
    parseSpec(`berth: 1\nrepo: { name: r }\n${services ? `services:\n${services}` : ''}devcontainer:\n  image: pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime\n${gpu}`).value!;

  it('adds and drops forwards, sets a label and the GPU ask: comments, tabs and every other field keep their bytes', () => {
    const s = spec(
      [
        '  jupyter:',
        '    name: Jupyter',
        '    runtime: { kind: devcontainer, onAutoForward: openBrowser }',
        '    ports: [{ host: 8888, appProtocol: http }]',
        '  mlflow:',
        '    name: MLflow UI',
        '    runtime: devcontainer',
        '    ports: [{ host: 5000, appProtocol: http }]',
        '',
      ].join('\n'),
      '  gpu: { optional: true }\n',
    );
    const read = parseDevcontainerJson(fixture, 'devcontainer.json');
    const out = syncDevcontainerJson(fixture, read.config!, s);
    // 6006 gives its place to 5000: one change, in place
    expect(out.changes.map((c) => c.path)).toEqual([
      'forwardPorts.1',
      'portsAttributes.8888.label',
      'portsAttributes.5000',
      'portsAttributes.6006',
      'hostRequirements.gpu',
      'runArgs.1',
      'runArgs.0',
    ]);
    expect(out.text).toBe(
      fixture
        .replace('"runArgs": ["--gpus", "all", "--shm-size=8g"]', '"runArgs": ["--shm-size=8g"]')
        .replace('"gpu": true', '"gpu": "optional"')
        .replace('"forwardPorts": [8888, 6006]', '"forwardPorts": [8888, 5000]')
        .replace('"label": "Jupyter Lab"', '"label": "Jupyter"')
        .replace(
          '\t\t"6006": { "label": "TensorBoard", "onAutoForward": "silent" }\n',
          '\t\t"5000": { "label": "MLflow UI", "protocol": "http" }\n',
        )

    );
    // and a second run has nothing left to do
    const again = syncDevcontainerJson(out.text, parseDevcontainerJson(out.text, 'x').config!, s);
    expect(again.changes).toEqual([]);
  });

  it("keeps a port's other attributes when it stops being forwarded", () => {
    const text = '{\n  "forwardPorts": [9229],\n  "portsAttributes": { "9229": { "label": "debug", "elevateIfNeeded": true } }\n}\n';
    const out = syncDevcontainerJson(text, parseDevcontainerJson(text, 'x').config!, spec('', ''));
    expect(out.text).toBe('{\n  "forwardPorts": [],\n  "portsAttributes": { "9229": { "elevateIfNeeded": true } }\n}\n');
  });

  it('leaves a GPU asked through runArgs alone when the spec asks for one, and takes it away when it asks for none', () => {
    const text = '{\n  "runArgs": ["--gpus=all"]\n}\n';
    const config = parseDevcontainerJson(text, 'x').config!;
    expect(syncDevcontainerJson(text, config, spec('', '  gpu: {}\n')).changes).toEqual([]);
    expect(syncDevcontainerJson(text, config, spec('', '')).text).toBe('{\n  "runArgs": []\n}\n');
  });

  const web = spec('  web:\n    name: Web\n    runtime: devcontainer\n    ports: [9090]\n', '');
  const sync = (text: string, s: BerthSpec = web) => syncDevcontainerJson(text, parseDevcontainerJson(text, 'x').config!, s);

  it('edits a repeated key where it takes effect, the last occurrence, and then has nothing left to do', () => {
    const text = '{\n  "forwardPorts": [3000],\n  "forwardPorts": [8080],\n  "portsAttributes": { "8080": { "label": "Web" } }\n}\n';
    const out = sync(text);
    expect(out.text).toBe('{\n  "forwardPorts": [3000],\n  "forwardPorts": [9090],\n  "portsAttributes": { "9090": { "label": "Web" } }\n}\n');
    expect(parseDevcontainerJson(out.text, 'x').config).toMatchObject({ forwardPorts: [9090] });
    expect(sync(out.text).changes).toEqual([]);
  });

  it('replaces a port no longer forwarded in place, keeping a one-line array on one line', () => {
    const out = sync('{ "image": "x", "forwardPorts": [8080] }');
    expect(out.text).toBe('{ "image": "x", "forwardPorts": [9090], "portsAttributes": { "9090": { "label": "Web" } } }');
    expect(out.changes[0]).toMatchObject({ path: 'forwardPorts.0', before: 8080, after: 9090 });
  });

  it('finds a file just imported in step: no label made up for an unlabelled port, a range label counts for its ports', () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.devcontainer'));
    const json = '{ "image": "x", "forwardPorts": [8080, "localhost:3000"], "portsAttributes": { "3000-3010": { "label": "range" } } }';
    writeFileSync(join(dir, '.devcontainer/devcontainer.json'), json);
    const r = importDevcontainerFile({ configPath: join(dir, '.devcontainer/devcontainer.json'), specPath: join(dir, 'berth.yaml'), cwd: dir });
    const imported = parseSpec(r.after!).value!;
    expect(sync(json, imported).changes).toEqual([]);
    // a port berth adds still gets its label, and a range that says otherwise gets the port's own entry
    const named = parseSpec(r.after!.replace('name: range', 'name: Other')).value!;
    expect(sync(json, named).changes.map((c) => [c.path, c.after])).toEqual([['portsAttributes.3000', { label: 'Other' }]]);
    expect(newDevcontainerJson(imported)).toContain('"8080": { "label": "port-8080" }');
  });

  it('reads the example file back without a problem', () => {
    expect(readDevcontainerJson(join(EXAMPLE, '.devcontainer/devcontainer.json'), 'x').problems).toEqual([]);
  });
});
