import type { Engine } from '../engine/connect.js';
import { COMPOSE_PROJECT, COMPOSE_SERVICE } from '../labels.js';
import { listeningSockets, socketOwners } from './proc-net.js';

export interface PortQuery {
  port: number;
  protocol: 'tcp' | 'udp';
  hostIp?: string;
}

/** Who holds a host port: a container (name, project, service), a host process (PID, command line) or unknown. */
export interface PortHolder {
  port: number;
  protocol: 'tcp' | 'udp';
  kind: 'container' | 'process' | 'unknown';
  container?: string;
  containerId?: string;
  project?: string;
  service?: string;
  pid?: number;
  command?: string;
}

const DOCKER_PROXY = /(^|\/)docker-proxy\b/;

/**
 * Finds what holds each port: running containers first (through the engine, when given), then
 * listening sockets from /proc with their owning process. docker-proxy processes are attributed to
 * their container. A socket whose owner cannot be read (another user's) is `unknown`.
 */
export async function findPortHolders(engine: Engine | undefined, ports: PortQuery[]): Promise<PortHolder[]> {
  const holders: PortHolder[] = [];
  const key = (port: number, protocol: string) => `${port}/${protocol}`;
  const wanted = new Set(ports.map((p) => key(p.port, p.protocol)));
  const byContainer = new Set<string>();
  if (engine) {
    const running = await engine.api.listContainers({ filters: { status: ['running', 'restarting', 'paused'] } });
    for (const c of running) {
      for (const p of c.Ports ?? []) {
        if (!p.PublicPort || !wanted.has(key(p.PublicPort, p.Type))) continue;
        if (byContainer.has(key(p.PublicPort, p.Type) + c.Id)) continue;
        byContainer.add(key(p.PublicPort, p.Type) + c.Id);
        byContainer.add(key(p.PublicPort, p.Type));
        holders.push({
          port: p.PublicPort,
          protocol: p.Type as 'tcp' | 'udp',
          kind: 'container',
          container: (c.Names[0] ?? c.Id).replace(/^\//, ''),
          containerId: c.Id,
          ...(c.Labels[COMPOSE_PROJECT] ? { project: c.Labels[COMPOSE_PROJECT] } : {}),
          ...(c.Labels[COMPOSE_SERVICE] ? { service: c.Labels[COMPOSE_SERVICE] } : {}),
        });
      }
    }
  }
  const sockets = (await listeningSockets()).filter((s) => wanted.has(key(s.port, s.protocol)) && !byContainer.has(key(s.port, s.protocol)));
  const owners = await socketOwners(new Set(sockets.map((s) => s.inode)));
  const seen = new Set<string>();
  for (const s of sockets) {
    const owner = owners.get(s.inode);
    if (owner && DOCKER_PROXY.test(owner.command) && engine) continue; // a container we did not see (stopped meanwhile)
    const id = `${key(s.port, s.protocol)}:${owner?.pid ?? '?'}`;
    if (seen.has(id)) continue;
    seen.add(id);
    holders.push(owner ? { port: s.port, protocol: s.protocol, kind: 'process', pid: owner.pid, command: owner.command } : { port: s.port, protocol: s.protocol, kind: 'unknown' });
  }
  return holders;
}

/** "container marquez-api-1 (project semops-data)" / "PID 4242 (python -m http.server 5000)". */
export function describeHolder(h: PortHolder): string {
  if (h.kind === 'container') return `container ${h.container}${h.project ? ` (project ${h.project}${h.service ? `, service ${h.service}` : ''})` : ''}`;
  if (h.kind === 'process') return `PID ${h.pid} (${h.command || 'unknown command'})`;
  return 'a process berth cannot see (another user\'s?)';
}
