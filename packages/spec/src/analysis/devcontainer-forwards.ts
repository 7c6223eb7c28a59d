import type { Problem } from '../problem.js';
import type { BerthSpec } from '../schema/spec.js';
import type { Service } from '../schema/service.js';
import { ON_AUTO_FORWARD } from '../schema/devcontainer.js';
import { hostIpsOverlap } from './host-ip.js';
import { PortPlaces, portLabel } from './port-model.js';
import type { SpecInput } from './types.js';

type Runtime = NonNullable<Service['runtime']>[number];

/** What devcontainer.json's `portsAttributes` says of one forwarded port; berth owns these four. */
export interface ForwardAttributes {
  label: string;
  protocol?: 'http' | 'https';
  onAutoForward?: (typeof ON_AUTO_FORWARD)[number];
  requireLocalPort?: boolean;
}

/** A port the devcontainer forwards to the host, for one of the spec's services. */
export interface DevcontainerForward {
  service: string;
  /** As `forwardPorts` writes it: the port, or "SERVICE:PORT" for another service of the devcontainer's Compose setup. */
  forward: number | string;
  /** The local port the editor takes: the same number as in the container. */
  port: number;
  /** Its key in `portsAttributes`. */
  key: string;
  attributes: ForwardAttributes;
  /** The spec binding it comes from. */
  path: (string | number)[];
}

/** The devcontainer runtime of a service, when it runs there. */
export function devcontainerRuntime(service: Service): Runtime | undefined {
  return service.runtime?.find((r) => r.kind === 'devcontainer');
}

/**
 * The ports the devcontainer forwards: every TCP port of every service that runs in it (a `kind: devcontainer`
 * runtime), in spec order, labelled with the service's name. The editor forwards a container port to the same
 * local port, one port at a time, TCP only: a range, a UDP port, or a host port that differs from the container
 * port cannot be said in devcontainer.json, and is left out with a warning (unlocated; `path` says where).
 */
export function devcontainerForwards(spec: BerthSpec): { forwards: DevcontainerForward[]; problems: Problem[] } {
  const forwards: DevcontainerForward[] = [];
  const problems: Problem[] = [];
  if (!spec.devcontainer) return { forwards, problems };
  const seen = new Set<string>();
  for (const [id, service] of Object.entries(spec.services)) {
    const runtime = devcontainerRuntime(service);
    if (!runtime) continue;
    (service.ports ?? []).forEach((p, j) => {
      const path = ['services', id, 'ports', j];
      const label = portLabel({ from: p.host.from, to: p.host.to, protocol: p.protocol });
      const skip = (code: string, why: string) => problems.push({ code, severity: 'warning', path, message: `the devcontainer does not forward ${label} of ${id}: ${why}` });
      if (p.protocol !== 'tcp') return skip('devcontainer-forward-udp', 'the editor forwards TCP only');
      if (p.host.from !== p.host.to) return skip('devcontainer-forward-range', 'forwardPorts takes single ports, not ranges');
      const container = p.container.from;
      if (container !== p.host.from) {
        return skip('devcontainer-forward-remap', `the editor forwards container port ${container} to the same local port, so host port ${p.host.from} cannot be said in devcontainer.json`);
      }
      const port = p.host.from;
      const forward = runtime.composeService ? `${runtime.composeService}:${port}` : port;
      if (seen.has(String(forward))) return;
      seen.add(String(forward));
      const attributes: ForwardAttributes = {
        label: `${service.name ?? id}${p.name ? ` (${p.name})` : ''}`,
        ...(p.appProtocol === 'http' || p.appProtocol === 'https' ? { protocol: p.appProtocol } : {}),
        ...(runtime.onAutoForward ? { onAutoForward: runtime.onAutoForward } : {}),
        ...(runtime.requireLocalPort !== undefined ? { requireLocalPort: runtime.requireLocalPort } : {}),
      };
      forwards.push({ service: id, forward, port, key: String(port), attributes, path });
    });
  }
  return { forwards, problems };
}

const runsInCompose = (service: Service) => !service.runtime || service.runtime.some((r) => r.kind === 'compose');

/**
 * `berth validate`'s devcontainer port rules. The editor holds a forwarded port on the host's loopback for as
 * long as the devcontainer is open, whether its service runs or not; so a Compose service of another name that
 * publishes the same host port cannot start meanwhile, even when the two are declared `exclusiveWith` (two
 * services that are not declared so already get a `port-conflict` error). Also says which ports cannot be
 * forwarded at all. A forwarded port the registry does not hold is the ordinary `port-unregistered` error:
 * forwards are the services' own ports.
 */
export function checkDevcontainerForwards(input: SpecInput): Problem[] {
  const { spec, file, source } = input;
  const at = (path: (string | number)[]) => ({ file, ...(source ? source.locate(path) : {}), path });
  const { forwards, problems: skipped } = devcontainerForwards(spec);
  const problems: Problem[] = skipped.map((p) => ({ ...p, ...at(p.path!) }));
  const places = new PortPlaces([input], undefined);
  for (const f of forwards) {
    for (const [id, service] of Object.entries(spec.services)) {
      if (id === f.service || !runsInCompose(service) || !places.exclusive(spec.repo.name, f.service, id)) continue;
      (service.ports ?? []).forEach((p, j) => {
        if (p.protocol !== 'tcp' || p.host.from > f.port || p.host.to < f.port || !hostIpsOverlap('127.0.0.1', p.hostIp)) return;
        const there = places.ref(at(['services', id, 'ports', j]));
        problems.push({
          code: 'devcontainer-forward-conflict',
          severity: 'warning',
          ...at(f.path),
          message: `port ${f.port}/tcp is forwarded by the devcontainer for ${f.service} and published by Compose service ${id} (${there}): while the devcontainer is open the editor holds localhost:${f.port}, so ${id} cannot start, though the two are declared exclusive`,
          hint: `give one of them another port, or close the devcontainer before starting ${id}`,
        });
      });
    }
  }
  return problems;
}
