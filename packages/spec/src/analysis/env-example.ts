import type { BerthSpec } from '../schema/spec.js';
import { specSecrets, withoutTextSecrets } from '../secrets/in-spec.js';
import { looksSecret } from '../secrets/names.js';
import { knownEnvVars, type KnownEnvVar } from './env-schema-view.js';

/**
 * The `.env.example` for a spec: every variable it names, grouped (general, one group per module, one per
 * Compose profile, ports), each with its purpose and requirement as a comment. Secrets are always blank (a
 * variable marked `secret`, one whose name looks secret, one a secret refers to: specSecrets' rule); other variables
 * carry their example, else their default, else the port the spec publishes, with any secret written inside it (a
 * URL's password, a `?token=`) `[redacted]`: the file is meant to be committed.
 */
export function renderEnvExample(spec: BerthSpec, options: { specFile?: string } = {}): string {
  const groups = new Map<string, { title: string; lines: string[] }>();
  const group = (key: string, title: string) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { title, lines: [] }));
    return g;
  };
  group('general', 'General');
  for (const [m, mod] of Object.entries(spec.modules)) group(`module:${m}`, `Module ${m}${mod.description ? `: ${mod.description}` : ''}`);
  for (const [p, profile] of Object.entries(spec.profiles)) group(`profile:${p}`, `Profile ${p}${profile.description ? `: ${profile.description}` : ''}`);
  const secretNames = specSecrets(spec).names;
  const isSecret = (v: KnownEnvVar) => v.secret || looksSecret(v.name) || secretNames.has(v.name);
  for (const v of knownEnvVars(spec).values()) {
    const r = v.required;
    const g =
      r.kind === 'module' ? group(`module:${r.modules[0]}`, `Module ${r.modules[0]}`)
      : r.kind === 'profile' ? group(`profile:${r.profiles[0]}`, `Profile ${r.profiles[0]}`)
      : v.ports.length ? group('ports', 'Ports (the port registry is the authority)')
      : group('general', 'General');
    g.lines.push('', ...describe(v, isSecret(v)).map((c) => `# ${c}`), `${v.name}=${quote(isSecret(v) ? '' : withoutTextSecrets(valueFor(v)))}`);
  }
  const out = [
    `# .env.example for ${spec.repo.name}, written by \`berth env example\`${options.specFile ? ` from ${options.specFile}` : ''}.`,
    '# Copy it to .env and fill it in. Secrets are left blank here: never commit their values.',
  ];
  for (const g of groups.values()) {
    if (!g.lines.length) continue;
    out.push('', `# ---- ${g.title} ----`, ...g.lines.slice(1));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

function describe(v: KnownEnvVar, secret: boolean): string[] {
  const d = v.declared;
  const parts: string[] = [];
  const facts = [v.type !== 'string' ? v.type : undefined, secret ? 'secret' : undefined, requirement(v)].filter(Boolean).join(', ');
  parts.push(`${d?.purpose ?? (v.ports.length ? `port of ${v.ports.map((p) => (p.label ? `${p.label} (${p.service})` : p.service)).join(', ')}` : 'no purpose given')} (${facts})`);
  if (d?.type === 'enum' && d.values) parts.push(`one of: ${d.values.join(', ')}`);
  if (d?.pattern) parts.push(`must match: ${d.pattern}`);
  return parts;
}

function requirement(v: KnownEnvVar): string {
  const r = v.required;
  if (r.kind === 'always') return 'required';
  if (r.kind === 'never') return 'optional';
  if (r.kind === 'profile') return `required when ${r.profiles.length > 1 ? 'any of the profiles' : 'profile'} ${r.profiles.join(', ')} is on`;
  return `required when ${r.modules.length > 1 ? 'any of the modules' : 'module'} ${r.modules.join(', ')} is enabled`;
}

function valueFor(v: KnownEnvVar): string {
  const d = v.declared;
  if (d?.example !== undefined) return d.example;
  if (d?.default !== undefined) return String(d.default);
  if (v.ports.length) return String(v.ports[0]!.from);
  return '';
}

function quote(value: string): string {
  if (value === '' || /^[A-Za-z0-9_./:@,+=-]+$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
