import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DATA, MANIFEST, WEB, makeTree, type Tree } from '@berth/ecosystem/testing';
import { bin, ensureBuiltCli, root } from './support/built-cli.js';

/** stderr without progress lines, which a loaded machine may show (loading took over a second): notes and errors only. */
const notes = (stderr: string) => stderr.split('\n').filter((l) => l && !/^(loading|checking) /.test(l)).join('\n');

function berth(args: string[], cwd: string, env: Record<string, string> = { NO_COLOR: '1' }) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tree: Tree | undefined;
afterEach(() => tree?.cleanup());
beforeAll(() => void ensureBuiltCli());

describe('berth ecosystem check, run as the built binary on a real multi-repo tree', () => {
  it('in the orchestrator\'s folder: reads the manifest, loads every member (one at a git tag), exit 0', () => {
    tree = makeTree();
    const r = berth(['ecosystem', 'check'], join(tree.root, 'orchestrator'));
    expect(r.code).toBe(0);
    expect(notes(r.stderr)).toBe('');
    expect(r.stdout).toBe('ecosystem demo: 3 members, 4 published ports, 3 connections checked against ports.yaml: no problems\n');
  });

  it('from a member repo: finds the ecosystem beside the registry its berth.yaml names', () => {
    tree = makeTree();
    expect(berth(['ecosystem', 'check'], join(tree.root, 'web'))).toMatchObject({ code: 0, stdout: 'ecosystem demo: 3 members, 4 published ports, 3 connections checked against ../orchestrator/ports.yaml: no problems\n' });
  });

  it('--registry FILE SPEC... without a manifest: each spec once, never the bundled example', () => {
    tree = makeTree();
    const r = berth(['ecosystem', 'check', '--registry', 'orchestrator/ports.yaml', 'data', 'web/berth.yaml', 'data/berth.yaml'], tree.root);
    expect(r.code).toBe(0);
    expect(notes(r.stderr)).toBe('berth: loaded once, named again: data/berth.yaml');
    expect(r.stdout).toBe(
      "orchestrator/ports.yaml:7:5: warning: port 8300/tcp is allocated to tools/docs, but tools is not the repo of any spec checked (remove the entry, or check that repo's spec too)\n" +
        'ecosystem: 2 members, 3 published ports, 2 connections checked against orchestrator/ports.yaml: 1 warning\n',
    );
  });

  it('exit 1 on a cross-repo error, one line naming the repos, services, ports and places', () => {
    tree = makeTree({ web: WEB.replace('owner: data }', 'owner: publisher }') });
    const r = berth(['ecosystem', 'check'], join(tree.root, 'orchestrator'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      '../web/berth.yaml:10:51: web: connection data-api (localhost:8100) names owner publisher, but port 8100/tcp is published by data/api (../data/berth.yaml:6:13) (owner: data)\n' +
        'ecosystem demo: 3 members, 4 published ports, 3 connections checked against ports.yaml: 1 error\n',
    );
  });

  it('--json carries the problems, with the repos each concerns, and the graph', () => {
    tree = makeTree({ web: WEB.replace('owner: data }', 'owner: publisher }') });
    const json = JSON.parse(berth(['ecosystem', 'check', '--json'], join(tree.root, 'orchestrator')).stdout);
    expect(json).toMatchObject({ ok: false, ecosystem: 'demo', manifest: 'ecosystem.yaml', registry: 'ports.yaml', errors: 1, warnings: 0, unloaded: [] });
    expect(json.members.map((m: { repo: string; source: { kind: string } }) => `${m.repo}:${m.source.kind}`)).toEqual(['data:path', 'web:path', 'tools:git']);
    expect(json.problems).toEqual([expect.objectContaining({ code: 'connection-owner-mismatch', file: '../web/berth.yaml', line: 10, col: 51, repos: ['web', 'data'] })]);
    expect(json.graph.edges.map((e: { from: { repo: string }; to: { repo?: string; service: string }; port: number }) => `${e.from.repo}->${e.to.repo ?? '*'}/${e.to.service}:${e.port}`)).toEqual(['web->data/api:8100', 'web->*/qdrant:6333', 'tools->web/ui:8200']);
  });

  it('bad input: one line per problem, exit 2, and what did load is still checked', () => {
    tree = makeTree({ manifest: MANIFEST.replace('path: ../web/berth.yaml', 'path: ../wbe'), data: DATA.replace('{ repo: web,', '{ repo: nobody,') });
    const r = berth(['ecosystem', 'check'], join(tree.root, 'orchestrator'));
    expect(r.code).toBe(2);
    // what could not be loaded on stderr, as every command writes its errors; the findings on stdout
    expect(r.stderr).toBe('ecosystem.yaml:8:5: member web (../wbe): no such file or folder (fix the path, clone the repo beside the others, or remove the member)\n');
    expect(r.stdout).toBe(
      '../data/berth.yaml:10:13: data: lists nobody as a consumer, but nobody is not a member of the ecosystem (remove it from consumers, or add the connection to its spec)\n' +
        'ecosystem demo: 2 members, 1 not loaded (web), 3 published ports, 1 connection checked against ports.yaml: 2 errors\n',
    );
  });

  it('a registry that is not a registry, from --registry: one line, exit 2', () => {
    tree = makeTree();
    const r = berth(['ecosystem', 'check', '--registry', 'data/berth.yaml', 'web'], tree.root);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'data/berth.yaml:1:1: is not a port registry: it has no "registry: 1" line (it looks like a berth.yaml); from --registry\nberth ecosystem: not checked: 1 error\n' });
  });

  it('a manifest that is missing, a folder or not a manifest: its line on stderr, nothing on stdout, exit 2', () => {
    tree = makeTree();
    const cwd = join(tree.root, 'orchestrator');
    writeFileSync(join(cwd, 'bad.yaml'), 'hello: world\n');
    mkdirSync(join(cwd, 'adir'));
    for (const manifest of ['nope.yaml', 'adir', 'bad.yaml']) {
      const r = berth(['ecosystem', 'check', '-m', manifest], cwd);
      expect(r.code, manifest).toBe(2);
      expect(r.stdout, manifest).toBe('');
      expect(r.stderr, manifest).toMatch(/\nberth ecosystem: not checked: 1 error\n$/);
      // ecosystem docs says the same first line, on the same stream
      expect(berth(['ecosystem', 'docs', '-m', manifest], cwd).stderr.split('\n')[0], manifest).toBe(r.stderr.split('\n')[0]);
    }
  });

  it('honours NO_COLOR even when colour is forced, and colours without it', () => {
    tree = makeTree({ web: WEB.replace('owner: data }', 'owner: publisher }') });
    const cwd = join(tree.root, 'orchestrator');
    expect(berth(['ecosystem', 'check'], cwd, { NO_COLOR: '1', FORCE_COLOR: '1' }).stdout).not.toContain('\u001b[');
    expect(berth(['ecosystem', 'check'], cwd, { FORCE_COLOR: '1' }).stdout).toContain('\u001b[31m');
  });
});

describe('berth ecosystem docs', () => {
  it('--write DIR writes the three pages, --check DIR passes, hand-written blocks survive, drift is named', () => {
    tree = makeTree();
    const cwd = join(tree.root, 'orchestrator');
    expect(berth(['ecosystem', 'docs', '--check', 'docs'], cwd)).toMatchObject({ code: 1, stdout: expect.stringContaining('docs/PORTS.md: does not exist (run `berth ecosystem docs --write docs`)') });
    expect(berth(['ecosystem', 'docs', '--write', 'docs'], cwd)).toMatchObject({ code: 0, stdout: 'docs/PORTS.md: written\ndocs/GLOBAL_INFRASTRUCTURE.md: written\ndocs/DIAGRAMS.md: written\n' });
    expect(readdirSync(join(cwd, 'docs')).sort()).toEqual(['DIAGRAMS.md', 'GLOBAL_INFRASTRUCTURE.md', 'PORTS.md']);
    const ports = readFileSync(join(cwd, 'docs/PORTS.md'), 'utf8');
    expect(ports).toContain('| 8300 | tools | docs | — | — | ok |');
    expect(readFileSync(join(cwd, 'docs/DIAGRAMS.md'), 'utf8')).toContain('repo_tools -->|8200| svc_web_ui');
    expect(berth(['ecosystem', 'docs', '--check', 'docs'], cwd)).toMatchObject({ code: 0, stdout: 'docs/PORTS.md: up to date\ndocs/GLOBAL_INFRASTRUCTURE.md: up to date\ndocs/DIAGRAMS.md: up to date\n' });

    const note = '<!-- berth:keep gpu-box -->\nPorts 9000-9099 belong to the GPU box.\n<!-- /berth:keep gpu-box -->';
    writeFileSync(join(cwd, 'docs/PORTS.md'), ports.replace('## Shared Services', `${note}\n\n## Shared Services`));
    tree.write('data/berth.yaml', DATA.replace('ports: [5440]', 'ports: [5441]'));
    tree.write('orchestrator/ports.yaml', readFileSync(join(cwd, 'ports.yaml'), 'utf8').replace('port: 5440', 'port: 5441'));
    const drift = berth(['ecosystem', 'docs', '--check', 'docs'], cwd);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('docs/PORTS.md: out of date (');
    expect(drift.stdout).toContain('+ | 5441 | data | db |');
    expect(berth(['ecosystem', 'docs', '--write', 'docs'], cwd).code).toBe(0);
    const after = readFileSync(join(cwd, 'docs/PORTS.md'), 'utf8');
    expect(after).toContain(note);
    expect(after).toContain('| 5441 | data | db |');
    expect(berth(['ecosystem', 'docs', '--check', 'docs'], cwd).code).toBe(0);
  });

  it('takes --registry FILE SPEC... too; broken markers are bad input and nothing is written', () => {
    tree = makeTree();
    const args = ['ecosystem', 'docs', '--registry', 'orchestrator/ports.yaml', 'data', 'web', '--write', 'out'];
    expect(berth(args, tree.root).code).toBe(0);
    writeFileSync(join(tree.root, 'out/DIAGRAMS.md'), '<!-- berth:keep x -->\nnever closed\n');
    const before = readFileSync(join(tree.root, 'out/PORTS.md'), 'utf8');
    tree.write('data/berth.yaml', DATA.replace('ports: [5440]', 'ports: [5441]'));
    const r = berth(args, tree.root);
    expect(r.code).toBe(2);
    expect(notes(r.stderr)).toBe('out/DIAGRAMS.md:1:1: berth:keep x is never closed (add "<!-- /berth:keep x -->")');
    expect(readFileSync(join(tree.root, 'out/PORTS.md'), 'utf8')).toBe(before);
    expect(readdirSync(join(tree.root, 'out')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('another berth holding one page past the wait: exit 1 naming the holder, none of the three written', () => {
    tree = makeTree();
    const cwd = join(tree.root, 'orchestrator');
    expect(berth(['ecosystem', 'docs', '--write', 'docs'], cwd).code).toBe(0);
    const before = Object.fromEntries(['PORTS.md', 'GLOBAL_INFRASTRUCTURE.md', 'DIAGRAMS.md'].map((f) => [f, readFileSync(join(cwd, 'docs', f), 'utf8')]));
    tree.write('data/berth.yaml', DATA.replace('ports: [5440]', 'ports: [5441]'));
    tree.write('orchestrator/ports.yaml', readFileSync(join(cwd, 'ports.yaml'), 'utf8').replace('port: 5440', 'port: 5441'));
    // This test process is the (live) holder of the last page written.
    writeFileSync(join(cwd, 'docs/DIAGRAMS.md.lock'), JSON.stringify({ pid: process.pid, hostname: hostname(), since: new Date().toISOString(), command: 'berth ecosystem docs', nonce: 'test' }));
    const r = berth(['ecosystem', 'docs', '--write', 'docs'], cwd, { NO_COLOR: '1', BERTH_LOCK_TIMEOUT: '0.5' });
    expect(r.code).toBe(1);
    expect(notes(r.stderr)).toContain(`docs/DIAGRAMS.md is locked by pid ${process.pid} ("berth ecosystem docs", since `);
    for (const [f, text] of Object.entries(before)) expect(readFileSync(join(cwd, 'docs', f), 'utf8'), f).toBe(text);
    rmSync(join(cwd, 'docs/DIAGRAMS.md.lock'));
    expect(berth(['ecosystem', 'docs', '--write', 'docs'], cwd)).toMatchObject({ code: 0, stdout: 'docs/PORTS.md: written\ndocs/GLOBAL_INFRASTRUCTURE.md: written\ndocs/DIAGRAMS.md: written\n' });
    expect(readdirSync(join(cwd, 'docs')).sort()).toEqual(['DIAGRAMS.md', 'GLOBAL_INFRASTRUCTURE.md', 'PORTS.md']);
  });

  it("leaves a team's hand-written page alone unless --force, writing none of the three; an empty folder flag is usage", () => {
    tree = makeTree();
    const cwd = join(tree.root, 'orchestrator');
    tree.write('orchestrator/docs/PORTS.md', '# Our ports\n\nYears of notes\n');
    const r = berth(['ecosystem', 'docs', '--write', 'docs'], cwd);
    expect(r.code).toBe(2);
    expect(notes(r.stderr)).toBe('berth: docs/PORTS.md already exists; not overwriting it\nhint: it is not a page berth generated (it has no "Generated by berth" notice): move it aside, or put what it says between berth:keep markers in the generated page, or pass --force to replace it');
    expect(readFileSync(join(cwd, 'docs/PORTS.md'), 'utf8')).toBe('# Our ports\n\nYears of notes\n');
    expect(readdirSync(join(cwd, 'docs'))).toEqual(['PORTS.md']);
    // --check names the command that will replace it, not the --write that refuses to
    expect(berth(['ecosystem', 'docs', '--check', 'docs'], cwd).stdout).toContain(
      'docs/PORTS.md: out of date (',
    );
    expect(berth(['ecosystem', 'docs', '--check', 'docs'], cwd).stdout).toContain(
      'to remove; it is not a page berth generated: `berth ecosystem docs --write docs --force` replaces it, keeping only what is between berth:keep markers)\n',
    );
    expect(berth(['ecosystem', 'docs', '--write', 'docs', '--force'], cwd).code).toBe(0);
    expect(readFileSync(join(cwd, 'docs/PORTS.md'), 'utf8')).toContain('Generated by `berth ecosystem docs`');
    // a page berth wrote is replaced as before, and an empty one too
    writeFileSync(join(cwd, 'docs/DIAGRAMS.md'), '');
    expect(berth(['ecosystem', 'docs', '--write', 'docs'], cwd).code).toBe(0);
    for (const flag of ['--write', '--check']) {
      const empty = berth(['ecosystem', 'docs', flag, ''], cwd);
      expect([empty.code, notes(empty.stderr)]).toEqual([2, `berth: ${flag} needs a folder, and was given an empty one`]);
    }
  });

  // an immutable file (chattr +i: root on ext4 or xfs) is one a write fails on after the others could have been written
  const chattr = spawnSync('sh', ['-c', 'f=$(mktemp) && chattr +i "$f" && chattr -i "$f"; s=$?; rm -f "$f"; exit $s']).status === 0;
  it.skipIf(!chattr)(`writes none of the three pages when one cannot be written${chattr ? '' : ' (skipped: chattr +i is not available here: not root, or not ext4/xfs)'}`, () => {
    tree = makeTree();
    const cwd = join(tree.root, 'orchestrator');
    expect(berth(['ecosystem', 'docs', '--write', 'docs'], cwd).code).toBe(0);
    const before = readdirSync(join(cwd, 'docs')).map((f) => readFileSync(join(cwd, 'docs', f), 'utf8'));
    tree.write('data/berth.yaml', DATA.replace('ports: [5440]', 'ports: [5441]'));
    tree.write('orchestrator/ports.yaml', readFileSync(join(cwd, 'ports.yaml'), 'utf8').replace('port: 5440', 'port: 5441'));
    spawnSync('chattr', ['+i', join(cwd, 'docs/DIAGRAMS.md')]);
    try {
      const r = berth(['ecosystem', 'docs', '--write', 'docs'], cwd);
      expect(r.code).toBe(2);
      expect(notes(r.stderr)).toBe('docs/DIAGRAMS.md: cannot write docs/DIAGRAMS.md: permission denied');
      expect(readdirSync(join(cwd, 'docs')).map((f) => readFileSync(join(cwd, 'docs', f), 'utf8'))).toEqual(before);
    } finally {
      spawnSync('chattr', ['-i', join(cwd, 'docs/DIAGRAMS.md')]);
    }
  });

  it("renders an ecosystem with errors as it is (exit 0), and --json says its findings beside the pages, not a bare ok", () => {
    tree = makeTree({ web: WEB.replace('owner: data }', 'owner: publisher }') });
    const cwd = join(tree.root, 'orchestrator');
    const r = berth(['ecosystem', 'docs', '--json'], cwd);
    expect(r.code).toBe(0);
    expect(notes(r.stderr)).toBe('berth: the ecosystem has 1 error(s); the pages show it as it is (see `berth ecosystem check`)');
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ ok: true, errors: 1, warnings: 0, problemCount: 1 });
    expect(Object.keys(json.pages)).toEqual(['PORTS.md', 'GLOBAL_INFRASTRUCTURE.md', 'DIAGRAMS.md']);
    expect(json.problems.map((p: { code: string; repos: string[] }) => [p.code, p.repos])).toEqual([['connection-owner-mismatch', ['web', 'data']]]);
    const written = JSON.parse(berth(['ecosystem', 'docs', '--write', 'docs', '--json'], cwd).stdout);
    expect(written).toMatchObject({ ok: true, errors: 1, warnings: 0 });
    expect(JSON.parse(berth(['ecosystem', 'docs', '--check', 'docs', '--json'], cwd).stdout)).toMatchObject({ ok: true, errors: 1, warnings: 0 });
  });

  it('renders nothing from an ecosystem that could not be loaded', () => {
    tree = makeTree({ manifest: MANIFEST.replace('path: ../web/berth.yaml', 'path: ../wbe') });
    const r = berth(['ecosystem', 'docs', '--write', 'docs'], join(tree.root, 'orchestrator'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ecosystem.yaml:8:5: member web (../wbe): no such file or folder');
    expect(existsSync(join(tree.root, 'orchestrator/docs'))).toBe(false);
  });
});

describe('the bundled ecosystem', () => {
  it('`berth ecosystem check` and `docs --check` run on it clean from the orchestrator example\'s folder', () => {
    const cwd = join(root, 'examples/semops-dx-orchestrator');
    const r = berth(['ecosystem', 'check'], cwd);
    expect(r.code).toBe(0);
    expect(notes(r.stderr)).toBe('');
    expect(r.stdout).toMatch(/ecosystem semops: 2 members, 7 published ports, 4 connections checked against ports\.yaml: 2 warnings\n$/);
    expect(berth(['ecosystem', 'docs', '--check', 'docs'], cwd).code).toBe(0);
  });

  it('prints what README.md and docs/ecosystem.md show it printing', () => {
    const r = berth(['ecosystem', 'check'], join(root, 'examples/semops-dx-orchestrator'));
    // docs/ecosystem.md: the console block, from `$ npx berth ecosystem check` to the next command
    const page = readFileSync(join(root, 'docs/ecosystem.md'), 'utf8');
    const shown = /\n\$ npx berth ecosystem check\n([\s\S]*?)\n\$ /.exec(page)?.[1];
    expect(shown, 'docs/ecosystem.md shows the output of `npx berth ecosystem check`').toBeDefined();
    expect(r.stdout).toBe(`${shown}\n`);
    // README.md: the summary line, as the comment on the command
    const summary = r.stdout.trimEnd().split('\n').at(-1)!;
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(`npx berth ecosystem check              # ${summary}\n`);
  });
});

describe('berth ports check where there is no berth.yaml', () => {
  it('checks the specs named, each once, and never adds the bundled example', () => {
    tree = makeTree();
    const r = berth(['ports', 'check', '--registry', 'orchestrator/ports.yaml', 'data/berth.yaml', 'web/berth.yaml', 'web/berth.yaml', './data/berth.yaml'], tree.root);
    expect(r.stdout).toBe('3 port bindings checked against orchestrator/ports.yaml: no problems\n');
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });

  it('takes a repo folder for its berth.yaml, as berth ecosystem check does', () => {
    tree = makeTree();
    const r = berth(['ports', 'check', '--registry', 'orchestrator/ports.yaml', 'data', 'web/', 'data/berth.yaml', '--json'], tree.root);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, specs: ['data/berth.yaml', 'web/berth.yaml'] });
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });
});
