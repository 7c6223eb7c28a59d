import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DATA, REGISTRY, TOOLS, WEB, makeTree, type Tree } from '@berth/ecosystem/testing';
import { bin, ensureBuiltCli } from './support/built-cli.js';

/** A repo's own commands, ecosystem-aware: run as the built binary inside one repo of a real multi-repo tree. */
function berth(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' }, timeout: 60_000 });
  const shown = (text: string) => text.replaceAll(tree!.root, '<root>');
  return { code: r.status, stdout: shown(r.stdout), stderr: shown(r.stderr).split('\n').filter((l) => l && !/^checking /.test(l)).join('\n') };
}

let tree: Tree | undefined;
afterEach(() => tree?.cleanup());
beforeAll(() => void ensureBuiltCli());

describe('berth validate in a repo of an ecosystem', () => {
  it('says which ecosystem it was checked with; --json names it and its members', () => {
    tree = makeTree();
    const web = join(tree.root, 'web');
    expect(berth(['validate'], web)).toEqual({ code: 0, stdout: 'berth.yaml + <root>/orchestrator/ports.yaml + ecosystem demo (3 members): valid\n', stderr: '' });
    expect(JSON.parse(berth(['validate', '--json'], web).stdout)).toMatchObject({ ok: true, ecosystem: { name: 'demo', manifest: '../orchestrator/ecosystem.yaml', member: true, members: ['data', 'web', 'tools'] }, problems: [] });
  });

  it('reports another repo publishing its port (exit 1); --no-ecosystem checks the repo alone', () => {
    tree = makeTree({ tools: TOOLS.replace('ports: [8300]', 'ports: [8200]') });
    const web = join(tree.root, 'web');
    const r = berth(['validate'], web);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('../tools@v1:berth.yaml:6:13: tools: port 8200/tcp is published by both web/ui (berth.yaml:6:13) and tools/docs; only one of them can bind it (give one of them another port (`berth ports suggest <service>`))');
    expect(r.stdout).toMatch(/\+ ecosystem demo \(3 members\): 2 errors\n$/);
    expect(berth(['validate', '--no-ecosystem'], web)).toEqual({ code: 0, stdout: 'berth.yaml + <root>/orchestrator/ports.yaml: valid\n', stderr: '' });
  });

  it("ports check judges the registry as validate does: no advice to declare an exclusiveWith another repo's spec declares; --no-ecosystem checks the repo alone", () => {
    // data runs mlflow and marquez on 5000, never together, and says so; the registry gives 5000 to both
    tree = makeTree({
      data: DATA.replace('    ports: [5440]\n', '    ports: [5440]\n  mlflow:\n    ports: [5000]\n    exclusiveWith: [marquez]\n  marquez:\n    ports: [5000]\n'),
      registry: REGISTRY + '  - { port: 5000, repo: data, service: mlflow }\n  - { port: 5000, repo: data, service: marquez }\n',
      // a problem of web's that is no port's: validate says it, ports check does not
      web: WEB.replace('  qdrant: { port: 6333 }', '  qdrant: { port: 6333, owner: nobody }'),
    });
    const web = join(tree.root, 'web');
    expect(berth(['ports', 'check'], web)).toEqual({ code: 0, stdout: '1 port binding checked against <root>/orchestrator/ports.yaml + ecosystem demo (3 members): no problems\n', stderr: '' });
    expect(berth(['validate'], web).stdout).toContain('names owner nobody');
    expect(berth(['ports', 'check', '--no-ecosystem'], web).stdout).toBe(
      "<root>/orchestrator/ports.yaml:10:5: warning: port 5000/tcp is allocated to both data/mlflow (<root>/orchestrator/ports.yaml:9:5) and data/marquez; they cannot run together (declare exclusiveWith in data's berth.yaml)\n" +
        '1 port binding checked against <root>/orchestrator/ports.yaml: 1 warning\n',
    );
  });

  it('a misspelt consumer: exit 1, at its file:line:col', () => {
    tree = makeTree({ data: DATA.replace('{ repo: web, services: [api] }', '{ repo: wbe, services: [api] }') });
    const r = berth(['validate'], join(tree.root, 'data'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('berth.yaml:10:13: lists wbe as a consumer, but wbe is not a member of the ecosystem (did you mean "web"?) (remove it from consumers, or add the connection to its spec)\n');
  });

  it('with the registry linked into the repo: the ecosystem beside the file the link leads to, not silence', () => {
    tree = makeTree({ web: WEB.replace('registry: ../orchestrator/ports.yaml', 'registry: ports.yaml'), tools: TOOLS.replace('ports: [8300]', 'ports: [8200]') });
    symlinkSync('../orchestrator/ports.yaml', join(tree.root, 'web/ports.yaml'));
    const r = berth(['validate'], join(tree.root, 'web'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^berth\.yaml \+ ports\.yaml \+ ecosystem demo \(3 members\): 2 errors$/m);
  });

  it('without an ecosystem.yaml beside the registry: exactly as before, no noise', () => {
    tree = makeTree();
    rmSync(join(tree.root, 'orchestrator/ecosystem.yaml'));
    expect(berth(['validate'], join(tree.root, 'web'))).toEqual({ code: 0, stdout: 'berth.yaml + <root>/orchestrator/ports.yaml: valid\n', stderr: '' });
    expect(JSON.parse(berth(['validate', '--json'], join(tree.root, 'web')).stdout).ecosystem).toBeNull();
  });
});

describe('berth ecosystem check --spec FILE', () => {
  it('checks the ecosystem that spec belongs to (beside its registry), wherever it runs; with specs or --manifest it is a usage error', () => {
    tree = makeTree();
    expect(berth(['--spec', 'web/berth.yaml', 'ecosystem', 'check'], tree.root)).toEqual({ code: 0, stdout: 'ecosystem demo: 3 members, 4 published ports, 3 connections checked against orchestrator/ports.yaml: no problems\n', stderr: '' });
    expect(berth(['--spec', 'web/berth.yaml', 'ecosystem', 'check', 'data'], tree.root)).toMatchObject({ code: 2, stderr: 'berth: berth ecosystem takes the member specs as arguments, or --spec for the ecosystem one spec belongs to, not both\nhint: berth ecosystem check --registry FILE SPEC...' });
    expect(berth(['--spec', 'web/berth.yaml', 'ecosystem', 'check', '--manifest', 'orchestrator/ecosystem.yaml'], tree.root)).toMatchObject({ code: 2, stderr: 'berth: give --manifest or --spec, not both' });
    rmSync(join(tree.root, 'orchestrator/ecosystem.yaml'));
    expect(berth(['--spec', 'web/berth.yaml', 'ecosystem', 'check'], tree.root)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^berth: web\/berth\.yaml: no ecosystem\.yaml beside the registry it names\n/) });
  });
});

describe('berth docs in a repo of an ecosystem', () => {
  const consumedBy = (page: string) => page.slice(page.indexOf('## Consumed By')).split('\n## ')[0]!.trimEnd();

  it('"Consumed By" is what the other repos\' connections say, not the hand-written list (said on stderr when they disagree)', () => {
    tree = makeTree({ data: DATA.replace('{ repo: web, services: [api] }', '{ repo: wbe, services: [api] }') });
    const data = join(tree.root, 'data');
    const r = berth(['docs'], data);
    expect(r.code).toBe(0);
    expect(consumedBy(r.stdout)).toBe(['## Consumed By', '', 'Derived from the connections of the other repos of ecosystem `demo`.', '', '| Repo | Services Used |', '|------|---------------|', '| web | api |'].join('\n'));
    expect(r.stderr).toBe("berth: berth.yaml's consumers: disagrees with what the repos of ecosystem demo connect to; the page shows what they connect to (see `berth validate`)");
    expect(JSON.parse(berth(['docs', '--json'], data).stdout)).toMatchObject({ ok: true, ecosystem: 'demo' });
    expect(consumedBy(berth(['docs', '--no-ecosystem'], data).stdout)).toBe(['## Consumed By', '', '| Repo | Services Used |', '|------|---------------|', '| wbe | api |'].join('\n'));
  });
});
