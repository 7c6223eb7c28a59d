import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST, makeTree, type Tree } from '@berth/ecosystem/testing';
import { bin, ensureBuiltCli, root } from './support/built-cli.js';

// An orchestrator's folder (its ecosystem.yaml, or a ports.yaml that is a registry) is no repo's: the ports commands
// run there on its registry and members, the commands that need a repo's spec refuse, and the bundled example is used
// only where none of berth.yaml, ecosystem.yaml and ports.yaml is found. Then a second repo joining the registry.

/** stderr without progress lines, which a loaded machine may show: notes and errors only. */
const notes = (stderr: string) => stderr.split('\n').filter((l) => l && !/^(loading|checking) /.test(l)).join('\n');

function berth(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', BERTH_RESULT_CACHE: '0', ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: notes(r.stderr) };
}

const ORCHESTRATOR_FOLDER = "this is an orchestrator's folder, not a repo's (no berth.yaml here or above): run `berth ecosystem check` for its members, or pass --spec PATH for one repo's spec";

let tree: Tree | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'berth-orchestrator-cli-'));
afterEach(() => tree?.cleanup());
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeAll(() => void ensureBuiltCli());

describe("in an orchestrator's folder (ecosystem.yaml and ports.yaml, no berth.yaml)", () => {
  it("ports list, check and suggest run on its registry with the manifest's members, never on the bundled example's", () => {
    tree = makeTree();
    const cwd = join(tree.root, 'orchestrator');
    const list = berth(['ports', 'list', '--json'], cwd);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    const json = JSON.parse(list.stdout);
    expect(json).toMatchObject({ spec: null, manifest: 'ecosystem.yaml', registry: 'ports.yaml', members: ['../data/berth.yaml', '../web/berth.yaml', expect.stringContaining('berth.yaml')] });
    expect(json.ports.map((p: { port: string; repo: string; service: string; status: string }) => `${p.port} ${p.repo || '-'}/${p.service} ${p.status}`)).toEqual([
      '5440 data/db ok',
      '6333 -/qdrant shared',
      '8100 data/api ok',
      '8200 web/ui ok',
      '8300 tools/docs ok',
    ]);

    const check = berth(['ports', 'check'], cwd);
    expect(check).toEqual({ code: 0, stdout: '4 port bindings of 3 repos checked against ports.yaml: no problems\n', stderr: '' });
    // a spec named as well is checked with the members, against this registry
    tree.write('extra/berth.yaml', 'berth: 1\nrepo: { name: extra }\nservices:\n  app: { ports: [8100] }\n');
    const more = berth(['ports', 'check', '../extra'], cwd);
    expect(more.code).toBe(1);
    expect(more.stdout).toContain(`${tree.root}/extra/berth.yaml:4:18: port 8100/tcp of extra/app is registered to data/api (ports.yaml:4:5)`);
    expect(more.stdout).toContain('5 port bindings of 4 repos checked against ports.yaml: 2 errors\n');

    // data's api: near its port, past every port the registry and the members hold
    const suggest = berth(['ports', 'suggest', 'api', '-n', '3', '--json'], cwd);
    expect(suggest).toMatchObject({ code: 0, stderr: '' });
    const ports: number[] = JSON.parse(suggest.stdout).ports;
    expect(ports).toHaveLength(3);
    for (const p of ports) expect(Math.abs(p - 8100)).toBeLessThan(50);
    expect(ports).not.toContain(8100);
    expect(berth(['ports', 'suggest', 'api', '-n', '1'], cwd).stderr).toMatch(/^berth: 1 free tcp port for api: not in ports\.yaml nor published by a member of ecosystem\.yaml, /);
  });

  it('validate, env, docs (and ports register) refuse: exit 2, one line saying what to run instead; --spec still works', () => {
    tree = makeTree();
    const cwd = join(tree.root, 'orchestrator');
    for (const args of [['validate'], ['env', 'check'], ['env', 'example', '-o', '-'], ['docs'], ['ports', 'register', 'api']]) {
      expect(berth(args, cwd), args.join(' ')).toEqual({ code: 2, stdout: '', stderr: `berth: ecosystem.yaml: ${ORCHESTRATOR_FOLDER}` });
    }
    const json = JSON.parse(berth(['validate', '--json'], cwd).stdout);
    expect(json).toMatchObject({ ok: false, error: { code: 'ERR_BERTH_USAGE', message: `ecosystem.yaml: ${ORCHESTRATOR_FOLDER}` } });
    // below the orchestrator's folder, still its folder
    mkdirSync(join(cwd, 'docs'));
    expect(berth(['validate'], join(cwd, 'docs'))).toEqual({ code: 2, stdout: '', stderr: `berth: ${cwd}/ecosystem.yaml: ${ORCHESTRATOR_FOLDER}` });
    const spec = berth(['validate', '--json', '--spec', '../data/berth.yaml'], cwd);
    expect(spec.code).toBe(0);
    expect(JSON.parse(spec.stdout)).toMatchObject({ ok: true, spec: join(tree.root, 'data/berth.yaml'), bundledExample: false, ecosystem: { name: 'demo' } });
    expect(berth(['ecosystem', 'check'], cwd).stdout).toBe('ecosystem demo: 3 members, 4 published ports, 3 connections checked against ports.yaml: no problems\n');
  });

  it('a member that cannot be loaded is said on stderr and makes it exit 2; the others are still listed and checked', () => {
    tree = makeTree({ manifest: MANIFEST.replace('path: ../data', 'path: ../dta') });
    const cwd = join(tree.root, 'orchestrator');
    const missing = 'ecosystem.yaml:6:5: member data (../dta): no such file or folder (fix the path, clone the repo beside the others, or remove the member)';
    const list = berth(['ports', 'list'], cwd);
    expect(list).toMatchObject({ code: 2, stderr: missing });
    expect(list.stdout).toContain('8200  tcp       web    ui       WEB_UI_PORT    ok\n');
    expect(berth(['ports', 'check'], cwd)).toEqual({ code: 2, stdout: '2 port bindings of 2 repos checked against ports.yaml: no problems\n', stderr: missing });
  });

  it('the nearest file wins: a repo inside the orchestrator\'s checkout is that repo, and the orchestrator inside a repo is the orchestrator', () => {
    tree = makeTree();
    // the orchestrator checked out inside another repo, and a repo checked out inside the orchestrator
    tree.write('berth.yaml', 'berth: 1\nrepo: { name: outer }\nservices:\n  web: { ports: [8888] }\n');
    tree.write('orchestrator/repos/pub/berth.yaml', 'berth: 1\nrepo: { name: pub }\nregistry: ../../ports.yaml\nservices:\n  app: { ports: [8100] }\n');
    const orchestrator = join(tree.root, 'orchestrator');
    expect(berth(['validate'], orchestrator)).toEqual({ code: 2, stdout: '', stderr: `berth: ecosystem.yaml: ${ORCHESTRATOR_FOLDER}` });
    expect(JSON.parse(berth(['ports', 'list', '--json'], orchestrator).stdout)).toMatchObject({ spec: null, manifest: 'ecosystem.yaml', registry: 'ports.yaml' });
    const pub = join(orchestrator, 'repos/pub');
    const validate = berth(['validate', '--json'], pub);
    expect(validate.code).toBe(1);
    expect(JSON.parse(validate.stdout)).toMatchObject({ spec: 'berth.yaml', registry: join(orchestrator, 'ports.yaml'), bundledExample: false, ecosystem: { name: 'demo', member: false } });
    expect(JSON.parse(berth(['ports', 'list', '--json'], pub).stdout)).toMatchObject({ spec: 'berth.yaml', registry: join(orchestrator, 'ports.yaml') });
    expect(JSON.parse(berth(['ports', 'list', '--json'], tree.root).stdout)).toMatchObject({ spec: 'berth.yaml', registry: null });
  });
});

describe('in a folder holding only a registry (ports.yaml, registry: 1)', () => {
  const REGISTRY = 'registry: 1\nowner: my-orchestrator\nports:\n  - { port: 8889, repo: publisher, service: notebook, env: NOTEBOOK_PORT }\n';
  it('ports list and suggest use it; validate and ecosystem check refuse rather than answer for the bundled example', () => {
    const dir = mkdtempSync(join(scratch, 'registry-'));
    writeFileSync(join(dir, 'ports.yaml'), REGISTRY);
    const list = berth(['ports', 'list'], dir);
    expect(list).toEqual({ code: 0, stdout: 'PORT  PROTOCOL  REPO       SERVICE   ENV            STATUS\n8889  tcp       publisher  notebook  NOTEBOOK_PORT  ok\n', stderr: '' });
    const ports: number[] = JSON.parse(berth(['ports', 'suggest', 'jupyter', '--near', '8889', '--json'], dir).stdout).ports;
    expect(ports).not.toContain(8889);
    expect(berth(['validate'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: "berth: ports.yaml: this is an orchestrator's folder, not a repo's (a port registry, no berth.yaml here or above): run `berth ports check SPEC...` or `berth ecosystem check --registry ports.yaml SPEC...`, or pass --spec PATH for one repo's spec",
    });
    expect(berth(['ecosystem', 'check'], dir)).toEqual({ code: 2, stdout: '', stderr: 'berth: ports.yaml: a port registry with no ecosystem.yaml beside it or above\nhint: name the specs to check against it: berth ecosystem check --registry ports.yaml SPEC...' });
  });

  it('a ports.yaml that is no registry is not an orchestrator\'s: there the bundled example is used, and said', () => {
    const dir = mkdtempSync(join(scratch, 'not-registry-'));
    writeFileSync(join(dir, 'ports.yaml'), '# the ports a tool of ours opens\nports: [1, 2]\n');
    const r = berth(['ports', 'list', '--json'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`berth: no berth.yaml found from ${dir} up; using the bundled example (${join(root, 'examples/semops-data/berth.yaml')})`);
  });

  it('a result kept for the bundled example is not replayed once the folder becomes an orchestrator\'s (the result cache on)', async () => {
    const dir = mkdtempSync(join(scratch, 'cached-'));
    const xdg = mkdtempSync(join(scratch, 'xdg-'));
    // BERTH_RESULT_CACHE unset: the cache is on (spawnSync leaves out a variable whose value is undefined)
    const cached = (args: string[]) => berth(args, dir, { XDG_CACHE_HOME: xdg, BERTH_RESULT_CACHE: undefined });
    // the first runs answer for the bundled example, and are kept (the example's files are long settled)
    expect(JSON.parse(cached(['ports', 'list', '--json']).stdout).registry).toMatch(/semops-dx-orchestrator\/ports\.yaml$/);
    expect(cached(['validate']).code).toBe(0);
    const kept = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? kept(join(d, e.name)) : [e.name]));
    expect(kept(join(xdg, 'berth', 'results')).filter((f) => f.endsWith('.json'))).toHaveLength(2);
    writeFileSync(join(dir, 'ports.yaml'), REGISTRY);
    expect(JSON.parse(cached(['ports', 'list', '--json']).stdout)).toMatchObject({ spec: null, registry: 'ports.yaml', ports: [{ port: '8889', repo: 'publisher' }] });
    expect(cached(['validate']).code).toBe(2);
    writeFileSync(join(dir, 'ecosystem.yaml'), 'ecosystem: 1\nname: mine\nowner: my-orchestrator\nregistry: ports.yaml\nmembers: []\n');
    // let both files settle, so this run's answer is kept, and then replayed for the same folder
    await new Promise((r) => setTimeout(r, 3200));
    for (let i = 0; i < 2; i++) expect(cached(['validate'])).toEqual({ code: 2, stdout: '', stderr: `berth: ecosystem.yaml: ${ORCHESTRATOR_FOLDER}` });
  }, 30_000);
});

describe('a second repo joining the bundled registry', () => {
  const PUBLISHER = `berth: 1
repo: { name: publisher }
registry: ../orchestrator/ports.yaml
services:
  notebook:
    ports: [{ host: 8889, env: NOTEBOOK_PORT }]
  api:
    ports: [8890]
connections:
  mlflow: { name: MLflow, port: 5000, protocol: http, owner: semops-data, service: mlflow }
  qdrant: { name: Qdrant, port: 6333, protocol: http }
  search: { name: Search, transport: stdio, owner: semops-data }
`;
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(scratch, 'join-'));
    mkdirSync(join(dir, 'orchestrator'));
    mkdirSync(join(dir, 'publisher'));
    copyFileSync(join(root, 'examples/semops-dx-orchestrator/ports.yaml'), join(dir, 'orchestrator/ports.yaml'));
    writeFileSync(join(dir, 'publisher/berth.yaml'), PUBLISHER);
  });

  it("ports register puts the repo's first entry in a group of its own, `# publisher` after a blank line, and its next entries in that group", () => {
    const registry = join(dir, 'orchestrator/ports.yaml');
    const before = readFileSync(registry, 'utf8');
    expect(berth(['ports', 'register', 'notebook'], join(dir, 'publisher'))).toMatchObject({ code: 0, stdout: `registered 8889/tcp for publisher/notebook (NOTEBOOK_PORT) in ${registry}\n` });
    const first = `${before}\n  # publisher\n  - { port: 8889, repo: publisher, service: notebook, env: NOTEBOOK_PORT }\n`;
    expect(readFileSync(registry, 'utf8')).toBe(first);
    expect(berth(['ports', 'register', 'api'], join(dir, 'publisher')).code).toBe(0);
    expect(readFileSync(registry, 'utf8')).toBe(`${first}  - { port: 8890, repo: publisher, service: api }\n`);
    expect(existsSync(`${registry}.lock`)).toBe(false);
  });

  it('docs tags a connection to another repo\'s service with that repo, and only shared infrastructure "shared"', () => {
    const r = berth(['docs'], join(dir, 'publisher'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# MLflow (semops-data, default) — expects 2xx-3xx');
    expect(r.stdout).toContain('# Qdrant (shared, default) — expects 2xx-3xx\ncurl http://127.0.0.1:6333/readyz');
    expect(r.stdout).toContain('# Search (semops-data, default) — starts the MCP server registered in .mcp.json or ~/.claude.json over stdio and lists its tools');
    expect(r.stdout.match(/\(shared/g)).toHaveLength(1);
  });
});
