import { dirname, join, relative, resolve } from 'node:path';
import { ECOSYSTEM_FILE_NAME, hasErrors, parseRegistry, resolveRegistryPath, sortProblems, type Problem } from '@berth/spec';
import { ecosystemConventions } from '../conventions.js';
import type { Ecosystem, EcosystemMember, ManifestDocument } from '../model.js';
import { wrongKindProblem } from './document-kind.js';
import { readManifests } from './manifest.js';
import { loadManifestMembers, loadSpecMembers, type MemberLoadOptions } from './members.js';
import { readPath } from './sources.js';
import { realOr } from '../real-path.js';
import { shownPath } from '../where.js';

export interface LoadEcosystemOptions {
  cwd?: string;
  signal?: AbortSignal;
  /** Progress while members load: `(done, total, what)`. */
  onProgress?: MemberLoadOptions['onProgress'];
  /** Specs parsed already, by real path: a member with the same text is not parsed again. */
  parsed?: MemberLoadOptions['parsed'];
}

/**
 * What loading found. `ecosystem` is there when the registry could be read (the checks need it), even when some
 * members could not be: `problems` then says which (bad input, exit 2), and those members' registry entries are
 * not judged. Never throws.
 */
export interface EcosystemLoad {
  ecosystem?: Ecosystem;
  problems: Problem[];
  /** Specs named more than once on the command line (each was loaded once). */
  duplicates: string[];
}

/** The ecosystem a manifest describes: its registry (or `registry`, when given), its members, its includes. */
export async function loadEcosystem(manifestPath: string, options: LoadEcosystemOptions & { registry?: string } = {}): Promise<EcosystemLoad> {
  const cwd = options.cwd ?? process.cwd();
  const { manifests, problems } = await readManifests(resolve(cwd, manifestPath), { cwd, ...(options.signal ? { signal: options.signal } : {}) });
  const root = manifests[0];
  if (!root) return { problems, duplicates: [] };
  const order = (registry?: string) => [...manifests.map((m) => m.file), ...(registry ? [registry] : []), ...loaded.members.map((m) => m.file)];
  const conventions = ecosystemConventions(manifests, problems);
  const loaded = await loadManifestMembers(manifests, { cwd, ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.parsed ? { parsed: options.parsed } : {}) });
  problems.push(...loaded.problems);
  const registry = options.registry ? { path: resolve(cwd, options.registry), from: 'from --registry' } : manifestRegistry(root, problems);
  const reg = registry && (await readRegistry(registry.path, cwd, registry.from, problems));
  if (!reg) return { problems: sortProblems(problems, order()), duplicates: [] };
  const v = root.value;
  const ecosystem: Ecosystem = {
    name: v.name,
    ...(v.description ? { description: v.description } : {}),
    ...(v.owner ? { owner: v.owner } : {}),
    manifests,
    registry: reg,
    members: loaded.members,
    unloaded: loaded.unloaded,
    conventions,
    docs: v.docs,
  };
  problems.push(...memberRegistryProblems(ecosystem, true, cwd));
  return { ecosystem, problems: sortProblems(problems, order(reg.file)), duplicates: [] };
}

/**
 * The ecosystem of the specs named on the command line, without a manifest: `registry`, else the one registry
 * every spec names. No inherited conventions; each spec keeps its own.
 */
export async function loadEcosystemFromSpecs(input: { specs: readonly string[]; registry?: string }, options: LoadEcosystemOptions = {}): Promise<EcosystemLoad> {
  const cwd = options.cwd ?? process.cwd();
  const loaded = await loadSpecMembers(input.specs, { cwd, ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const problems = [...loaded.problems];
  const path = input.registry ? resolve(cwd, input.registry) : commonRegistry(loaded.members, problems, cwd);
  const reg = path && (await readRegistry(path, cwd, input.registry ? 'from --registry' : 'the registry the specs name', problems));
  const order = (registry?: string) => [...(registry ? [registry] : []), ...loaded.members.map((m) => m.file)];
  if (!reg) return { problems: sortProblems(problems, order()), duplicates: loaded.duplicates };
  const ecosystem: Ecosystem = { manifests: [], registry: reg, members: loaded.members, unloaded: loaded.unloaded, conventions: { env: [], origins: new Map() }, docs: [] };
  problems.push(...memberRegistryProblems(ecosystem, false, cwd));
  return { ecosystem, problems: sortProblems(problems, order(reg.file)), duplicates: loaded.duplicates };
}

function manifestRegistry(root: ManifestDocument, problems: Problem[]): { path: string; from: string } | undefined {
  const r = resolveRegistryPath(root.value, join(root.dir, ECOSYSTEM_FILE_NAME));
  if (r.problem) {
    problems.push({ ...r.problem, file: root.file, ...root.source.locate(r.problem.path ?? []) });
    return undefined;
  }
  const at = root.source.locate(['registry']);
  return r.path ? { path: r.path, from: `the registry named at ${root.file}:${at.line}:${at.col}` } : undefined;
}

/** The registry every spec names, or a problem saying why there is none to use. */
function commonRegistry(members: readonly EcosystemMember[], problems: Problem[], cwd: string): string | undefined {
  const named = new Map<string, string[]>();
  for (const m of members) {
    const r = resolveRegistryPath(m.spec, m.path);
    const key = r.path ? realOr(r.path) : '';
    named.set(key, [...(named.get(key) ?? []), m.repo]);
  }
  const paths = [...named.keys()].filter(Boolean);
  if (paths.length === 1 && !named.has('')) return paths[0];
  if (members.length || !problems.length) {
    const which = paths.length > 1 ? `the specs name different registries (${[...named].map(([p, repos]) => `${repos.join(', ')}: ${p ? shownPath(p, cwd) : 'none'}`).join('; ')})` : 'not every spec names a registry';
    problems.push({ code: 'no-registry', severity: 'error', message: `no port registry to check against: ${which}`, hint: 'pass --registry FILE' });
  }
  return undefined;
}

/** The registry at `path`; `from` says who named it, for a file that is missing or is not a registry. */
async function readRegistry(path: string, cwd: string, from: string, problems: Problem[]): Promise<Ecosystem['registry'] | undefined> {
  const read = await readPath(path, { baseDir: cwd, defaultFile: 'ports.yaml', cwd }, { kind: 'path', text: path });
  if (!read.ok) {
    problems.push({ code: 'file-not-found', severity: 'error', message: `${read.origin.text}: ${read.reason} (${from})` });
    return undefined;
  }
  const parsed = parseRegistry(read.text, read.file);
  const wrong = wrongKindProblem(parsed.source?.value, 'registry', read.file);
  problems.push(...(wrong ? [{ ...wrong, message: `${wrong.message}; ${from}` }] : parsed.problems));
  if (wrong || !parsed.value || hasErrors(parsed.problems)) return undefined;
  return { value: parsed.value, file: read.file, ...(parsed.source ? { source: parsed.source } : {}), path: read.path };
}

/**
 * A member whose berth.yaml names another registry is checked against this one here and against its own by
 * `berth validate`: say so. With a manifest, a member that names none is told too: naming the registry is how
 * a repo finds its ecosystem (the manifest lies beside the registry). Members from npm packages are not judged.
 */
function memberRegistryProblems(eco: Ecosystem, manifest: boolean, cwd: string): Problem[] {
  const out: Problem[] = [];
  const mine = realOr(eco.registry.path);
  for (const m of eco.members) {
    if (m.origin.kind === 'package') continue;
    const r = resolveRegistryPath(m.spec, m.path);
    const want = relative(dirname(m.path), eco.registry.path).split('\\').join('/');
    if (r.path && realOr(r.path) !== mine) {
      out.push({ code: 'member-registry', severity: 'warning', file: m.file, ...m.source?.locate(['registry']), path: ['registry'], message: `${m.repo}: names the registry ${shownPath(r.path, cwd)}, not the ecosystem's ${eco.registry.file}`, hint: `registry: ${want}` });
    } else if (!r.path && !r.problem && manifest) {
      out.push({ code: 'member-registry', severity: 'warning', file: m.file, ...m.source?.locate(['repo']), path: ['repo'], message: `${m.repo}: names no port registry, so \`berth validate\` there does not check its ports against the ecosystem's`, hint: `add registry: ${want}` });
    }
  }
  return out;
}
