import type { BerthSpec } from '../schema/spec.js';
import type { Service } from '../schema/service.js';
import { code, fence, link, shellQuote, table } from './markdown.js';
import { serviceName } from './services-section.js';

type Section = string[];

const runsInCompose = (svc: Service) => !svc.runtime || svc.runtime.some((r) => r.kind === 'compose');
const portsOf = (svc: Service) => (svc.ports ?? []).map((p) => (p.host.from === p.host.to ? String(p.host.from) : `${p.host.from}-${p.host.to}`));

/** Compose profiles, the network, how to start things, and the devcontainer. */
export function dockerSection(spec: BerthSpec): Section {
  const out: Section = ['## Docker Configuration', ''];
  const compose = Object.entries(spec.services).filter(([, s]) => runsInCompose(s));
  if (compose.length) out.push(...profilesPart(spec, compose), '');
  const network = networkPart(spec);
  if (network.length) out.push(...network, '');
  out.push(...startingPart(spec));
  if (spec.devcontainer) out.push('', ...devcontainerPart(spec));
  return out;
}

function profilesPart(spec: BerthSpec, compose: [string, Service][]): Section {
  const profiles = Object.entries(spec.profiles);
  const out: Section = ['### Compose profiles', ''];
  const intro = spec.devcontainer ? 'Alternative to DevContainer for specific workloads. ' : '';
  if (profiles.length) {
    out.push(`${intro}Services use Docker Compose profiles — start only what you need:`, '');
    const lines: string[] = [];
    for (const [name, p] of profiles) {
      if (lines.length) lines.push('');
      lines.push(`# ${p.description ?? `The ${name} profile`}`, `docker compose --profile ${shellQuote(name)} up -d`, `# or: berth up --profile ${shellQuote(name)}`);
    }
    out.push(...fence('bash', lines), '');
  } else if (intro) out.push(intro.trim(), '');
  const rows: string[][] = [];
  const defaults = compose.filter(([, s]) => !s.profiles?.length);
  if (defaults.length) {
    const ports = defaults.flatMap(([, s]) => portsOf(s));
    rows.push(['*(default)*', defaults.map(([id]) => id).join(', '), ports.length ? ports.join(', ') : '— (no exposed ports)']);
  }
  for (const [name] of profiles) {
    const members = compose.filter(([, s]) => s.profiles?.includes(name));
    const ports = members.flatMap(([, s]) => portsOf(s));
    rows.push([code(name), members.map(([id]) => id).join(', '), ports.length ? ports.join(', ') : '— (no exposed ports)']);
  }
  out.push(...table(['Profile', 'Services', 'Ports'], rows));
  return out;
}

function networkPart(spec: BerthSpec): Section {
  const rows: string[][] = [];
  for (const [id, n] of Object.entries(spec.networks)) {
    const members = Object.entries(spec.services)
      .filter(([, s]) => s.runtime?.some((r) => r.network === id) || s.networks?.includes(id) || s.networkMode === id)
      .map(([sid, s]) => serviceName(sid, s));
    const title = n.mode === 'host' ? 'Host network' : code(n.name ?? id);
    rows.push([title, members.join(', '), n.purpose ?? `${n.mode} network${n.external ? ' (external)' : ''}`]);
  }
  const conv = spec.conventions;
  if (!rows.length && !conv.network) return [];
  const out: Section = ['### Network', ''];
  if (rows.length) out.push(...table(['Network', 'Services', 'Purpose'], rows));
  if (conv.network) {
    if (rows.length) out.push('');
    out.push(`> **Convention:** ${conv.network}${conv.networkHref ? ` See ${link(conv.networkHref)}.` : ''}`);
  }
  return out;
}

function startingPart(spec: BerthSpec): Section {
  const lines: string[] = [];
  if (spec.devcontainer) {
    lines.push('# DevContainer (primary development environment)', '# Open in VSCode → Ctrl+Shift+P → "Dev Containers: Reopen in Container"');
  }
  for (const [id, svc] of Object.entries(spec.services)) {
    for (const r of svc.runtime ?? []) {
      if (!r.command || r.kind === 'compose') continue;
      if (lines.length) lines.push('');
      lines.push(`# ${serviceName(id, svc)} (${r.kind === 'devcontainer' ? 'inside container' : 'on the host'})`, r.command);
    }
  }
  if (Object.values(spec.services).some(runsInCompose)) {
    if (lines.length) lines.push('');
    lines.push('# Compose services (default profile), with berth', 'berth up');
  }
  return lines.length ? ['### Starting Services', '', ...fence('bash', lines)] : [];
}

function devcontainerPart(spec: BerthSpec): Section {
  const d = spec.devcontainer!;
  const rows: string[][] = [['**Base Image**', code(d.image)]];
  if (d.gpu) {
    const cuda = d.gpu.cuda ? ` CUDA ${d.gpu.cuda}` : '';
    const host = d.gpu.hostCudaAtLeast ? ` (compatible with driver ${d.gpu.hostCudaAtLeast}+)` : '';
    rows.push(['**GPU Support**', `NVIDIA${cuda}${host}`]);
  }
  if (d.python) rows.push(['**Python**', `${d.python} (from the ${d.image.split(/[:@]/)[0]!.split('/').pop()} image)`]);
  if (d.container) rows.push(['**Container**', code(d.container)]);
  if (d.postCreateCommand) rows.push(['**postCreateCommand**', code(d.postCreateCommand)]);
  if (d.decision) rows.push(['**Decision**', link(d.decision)]);
  return ['### DevContainer', '', ...table(['Component', 'Value'], rows)];
}
