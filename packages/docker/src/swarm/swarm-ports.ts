import { deployReplicas, type BerthSpec, type Problem, type Service } from '@berth/spec';
import { serviceNetworkMode } from '../up/service-networks.js';

type Port = NonNullable<Service['ports']>[number];

/** One port a swarm service publishes, in host mode on the node that runs each task. */
export interface SwarmPort {
  target: number;
  published: number;
  protocol: Port['protocol'];
  /** The spec's port it comes from (a range gives one per port). */
  port: Port;
}

/** Whether the service runs on the host's network on a swarm (serviceNetworkMode: its networkMode, its Compose runtime's or a listed network's mode). */
export function onHostNetwork(spec: BerthSpec, service: Service): boolean {
  return serviceNetworkMode(spec, service) === 'host';
}

/**
 * The ports a service publishes on a swarm: the one rule of berth's deployment (desiredSwarmService) and of
 * `berth compose --swarm` (exportStack), so a stack file deploys as berth does. Host mode, one per port of a range (berth
 * never uses the ingress mesh); none on the host network, where its ports are the process's own (a warning), nor for a
 * host range given to one container port (a warning); more than one replica of a service that publishes a port is a
 * warning that each needs a node of its own.
 */
export function swarmPorts(name: string, service: Service, hostNetwork: boolean, problems: Problem[]): SwarmPort[] {
  const warn = (path: (string | number)[], message: string, hint?: string) =>
    problems.push({ code: 'swarm-ignores', severity: 'warning', path: ['services', name, ...path], message: `service "${name}": ${message}`, ...(hint ? { hint } : {}) });
  if (!service.ports?.length) return [];
  if (hostNetwork) {
    warn(['ports'], "on the host network its ports are the process's own; nothing is published");
    return [];
  }
  const out: SwarmPort[] = [];
  for (const [i, p] of service.ports.entries()) {
    const count = p.container.to - p.container.from + 1;
    if (p.host.to - p.host.from + 1 !== count) {
      warn(['ports', i], 'a host port range for one container port is not published on a swarm (mode: host publishes fixed ports)');
      continue;
    }
    for (let k = 0; k < count; k++) out.push({ target: p.container.from + k, published: p.host.from + k, protocol: p.protocol, port: p });
  }
  // global: one task per node, so no two share a node's port
  const replicas = deployReplicas(service.deploy) ?? 1;
  if (out.length && replicas > 1) {
    warn(
      ['deploy', 'replicas'],
      `its ${replicas} replicas publish host port ${out[0]!.published} on the node that runs each (host mode): no two can share a node, so the swarm needs ${replicas} nodes that can take it`,
      'run one replica, publish no port (reach it over the stack network), or add nodes',
    );
  }
  return out;
}
