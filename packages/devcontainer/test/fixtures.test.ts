import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatProblem, parseSpec } from '@berth/spec';
import { besideReader, importDevcontainerFile, readDevcontainerJson, resolveDevcontainerConfig, syncDevcontainerJson } from '../src/index.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const CLI = join(dirname(createRequire(import.meta.url).resolve('@devcontainers/cli/package.json')), 'devcontainer.js');
/** The fields berth reads; the Dev Containers CLI must read each the same. */
const READ = ['image', 'build', 'dockerComposeFile', 'service', 'runServices', 'forwardPorts', 'portsAttributes', 'hostRequirements', 'runArgs', 'postCreateCommand', 'features'] as const;
const CASES: { name: string; config: string }[] = [
  { name: 'pytorch-gpu', config: '.devcontainer/devcontainer.json' },
  { name: 'node-dockerfile', config: '.devcontainer/devcontainer.json' },
  { name: 'django-compose', config: '.devcontainer/devcontainer.json' },
  { name: 'jsonc-root', config: '.devcontainer.json' },
  { name: 'named-configs', config: '.devcontainer/gpu/devcontainer.json' },
  { name: 'gpu-count', config: '.devcontainer/devcontainer.json' },
  { name: 'gpu-devices', config: '.devcontainer/devcontainer.json' },
  { name: 'gpu-runtime', config: '.devcontainer/devcontainer.json' },
  { name: 'gpu-compose', config: '.devcontainer/devcontainer.json' },
];

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fixture copied to a temp folder, so imports can write a berth.yaml beside it. */
function workspace(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `berth-dc-${name}-`));
  made.push(dir);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

function importInto(dir: string, config: string) {
  return importDevcontainerFile({ configPath: join(dir, config), specPath: join(dir, 'berth.yaml'), cwd: dir });
}

describe('berth reads devcontainer.json as the Dev Containers CLI does (@devcontainers/cli read-configuration, offline)', () => {
  const reference = new Map<string, Record<string, unknown>>();
  beforeAll(async () => {
    const run = promisify(execFile);
    await Promise.all(
      CASES.map(async ({ name, config }) => {
        const folder = join(FIXTURES, name);
        const { stdout } = await run(process.execPath, [CLI, 'read-configuration', '--workspace-folder', folder, '--config', join(folder, config)], { timeout: 60_000 });
        reference.set(name, (JSON.parse(stdout) as { configuration: Record<string, unknown> }).configuration);
      }),
    );
  }, 120_000);

  it.each(CASES)('$name: every field berth reads', ({ name, config }) => {
    const read = readDevcontainerJson(join(FIXTURES, name, config), config);
    expect(read.problems).toEqual([]);
    const theirs = reference.get(name)!;
    const ours = read.config as Record<string, unknown>;
    for (const field of READ) expect([field, ours[field]]).toEqual([field, theirs[field]]);
    expect(READ.some((f) => theirs[f] !== undefined)).toBe(true);
  });
});

describe('berth import devcontainer on real-world shapes of devcontainer.json', () => {
  it('an image with features and a GPU (runArgs --gpus and hostRequirements), two forwarded ports', () => {
    const dir = workspace('pytorch-gpu');
    const r = importInto(dir, '.devcontainer/devcontainer.json');
    // its --shm-size is said, not dropped silently
    expect(r.problems.map((p) => `${p.line}:${p.col} ${p.code}`)).toEqual(['15:31 devcontainer-run-arg']);
    const spec = parse(r.after!);
    expect(spec.devcontainer).toEqual({
      image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime',
      gpu: { vendor: 'nvidia' },
      postCreateCommand: "pip install -e '.[dev]'",
      features: { 'ghcr.io/devcontainers/features/common-utils:2': { installZsh: true, username: 'vscode' }, 'ghcr.io/devcontainers/features/git:1': {} },
    });
    expect(spec.services).toEqual({
      'jupyter-lab': { name: 'Jupyter Lab', runtime: { kind: 'devcontainer', onAutoForward: 'openBrowser' }, ports: [{ host: 8888, appProtocol: 'http' }] },
      tensorboard: { name: 'TensorBoard', runtime: { kind: 'devcontainer', onAutoForward: 'silent' }, ports: [6006] },
    });
    expect(spec.repo.name).toMatch(/^berth-dc-pytorch-gpu-/);
  });

  it('a Dockerfile build with args and a target: the base image is the target stage\'s FROM with the args filled', () => {
    const spec = parse(importInto(workspace('node-dockerfile'), '.devcontainer/devcontainer.json').after!);
    expect(spec.devcontainer).toEqual({
      image: 'mcr.microsoft.com/devcontainers/javascript-node:20-bookworm',
      build: { dockerfile: 'Dockerfile', context: '..', args: { VARIANT: '20-bookworm', USERNAME: 'node' }, target: 'dev' },
      postCreateCommand: ['npm', 'ci'],
    });
    expect(spec.services['web-app'].runtime).toEqual({ kind: 'devcontainer', onAutoForward: 'notify', requireLocalPort: true });
  });

  it('a Compose setup with service and runServices: "db:5432" is a port of the Compose service db', () => {
    const spec = parse(importInto(workspace('django-compose'), '.devcontainer/devcontainer.json').after!);
    expect(spec.devcontainer).toMatchObject({
      image: 'mcr.microsoft.com/devcontainers/python:1-3.12-bookworm', // app's build in ../docker-compose.yml
      compose: { files: ['../docker-compose.yml', 'docker-compose.devcontainer.yml'], service: 'app', runServices: ['app', 'db'] },
      postCreateCommand: { deps: 'pip install --user -r requirements.txt', migrate: ['python', 'manage.py', 'migrate'] },
    });
    expect(spec.services.db).toEqual({ name: 'PostgreSQL', runtime: { kind: 'devcontainer', composeService: 'db' }, ports: [5432] });
    expect(spec.services.django.runtime).toBe('devcontainer');
  });

  it('comments and trailing commas; an optional GPU; where the file is when it is not the default', () => {
    const spec = parse(importInto(workspace('jsonc-root'), '.devcontainer.json').after!);
    expect(spec.devcontainer).toEqual({
      config: '.devcontainer.json',
      image: 'nvcr.io/nvidia/pytorch:24.01-py3',
      gpu: { vendor: 'nvidia', optional: true },
      features: { 'ghcr.io/devcontainers/features/python:1': '3.10' },
    });
  });

  it('a GPU with cores and memory given through CDI in runArgs', () => {
    const spec = parse(importInto(workspace('named-configs'), '.devcontainer/gpu/devcontainer.json').after!);
    expect(spec.devcontainer).toEqual({ config: '.devcontainer/gpu/devcontainer.json', image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpu: { vendor: 'nvidia', cores: 2, memory: '8gb' } });
  });

  it.each(CASES)('$name: after the import, devcontainer.json is already in step with the spec (nothing for --write to change)', ({ name, config }) => {
    const dir = workspace(name);
    const r = importInto(dir, config);
    const spec = parseSpec(r.after!, 'berth.yaml');
    expect(spec.problems).toEqual([]);
    const read = readDevcontainerJson(join(dir, config), config);
    const sync = syncDevcontainerJson(read.doc.text, read.config!, spec.value!, { readBeside: besideReader(join(dir, config)) });
    expect(sync.changes).toEqual([]);
    expect(sync.problems).toEqual([]);
    expect(sync.text).toBe(readFileSync(join(dir, config), 'utf8'));
  });

  it('--gpus 2: the count is carried, and the flag it came with is not warned about', () => {
    const r = importInto(workspace('gpu-count'), '.devcontainer/devcontainer.json');
    expect(r.problems.map((p) => `${p.line}:${p.col} ${p.code} ${p.message}`)).toEqual(['5:30 devcontainer-run-arg runArgs "--shm-size=1g" is not carried: berth reads only the GPU flags of runArgs; devcontainer.json keeps it']);
    expect(parse(r.after!).devcontainer).toEqual({ image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', gpu: { vendor: 'nvidia', count: 2 } });
  });

  it('--gpus "device=0,1" beside hostRequirements.gpu.memory: the devices are carried with the memory', () => {
    const r = importInto(workspace('gpu-devices'), '.devcontainer/devcontainer.json');
    expect(r.problems).toEqual([]);
    expect(parse(r.after!).devcontainer).toEqual({ image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', gpu: { vendor: 'nvidia', memory: '16gb', devices: ['0', '1'] } });
  });

  it('--runtime=nvidia with NVIDIA_VISIBLE_DEVICES=0,1 is a request for GPUs 0 and 1, not runArgs left behind', () => {
    const r = importInto(workspace('gpu-runtime'), '.devcontainer/devcontainer.json');
    expect(r.problems.map((p) => `${p.line}:${p.col} ${p.code}`)).toEqual(['5:74 devcontainer-run-arg']); // --ipc=host only
    expect(parse(r.after!).devcontainer).toEqual({ image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpu: { vendor: 'nvidia', devices: ['0', '1'] } });
  });

  it('gpu: false stays when devcontainer.json asks for no GPU, and gives way to the GPU it asks for; a count gives way to devices', () => {
    const dir = workspace('pytorch-gpu');
    const specOf = () => parse(readFileSync(join(dir, 'berth.yaml'), 'utf8')).devcontainer.gpu;
    writeFileSync(join(dir, '.devcontainer/plain.json'), '{ "image": "x" }\n');
    writeFileSync(join(dir, 'berth.yaml'), 'berth: 1\nrepo: { name: r }\ndevcontainer:\n  image: x\n  gpu: false # none, on purpose\n');
    const none = importInto(dir, '.devcontainer/plain.json');
    expect(none.after).toContain('  gpu: false # none, on purpose\n');
    writeFileSync(join(dir, '.devcontainer/two.json'), '{ "image": "x", "runArgs": ["--gpus", "2"] }\n');
    writeFileSync(join(dir, 'berth.yaml'), importInto(dir, '.devcontainer/two.json').after!);
    expect(specOf()).toEqual({ vendor: 'nvidia', count: 2 });
    writeFileSync(join(dir, '.devcontainer/two.json'), '{ "image": "x", "runArgs": ["--gpus", "\\"device=0,1\\""] }\n');
    const pinned = importInto(dir, '.devcontainer/two.json');
    expect(pinned.changes).toEqual(['devcontainer.gpu.count: removed', 'devcontainer.gpu.devices: ["0","1"]']);
    writeFileSync(join(dir, 'berth.yaml'), pinned.after!);
    expect(specOf()).toEqual({ vendor: 'nvidia', devices: ['0', '1'] });
  });

  it("a Compose setup: the GPU its service reserves (deploy.resources.reservations.devices) is the devcontainer's, another service's is not", () => {
    const r = importInto(workspace('gpu-compose'), '.devcontainer/devcontainer.json');
    expect(r.problems).toEqual([]);
    expect(parse(r.after!).devcontainer).toEqual({
      image: 'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime',
      compose: { files: ['compose.yaml'], service: 'dev' },
      gpu: { vendor: 'nvidia', count: 2 },
    });
  });
});

describe('bad input: one clear line each, and nothing to write', () => {
  it('a devcontainer.json that is not JSONC: each syntax error at file:line:col', () => {
    const dir = workspace('bad-syntax');
    const r = importInto(dir, '.devcontainer/devcontainer.json');
    expect(r.after).toBeUndefined();
    expect(r.problems.map(formatProblem)).toEqual(['.devcontainer/devcontainer.json:4:3: not valid JSONC: expected ","', '.devcontainer/devcontainer.json:4:12: not valid JSONC: unclosed string']);
  });

  it('a device named as devcontainer.json: one line, never read (/dev/zero has no end)', () => {
    expect(readDevcontainerJson('/dev/zero', 'devcontainer.json').problems.map(formatProblem)).toEqual(['devcontainer.json: is a device, not a file']);
  });

  it('forwardPorts entries that are not ports', () => {
    const r = importInto(workspace('bad-ports'), '.devcontainer/devcontainer.json');
    expect(r.after).toBeUndefined();
    expect(r.problems.map(formatProblem)).toEqual([
      '.devcontainer/devcontainer.json:5:5: forwardPorts.1: "web" is not a port: forwardPorts takes a number from 1 to 65535 or "service:port"',
      '.devcontainer/devcontainer.json:6:5: forwardPorts.2: 70000 is not a port: forwardPorts takes a number from 1 to 65535 or "service:port"',
      '.devcontainer/devcontainer.json:7:5: forwardPorts.3: "db:" is not a port: forwardPorts takes a number from 1 to 65535 or "service:port"',
      '.devcontainer/devcontainer.json:8:5: forwardPorts.4: 3000.5 is not a port: forwardPorts takes a number from 1 to 65535 or "service:port"',
    ]);
  });

  it('a path with no devcontainer.json, a missing file, and a folder with several configurations', () => {
    const empty = mkdtempSync(join(tmpdir(), 'berth-dc-empty-'));
    made.push(empty);
    expect(resolveDevcontainerConfig(undefined, empty)).toEqual({ problem: expect.objectContaining({ file: '.', message: expect.stringMatching(/^no devcontainer.json here/) }) });
    expect(resolveDevcontainerConfig('nope/devcontainer.json', empty)).toEqual({ problem: expect.objectContaining({ code: 'file-not-found', file: 'nope/devcontainer.json', message: 'no such file or folder' }) });
    expect(resolveDevcontainerConfig('.', join(FIXTURES, 'named-configs'))).toEqual({
      problem: expect.objectContaining({ code: 'devcontainer-ambiguous', message: 'holds 2 devcontainer configurations (.devcontainer/cpu/devcontainer.json, .devcontainer/gpu/devcontainer.json); name the one to import' }),
    });
    expect(resolveDevcontainerConfig('.devcontainer/gpu/devcontainer.json', join(FIXTURES, 'named-configs'))).toEqual({ path: join(FIXTURES, 'named-configs/.devcontainer/gpu/devcontainer.json') });
    expect(resolveDevcontainerConfig(undefined, join(FIXTURES, 'jsonc-root'))).toEqual({ path: join(FIXTURES, 'jsonc-root/.devcontainer.json') });
  });
});
