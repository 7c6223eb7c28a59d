import { resolve } from 'node:path';
import { SPEC_FILE_NAME, parseSpec, type BerthSpec, type Problem, type SourceDocument } from '@berth/spec';
import type { EcosystemMember, EcosystemProblem, ManifestDocument, Where } from '../model.js';
import { wrongKindProblem } from './document-kind.js';
import { readPath, readSourceFile, type SourceRead } from './sources.js';
import { ref } from '../where.js';

export interface MembersLoad {
  members: EcosystemMember[];
  /** Repos named whose spec could not be loaded. */
  unloaded: string[];
  /** The problems of a member the manifest names carry its repo (`repos`), as the checks' problems do. */
  problems: (Problem | EcosystemProblem)[];
  /** Specs named more than once on the command line, loaded once. */
  duplicates: string[];
}

/** A spec the caller has parsed already (parseSpec's answer), with the text it was parsed from. */
export interface ParsedSpec {
  text: string;
  result: ReturnType<typeof parseSpec>;
}

export interface MemberLoadOptions {
  cwd: string;
  signal?: AbortSignal;
  /** Specs parsed already, by real path (`berth validate` has parsed the repo's own): a member with the same text and name is not parsed again. */
  parsed?: ReadonlyMap<string, ParsedSpec>;
  /** Called before each member is parsed: `(done, total, repo)`. */
  onProgress?: (done: number, total: number, what: string) => void;
}

/** Reads are I/O (files, git): a few at a time. */
const READ_CONCURRENCY = 8;

/** A member's spec text parsed; its own problems are prefixed with the repo, so each line says whose they are. */
export function parseMemberSpec(text: string, file: string, repo: string | undefined, known?: ParsedSpec): { spec?: BerthSpec; source?: SourceDocument; problems: Problem[] } {
  const parsed = known && known.text === text && known.result.file === file ? known.result : parseSpec(text, file);
  const wrong = wrongKindProblem(parsed.source?.value, 'berth', file);
  const problems = wrong ? [wrong] : parsed.problems;
  const name = repo ?? repoNameOf(parsed.source?.value);
  return { ...(wrong || !parsed.value ? {} : { spec: parsed.value }), ...(parsed.source ? { source: parsed.source } : {}), problems: name ? problems.map((p) => ({ ...p, message: `${name}: ${p.message}` })) : problems };
}

function repoNameOf(value: unknown): string | undefined {
  const name = (value as { repo?: { name?: unknown } } | undefined)?.repo?.name;
  return typeof name === 'string' && name ? name : undefined;
}

/**
 * Every member the manifests name, each spec read once: members by path, npm package or git ref. A repo named
 * twice, two members reading one spec, a source that cannot be read, a spec that is invalid or is another
 * repo's: each is one problem, and that member is left out (never replaced by anything else).
 */
export async function loadManifestMembers(manifests: readonly ManifestDocument[], options: MemberLoadOptions): Promise<MembersLoad> {
  const out: MembersLoad = { members: [], unloaded: [], problems: [], duplicates: [] };
  const entries = manifests.flatMap((m, mi) => m.value.members.map((member, i) => ({ m, mi, member, where: entryWhere(m, i) })));
  const reads = await mapLimit(entries, READ_CONCURRENCY, (e) => readSourceFile(e.member, { baseDir: e.m.dir, defaultFile: SPEC_FILE_NAME, cwd: options.cwd, ...(options.signal ? { signal: options.signal } : {}) }));
  const byRepo = new Map<string, { where: Where; identity?: string; mi: number }>();
  const byIdentity = new Map<string, { repo: string; where: Where }>();
  for (const [k, e] of entries.entries()) {
    const read = reads[k]!;
    const { repo } = e.member;
    const first = byRepo.get(repo);
    if (first) {
      // An included manifest may name a member of the ecosystem's own again: the same spec is no news.
      if (read.ok && first.identity === read.identity && first.mi !== e.mi) continue;
      out.problems.push({ code: 'member-twice', severity: 'error', ...e.where, repos: [repo], message: `member ${repo} is named twice (first at ${ref(first.where)}); the first is used`, hint: 'delete one of the two entries' });
      continue;
    }
    byRepo.set(repo, { where: e.where, mi: e.mi, ...(read.ok ? { identity: read.identity } : {}) });
    options.onProgress?.(k, entries.length, repo);
    await turn();
    const member = memberFrom(read, repo, e.where, byIdentity, out, options.parsed);
    if (member) member.entry = e.member;
    if (member) out.members.push(member);
    else out.unloaded.push(repo);
  }
  return out;
}

/** The specs named on the command line (files or repo folders), each loaded once by real path. */
export async function loadSpecMembers(paths: readonly string[], options: MemberLoadOptions): Promise<MembersLoad> {
  const out: MembersLoad = { members: [], unloaded: [], problems: [], duplicates: [] };
  const reads = await mapLimit(paths, READ_CONCURRENCY, (p) => readPath(resolve(options.cwd, p), { baseDir: options.cwd, defaultFile: SPEC_FILE_NAME, cwd: options.cwd }, { kind: 'argument', text: p }));
  const seen = new Set<string>();
  const byRepo = new Map<string, string>();
  const byIdentity = new Map<string, { repo: string; where: Where }>();
  for (const [k, read] of reads.entries()) {
    if (!read.ok) {
      out.problems.push({ code: 'file-not-found', severity: 'error', message: `${read.origin.text}: ${read.reason} (from the command line)` });
      continue;
    }
    if (seen.has(read.identity)) {
      out.duplicates.push(read.file);
      continue;
    }
    seen.add(read.identity);
    options.onProgress?.(k, reads.length, read.file);
    await turn();
    const member = memberFrom(read, undefined, undefined, byIdentity, out, options.parsed);
    if (!member) continue;
    const other = byRepo.get(member.repo);
    if (other) {
      out.problems.push({ code: 'member-twice', severity: 'error', file: member.file, ...member.source?.locate(['repo', 'name']), path: ['repo', 'name'], repos: [member.repo], message: `repo ${member.repo} is also the repo of ${other}; name one spec per repo` });
      continue;
    }
    byRepo.set(member.repo, member.file);
    out.members.push(member);
  }
  return out;
}

/** Where a manifest names its i-th member. */
function entryWhere(m: ManifestDocument, i: number): Where {
  return { file: m.file, ...m.source.locate(['members', i]), path: ['members', i] };
}

/** Where the manifests name a repo as a member (the first that does), or undefined. */
export function memberEntry(manifests: readonly ManifestDocument[], repo: string): Where | undefined {
  for (const m of manifests) {
    const i = m.value.members.findIndex((e) => e.repo === repo);
    if (i >= 0) return entryWhere(m, i);
  }
  return undefined;
}

function memberFrom(read: SourceRead, repo: string | undefined, where: Where | undefined, byIdentity: Map<string, { repo: string; where: Where }>, out: MembersLoad, known?: ReadonlyMap<string, ParsedSpec>): EcosystemMember | undefined {
  if (!read.ok) {
    out.problems.push({ code: 'member-not-found', severity: 'error', ...where, repos: repo ? [repo] : [], message: `member ${repo} (${read.origin.text}): ${read.reason}`, hint: 'fix the path, clone the repo beside the others, or remove the member' });
    return undefined;
  }
  const same = byIdentity.get(read.identity);
  if (same && repo) {
    out.problems.push({ code: 'member-twice', severity: 'error', ...where, repos: [...new Set([repo, same.repo])], message: `member ${repo} reads the same spec as member ${same.repo} (${ref(same.where)}): ${read.file}`, hint: 'each member names its own repo\'s berth.yaml' });
    return undefined;
  }
  const parsed = parseMemberSpec(read.text, read.file, repo, known?.get(read.identity));
  const whose = repo ?? parsed.spec?.repo.name;
  out.problems.push(...parsed.problems.map((p) => (whose ? { ...p, repos: [whose] } : p)));
  if (!parsed.spec) return undefined;
  const name = parsed.spec.repo.name;
  if (repo && name !== repo) {
    out.problems.push({ code: 'member-repo-mismatch', severity: 'error', ...where, repos: [repo], message: `member ${repo} (${read.file}): is the spec of repo "${name}"`, hint: `name the member ${name}, or point it at ${repo}'s berth.yaml` });
    return undefined;
  }
  if (where) byIdentity.set(read.identity, { repo: name, where });
  return { repo: name, spec: parsed.spec, file: read.file, ...(parsed.source ? { source: parsed.source } : {}), path: read.path, origin: read.origin, ...(where ? { declaredAt: where } : {}) };
}

/** Lets a progress spinner draw between members (parsing is synchronous work). */
const turn = () => new Promise<void>((r) => setImmediate(r));

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
