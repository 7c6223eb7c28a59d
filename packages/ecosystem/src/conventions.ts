import type { Conventions, EnvConvention, Problem } from '@berth/spec';
import type { EcosystemConventions, EcosystemMember, ManifestDocument, Where } from './model.js';

const scopeText = (c: EnvConvention) => (c.scope ? `${c.scope}-scoped` : 'without a scope');

/**
 * The ecosystem's conventions from its manifest and the ones it includes: the ecosystem's own first, then each
 * include's prefixes the ecosystem does not declare. Links and the network convention: the first manifest that
 * sets them. An include that declares a prefix with another scope is reported; the ecosystem's entry stands.
 */
export function ecosystemConventions(manifests: readonly ManifestDocument[], problems: Problem[]): EcosystemConventions {
  const out: EcosystemConventions = { env: [], origins: new Map() };
  for (const m of manifests) {
    const c = m.value.conventions;
    c.env.forEach((convention, i) => {
      const where: Where = { file: m.file, ...m.source.locate(['conventions', 'env', i]), path: ['conventions', 'env', i] };
      const before = out.env.find((e) => e.prefix === convention.prefix);
      if (!before) {
        out.env.push(convention);
        out.origins.set(convention.prefix, where);
      } else if ((before.scope ?? null) !== (convention.scope ?? null)) {
        problems.push(conflict(convention, before, out.origins.get(convention.prefix)!, where));
      }
    });
    out.envHref ??= c.envHref;
    out.network ??= c.network;
    out.networkHref ??= c.networkHref;
  }
  return out;
}

/**
 * What a member's berth.yaml is checked with: every convention of the ecosystem, then the member's own prefixes
 * that the ecosystem does not declare. A member may not redefine an inherited prefix: one declared with another
 * scope is reported and the ecosystem's stands; one that agrees is redundant and harmless. The member's own links
 * and network text win where it sets them (they are documentation).
 */
export function memberConventions(eco: EcosystemConventions, member: EcosystemMember, problems: Problem[]): Conventions {
  const own = member.spec.conventions;
  const env = [...eco.env];
  own.env.forEach((convention, i) => {
    const inherited = eco.env.find((e) => e.prefix === convention.prefix);
    if (!inherited) {
      env.push(convention);
      return;
    }
    if ((inherited.scope ?? null) === (convention.scope ?? null)) return;
    const path = ['conventions', 'env', i, 'scope'];
    const where: Where = { file: member.file, ...(member.source ? member.source.locate(convention.scope ? path : path.slice(0, -1)) : {}), path };
    problems.push(conflict(convention, inherited, eco.origins.get(convention.prefix) ?? {}, where));
  });
  return { env, envHref: own.envHref ?? eco.envHref, network: own.network ?? eco.network, networkHref: own.networkHref ?? eco.networkHref };
}

function conflict(mine: EnvConvention, theirs: EnvConvention, theirsAt: Where, where: Where): Problem {
  const at = theirsAt.file ? ` (${theirsAt.file}${theirsAt.line ? `:${theirsAt.line}:${theirsAt.col ?? 1}` : ''})` : '';
  return {
    code: 'convention-conflict',
    severity: 'warning',
    ...where,
    message: `declares ${mine.prefix} ${scopeText(mine)} here, but the ecosystem${at} declares it ${scopeText(theirs)} (${theirs.purpose}); the ecosystem's convention applies`,
    hint: `drop ${mine.prefix} from this file's conventions, or change it in the ecosystem's`,
  };
}
