import type { BerthSpec } from '../schema/spec.js';
import type { Service } from '../schema/service.js';
import type { LifecycleCommand } from '../schema/devcontainer.js';
import { devcontainerForwards } from '../analysis/devcontainer-forwards.js';
import { devcontainerPlace } from '../analysis/devcontainer-place.js';
import { code, fence, link, shellCommand, shellQuote, table } from './markdown.js';
import { serviceName } from './services-section.js';
import { pushAll } from '../util/push-all.js';

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
  pushAll(out, table(['Profile', 'Services', 'Ports'], rows));
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
  if (rows.length) pushAll(out, table(['Network', 'Services', 'Purpose'], rows));
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
  const place = devcontainerPlace(d.config);
  const beside = (path: string) => joinPosix(place.config.replace(/[^/]*$/, ''), path);
  const rows: string[][] = [];
  if (d.image) rows.push(['**Base Image**', code(d.image)]);
  if (d.build) {
    const extra = [d.build.target ? `target ${code(d.build.target)}` : '', ...Object.keys(d.build.args ?? {}).map((a) => `${code(a)} build arg`)].filter(Boolean);
    rows.push(['**Build**', `${code(beside(d.build.dockerfile))}${extra.length ? ` (${extra.join(', ')})` : ''}`]);
  }
  if (d.compose) {
    const others = d.compose.runServices?.length ? `, with ${d.compose.runServices.map(code).join(', ')}` : '';
    rows.push(['**Compose**', `service ${code(d.compose.service)} of ${d.compose.files.map((f) => code(beside(f))).join(', ')}${others}`]);
  }
  if (d.gpu) {
    const cuda = d.gpu.cuda ? ` CUDA ${d.gpu.cuda}` : '';
    const host = d.gpu.hostCudaAtLeast ? ` (compatible with driver ${d.gpu.hostCudaAtLeast}+)` : '';
    const gpus = d.gpu.devices ? `GPU${d.gpu.devices.length > 1 ? 's' : ''} ${d.gpu.devices.join(', ')}` : d.gpu.count ? `${d.gpu.count} GPU${d.gpu.count > 1 ? 's' : ''}` : '';
    const needs = [gpus, d.gpu.memory ? `${d.gpu.memory} of GPU memory` : '', d.gpu.cores ? `${d.gpu.cores} GPU cores` : ''].filter(Boolean);
    const extra = d.gpu.optional ? '; optional: it also opens without a GPU' : needs.length ? `; needs ${needs.join(' and ')}` : '';
    rows.push(['**GPU Support**', `NVIDIA${cuda}${host}${extra}`]);
  }
  if (d.python) rows.push(['**Python**', d.image ? `${d.python} (from the ${d.image.split(/[:@]/)[0]!.split('/').pop()} image)` : d.python]);
  if (d.features && Object.keys(d.features).length) rows.push(['**Features**', Object.keys(d.features).map(code).join(', ')]);
  const { forwards } = devcontainerForwards(spec);
  if (forwards.length) rows.push(['**Forwarded Ports**', forwards.map((f) => `${f.forward} (${f.attributes.label})`).join(', ')]);
  if (d.postCreateCommand) rows.push(['**postCreateCommand**', lifecycleText(d.postCreateCommand)]);
  rows.push(['**Config**', code(place.config)]);
  if (d.decision) rows.push(['**Decision**', link(d.decision)]);
  return ['### DevContainer', '', ...table(['Component', 'Value'], rows)];
}

function lifecycleText(command: LifecycleCommand): string {
  const one = (c: string | string[]) => code(typeof c === 'string' ? c : shellCommand(c));
  if (typeof command === 'string' || Array.isArray(command)) return one(command);
  return Object.entries(command)
    .map(([name, c]) => `${name}: ${one(c)}`)
    .join('; ');
}

/** `a/b/` + `../c` = `a/c`, for paths written relative to devcontainer.json's folder. */
function joinPosix(dir: string, path: string): string {
  const out: string[] = [];
  for (const part of `${dir}${path}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/') || '.';
}
