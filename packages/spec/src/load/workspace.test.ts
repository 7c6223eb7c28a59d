import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFailure, loadWorkspace } from './workspace.js';

const root = mkdtempSync(join(tmpdir(), 'berth-workspace-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A repo folder with the given files. */
function repo(files: Record<string, string>): string {
  const dir = join(root, `r${n++}`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const SPEC = 'berth: 1\nrepo: { name: app }\nregistry: ports.yaml\nservices:\n  web: { ports: [8080] }\n';
const REGISTRY = 'registry: 1\nowner: o\nports:\n  - { port: 8080, repo: app, service: web }\n';

describe('loadWorkspace: spec, registry and .env through one loader', () => {
  it('loads the spec, the registry it names and the .env beside it', () => {
    const dir = repo({ 'berth.yaml': SPEC, 'ports.yaml': REGISTRY, '.env': 'WEB_PORT=8080\n# comment\nexport TOKEN="a b"\n' });
    const ws = loadWorkspace({ specPath: 'berth.yaml', cwd: dir });
    expect(ws.problems).toEqual([]);
    expect(ws.failed).toBeUndefined();
    expect(ws.spec.value?.repo.name).toBe('app');
    expect(ws.registry).toMatchObject({ file: 'ports.yaml', value: { owner: 'o' } });
    expect(ws.env).toMatchObject({ file: '.env', path: join(dir, '.env'), values: { WEB_PORT: '8080', TOKEN: 'a b' }, lines: { WEB_PORT: 1, TOKEN: 3 } });
    expect(loadFailure(ws)).toBeUndefined();
  });

  it('a pipe where berth finds the registry or the .env is refused at once, not read (nothing writes it: the read would wait for ever)', () => {
    const dir = repo({ 'berth.yaml': SPEC });
    execFileSync('mkfifo', [join(dir, 'ports.yaml'), join(dir, '.env')]);
    const ws = loadWorkspace({ specPath: 'berth.yaml', cwd: dir });
    expect(ws.failed).toBe('registry');
    expect(ws.problems.map((p) => `${p.file}: ${p.message}`)).toEqual([expect.stringMatching(/^ports\.yaml: is a pipe, not a file \(named at berth\.yaml:3:\d+\)$/), '.env: is a pipe, not a .env file']);
  });

  it('an invalid registry is reported with file:line:col, never dropped', () => {
    const dir = repo({ 'berth.yaml': SPEC, 'ports.yaml': 'registry: 1\nowner: o\nports:\n  - { port: 8080, repo: app, sevrice: web }\n' });
    const ws = loadWorkspace({ specPath: 'berth.yaml', cwd: dir });
    expect(ws.failed).toBe('registry');
    expect(ws.registry?.value).toBeUndefined();
    expect(ws.problems).toContainEqual(expect.objectContaining({ file: 'ports.yaml', line: 4, code: 'unknown-key', severity: 'error' }));
    expect(loadFailure(ws)).toMatchObject({ code: 'ERR_BERTH_INVALID_REGISTRY', message: 'ports.yaml: the port registry cannot be loaded' });
  });

  it('a registry package that is not installed points at the spec\'s registry line', () => {
    const dir = repo({ 'berth.yaml': SPEC.replace('registry: ports.yaml', 'registry: { package: "@org/ports" }') });
    const ws = loadWorkspace({ specPath: 'berth.yaml', cwd: dir });
    expect(ws.failed).toBe('registry');
    expect(ws.problems).toEqual([expect.objectContaining({ code: 'registry-package-not-found', file: 'berth.yaml', line: 3 })]);
  });

  it('--registry wins over the spec and a missing one says where it came from', () => {
    const dir = repo({ 'berth.yaml': SPEC, 'ports.yaml': REGISTRY });
    const ws = loadWorkspace({ specPath: 'berth.yaml', cwd: dir, registryPath: 'elsewhere.yaml' });
    expect(ws.problems).toEqual([expect.objectContaining({ code: 'file-not-found', file: 'elsewhere.yaml', message: 'no such file (from --registry)' })]);
  });

  it("a missing registry the spec names says where the spec names it", () => {
    const dir = repo({ 'berth.yaml': SPEC });
    const ws = loadWorkspace({ specPath: 'berth.yaml', cwd: dir });
    expect(ws.failed).toBe('registry');
    expect(ws.problems).toEqual([expect.objectContaining({ code: 'file-not-found', file: 'ports.yaml', message: 'no such file (named at berth.yaml:3:11)' })]);
  });

  it('a .env that cannot be read is an error; a line that is not NAME=value is a warning with its line', () => {
    const broken = repo({ 'berth.yaml': SPEC, 'ports.yaml': REGISTRY, '.env/x': '' });
    const ws = loadWorkspace({ specPath: 'berth.yaml', cwd: broken });
    expect(ws.failed).toBe('env');
    expect(loadFailure(ws)).toMatchObject({ code: 'ERR_BERTH_ENV_FILE', message: '.env: is a directory, not a .env file' });

    const odd = repo({ 'berth.yaml': SPEC, 'ports.yaml': REGISTRY, '.env': 'A=1\nthis is not an assignment\n' });
    const ok = loadWorkspace({ specPath: 'berth.yaml', cwd: odd });
    expect(ok.failed).toBeUndefined();
    expect(ok.problems).toEqual([{ code: 'env-file-syntax', severity: 'warning', file: '.env', line: 2, col: 1, message: 'not a NAME=value line; ignored' }]);
    expect(ok.env?.values).toEqual({ A: '1' });
  });

  it('a .env named by a flag must exist; without one, a missing .env is no problem', () => {
    const dir = repo({ 'berth.yaml': SPEC, 'ports.yaml': REGISTRY });
    expect(loadWorkspace({ specPath: 'berth.yaml', cwd: dir }).problems).toEqual([]);
    const ws = loadWorkspace({ specPath: 'berth.yaml', cwd: dir, envFile: 'prod.env', envFlag: '--dotenv' });
    expect(ws.failed).toBe('env');
    expect(ws.problems).toEqual([expect.objectContaining({ file: 'prod.env', message: 'no such file (from --dotenv)' })]);
  });

  it('never throws: an invalid spec is the first failure, and what else was named is still checked', () => {
    const dir = repo({ 'berth.yaml': 'berth: 1\nrepo: {}\n', 'ports.yaml': 'registry: 2\n' });
    const ws = loadWorkspace({ specPath: 'berth.yaml', cwd: dir, registryPath: 'ports.yaml' });
    expect(ws.failed).toBe('spec');
    expect(ws.problems.map((p) => p.file)).toEqual(expect.arrayContaining(['berth.yaml', 'ports.yaml']));
    expect(loadFailure(ws)).toMatchObject({ code: 'ERR_BERTH_INVALID_SPEC', message: 'berth.yaml: the spec is not valid' });
    expect(loadWorkspace({ specPath: 'missing.yaml', cwd: dir }).failed).toBe('spec');
  });

  it('leaves out the registry or the .env when asked, so a check does not depend on them', () => {
    const dir = repo({ 'berth.yaml': SPEC, 'ports.yaml': 'not: a registry\n', '.env/x': '' });
    const ws = loadWorkspace({ specPath: 'berth.yaml', cwd: dir, withRegistry: false, withEnv: false });
    expect(ws).toMatchObject({ problems: [] });
    expect(ws.registry).toBeUndefined();
    expect(ws.env).toBeUndefined();
  });
});
