import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, parseSpec } from '@berth/spec';
import { checkEcosystem, findEcosystemFor, loadEcosystem, loadEcosystemFromSpecs } from '../src/index.js';
import { DATA, MANIFEST, REGISTRY, WEB, makeTree, type Tree } from '../src/testing/fixture.js';

/** Bad input: one line per problem, each where it came from; what could be loaded is still loaded and checked. */
let tree: Tree | undefined;
afterEach(() => tree?.cleanup());

async function load(files: Parameters<typeof makeTree>[0] = {}, setup?: (t: Tree) => void) {
  tree = makeTree(files);
  setup?.(tree);
  const result = await loadEcosystem(join(tree.root, 'orchestrator'), { cwd: tree.root });
  return { result, lines: result.problems.map(formatProblem), members: result.ecosystem?.members.map((m) => m.repo) };
}

describe('progress', () => {
  it('is told before each member is parsed, so the CLI can say what it is loading', async () => {
    tree = makeTree();
    const seen: string[] = [];
    await loadEcosystem(join(tree.root, 'orchestrator'), { cwd: tree.root, onProgress: (done, total, what) => seen.push(`${done + 1}/${total} ${what}`) });
    expect(seen).toEqual(['1/3 data', '2/3 web', '3/3 tools']);
  });
});

describe('specs the caller parsed already', () => {
  it('are not parsed again when the member reads the same text under the same name; the load is the same', async () => {
    tree = makeTree();
    const path = join(tree.root, 'web/berth.yaml');
    const text = readFileSync(path, 'utf8');
    const own = parseSpec(text, 'web/berth.yaml');
    const parsed = new Map([[realpathSync(path), { text, result: own }]]);
    const plain = await loadEcosystem(join(tree.root, 'orchestrator'), { cwd: tree.root });
    const reused = await loadEcosystem(join(tree.root, 'orchestrator'), { cwd: tree.root, parsed });
    expect(reused.ecosystem?.members.find((m) => m.repo === 'web')?.spec).toBe(own.value);
    expect(JSON.stringify(reused.ecosystem?.members.map((m) => [m.repo, m.file, m.spec]))).toBe(JSON.stringify(plain.ecosystem?.members.map((m) => [m.repo, m.file, m.spec])));
    expect(reused.problems).toEqual(plain.problems);
    // another text (the file changed since), or the same text under another name: parsed from the file as read
    for (const stale of [{ text: `${text}\n`, result: own }, { text, result: parseSpec(text, 'elsewhere/berth.yaml') }]) {
      const load = await loadEcosystem(join(tree.root, 'orchestrator'), { cwd: tree.root, parsed: new Map([[realpathSync(path), stale]]) });
      expect(load.ecosystem?.members.find((m) => m.repo === 'web')?.spec).not.toBe(stale.result.value);
      expect(load.ecosystem?.members.find((m) => m.repo === 'web')?.spec).toEqual(own.value);
    }
  });
});

describe('a manifest that is wrong', () => {
  it('names a repo twice: the first is used', async () => {
    const { lines, members, result } = await load({ manifest: MANIFEST.replace('  - repo: web\n', '  - repo: data\n    path: ../data/berth.yaml\n  - repo: web\n') });
    expect(lines).toEqual(['orchestrator/ecosystem.yaml:8:5: member data is named twice (first at orchestrator/ecosystem.yaml:6:5); the first is used (delete one of the two entries)']);
    expect(result.problems.map((p) => (p as { repos?: string[] }).repos)).toEqual([['data']]);
    expect(members).toEqual(['data', 'web', 'tools']);
  });

  it('names one spec under two repos', async () => {
    const { lines } = await load({ manifest: MANIFEST.replace('  - repo: web\n', '  - repo: data2\n    path: ../data/berth.yaml\n  - repo: web\n') });
    expect(lines).toEqual(["orchestrator/ecosystem.yaml:8:5: member data2 reads the same spec as member data (orchestrator/ecosystem.yaml:6:5): data/berth.yaml (each member names its own repo's berth.yaml)"]);
  });

  it('has unknown keys and a git member without a ref', async () => {
    const { lines, result } = await load({ manifest: MANIFEST.replace('    ref: v1\n', '').replace('name: demo', 'name: demo\nmembrs: []') });
    expect(lines).toEqual([
      'orchestrator/ecosystem.yaml:3:1: unknown key "membrs" (did you mean "members"?)',
      'orchestrator/ecosystem.yaml:11:5: members[2].ref: `git` needs a `ref`, such as "main" or "v1.3.0"',
    ]);
    expect(result.ecosystem).toBeUndefined();
  });

  it('is not a manifest', async () => {
    tree = makeTree();
    const result = await loadEcosystem(join(tree.root, 'data/berth.yaml'), { cwd: tree.root });
    expect(result.problems.map(formatProblem)).toEqual(['data/berth.yaml:1:1: is not an ecosystem manifest: it has no "ecosystem: 1" line (it looks like a berth.yaml)']);
  });

  it('does not exist', async () => {
    tree = makeTree();
    const result = await loadEcosystem(join(tree.root, 'nowhere'), { cwd: tree.root });
    expect(result.problems.map(formatProblem)).toEqual(['nowhere: no such file or folder']);
  });

  it('is a device: one line, never read (/dev/zero has no end)', async () => {
    tree = makeTree();
    const result = await loadEcosystem('/dev/zero', { cwd: tree.root });
    expect(result.problems.map(formatProblem)).toEqual(['/dev/zero: is a device, not a file']);
  });
});

describe('members that cannot be loaded are said, never replaced, and the rest is still checked', () => {
  it('a member whose berth.yaml is a pipe: refused, never read (a pipe nobody writes would block for good)', async () => {
    const { lines, members } = await load({}, (t) => {
      rmSync(join(t.root, 'web', 'berth.yaml'));
      execFileSync('mkfifo', [join(t.root, 'web', 'berth.yaml')]);
    });
    expect(lines).toEqual([expect.stringMatching(/^orchestrator\/ecosystem\.yaml:\d+:\d+: member web \(web\/berth\.yaml\): is a pipe, not a file/)]);
    expect(members).toEqual(['data', 'tools']);
  });

  it('a member path that does not exist', async () => {
    const { lines, members, result } = await load({ manifest: MANIFEST.replace('path: ../web/berth.yaml', 'path: ../wbe'), data: DATA.replace('services: [api] }', 'services: [api] }\n  - { repo: nobody }') });
    expect(lines).toEqual(['orchestrator/ecosystem.yaml:8:5: member web (wbe): no such file or folder (fix the path, clone the repo beside the others, or remove the member)']);
    // it concerns web, as every problem of the checks says whom it concerns (filtering by repo keeps it)
    expect(result.problems.map((p) => (p as { repos?: string[] }).repos)).toEqual([['web']]);
    expect(members).toEqual(['data', 'tools']);
    expect(result.ecosystem?.unloaded).toEqual(['web']);
    // web's registry entries and shared connections are not judged without it; data's own problem still is.
    expect(checkEcosystem(result.ecosystem!).problems.map(formatProblem)).toEqual([
      'data/berth.yaml:11:13: data: lists nobody as a consumer, but nobody is not a member of the ecosystem (remove it from consumers, or add the connection to its spec)',
    ]);
  });

  it('an empty member path is refused at the field, not read as the manifest\'s own folder', async () => {
    const { lines } = await load({ manifest: MANIFEST.replace('path: ../web/berth.yaml', 'path: ""') });
    expect(lines).toEqual(['orchestrator/ecosystem.yaml:9:11: members[1].path: must name a folder or a file, such as "../web" (got "")']);
  });

  it('a member whose spec is invalid: its own problems, each prefixed with the repo', async () => {
    const { lines, members, result } = await load({ web: WEB.replace('services:', 'servces:').replace('registry: ../orchestrator/ports.yaml', 'registry: [1]\nx: 1') });
    expect(lines).toEqual([
      'web/berth.yaml:3:11: web: registry: expected a string or a map, got a list',
      'web/berth.yaml:4:1: web: unknown key "x"',
      'web/berth.yaml:5:1: web: unknown key "servces" (did you mean "services"?)',
    ]);
    expect(members).toEqual(['data', 'tools']);
    expect(result.problems.map((p) => (p as { repos?: string[] }).repos)).toEqual([['web'], ['web'], ['web']]);
  });

  it('a member whose spec is another repo\'s', async () => {
    const { lines } = await load({ manifest: MANIFEST.replace('path: ../web/berth.yaml', 'path: ../other') }, (t) => t.write('other/berth.yaml', 'berth: 1\nrepo: { name: other }\nregistry: ../orchestrator/ports.yaml\n'));
    expect(lines).toEqual(['orchestrator/ecosystem.yaml:8:5: member web (other/berth.yaml): is the spec of repo "other" (name the member other, or point it at web\'s berth.yaml)']);
  });

  it('a git ref that does not exist, and a folder that is not a clone', async () => {
    expect((await load({ manifest: MANIFEST.replace('ref: v1', 'ref: v9') })).lines).toEqual([
      'orchestrator/ecosystem.yaml:10:5: member tools (tools@v9:berth.yaml): the clone has no branch, tag or commit "v9" (fix the path, clone the repo beside the others, or remove the member)',
    ]);
    tree?.cleanup();
    expect((await load({ manifest: MANIFEST.replace('git: ../tools', 'git: ../data') })).lines).toEqual([
      'orchestrator/ecosystem.yaml:10:5: member tools (data@v1:berth.yaml): data is not a git clone (fix the path, clone the repo beside the others, or remove the member)',
    ]);
    tree?.cleanup();
    expect((await load({ manifest: MANIFEST.replace('ref: v1', 'ref: v1\n    file: infra/berth.yaml') })).lines).toEqual([
      'orchestrator/ecosystem.yaml:10:5: member tools (tools@v1:infra/berth.yaml): infra/berth.yaml does not exist at v1 (fix the path, clone the repo beside the others, or remove the member)',
    ]);
  });

  it("a member's file that leaves the clone or package is refused before anything is read", async () => {
    for (const file of ['../../outside.yaml', 'infra/../../x.yaml', 'C:/x.yaml']) {
      const { lines } = await load({ manifest: MANIFEST.replace('ref: v1', `ref: v1\n    file: ${file}`) });
      expect(lines, file).toEqual(['orchestrator/ecosystem.yaml:13:11: members[2].file: must be a path inside the package or clone (no leading "/" or "-", no "..")']);
      tree?.cleanup();
    }
  });

  it('a ref that git would take as an option is refused before git runs', async () => {
    const { lines } = await load({ manifest: MANIFEST.replace('ref: v1', 'ref: --output=/tmp/x') });
    expect(lines).toEqual(['orchestrator/ecosystem.yaml:12:10: members[2].ref: must be a branch, tag or commit (no leading "-", no ":" or spaces)']);
  });
});

describe('the registry', () => {
  it('a registry that is not a registry: one line, and who named it', async () => {
    const { lines, result } = await load({ manifest: MANIFEST.replace('registry: ports.yaml', 'registry: ../data/berth.yaml') });
    expect(lines).toEqual(['data/berth.yaml:1:1: is not a port registry: it has no "registry: 1" line (it looks like a berth.yaml); the registry named at orchestrator/ecosystem.yaml:4:11']);
    expect(result.ecosystem).toBeUndefined();
  });

  it('an invalid registry: its own problems', async () => {
    const { lines } = await load({ registry: REGISTRY.replace('port: 8100', 'port: 81000') });
    expect(lines).toEqual(['orchestrator/ports.yaml:4:13: ports[0].port: must be between 1 and 65535 (got 81000)']);
  });

  it('a member that names another registry, or none', async () => {
    const { lines } = await load({ web: WEB.replace('registry: ../orchestrator/ports.yaml\n', ''), data: DATA.replace('registry: ../orchestrator/ports.yaml', 'registry: ../elsewhere/ports.yaml') });
    expect(lines).toEqual([
      "data/berth.yaml:3:11: warning: data: names the registry elsewhere/ports.yaml, not the ecosystem's orchestrator/ports.yaml (registry: ../orchestrator/ports.yaml)",
      "web/berth.yaml:2:7: warning: web: names no port registry, so `berth validate` there does not check its ports against the ecosystem's (add registry: ../orchestrator/ports.yaml)",
    ]);
  });
});

describe('includes', () => {
  const include = (what: string) => MANIFEST.replace('conventions:', `include:\n  - ${what}\nconventions:`);

  it('takes in the members and conventions of a manifest kept at a git ref of another clone', async () => {
    const { lines, members, result } = await load({ manifest: include('{ git: ../platform, ref: main }') }, (t) => {
      t.commit('platform', { 'ecosystem.yaml': 'ecosystem: 1\nname: platform\nmembers:\n  - { repo: extra, path: ../extra }\nconventions:\n  env:\n    - { prefix: EXTRA_, purpose: extra things }\n' });
      t.write('extra/berth.yaml', 'berth: 1\nrepo: { name: extra }\nregistry: ../orchestrator/ports.yaml\nenv:\n  EXTRAS_MODE: { type: string }\n');
    });
    expect(lines).toEqual([]);
    expect(members).toEqual(['data', 'web', 'tools', 'extra']);
    expect(result.ecosystem!.manifests.map((m) => m.file)).toEqual(['orchestrator/ecosystem.yaml', 'platform@main:ecosystem.yaml']);
    expect(checkEcosystem(result.ecosystem!).problems.map(formatProblem)).toEqual(['extra/berth.yaml:5:3: warning: extra: EXTRAS_MODE looks like the EXTRA_ prefix (extra things) (name it EXTRA_MODE)']);
  });

  it('a cycle of git refs: platform@main includes infra@main, which includes platform@main', async () => {
    const { lines, result } = await load({ manifest: include('{ git: ../platform, ref: main }') }, (t) => {
      t.commit('platform', { 'ecosystem.yaml': 'ecosystem: 1\nname: platform\ninclude:\n  - { git: ../infra, ref: main }\n' });
      t.commit('infra', { 'ecosystem.yaml': 'ecosystem: 1\nname: infra\ninclude:\n  - { git: ../platform, ref: main }\n' });
    });
    expect(lines).toEqual(['infra@main:ecosystem.yaml:4:5: include cycle: platform@main:ecosystem.yaml -> infra@main:ecosystem.yaml -> platform@main:ecosystem.yaml (remove one of these includes)']);
    // Nothing else is lost: every manifest was read once, every member loaded.
    expect(result.ecosystem!.manifests.map((m) => m.file)).toEqual(['orchestrator/ecosystem.yaml', 'platform@main:ecosystem.yaml', 'infra@main:ecosystem.yaml']);
    expect(result.ecosystem!.members.map((m) => m.repo)).toEqual(['data', 'web', 'tools']);
  });

  it('an include that comes back to the manifest itself, and a missing include', async () => {
    const { lines } = await load({ manifest: include('{ path: . }\n  - { path: ../nowhere }') });
    expect(lines).toEqual([
      'orchestrator/ecosystem.yaml:14:5: include cycle: orchestrator/ecosystem.yaml -> orchestrator/ecosystem.yaml (remove one of these includes)',
      'orchestrator/ecosystem.yaml:15:5: include nowhere: no such file or folder',
    ]);
  });
});

describe('without a manifest: the specs named and a registry', () => {
  it('loads each spec once by real path, even through a symlink, and finds the registry they all name', async () => {
    tree = makeTree();
    symlinkSync(join(tree.root, 'data'), join(tree.root, 'data-link'));
    const result = await loadEcosystemFromSpecs({ specs: ['data/berth.yaml', 'web', 'data-link/berth.yaml', 'data/berth.yaml'] }, { cwd: tree.root });
    expect(result.problems).toEqual([]);
    expect(result.ecosystem!.members.map((m) => m.repo)).toEqual(['data', 'web']);
    expect(result.duplicates).toEqual(['data-link/berth.yaml', 'data/berth.yaml']);
    expect(result.ecosystem!.registry.file).toBe('orchestrator/ports.yaml');
    // tools is not among the specs: its entry is stale here, and web's connection still reaches its registry entry.
    expect(checkEcosystem(result.ecosystem!).problems.map(formatProblem)).toEqual([
      'orchestrator/ports.yaml:7:5: warning: port 8300/tcp is allocated to tools/docs, but tools is not the repo of any spec checked (remove the entry, or check that repo\'s spec too)',
    ]);
  });

  it('says when there is no registry to use, and when two files are one repo', async () => {
    tree = makeTree();
    tree.write('elsewhere/berth.yaml', WEB.replace('../orchestrator/ports.yaml', '../other/ports.yaml'));
    const r = await loadEcosystemFromSpecs({ specs: ['data', 'elsewhere'] }, { cwd: tree.root });
    expect(r.problems.map(formatProblem)).toEqual(['no port registry to check against: the specs name different registries (data: orchestrator/ports.yaml; web: other/ports.yaml) (pass --registry FILE)']);
    const twice = await loadEcosystemFromSpecs({ specs: ['web', 'elsewhere'], registry: 'orchestrator/ports.yaml' }, { cwd: tree.root });
    expect(twice.problems.map(formatProblem)).toEqual(['elsewhere/berth.yaml:2:15: repo web is also the repo of web/berth.yaml; name one spec per repo']);
    const missing = await loadEcosystemFromSpecs({ specs: ['nope/berth.yaml'], registry: 'orchestrator/ports.yaml' }, { cwd: tree.root });
    expect(missing.problems.map(formatProblem)).toEqual(['nope/berth.yaml: no such file or folder (from the command line)']);
  });
});

describe('findEcosystemFor: a repo finds its ecosystem through its registry\'s folder', () => {
  it('finds the manifest beside the registry the spec names, and nothing without one', async () => {
    tree = makeTree();
    const { loadSpecFile } = await import('@berth/spec');
    const spec = loadSpecFile(join(tree.root, 'web/berth.yaml')).value!;
    expect(findEcosystemFor(spec, join(tree.root, 'web/berth.yaml'))).toBe(join(tree.root, 'orchestrator/ecosystem.yaml'));
    expect(findEcosystemFor({}, join(tree.root, 'web/berth.yaml'))).toBeUndefined();
  });
});
