import type { BerthSpec, Consumer } from '../schema/spec.js';
import type { Requirement } from '../schema/env.js';
import { code, link, table } from './markdown.js';
import { pushAll } from '../util/push-all.js';

type Section = string[];

export function requirementText(r: Requirement): string {
  if (r.kind === 'always') return 'Yes';
  if (r.kind === 'never') return 'Optional';
  if (r.kind === 'profile') return `With ${r.profiles.join(' or ')} profile${r.profiles.length > 1 ? 's' : ''}`;
  return `For ${r.modules.join(' or ')} module${r.modules.length > 1 ? 's' : ''}`;
}

/** Env naming conventions, then one row per variable (never a value of a secret). */
export function envSection(spec: BerthSpec): Section {
  const conv = spec.conventions;
  const vars = Object.entries(spec.env);
  if (!vars.length && !conv.env.length) return [];
  const out: Section = ['## Environment Variables', ''];
  if (conv.env.length) {
    const uses = conv.env.map((c) => `${code(`${c.prefix}*`)} for ${c.purpose}`).join(', ');
    const differ = conv.env.length > 1 ? ' These are different' : '';
    const see = conv.envHref ? `${differ ? `${differ} — see` : ' See'} ${link(conv.envHref)}.` : differ ? `${differ}.` : '';
    out.push(`> **Convention:** Use ${uses}.${see}`, '');
  }
  if (vars.length) {
    const rows = vars.map(([name, v]) => {
      const type = v.type === 'enum' && v.values ? `enum (${v.values.join(', ')})` : v.type;
      const shown = v.secret ? 'secret' : v.default !== undefined ? `default ${code(String(v.default))}` : v.example !== undefined ? `e.g. ${code(v.example)}` : '';
      return [code(name), v.purpose ?? '', requirementText(v.required), [type, shown].filter(Boolean).join(', ')];
    });
    pushAll(out, table(['Variable', 'Purpose', 'Required', 'Type'], rows));
  } else out.push('*(no variables declared)*');
  return out;
}

/** Shared services this repo reaches over localhost TCP or stdio. */
export function connectionsSection(spec: BerthSpec): Section {
  const entries = Object.entries(spec.connections);
  if (!entries.length) return [];
  const rows = entries.map(([id, c]) => {
    const name = c.name ?? id;
    if (c.transport === 'stdio') {
      const server = c.server ? ` (${code(c.server)})` : '';
      return [name, `stdio${server}`, c.purpose ?? `Registered in ${c.registeredIn.map(code).join(' or ')}`];
    }
    const env = c.env ? ` via ${code(c.env)}` : '';
    return [name, `${code(`${c.host}:${c.port}`)}${env}`, c.purpose ?? ''];
  });
  return ['## Connection Patterns', '', 'How this repo connects to shared infrastructure:', '', ...table(['Service', 'Method', 'Details'], rows)];
}

/** Which repos use this repo's services: as derived from the ecosystem's connections when known, else as the spec lists them. */
export function consumersSection(spec: BerthSpec, derived?: { ecosystem: string; consumers: Consumer[] }): Section {
  const consumers = derived ? derived.consumers : spec.consumers;
  const rows = consumers.length ? consumers.map((c) => [c.repo, c.services.join(', ')]) : [['*(none currently)*', '']];
  const from = derived ? [`Derived from the connections of the other repos of ecosystem ${code(derived.ecosystem)}.`, ''] : [];
  return ['## Consumed By', '', ...from, ...table(['Repo', 'Services Used'], rows)];
}

export function relatedDocsSection(spec: BerthSpec): Section {
  if (!spec.docs.length) return [];
  return ['## Related Documentation', '', ...spec.docs.map((d) => `- ${link(d.href, d.title)}${d.description ? ` - ${d.description}` : ''}`)];
}
