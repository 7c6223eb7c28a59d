import net from 'node:net';
import { describeHolder, findPortHolders, projectName, specEnginePlaces, type Engine, type PortHolder } from '@berth/docker/runtime';
import { analyzePorts, serviceEngine, type PortBindingInfo } from '@berth/spec';
import { sectionOf, unavailableSection, problemStatus, type DoctorFinding, type DoctorInput, type DoctorSection } from './types.js';
import { heldByRightService, possibleHostOwners } from './port-owner.js';
import { engineCallBound } from './engine-section.js';

/** The most ports of one range doctor probes; a wider range is probed at its ends. */
const MAX_RANGE = 32;

/**
 * Whether something accepts TCP connections on a loopback port (refused: free).
 * TODO(issue 10, "is this host port taken"): @berth/docker is getting the one host-port probe; call it here.
 */
export function portListening(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (held: boolean) => (socket.destroy(), clearTimeout(timer), resolve(held));
    const timer = setTimeout(() => done(true), timeoutMs); // a full backlog still means someone holds it
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function portsOf(b: PortBindingInfo): number[] {
  if (b.to - b.from < MAX_RANGE) return Array.from({ length: b.to - b.from + 1 }, (_, i) => b.from + i);
  return [b.from, b.to];
}

/** The spec's host ports: free, held by the service the spec puts there, or held by something else (and what). */
export async function portsSection(input: DoctorInput, engine: Promise<Engine | undefined>): Promise<DoctorSection> {
  const started = performance.now();
  const title = 'Ports';
  let report;
  try {
    report = analyzePorts({ specs: [{ spec: input.spec, file: input.specFile }], ...(input.registry ? { registry: input.registry } : {}), env: input.env });
  } catch (err) {
    return unavailableSection('ports', title, started, `port analysis failed (${(err as Error).message})`);
  }
  const findings: DoctorFinding[] = report.problems
    .filter((p) => p.code.startsWith('port-env-') && p.code !== 'port-env-name')
    .map((p) => ({ status: problemStatus(p), subject: 'env', message: p.message, ...(p.hint ? { next: p.hint } : {}) }));
  // A port published by an engine on another machine (DOCKER_HOST, a context, a declared engine's host) is bound
  // there: this machine's sockets and processes say nothing of it, so it is not probed here (as `up` says too).
  const places = specEnginePlaces(input.spec, input.env as NodeJS.ProcessEnv);
  const remoteHost = (b: PortBindingInfo) => {
    const place = places.get(serviceEngine(input.spec, b.service));
    return place && !place.local ? place.address : undefined;
  };
  const byPort = new Map<number, PortBindingInfo[]>();
  const elsewhere = new Map<string, Set<number>>();
  for (const b of report.bindings.filter((x) => x.protocol === 'tcp')) {
    const host = remoteHost(b);
    for (const p of portsOf(b)) {
      if (host) elsewhere.set(host, (elsewhere.get(host) ?? new Set()).add(p));
      else byPort.set(p, [...(byPort.get(p) ?? []), b]);
    }
  }
  for (const [host, set] of elsewhere) {
    const list = [...set].sort((a, b) => a - b);
    const many = list.length > 1;
    findings.push({
      status: 'unknown',
      subject: `port${many ? 's' : ''} ${list.join(', ')}`,
      message: `port${many ? 's' : ''} ${list.join(', ')} ${many ? 'are' : 'is'} published on ${host}, the engine's machine: whether a process there holds ${many ? 'them' : 'it'} cannot be seen from here`,
      next: `see who holds ${many ? 'them' : 'it'} on ${host}: ss -ltnp`,
    });
  }
  const remoteCount = [...elsewhere.values()].reduce((n, set) => n + set.size, 0);
  const ports = [...byPort.keys()].sort((a, b) => a - b);
  const held = (await Promise.all(ports.map(async (p) => ((await portListening(p)) ? p : undefined)))).filter((p): p is number => p !== undefined);
  let holders: PortHolder[] = [];
  if (held.length) {
    const eng = await engine.catch(() => undefined);
    // bounded as the engine section's /info is: an engine that answers its ping and nothing more costs 2 s, not a minute
    const api = eng?.api.withSignal(engineCallBound(input.signal).bound);
    holders = await findPortHolders(api, held.map((port) => ({ port, protocol: 'tcp' as const }))).catch(() => []);
  }
  const project = projectName(input.spec, input.env as NodeJS.ProcessEnv);
  // the spec's devcontainer holds the ports of the services that run in it: its workspace folder, as the labels say it,
  // compared as @berth/devcontainer finds the devcontainer itself (through symlinks too); loaded only for such a spec
  const devcontainer = input.spec.devcontainer ? await devcontainerFolder(input.baseDir, input.spec.devcontainer.config) : undefined;
  let right = 0;
  let uncertain = 0;
  for (const port of held) {
    const bindings = byPort.get(port)!;
    const services = [...new Set(bindings.map((b) => b.service))];
    const envVar = bindings.find((b) => b.env)?.env;
    const label = `port ${port}${envVar ? ` (${envVar})` : ''}`;
    const holder = holders.find((h) => h.port === port);
    if (!holder) {
      findings.push({ status: 'warning', subject: label, message: `${label} is in use, by something berth could not identify`, next: `see who holds it: ss -ltnp 'sport = :${port}'` });
      continue;
    }
    const owner = heldByRightService(input.spec, project, services, holder, devcontainer);
    if (owner) {
      right++;
      findings.push({ status: 'passing', subject: label, message: `${label} is held by ${owner}: ${describeHolder(holder)}` });
      continue;
    }
    const maybe = possibleHostOwners(input.spec, services, holder);
    if (maybe.length) {
      uncertain++;
      findings.push({
        status: 'warning',
        subject: label,
        message: `${label} is held by ${describeHolder(holder)}; berth cannot tell whether that is ${maybe.join(' or ')}, whose host runtime names no command`,
        next: `give ${maybe[0]} its command in berth.yaml (runtime: [{ kind: host, command: ... }]) so doctor can tell, or see who holds it: ss -ltnp 'sport = :${port}'`,
      });
      continue;
    }
    if (holder.kind === 'unknown') {
      findings.push({ status: 'warning', subject: label, message: `${label} is held by ${describeHolder(holder)}, meant for ${services.join(' or ')}`, next: `see who holds it: sudo ss -ltnp 'sport = :${port}'` });
      continue;
    }
    const stop = holder.kind === 'container' ? `docker stop ${holder.container}` : `kill ${holder.pid}`;
    findings.push({
      status: 'critical',
      subject: label,
      message: `${label} is held by ${describeHolder(holder)}, not by ${services.join(' or ')}`,
      next: `stop it (${stop}), or move ${services[0]} to a free port: berth ports suggest${envVar ? `, then set ${envVar}` : ''}`,
    });
  }
  const free = ports.length - held.length;
  const other = held.length - right - uncertain;
  const here = ports.length
    ? `${ports.length} port${ports.length === 1 ? '' : 's'}: ${free} free, ${right} held by their service${uncertain ? `, ${uncertain} held by a process berth cannot match to its service` : ''}${other ? `, ${other} held by something else` : ''}`
    : '';
  const there = remoteCount ? `${remoteCount} port${remoteCount === 1 ? '' : 's'} on ${[...elsewhere.keys()].join(', ')}, not seen from here` : '';
  const summary = here || there ? [here, there].filter(Boolean).join('; ') : 'the spec publishes no host ports';
  return sectionOf('ports', title, started, summary, findings);
}

/** The devcontainer's workspace folder, and how a label's path is compared with it: @berth/devcontainer's own rule. */
async function devcontainerFolder(baseDir: string, config: string | undefined): Promise<{ folder: string; same: (a: string, b: string) => boolean }> {
  const { devcontainerLocation, samePlace } = await import('@berth/devcontainer');
  return { folder: devcontainerLocation(baseDir, config).workspaceFolder, same: samePlace };
}
