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
    gpu: d.gpu && { optional: d.gpu.optional, cores: d.gpu.cores, memory: d.gpu.memory, count: d.gpu.count, devices: d.gpu.devices },
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

  it('leaves a GPU asked through runArgs alone when the spec asks for one, and takes it away, runArgs and all, when it says gpu: false', () => {
    const text = '{\n  "runArgs": ["--gpus=all"]\n}\n';
    const config = parseDevcontainerJson(text, 'x').config!;
    expect(syncDevcontainerJson(text, config, spec('', '  gpu: {}\n')).changes).toEqual([]);
    expect(syncDevcontainerJson(text, config, spec('', '  gpu: false\n')).text).toBe('{\n}\n');
    const two = '{\n  "runArgs": ["--gpus", "all", "--shm-size=1g"] // shm\n}\n';
    expect(syncDevcontainerJson(two, parseDevcontainerJson(two, 'x').config!, spec('', '  gpu: false\n')).text).toBe('{\n  "runArgs": ["--shm-size=1g"] // shm\n}\n');
  });

  it('a spec that says nothing of the GPU leaves the GPU request alone, and says the spec does not record it', () => {
    const text = '{\n  // keep\n  "runArgs": ["--gpus", "all", "--shm-size=1g"]\n}\n';
    const out = syncDevcontainerJson(text, parseDevcontainerJson(text, 'x').config!, spec('', ''));
    expect(out.changes).toEqual([]);
    expect(out.text).toBe(text);
    expect(out.problems).toEqual([
      {
        code: 'devcontainer-gpu-unrecorded',
        severity: 'warning',
        path: ['devcontainer', 'gpu'],
        message: 'devcontainer.json asks for every GPU, which the spec does not record: berth leaves it as it is; record it with `berth import devcontainer`, or say `gpu: false` for none',
      },
    ]);
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

describe('berth devcontainer --write with how many GPUs, or which', () => {
  const fixture = (name: string) => readFileSync(join(FIXTURES, name, '.devcontainer/devcontainer.json'), 'utf8');
  const spec = (gpu: string, base = '  image: pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime\n') => parseSpec(`berth: 1\nrepo: { name: r }\ndevcontainer:\n${base}${gpu}`).value!;
  const sync = (text: string, s: BerthSpec, readBeside?: (path: string) => string | undefined) => syncDevcontainerJson(text, parseDevcontainerJson(text, 'x').config!, s, readBeside ? { readBeside } : {});
  const settles = (text: string, s: BerthSpec) => expect(sync(text, s).changes).toEqual([]);

  it('writes --gpus N for a count, in place of the flag that said otherwise, keeping the comments', () => {
    const text = fixture('gpu-count');
    const out = sync(text, spec('  gpu: { count: 3 }\n'));
    // (the spec has no service on port 8888: that forward goes too)
    expect(out.changes.filter((c) => c.path.startsWith('runArgs')).map((c) => [c.path, c.before, c.after, c.why])).toEqual([['runArgs.1', '2', '3', 'the spec asks for 3 GPUs (devcontainer.gpu.count), not 2 GPUs']]);
    expect(out.text).toBe(text.replace('"runArgs": ["--gpus", "2", "--shm-size=1g"]', '"runArgs": ["--gpus", "3", "--shm-size=1g"]').replace('"forwardPorts": [8888]', '"forwardPorts": []'));
    // --gpus=N is rewritten as it is written
    const eq = '{ "image": "x", "runArgs": ["--ipc=host", "--gpus=all"] }';
    expect(sync(eq, spec('  gpu: { devices: ["0", "2"] }\n')).text).toBe('{ "image": "x", "runArgs": ["--ipc=host", "--gpus=\\"device=0,2\\""] }');
    settles(out.text, spec('  gpu: { count: 3 }\n'));
  });

  it('writes --gpus "device=0,1" (one CSV field, as docker reads it) for devices, and a file without runArgs gets them', () => {
    const text = '{\n  "image": "x", // base\n  "hostRequirements": { "gpu": true }\n}\n';
    const s = spec('  gpu: { devices: ["0", "1"] }\n');
    const out = sync(text, s);
    expect(out.text).toBe('{\n  "image": "x", // base\n  "hostRequirements": { "gpu": true },\n  "runArgs": ["--gpus", "\\"device=0,1\\""]\n}\n');
    expect(parseDevcontainerJson(out.text, 'x').config!.runArgs).toEqual(['--gpus', '"device=0,1"']);
    settles(out.text, s);
    // the fixture says the same, with the GPU's memory: in step
    settles(fixture('gpu-devices'), spec('  gpu: { memory: 16gb, devices: ["0", "1"] }\n'));
  });

  it('never drops a device pin silently: a spec asking for any GPU says which pin it drops', () => {
    const text = '{\n  "image": "x",\n  "runArgs": ["--gpus=device=1", "--ipc=host"]\n}\n';
    const out = sync(text, spec('  gpu: {}\n'));
    expect(out.changes.map((c) => [c.path, c.before, c.after, c.why])).toEqual([
      ['hostRequirements.gpu', undefined, true, 'the GPU the spec asks for (devcontainer.gpu)'],
      ['runArgs.0', '--gpus=device=1', undefined, 'the spec asks for every GPU (hostRequirements.gpu) (this drops the pin to GPU 1; devcontainer.gpu.devices keeps it)'],
    ]);
    const optional = sync(text, spec('  gpu: { optional: true }\n'));
    expect(optional.changes.map((c) => c.why)).toContain('a GPU flag in runArgs makes the GPU required; the spec says it is optional (this drops the pin to GPU 1; devcontainer.gpu.devices keeps it)');
    // and a spec that pins it has nothing to change
    settles(text, spec('  gpu: { devices: ["1"] }\n'));
  });

  it('rewrites an unquoted device list, which docker refuses, as one quoted field', () => {
    const text = '{ "image": "x", "runArgs": ["--gpus", "device=0,1", "--ipc=host"] }';
    const out = sync(text, spec('  gpu: { devices: ["0", "1"] }\n'));
    expect(out.changes.map((c) => c.why)).toEqual(['the spec asks for GPUs 0, 1 (devcontainer.gpu.devices): docker refuses the list unquoted, so it is written as one quoted field']);
    expect(parseDevcontainerJson(out.text, 'x').config!.runArgs).toEqual(['--gpus', '"device=0,1"', '--ipc=host']);
  });

  it('--runtime=nvidia with NVIDIA_VISIBLE_DEVICES asks for the GPU: no hostRequirements.gpu added beside it', () => {
    settles('{\n  "image": "x",\n  "runArgs": ["--runtime=nvidia", "-e", "NVIDIA_VISIBLE_DEVICES=all"]\n}\n', spec('  gpu: {}\n'));
    settles(fixture('gpu-runtime'), spec('  gpu: { devices: ["0", "1"] }\n'));
    // asked for two GPUs instead, the runtime's flags give way to --gpus 2; --ipc=host stays
    const out = sync(fixture('gpu-runtime'), spec('  gpu: { count: 2 }\n'));
    expect(parseDevcontainerJson(out.text, 'x').config!.runArgs).toEqual(['--ipc=host', '--gpus', '2']);
  });

  describe('a Compose setup: berth does not edit the Compose file, and says what to change there', () => {
    const text = fixture('gpu-compose');
    const compose = join(FIXTURES, 'gpu-compose/.devcontainer');
    const readBeside = (path: string) => readFileSync(join(compose, path), 'utf8');
    const base = '  compose: { files: [compose.yaml], service: dev }\n';

    it('in step when the service reserves what the spec asks', () => {
      const out = sync(text, spec('  gpu: { count: 2 }\n', base), readBeside);
      expect([out.changes, out.problems]).toEqual([[], []]);
      expect(sync(text, spec('  gpu: {}\n', base), readBeside).changes).toEqual([]);
    });

    it('a count the reservation does not give, or gpu: false, is a warning naming the file; devcontainer.json is left as it is', () => {
      const other = sync(text, spec('  gpu: { count: 1 }\n', base), readBeside);
      expect(other.changes).toEqual([]);
      expect(other.problems.map((p) => [p.code, p.message])).toEqual([
        ['devcontainer-gpu-compose', 'the spec asks for 1 GPU, but the Compose service dev reserves 2 GPUs in compose.yaml: berth does not edit Compose files; give it a device reservation with count: 1 and capabilities: [gpu] by hand'],
      ]);
      const none = sync(text, spec('  gpu: false\n', base), readBeside);
      expect(none.changes).toEqual([]);
      expect(none.problems.map((p) => p.message)).toEqual(['the spec asks for no GPU, but the Compose service dev reserves 2 GPUs in compose.yaml: berth does not edit Compose files; take the reservation out by hand']);
    });

    it('a spec that says nothing of the GPU hears that the Compose service reserves one', () => {
      expect(sync(text, spec('', base), readBeside).problems.map((p) => p.message)).toEqual([
        'the Compose service dev (compose.yaml) asks for 2 GPUs, which the spec does not record: berth leaves it as it is; record it with `berth import devcontainer`, or say `gpu: false` for none',
      ]);
    });
  });
});
