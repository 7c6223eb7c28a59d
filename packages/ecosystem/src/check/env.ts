import { checkEnvConventions, formatSpan, knownEnvVars, type KnownEnvVar, type Problem } from '@berth/spec';
import { memberConventions } from '../conventions.js';
import type { EcosystemMember, EcosystemProblem, Where } from '../model.js';
import { ref, whereIn } from '../where.js';
import type { PortMap } from './port-map.js';

/** Each member's env vars (knownEnvVars), found once for the naming and the meaning checks. */
export type MemberEnvVars = ReadonlyMap<EcosystemMember, ReadonlyMap<string, KnownEnvVar>>;

export function memberEnvVars(members: readonly EcosystemMember[]): MemberEnvVars {
  return new Map(members.map((m) => [m, knownEnvVars(m.spec)]));
}

/**
 * The env naming rules of @berth/spec (checkEnvConventions), run on each member with the conventions it inherits
 * from the ecosystem plus its own; and a name inherited wrongly is said where the member redeclares it.
 */
export function checkEnvNaming(map: PortMap, vars: MemberEnvVars = memberEnvVars(map.eco.members)): Problem[] {
  const out: Problem[] = [];
  for (const m of map.eco.members) {
    const conventions = memberConventions(map.eco.conventions, m, out);
    out.push(...checkEnvConventions({ ...m.spec, conventions }, m.file, m.source, vars.get(m)));
  }
  return out;
}

/** What a variable means in one place: the port it carries, else its declared type; and whether it is secret. */
interface Meaning {
  /** Who gives it this meaning, as a message says it. */
  owner: string;
  /** The repo concerned, if any. */
  repo?: string;
  where: Where;
  ports?: string;
  type?: string;
  secret: boolean;
}

/**
 * One env var name that means different things in two repos (a developer's shell holds one value for both):
 * it carries different ports, has different declared types, or is secret in one and not the other. The registry's
 * `env:` names count as the registry's meaning. Each disagreement is said once per repo, where that repo names it,
 * against the first place that names it.
 */
export function checkEnvMeaning(map: PortMap, vars: MemberEnvVars = memberEnvVars(map.eco.members)): EcosystemProblem[] {
  const first = new Map<string, Meaning>();
  const out: EcosystemProblem[] = [];
  const registry = map.eco.registry;
  registry.value.ports.forEach((a, index) => {
    if (!a.env || first.has(a.env)) return;
    first.set(a.env, { owner: `the registry's entry for ${a.repo ? `${a.repo}/` : ''}${a.service}`, ...(a.repo ? { repo: a.repo } : {}), where: { file: registry.file, path: ['ports', index] }, ports: formatSpan(a.port), type: 'port', secret: false });
  });
  for (const m of map.eco.members) {
    for (const v of (vars.get(m) ?? knownEnvVars(m.spec)).values()) {
      const ports = v.ports.length ? v.ports.map((p) => formatSpan(p)).join(', ') : undefined;
      // A connection's address variable has no declared type: only its name is known.
      const type = v.declared || ports ? v.type : undefined;
      const mine: Meaning = { owner: m.repo, repo: m.repo, where: { file: m.file, path: v.path }, ...(ports ? { ports } : {}), ...(type ? { type } : {}), secret: v.secret };
      const before = first.get(v.name);
      if (!before) {
        first.set(v.name, mine);
        continue;
      }
      if (before.repo === m.repo) continue;
      const diff = difference({ ...before, where: map.locate(before.where, before.where.file === registry.file ? 'value' : 'key') }, mine);
      if (!diff) continue;
      out.push({ code: 'env-meaning', severity: 'warning', ...whereIn(m, v.path, 'key'), repos: [...new Set([m.repo, ...(before.repo ? [before.repo] : [])])], message: `${v.name} ${diff}`, hint: 'give one of them another name, or make them agree' });
    }
  }
  return out;
}

function difference(a: Meaning, b: Meaning): string | undefined {
  const at = `${a.owner} (${ref(a.where)})`;
  if (a.ports && b.ports && a.ports !== b.ports) return `carries port ${b.ports} here but port ${a.ports} in ${at}`;
  if (a.type && b.type && a.type !== b.type) return `is ${article(b.type)} here but ${article(a.type)} in ${at}`;
  if (a.secret !== b.secret && (a.type || b.type)) return b.secret ? `is secret here but not in ${at}, where berth may print it` : `is secret in ${at} but not here, where berth may print it`;
  return undefined;
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) && type !== 'url' ? 'an' : 'a'} ${type}`;
}
