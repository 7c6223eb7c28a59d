import { afterEach, describe, expect, it } from 'vitest';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, loadWorkspace, validateSpec } from '@berth/spec';
import { ecosystemBeside, problemsAsMember, viewAsMember, type LocalRepo } from '../src/index.js';
import { DATA, MANIFEST, REGISTRY, TOOLS, WEB, makeTree, type Tree } from '../src/testing/fixture.js';

/**
 * One repo's view of its ecosystem, as `berth validate` and `berth docs` take it: on a real multi-repo tree (repos
 * side by side, `tools` a git tag of a real clone), from inside one repo, with files shown as that repo's commands
 * show them (the registry, outside the repo, by its absolute path: `<root>` here).
 */
let tree: Tree | undefined;
afterEach(() => tree?.cleanup());

/** Loads `repo`'s spec as `berth validate` in that folder does, and its ecosystem's view of it. */
async function fromRepo(repo: string) {
  const cwd = join(tree!.root, repo);
  const ws = loadWorkspace({ specPath: join(cwd, 'berth.yaml'), cwd, withEnv: false });
  expect(ws.problems.filter((p) => p.severity === 'error')).toEqual([]);
  const r = ws.registry!;
  const local: LocalRepo = { spec: { spec: ws.spec.value!, file: ws.spec.file, source: ws.spec.source!, path: join(cwd, 'berth.yaml') }, registry: { value: r.value!, file: r.file, source: r.source!, path: r.path! } };
  const manifest = ecosystemBeside(r.path!);
  const own = validateSpec({ spec: local.spec, registry: local.registry });
  const view = manifest ? await viewAsMember(manifest, local, { cwd }) : undefined;
  const shown = (lines: string[]) => lines.map((l) => l.replaceAll(tree!.root, '<root>'));
  return { view, own: shown(own.map(formatProblem)), lines: shown((view ? problemsAsMember(own, view, local) : own).map(formatProblem)) };
}

describe('viewAsMember and problemsAsMember: what validate reports in a repo of an ecosystem', () => {
  it('a clean member: nothing to say; the members checked, and who consumes it, derived from the others\' connections', async () => {
    tree = makeTree();
    const { view, lines } = await fromRepo('web');
    expect(lines).toEqual([]);
    expect(view).toMatchObject({ name: 'demo', manifest: '../orchestrator/ecosystem.yaml', member: true, members: ['data', 'web', 'tools'], consumers: [{ repo: 'tools', services: ['ui'] }] });
  });

  it('another repo (read at its git tag) publishing this repo\'s port: the cross-repo error, naming both', async () => {
    tree = makeTree({ tools: TOOLS.replace('ports: [8300]', 'ports: [8200]') });
    const { own, lines } = await fromRepo('web');
    expect(own).toEqual([]); // alone, web cannot know
    expect(lines).toEqual([
      '../tools@v1:berth.yaml:6:13: tools: port 8200/tcp is published by both web/ui (berth.yaml:6:13) and tools/docs; only one of them can bind it (give one of them another port (`berth ports suggest <service>`))',
      '../tools@v1:berth.yaml:6:13: tools: port 8200/tcp of tools/docs is registered to web/ui (<root>/orchestrator/ports.yaml:6:5) (pick a free port: berth ports suggest docs)',
    ]);
  });

  it('no longer warns about a clash another repo resolved with exclusiveWith', async () => {
    tree = makeTree({
      data: DATA.replace('    ports: [5440]\n', '    ports: [5440]\n  db2:\n    ports: [5440]\n    exclusiveWith: [db]\n'),
      registry: REGISTRY.replace('  - { port: 5440, repo: data, service: db }\n', '  - { port: 5440, repo: data, service: db }\n  - { port: 5440, repo: data, service: db2 }\n'),
    });
    const { own, lines } = await fromRepo('web');
    expect(own).toEqual(["<root>/orchestrator/ports.yaml:6:5: warning: port 5440/tcp is allocated to both data/db (<root>/orchestrator/ports.yaml:5:5) and data/db2; they cannot run together (declare exclusiveWith in data's berth.yaml)"]);
    expect(lines).toEqual([]);
  });

  it('a misspelt consumer is a problem at its file:line:col, and the consumer it leaves out too', async () => {
    tree = makeTree({ data: DATA.replace('{ repo: web, services: [api] }', '{ repo: wbe, services: [api] }') });
    const { view, lines } = await fromRepo('data');
    expect(lines).toEqual([
      'berth.yaml:9:1: consumers leaves out web, whose connection data-api (../web/berth.yaml:10:3) uses data/api on port 8100 (add { repo: web, services: [api] })',
      'berth.yaml:10:13: lists wbe as a consumer, but wbe is not a member of the ecosystem (did you mean "web"?) (remove it from consumers, or add the connection to its spec)',
    ]);
    expect(view?.consumers).toEqual([{ repo: 'web', services: ['api'] }]);
  });

  it('checks env names with the conventions the repo inherits: its own contrary scope is said once, and what it alone would say goes', async () => {
    tree = makeTree({ web: WEB.replace('env:\n', 'conventions:\n  env:\n    - { prefix: DEMO_DB_, purpose: the container db, scope: container }\nenv:\n') });
    const { own, lines } = await fromRepo('web');
    expect(own).toEqual(["berth.yaml:11:3: warning: DEMO_DB_URL uses DEMO_DB_ (the container db, read by a container), but no service passes it to a container (pass it in a service's `environment`, or rename it)"]);
    expect(lines).toEqual([
      "berth.yaml:9:61: warning: declares DEMO_DB_ container-scoped here, but the ecosystem (../orchestrator/ecosystem.yaml:15:7) declares it application-scoped (application database config); the ecosystem's convention applies (drop DEMO_DB_ from this file's conventions, or change it in the ecosystem's)",
    ]);
  });

  it('judges the spec as it is here, not the version the manifest reads (a git tag)', async () => {
    tree = makeTree();
    tree.write('tools/berth.yaml', TOOLS.replace('ports: [8300]', 'ports: [8301]'));
    expect((await fromRepo('tools')).lines).toEqual([
      'berth.yaml:6:13: port 8301/tcp of tools/docs is not in the port registry (if docs moved from 8300, change the port of its entry (<root>/orchestrator/ports.yaml:7:5) to 8301)',
      "<root>/orchestrator/ports.yaml:7:5: warning: port 8300/tcp is registered to tools/docs, but that service does not publish it (if docs moved to 8301, change the entry's port to 8301)",
    ]);
  });

  it('a repo that uses the registry but is no member: checked with the members, and told so', async () => {
    tree = makeTree();
    tree.write('extra/berth.yaml', 'berth: 1\nrepo: { name: extra }\nregistry: ../orchestrator/ports.yaml\nservices:\n  x:\n    ports: [8100]\n');
    const { view, lines } = await fromRepo('extra');
    expect(view?.member).toBe(false);
    expect(lines).toEqual([
      'berth.yaml:2:15: warning: extra uses the registry of ecosystem demo (../orchestrator/ecosystem.yaml), whose manifest does not name it; it was checked with the members as if it were one (add { repo: extra, path: ... } to the members of ../orchestrator/ecosystem.yaml)',
      'berth.yaml:6:13: port 8100/tcp of extra/x is registered to data/api (<root>/orchestrator/ports.yaml:4:5) (pick a free port: berth ports suggest x)',
      'berth.yaml:6:13: port 8100/tcp is published by both data/api (../data/berth.yaml:6:13) and extra/x; only one of them can bind it (give one of them another port (`berth ports suggest <service>`))',
    ]);
  });

  it('a member that cannot be loaded, or a manifest that cannot: one warning, and no derived consumers', async () => {
    tree = makeTree();
    tree.write('orchestrator/ecosystem.yaml', MANIFEST.replace('path: ../data', 'path: ../dta'));
    const partial = await fromRepo('web');
    // at the manifest's entry for it (members[0]), as ecosystem check says why
    expect(partial.lines).toEqual(['../orchestrator/ecosystem.yaml:6:5: warning: member data of ecosystem demo could not be loaded, so its ports and connections are not checked against this repo (run `berth ecosystem check --manifest ../orchestrator/ecosystem.yaml`)']);
    expect(partial.view?.consumers).toBeUndefined();
    tree.write('orchestrator/ecosystem.yaml', 'ecosystem: 1\nname: [\n');
    expect((await fromRepo('web')).lines).toEqual([
      "../orchestrator/ecosystem.yaml: warning: the ecosystem this repo's registry belongs to could not be loaded, so its cross-repo problems are not checked: ../orchestrator/ecosystem.yaml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (run `berth ecosystem check --manifest ../orchestrator/ecosystem.yaml`)",
    ]);
  });

  it('a registry linked into the repo: the manifest beside the file the link leads to is found, and the repo checked as a member', async () => {
    tree = makeTree({ web: WEB.replace('registry: ../orchestrator/ports.yaml', 'registry: ports.yaml') });
    symlinkSync('../orchestrator/ports.yaml', join(tree.root, 'web/ports.yaml'));
    const { view, lines } = await fromRepo('web');
    expect(view).toMatchObject({ name: 'demo', member: true, members: ['data', 'web', 'tools'] });
    expect(lines).toEqual([]);
    // and what the ecosystem says is said: another member on this repo's port
    tree.commitTools(TOOLS.replace('ports: [8300]', 'ports: [8200]'));
    expect((await fromRepo('web')).lines).toEqual([
      '../tools@v1:berth.yaml:6:13: tools: port 8200/tcp is published by both web/ui (berth.yaml:6:13) and tools/docs; only one of them can bind it (give one of them another port (`berth ports suggest <service>`))',
      '../tools@v1:berth.yaml:6:13: tools: port 8200/tcp of tools/docs is registered to web/ui (ports.yaml:6:5) (pick a free port: berth ports suggest docs)',
    ]);
  });

  it('no manifest beside the registry: no ecosystem, the repo\'s own checks as before', async () => {
    tree = makeTree();
    rmSync(join(tree.root, 'orchestrator/ecosystem.yaml'));
    expect(await fromRepo('web')).toEqual({ view: undefined, own: [], lines: [] });
  });
});
