import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bin, ensureBuiltCli, root } from './support/built-cli.js';

const FIXTURES = join(root, 'packages/devcontainer/test/fixtures');
const ESC = '\u001b[';

function berth(args: string[], cwd: string, env: Record<string, string> = { NO_COLOR: '1' }) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: `/nonexistent-nvidia:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tmp: string;
let n = 0;
beforeAll(() => {
  ensureBuiltCli();
  tmp = mkdtempSync(join(tmpdir(), 'berth-devcontainer-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of a devcontainer fixture, as a repo of its own. */
function repo(fixture: string): string {
  const dir = join(tmp, `${fixture}-${++n}`);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

describe('berth import devcontainer', () => {
  it('writes a berth.yaml that validates and that devcontainer.json is already in step with', () => {
    const dir = repo('pytorch-gpu');
    const r = berth(['import', 'devcontainer'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('berth.yaml: written from .devcontainer/devcontainer.json (8 changes)');
    const spec = parse(readFileSync(join(dir, 'berth.yaml'), 'utf8'));
    expect(spec.services.tensorboard).toEqual({ name: 'TensorBoard', runtime: { kind: 'devcontainer', onAutoForward: 'silent' }, ports: [6006] });
    expect(berth(['validate'], dir).code).toBe(0);
    const check = berth(['devcontainer', '--check'], dir);
    expect([check.code, check.stdout]).toEqual([0, '.devcontainer/devcontainer.json: in step with berth.yaml\n']);
  });

  it("merges into an existing berth.yaml, keeping its comments and every line it does not change; --dry-run writes nothing", () => {
    const dir = repo('django-compose');
    const before = '# Our stack. Comments stay.\nberth: 1\nrepo:\n  name: shop   # the repo\n\nservices:\n  # The app, as the devcontainer runs it\n  django:\n    name: Django\n    runtime: devcontainer\n    ports: [8000]\n';
    writeFileSync(join(dir, 'berth.yaml'), before);
    const dry = berth(['import', 'devcontainer', '.devcontainer/devcontainer.json', '--dry-run'], dir);
    expect([dry.code, readFileSync(join(dir, 'berth.yaml'), 'utf8')]).toEqual([0, before]);
    expect(dry.stdout).toContain('berth.yaml: would take .devcontainer/devcontainer.json');
    const r = berth(['import', 'devcontainer', '.devcontainer/devcontainer.json'], dir);
    expect(r.code).toBe(0);
    const after = readFileSync(join(dir, 'berth.yaml'), 'utf8');
    for (const line of before.split('\n').filter((l) => l !== '    ports: [8000]')) expect(after.split('\n')).toContain(line);
    expect(parse(after).services.django.ports).toEqual([{ host: 8000, appProtocol: 'http' }]);
    expect(parse(after).services.db).toEqual({ name: 'PostgreSQL', runtime: { kind: 'devcontainer', composeService: 'db' }, ports: [5432] });
    // importing again changes nothing
    const again = berth(['import', 'devcontainer', '.devcontainer/devcontainer.json', '--json'], dir);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, written: false, changes: [] });
    expect(readFileSync(join(dir, 'berth.yaml'), 'utf8')).toBe(after);
  });

  it("prints no URL password or token in --dry-run and writes none into berth.yaml; a postCreateCommand left out keeps the spec's (audit #9)", () => {
    const dir = join(tmp, `secrets-${++n}`);
    mkdirSync(join(dir, '.devcontainer'), { recursive: true });
    writeFileSync(
      join(dir, '.devcontainer/devcontainer.json'),
      '{ "build": { "dockerfile": "Dockerfile",\n    "args": { "NPM_TOKEN": "S3cr3tDCARG1",\n              "PIP_INDEX_URL": "https://u:S3cr3tDCURL2@pypi.example.com/simple",\n              "GH_PAT": "S3cr3tDCPAT4" } },\n  "postCreateCommand": "pip install --index-url https://u:S3cr3tDCPOST6@pypi.example.com/simple -e ." }\n',
    );
    writeFileSync(join(dir, '.devcontainer/Dockerfile'), 'FROM python:3.12\n');
    const before = 'berth: 1\nrepo: { name: dc }\ndevcontainer:\n  image: python:3.12\n  postCreateCommand: pip install -e .\n';
    writeFileSync(join(dir, 'berth.yaml'), before);
    const dry = berth(['import', 'devcontainer', '--dry-run'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout + dry.stderr).not.toContain('S3cr3t');
    expect(dry.stderr).toContain('.devcontainer/devcontainer.json:3:32: warning: build arg PIP_INDEX_URL holds a URL\'s password: its value is not copied into the spec');
    expect(dry.stderr).toContain('.devcontainer/devcontainer.json:4:25: warning: build arg GH_PAT looks secret');
    expect(dry.stderr).toContain('.devcontainer/devcontainer.json:5:24: warning: postCreateCommand holds a secret');
    expect(dry.stdout).not.toContain('postCreateCommand');
    expect(readFileSync(join(dir, 'berth.yaml'), 'utf8')).toBe(before);
    const r = berth(['import', 'devcontainer'], dir);
    expect(r.code).toBe(0);
    const after = readFileSync(join(dir, 'berth.yaml'), 'utf8');
    expect(after).not.toContain('S3cr3t');
    expect(parse(after).devcontainer).toEqual({ image: 'python:3.12', build: { dockerfile: 'Dockerfile' }, postCreateCommand: 'pip install -e .' });
    const validate = berth(['validate'], dir);
    expect([validate.code, validate.stdout + validate.stderr]).toEqual([0, expect.not.stringContaining('secret')]);
  });

  it('keeps each comment of the spec berth init writes once, where it was (new service and section before the comments that follow)', () => {
    const dir = join(tmp, `init-${++n}`);
    mkdirSync(join(dir, '.devcontainer'), { recursive: true });
    expect(berth(['init', '--no-mcp'], dir).code).toBe(0);
    const before = readFileSync(join(dir, 'berth.yaml'), 'utf8');
    writeFileSync(join(dir, '.devcontainer/devcontainer.json'), '{ "image": "python:3.12", "forwardPorts": [6006], "portsAttributes": {"6006": {"label": "TensorBoard"}} }\n');
    const r = berth(['import', 'devcontainer'], dir);
    expect(r.code).toBe(0);
    const after = readFileSync(join(dir, 'berth.yaml'), 'utf8');
    const comments = (t: string) => t.split('\n').filter((l) => /^\s*#/.test(l));
    expect(comments(after)).toEqual(comments(before));
    expect(after.match(/# conventions:/g)).toHaveLength(1);
    // the original, byte for byte, once the new lines are taken out
    const service = '  tensorboard:\n    name: TensorBoard\n    runtime: devcontainer\n    ports:\n      - 6006\n';
    const section = '\ndevcontainer:\n  image: python:3.12\n';
    expect(after).toContain(`    #     url: http://localhost:8080/health\n${service}  # admin:\n`);
    expect(after).toContain(`    required: { module: search }\n${section}\n# conventions:\n`);
    expect(after.replace(service, '').replace(section, '')).toBe(before);
    expect(berth(['validate'], dir).code).toBe(0);
  });

  it('puts what it adds before the trailing comments of a spec, and repeats none of them', () => {
    const dir = join(tmp, `trailing-${++n}`);
    mkdirSync(join(dir, '.devcontainer'), { recursive: true });
    const before = 'berth: 1\nrepo:\n  name: h\nservices:\n  app:\n    name: App\n    runtime: compose\n    image: nginx\n\n# trailing comment\n#   and its second line\n';
    writeFileSync(join(dir, 'berth.yaml'), before);
    writeFileSync(join(dir, '.devcontainer/devcontainer.json'), '{ "image": "python:3.12", "forwardPorts": [6006] }\n');
    expect(berth(['import', 'devcontainer'], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'berth.yaml'), 'utf8')).toBe(
      'berth: 1\nrepo:\n  name: h\nservices:\n  app:\n    name: App\n    runtime: compose\n    image: nginx\n  port-6006:\n    runtime: devcontainer\n    ports:\n      - 6006\n\ndevcontainer:\n  image: python:3.12\n\n# trailing comment\n#   and its second line\n',
    );
  });

  it('refuses a berth.yaml or devcontainer.json that is not UTF-8, and a --spec that is a directory: exit 2, nothing written', () => {
    const dir = join(tmp, `latin1-${++n}`);
    mkdirSync(join(dir, '.devcontainer'), { recursive: true });
    const spec = Buffer.concat([Buffer.from('berth: 1\nrepo:\n  name: h\nservices:\n  app:\n    runtime: compose\n    image: nginx\n# caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    writeFileSync(join(dir, 'berth.yaml'), spec);
    writeFileSync(join(dir, '.devcontainer/devcontainer.json'), '{ "image": "python:3.12", "forwardPorts": [6006] }\n');
    const r = berth(['import', 'devcontainer'], dir);
    expect([r.code, r.stderr]).toEqual([2, 'berth.yaml:8:6: is not UTF-8 text from here on (save it as UTF-8)\n']);
    expect(readFileSync(join(dir, 'berth.yaml')).equals(spec)).toBe(true);

    const asDir = berth(['import', 'devcontainer', '--dry-run', '--spec', dir], dir);
    expect([asDir.code, asDir.stderr]).toEqual([2, `${dir}: is a directory, not a file\n`]);
    const json = JSON.parse(berth(['import', 'devcontainer', '--spec', '.', '--json'], dir).stdout);
    expect(json).toMatchObject({ ok: false, error: { code: 'ERR_BERTH_DEVCONTAINER' }, problems: [{ file: dir, message: 'is a directory, not a file' }] });

    writeFileSync(join(dir, 'berth.yaml'), 'berth: 1\nrepo:\n  name: h\nservices:\n  app:\n    runtime: devcontainer\n    ports: [6006]\ndevcontainer:\n  image: python:3.12\n');
    const config = Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from('\n{ "image": "python:3.12", "forwardPorts": [] }\n')]);
    writeFileSync(join(dir, '.devcontainer/devcontainer.json'), config);
    const write = berth(['devcontainer', '--write'], dir);
    expect([write.code, write.stderr]).toEqual([2, '.devcontainer/devcontainer.json:1:7: is not UTF-8 text from here on (save it as UTF-8)\n']);
    expect(readFileSync(join(dir, '.devcontainer/devcontainer.json')).equals(config)).toBe(true);
    const imported = berth(['import', 'devcontainer'], dir);
    expect([imported.code, imported.stderr]).toEqual([2, '.devcontainer/devcontainer.json:1:7: is not UTF-8 text from here on (save it as UTF-8)\n']);
  });

  it('bad input: one line per problem with file:line:col, exit 2, nothing written', () => {
    const syntax = repo('bad-syntax');
    const r = berth(['import', 'devcontainer'], syntax);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('.devcontainer/devcontainer.json:4:3: not valid JSONC: expected ","\n.devcontainer/devcontainer.json:4:12: not valid JSONC: unclosed string\n');
    expect(existsSync(join(syntax, 'berth.yaml'))).toBe(false);

    const ports = repo('bad-ports');
    const p = berth(['import', 'devcontainer'], ports);
    expect(p.code).toBe(2);
    expect(p.stderr.trim().split('\n')).toHaveLength(4);
    expect(p.stderr).toContain('.devcontainer/devcontainer.json:6:5: forwardPorts.2: 70000 is not a port: forwardPorts takes a number from 1 to 65535 or "service:port"');
    expect(existsSync(join(ports, 'berth.yaml'))).toBe(false);

    const missing = berth(['import', 'devcontainer', 'nope/devcontainer.json'], tmp);
    expect([missing.code, missing.stderr]).toEqual([2, 'nope/devcontainer.json: no such file or folder\n']);
    const json = berth(['import', 'devcontainer', 'nope', '--json'], tmp);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_BERTH_DEVCONTAINER' }, problems: [{ code: 'file-not-found', file: 'nope' }] });
    expect(berth(['import', 'devcontainer'], repo('named-configs')).stderr).toMatch(/^\.: holds 2 devcontainer configurations/);
  });
});

describe('berth devcontainer --check / --write', () => {
  it('--check exits 1 and says what differs; --write changes only those fields, comments and the rest byte for byte', () => {
    const dir = repo('pytorch-gpu');
    expect(berth(['import', 'devcontainer'], dir).code).toBe(0);
    const spec = join(dir, 'berth.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('name: Jupyter Lab', 'name: Notebooks').replace('- 6006', '- 6007'));
    const before = readFileSync(join(dir, '.devcontainer/devcontainer.json'), 'utf8');
    const check = berth(['devcontainer', '--check'], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(
      [
        '.devcontainer/devcontainer.json: out of step with berth.yaml (4 changes; run `berth devcontainer --write`)',
        '  forwardPorts.1: 6006 -> 6007 (port of tensorboard, in place of one no service needs)',
        '  portsAttributes.8888.label: "Jupyter Lab" -> "Notebooks" (from jupyter-lab in the spec)',
        '  portsAttributes.6007: add {"label":"TensorBoard","onAutoForward":"silent"} (how the editor shows tensorboard\'s port)',
        '  portsAttributes.6006: remove {"label":"TensorBoard","onAutoForward":"silent"} (the port is no longer forwarded)',
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(dir, '.devcontainer/devcontainer.json'), 'utf8')).toBe(before); // --check writes nothing
    const json = JSON.parse(berth(['devcontainer', '--check', '--json'], dir).stdout);
    expect(json).toMatchObject({ ok: false, missing: false, changes: expect.arrayContaining([{ path: 'forwardPorts.1', before: 6006, after: 6007, why: 'port of tensorboard, in place of one no service needs' }]) });

    const write = berth(['devcontainer', '--write'], dir);
    expect(write.code).toBe(0);
    expect(readFileSync(join(dir, '.devcontainer/devcontainer.json'), 'utf8')).toBe(
      before
        .replace('"forwardPorts": [8888, 6006]', '"forwardPorts": [8888, 6007]')
        .replace('"label": "Jupyter Lab"', '"label": "Notebooks"')
        .replace('"6006": { "label": "TensorBoard"', '"6007": { "label": "TensorBoard"'),
    );
    expect(berth(['devcontainer', '--check'], dir).code).toBe(0);
  });

  it('colours only where allowed: NO_COLOR wins over FORCE_COLOR', () => {
    const dir = repo('pytorch-gpu');
    expect(berth(['import', 'devcontainer'], dir).code).toBe(0);
    writeFileSync(join(dir, 'berth.yaml'), readFileSync(join(dir, 'berth.yaml'), 'utf8').replace('- 6006', '- 6007'));
    expect(berth(['devcontainer', '--check'], dir, { FORCE_COLOR: '1' }).stdout).toContain(`${ESC}31m`);
    expect(berth(['devcontainer', '--check'], dir, { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toContain(ESC);
  });

  it('creates devcontainer.json when it is missing, and prints it without a flag', () => {
    const dir = join(tmp, `fresh-${++n}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'berth.yaml'), 'berth: 1\nrepo: { name: fresh }\nservices:\n  web:\n    runtime: devcontainer\n    ports: [{ host: 3000, appProtocol: http }]\ndevcontainer:\n  image: node:20\n  gpu: { optional: true }\n');
    expect(berth(['devcontainer', '--check'], dir)).toMatchObject({ code: 1, stdout: '.devcontainer/devcontainer.json: does not exist (run `berth devcontainer --write`)\n' });
    const printed = berth(['devcontainer'], dir).stdout;
    expect(berth(['devcontainer', '--write'], dir).code).toBe(0);
    expect(readFileSync(join(dir, '.devcontainer/devcontainer.json'), 'utf8')).toBe(printed);
    expect(printed).toContain('"forwardPorts": [3000]');
    expect(printed).toContain('"hostRequirements": { "gpu": "optional" }');
    expect(berth(['devcontainer', '--check'], dir).code).toBe(0);
  });

  it('is bad usage without a devcontainer in the spec, or with both flags', () => {
    const dir = join(tmp, `none-${++n}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'berth.yaml'), 'berth: 1\nrepo: { name: none }\n');
    expect(berth(['devcontainer', '--check'], dir)).toMatchObject({ code: 2, stderr: 'berth: berth.yaml has no devcontainer\nhint: import one: berth import devcontainer\n' });
    expect(berth(['devcontainer', '--check', '--write'], dir).code).toBe(2);
  });
});

describe('the GPU of devcontainer.json: how many, which, and whose', () => {
  it("a Compose setup's GPU reservation is imported, berth gpu wants it, and --check reads the Compose file rather than edit it", () => {
    const dir = repo('gpu-compose');
    expect(berth(['import', 'devcontainer'], dir).code).toBe(0);
    expect(parse(readFileSync(join(dir, 'berth.yaml'), 'utf8')).devcontainer.gpu).toEqual({ vendor: 'nvidia', count: 2 });
    // no nvidia-smi on PATH: a spec that asks for two GPUs does not fit
    const gpu = berth(['gpu', '--json', '--no-docker'], dir, { NO_COLOR: '1', PATH: '/usr/bin:/bin' });
    expect([gpu.code, JSON.parse(gpu.stdout).requirement]).toMatchObject([1, { wanted: true, wantedBy: ['devcontainer.gpu'], minCount: 2, count: 2 }]);
    expect(berth(['devcontainer', '--check'], dir)).toEqual({ code: 0, stdout: '.devcontainer/devcontainer.json: in step with berth.yaml\n', stderr: '' });
    writeFileSync(join(dir, 'berth.yaml'), readFileSync(join(dir, 'berth.yaml'), 'utf8').replace('count: 2', 'count: 4'));
    const before = readFileSync(join(dir, '.devcontainer/devcontainer.json'), 'utf8');
    const check = berth(['devcontainer', '--write'], dir);
    expect(check.code).toBe(0);
    expect(check.stderr).toContain('the spec asks for 4 GPUs, but the Compose service dev reserves 2 GPUs in compose.yaml: berth does not edit Compose files; give it a device reservation with count: 4 and capabilities: [gpu] by hand');
    expect(readFileSync(join(dir, '.devcontainer/devcontainer.json'), 'utf8')).toBe(before);
  });

  it('a spec that says nothing of the GPU leaves --gpus all where it is, and says so; gpu: false takes it out', () => {
    const dir = repo('gpu-count');
    writeFileSync(join(dir, 'berth.yaml'), 'berth: 1\nrepo: { name: g }\nservices:\n  port-8888:\n    runtime: devcontainer\n    ports: [8888]\ndevcontainer:\n  image: pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime\n');
    const before = readFileSync(join(dir, '.devcontainer/devcontainer.json'), 'utf8');
    const write = berth(['devcontainer', '--write'], dir);
    expect(write.code).toBe(0);
    expect(write.stderr).toContain('devcontainer.json asks for 2 GPUs, which the spec does not record: berth leaves it as it is; record it with `berth import devcontainer`, or say `gpu: false` for none');
    expect(readFileSync(join(dir, '.devcontainer/devcontainer.json'), 'utf8')).toBe(before);
    writeFileSync(join(dir, 'berth.yaml'), `${readFileSync(join(dir, 'berth.yaml'), 'utf8')}  gpu: false\n`);
    expect(berth(['devcontainer', '--write'], dir).code).toBe(0);
    expect(readFileSync(join(dir, '.devcontainer/devcontainer.json'), 'utf8')).toBe(before.replace('"runArgs": ["--gpus", "2", "--shm-size=1g"]', '"runArgs": ["--shm-size=1g"]'));
  });
});

describe('devcontainer.json as people write it', () => {
  /** A repo of its own: berth.yaml and .devcontainer/devcontainer.json as given. */
  function write(name: string, spec: string, json?: string): string {
    const dir = join(tmp, `${name}-${++n}`);
    mkdirSync(join(dir, '.devcontainer'), { recursive: true });
    writeFileSync(join(dir, 'berth.yaml'), spec);
    if (json !== undefined) writeFileSync(join(dir, '.devcontainer/devcontainer.json'), json);
    return dir;
  }
  const web = (port: number) => `berth: 1\nrepo: { name: d }\nservices:\n  web:\n    name: Web\n    runtime: devcontainer\n    ports: [${port}]\ndevcontainer:\n  image: berth-test/busybox:1\n`;
  const dcJson = (dir: string) => readFileSync(join(dir, '.devcontainer/devcontainer.json'), 'utf8');

  it('--write through a symbolic link keeps the link and updates its target', () => {
    const dir = write('link', web(9091));
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real/dc.json'), '{ "image": "berth-test/busybox:1", "forwardPorts": [8080] }');
    symlinkSync('../real/dc.json', join(dir, '.devcontainer/devcontainer.json'));
    expect(berth(['devcontainer', '--write'], dir).code).toBe(0);
    expect(lstatSync(join(dir, '.devcontainer/devcontainer.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real/dc.json'), 'utf8')).toContain('"forwardPorts": [9091]');
  });

  it('two Compose services forwarded on one port number: --write settles (the first has the attributes), --check then agrees', () => {
    const spec = [
      'berth: 1',
      'repo: { name: two }',
      'services:',
      '  db: { name: Postgres, runtime: { kind: devcontainer, composeService: db }, ports: [5432] }',
      '  replica: { name: Replica, runtime: { kind: devcontainer, composeService: replica }, ports: [5432] }',
      'devcontainer:',
      '  image: berth-test/busybox:1',
      '  compose: { files: [docker-compose.yml], service: app, runServices: [db, replica] }',
      '',
    ].join('\n');
    const dir = write('two', spec, '{\n  "dockerComposeFile": "docker-compose.yml",\n  "service": "app",\n  "runServices": ["db", "replica"],\n  "forwardPorts": ["db:5432", "replica:5432"]\n}\n');
    writeFileSync(join(dir, '.devcontainer/docker-compose.yml'), 'services:\n  app: { image: x }\n  db: { image: x }\n  replica: { image: x }\n');
    expect(berth(['devcontainer', '--write'], dir).code).toBe(0);
    const first = dcJson(dir);
    expect(JSON.parse(first.replace(/,(\s*[}\]])/g, '$1')).portsAttributes).toEqual({ '5432': { label: 'Postgres' } });
    expect(berth(['devcontainer', '--write'], dir).code).toBe(0);
    expect(dcJson(dir)).toBe(first);
    expect(berth(['devcontainer', '--check'], dir).code).toBe(0);
  });

  it('a repeated key: --write edits the occurrence in effect (the last), and --check then agrees', () => {
    const dir = write('dup', web(9090), '{\n  "image": "berth-test/busybox:1",\n  "forwardPorts": [3000],\n  "forwardPorts": [8080],\n  "portsAttributes": { "8080": { "label": "Web" } }\n}\n');
    expect(berth(['devcontainer', '--write'], dir).code).toBe(0);
    expect(dcJson(dir)).toBe('{\n  "image": "berth-test/busybox:1",\n  "forwardPorts": [3000],\n  "forwardPorts": [9090],\n  "portsAttributes": { "9090": { "label": "Web" } }\n}\n');
    expect(berth(['devcontainer', '--check'], dir)).toMatchObject({ code: 0, stdout: '.devcontainer/devcontainer.json: in step with berth.yaml\n' });
  });

  it('a file that starts with a byte-order mark is written, keeping the mark', () => {
    const dir = write('bom', web(9090), '\uFEFF{\n  "image": "berth-test/busybox:1",\n  "forwardPorts": [8080],\n}\n');
    const r = berth(['devcontainer', '--write'], dir);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(dcJson(dir).startsWith('\uFEFF{\n  "image": "berth-test/busybox:1",\n  "forwardPorts": [9090],\n')).toBe(true);
    expect(berth(['devcontainer', '--check'], dir).code).toBe(0);
  });

  it('a new file names the spec relative to itself; the registry note covers only the ports it forwards', () => {
    const dir = write('tb', 'berth: 1\nrepo:\n  name: v\nregistry: ports.yaml\nservices:\n  tb:\n    name: TensorBoard\n    runtime: devcontainer\n    ports: [6006, "7000:7001", { host: 7100, protocol: udp }]\ndevcontainer:\n  image: berth-test/busybox:1\n');
    writeFileSync(join(dir, 'ports.yaml'), 'registry: 1\nowner: v\nports: []\n');
    const printed = berth(['devcontainer'], dir);
    expect(printed.stdout).toContain('"forwardPorts": [6006]');
    const notes = printed.stderr.split('\n').filter((l) => l.includes('the devcontainer forwards it'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('port 6006/tcp of v/tb is not in the port registry, and the devcontainer forwards it');
    expect(berth(['devcontainer', '--write'], dir).code).toBe(0);
    expect(dcJson(dir).split('\n')[0]).toBe('// Written by `berth devcontainer --write` from ../berth.yaml, which keeps forwardPorts, their portsAttributes and the GPU request in step.');
  });

  it('import, then --check: a file just imported is in step (unlabelled and range-labelled forwards)', () => {
    const dir = join(tmp, `range-${++n}`);
    mkdirSync(join(dir, '.devcontainer'), { recursive: true });
    const json = '{ "image": "berth-test/busybox:1", "forwardPorts": [8080, "localhost:3000"], "portsAttributes": { "3000-3010": { "label": "range" } } }';
    writeFileSync(join(dir, '.devcontainer/devcontainer.json'), json);
    expect(berth(['import', 'devcontainer'], dir).code).toBe(0);
    expect(berth(['devcontainer', '--check'], dir)).toMatchObject({ code: 0, stdout: '.devcontainer/devcontainer.json: in step with berth.yaml\n' });
    expect(dcJson(dir)).toBe(json);
  });
});

describe('the bundled example', () => {
  it('its committed devcontainer.json is in step; validate warns that the MLflow forward holds Marquez\'s port', () => {
    const empty = mkdtempSync(join(tmp, 'no-spec-'));
    const check = berth(['devcontainer', '--check'], empty);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/\/examples\/semops-data\/\.devcontainer\/devcontainer\.json: in step with \/.*\/examples\/semops-data\/berth\.yaml\n$/);
    const v = berth(['validate', '--spec', join(root, 'examples/semops-data/berth.yaml')], root);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('examples/semops-data/berth.yaml:70:9: warning: port 5000/tcp is forwarded by the devcontainer for mlflow and published by Compose service marquez');
  });

  it("the page's GPU check runs in the devcontainer as the Dev Containers CLI does, by its labels", () => {
    const page = berth(['docs', '--spec', join(root, 'examples/semops-data/berth.yaml')], root).stdout;
    expect(page).toContain('devcontainer exec --workspace-folder . python -c "import torch; print(torch.cuda.is_available())"');
    expect(page).not.toContain('semops-data-devcontainer');
  });
});

describe("whether the devcontainer's GPU request can be met here, before anyone opens it", () => {
  const gpu = (ask: string) => {
    const dir = join(tmp, `gpu-${++n}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'berth.yaml'), `berth: 1\nrepo: { name: g }\ndevcontainer:\n  image: pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime\n  gpu: ${ask}\n`);
    // No nvidia-smi on PATH: this host has no usable GPU.
    return berth(['gpu', '--json', '--no-docker'], dir, { NO_COLOR: '1', PATH: '/usr/bin:/bin' });
  };

  it('a required GPU does not fit (exit 1); an optional one opens without it (exit 0)', () => {
    const required = gpu('{ vendor: nvidia }');
    expect([required.code, JSON.parse(required.stdout).status]).toEqual([1, 'does-not-fit']);
    const optional = gpu('{ optional: true }');
    expect(optional.code).toBe(0);
    expect(JSON.parse(optional.stdout).summary).toMatch(/^the devcontainer's GPU is optional: it opens here, but without a usable GPU/);
  });
});
