import type { EngineApi } from '../engine/engine-api.js';
import { COMPOSE_PROJECT, COMPOSE_SERVICE } from '../labels.js';
import { DEVCONTAINER_LABELS, hostIpsOverlap } from '@berth/spec';
import { socketsHolding, type PortQuery } from './host-ports.js';
import { boundSockets, socketOwners } from './proc-net.js';

export type { PortQuery };

/** Who holds a host port: a container (name, project, service), a host process (PID, command line) or unknown. */
export interface PortHolder {
  port: number;
  protocol: 'tcp' | 'udp';
  kind: 'container' | 'process' | 'unknown';
  container?: string;
  containerId?: string;
  project?: string;
  service?: string;
  /** The workspace folder of the devcontainer it is (the Dev Containers CLI's `devcontainer.local_folder` label). */
  devcontainerFolder?: string;
  pid?: number;
  command?: string;
}

const DOCKER_PROXY = /(^|\/)docker-proxy\b/;

/**
 * Finds what holds each queried port, by the one probe's rules (hostPortProbe: TCP listeners, any UDP
 * socket, addresses that clash): running containers first (their published ports, through the engine
 * when given), then the sockets of /proc with their owning process. docker-proxy processes are the
 * containers' own. A socket whose owner cannot be read (another user's) is `unknown`. For an engine on
 * another machine (`hostSockets: false`) only its containers are seen: this machine's sockets say nothing there.
 */
export async function findPortHolders(api: EngineApi | undefined, ports: PortQuery[], options: { /** false for an engine on another machine, whose sockets /proc does not show */ hostSockets?: boolean } = {}): Promise<PortHolder[]> {
  const holders: PortHolder[] = [];
  const key = (q: { port: number; protocol: string }) => `${q.port}/${q.protocol}`;
  const byContainer = new Set<string>();
  if (api) {
    const running = await api.listContainers({ filters: { status: ['running', 'restarting', 'paused'] } });
    for (const q of ports) {
      for (const c of running) {
        const published = (c.Ports ?? []).some((p) => p.PublicPort === q.port && p.Type === q.protocol && hostIpsOverlap(q.hostIp, p.IP || '0.0.0.0'));
        if (!published || byContainer.has(key(q) + c.Id)) continue;
        byContainer.add(key(q) + c.Id).add(key(q));
        holders.push({
          port: q.port,
          protocol: q.protocol,
          kind: 'container',
          container: (c.Names[0] ?? c.Id).replace(/^\//, ''),
          containerId: c.Id,
          ...(c.Labels[COMPOSE_PROJECT] ? { project: c.Labels[COMPOSE_PROJECT] } : {}),
          ...(c.Labels[COMPOSE_SERVICE] ? { service: c.Labels[COMPOSE_SERVICE] } : {}),
          ...(c.Labels[DEVCONTAINER_LABELS.localFolder] ? { devcontainerFolder: c.Labels[DEVCONTAINER_LABELS.localFolder] } : {}),
        });
      }
    }
  }
  if (options.hostSockets === false) return holders;
  const { sockets } = await boundSockets();
  const held = ports.filter((q) => !byContainer.has(key(q))).map((q) => ({ q, sockets: socketsHolding(q, sockets) }));
  const owners = await socketOwners(new Set(held.flatMap((h) => h.sockets.map((s) => s.inode))));
  const seen = new Set<string>();
  for (const { q, sockets: holding } of held) {
    for (const s of holding) {
      const owner = owners.get(s.inode);
      if (owner && DOCKER_PROXY.test(owner.command) && api) continue; // a container we did not see (stopped meanwhile)
      const id = `${key(q)}:${owner?.pid ?? '?'}`;
      if (seen.has(id)) continue;
      seen.add(id);
      holders.push(owner ? { port: q.port, protocol: q.protocol, kind: 'process', pid: owner.pid, command: owner.command } : { port: q.port, protocol: q.protocol, kind: 'unknown' });
    }
  }
  return holders;
}

/** Longer command lines are cut here: one holder, one line. */
const COMMAND_WIDTH = 80;

/**
 * berth's one description of a holder, for the preflight, the ports commands and the doctor:
 * "container marquez-api-1 (project semops-data, service marquez)" / "PID 4242 (python -m http.server 5000)".
 */
export function describeHolder(h: Pick<PortHolder, 'kind' | 'container' | 'project' | 'service' | 'pid' | 'command'>): string {
  if (h.kind === 'container') return `container ${h.container ?? '?'}${h.project ? ` (project ${h.project}${h.service ? `, service ${h.service}` : ''})` : ''}`;
  if (h.kind === 'process') {
    const command = h.command || 'unknown command';
    return `PID ${h.pid} (${command.length > COMMAND_WIDTH ? `${command.slice(0, COMMAND_WIDTH - 3)}...` : command})`;
  }
  return "a process berth cannot see (another user's?)";
}
