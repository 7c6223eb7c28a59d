import { checkEnvConventions, formatProblem, sortProblems, type Consumer, type Problem, type RegistryInput, type SpecInput } from '@berth/spec';
import { checkEcosystem, type EcosystemReport } from './check/check-ecosystem.js';
import { loadEcosystem, type LoadEcosystemOptions } from './load/load-ecosystem.js';
import { memberEntry } from './load/members.js';
import type { Ecosystem, EcosystemMember, EcosystemProblem } from './model.js';
import { consumersOf, problemsConcerning } from './queries.js';
import { shownPath } from './where.js';

/** One repo's spec and registry as its own commands loaded them (files shown as they show them). */
export interface LocalRepo {
  spec: SpecInput & { path: string };
  registry: RegistryInput & { path: string };
}

/** One repo seen from its ecosystem: the cross-repo problems that concern it, and who consumes it. */
export interface MemberView {
  /** The manifest, as the load showed it. */
  manifest: string;
  /** The ecosystem's name; absent when it could not be loaded. */
  name?: string;
  /** Whether the manifest names this repo (a repo that only uses the ecosystem's registry is checked as if it did). */
  member: boolean;
  /** The members checked, this repo's local spec among them. */
  members: string[];
  /** The ecosystem with this repo's local spec, and what checking it found; absent when it could not be loaded. */
  ecosystem?: Ecosystem;
  report?: EcosystemReport;
  /** What the repo's own commands add: the cross-repo problems concerning it, and a warning when the view is partial. */
  problems: EcosystemProblem[];
  /** Who uses this repo's services, derived from the other members' connections: known only when every member loaded. */
  consumers?: Consumer[];
}

/**
 * The ecosystem as it is with one repo's spec as it is here: the member the manifest names for this repo (read at
 * a git ref, in a package, or at another path) is replaced by the local spec, so `berth validate` judges the edit
 * being made; a repo the manifest does not name joins for the check, with a warning that says so. The registry is
 * the one the repo's own commands read. Never throws: an ecosystem that cannot be loaded is one warning, and the
 * repo's own checks stand as they are.
 */
export async function viewAsMember(manifestPath: string, local: LocalRepo, options: LoadEcosystemOptions = {}): Promise<MemberView> {
  const repo = local.spec.spec.repo.name;
  const load = await loadEcosystem(manifestPath, { ...options, registry: local.registry.path });
  const manifest = load.ecosystem?.manifests[0]?.file ?? shownPath(manifestPath, options.cwd ?? process.cwd());
  if (!load.ecosystem) {
    const first = load.problems.find((p) => p.severity === 'error');
    return {
      manifest,
      member: false,
      members: [],
      problems: [{ code: 'ecosystem-not-loaded', severity: 'warning', file: manifest, repos: [repo], message: `the ecosystem this repo's registry belongs to could not be loaded, so its cross-repo problems are not checked${first ? `: ${formatProblem(first)}` : ''}`, hint: `run \`berth ecosystem check --manifest ${manifest}\`` }],
    };
  }
  const eco = load.ecosystem;
  const mine = eco.members.find((m) => m.repo === repo);
  const declared = eco.manifests.some((m) => m.value.members.some((e) => e.repo === repo));
  const localMember: EcosystemMember = {
    ...(mine?.declaredAt ? { declaredAt: mine.declaredAt } : {}),
    ...(mine?.entry ? { entry: mine.entry } : {}),
    ...local.spec,
    repo,
    origin: { kind: 'path', text: local.spec.file },
  };
  const members = mine ? eco.members.map((m) => (m === mine ? localMember : m)) : [...eco.members, localMember];
  const ecosystem: Ecosystem = { ...eco, registry: local.registry, members, unloaded: eco.unloaded.filter((r) => r !== repo) };
  const report = checkEcosystem(ecosystem);
  const problems = problemsConcerning(report, repo);
  if (!declared) {
    problems.push({ code: 'ecosystem-not-member', severity: 'warning', file: local.spec.file, ...local.spec.source?.locate(['repo', 'name']), path: ['repo', 'name'], repos: [repo], message: `${repo} uses the registry of ecosystem ${eco.name ?? manifest} (${manifest}), whose manifest does not name it; it was checked with the members as if it were one`, hint: `add { repo: ${repo}, path: ... } to the members of ${manifest}` });
  }
  if (ecosystem.unloaded.length) {
    // at the manifest's entry for the first of them, as ecosystem check says why it could not be loaded
    const at = memberEntry(eco.manifests, ecosystem.unloaded[0]!) ?? { file: manifest };
    problems.push({ code: 'ecosystem-incomplete', severity: 'warning', ...at, repos: [repo], message: `member${ecosystem.unloaded.length === 1 ? '' : 's'} ${ecosystem.unloaded.join(', ')} of ecosystem ${eco.name ?? manifest} could not be loaded, so ${ecosystem.unloaded.length === 1 ? 'its' : 'their'} ports and connections are not checked against this repo`, hint: `run \`berth ecosystem check --manifest ${manifest}\`` });
  }
  return { manifest, ...(eco.name ? { name: eco.name } : {}), member: declared, members: members.map((m) => m.repo), ecosystem, report, problems, ...(ecosystem.unloaded.length ? {} : { consumers: consumersOf(report.graph, repo) }) };
}

/** Codes of the port analysis that the ecosystem's connection check says better (it looks at members' ports too), with the code it says them with. */
const SUPERSEDED = new Map([['connection-unregistered', 'connection-unresolved']]);

/**
 * What `berth ports check` reports in a repo of an ecosystem: problemsAsMember, so the registry is judged with every
 * member's spec as `berth validate` judges it (a clash another repo resolved with `exclusiveWith` is gone), held to
 * the ports: the port analysis's problems, the connection check that replaces its localhost-connection one, and the
 * view's own notes (ecosystem-*); not the checks of consumers, env and each spec on its own that validate adds.
 */
export function portProblemsAsMember(own: readonly Problem[], view: Pick<MemberView, 'problems' | 'report'>, local: LocalRepo): Problem[] {
  const ports = new Set([...(view.report?.ports.problems.map((p) => p.code) ?? []), ...SUPERSEDED.values()]);
  return problemsAsMember(own, { problems: view.problems.filter((p) => ports.has(p.code) || p.code.startsWith('ecosystem-')) }, local);
}

/**
 * What `berth validate` reports in a repo of an ecosystem: its own problems, except those the ecosystem's view
 * replaces, plus the cross-repo problems that concern it. Replaced: the registry's problems (judged here with every
 * member's spec, so a clash another repo resolved with `exclusiveWith` is gone and one that concerns only other
 * repos is not this repo's), a localhost connection the registry lacks (the ecosystem resolves it through the
 * members' ports too), and the env naming problems found under the repo's own conventions alone (the ecosystem's
 * inherited ones apply). A problem both found is said once, as the repo's own check words it.
 */
export function problemsAsMember(own: readonly Problem[], view: Pick<MemberView, 'problems'>, local: LocalRepo): Problem[] {
  const key = (p: Problem) => `${p.code}|${p.file}|${p.line}|${p.col}|${p.path?.join('.')}`;
  const ownNaming = new Set(checkEnvConventions(local.spec.spec, local.spec.file, local.spec.source).map((p) => `${key(p)}|${p.message}`));
  const kept = own.filter((p) => p.file !== local.registry.file && !SUPERSEDED.has(p.code) && !ownNaming.has(`${key(p)}|${p.message}`));
  const seen = new Set(kept.map(key));
  const prefix = `${local.spec.spec.repo.name}: `;
  const added = view.problems
    .filter((p) => !seen.has(key(p)))
    .map(({ repos: _repos, ...p }) => (p.file === local.spec.file && p.message.startsWith(prefix) ? { ...p, message: p.message.slice(prefix.length) } : p));
  return sortProblems([...kept, ...added], [local.spec.file, local.registry.file]);
}

