import { closest, formatSpan, type Connection, type PortBindingInfo, type TcpConnection } from '@berth/spec';
import type { ConnectionTarget, EcosystemMember, EcosystemProblem } from '../model.js';
import { whereIn } from '../where.js';
import type { PortMap } from './port-map.js';

/** What a connection's `service:` makes of the targets its port gives: only that service, or a problem saying why not. */
export interface ServiceChoice {
  targets: ConnectionTarget[];
  problem?: EcosystemProblem;
}

/**
 * The targets of a connection that names the service it uses (`service:`, a service of its `owner`): only that
 * service's, where the port alone gives several (two exclusive services on one port). When the owner is a member,
 * the service must be one of its services and publish the port; else the problem says so, and the targets stay
 * what the port gives. An owner that is no member (a registry's repo, one not loaded) cannot be judged.
 */
export function chooseService(map: PortMap, m: EcosystemMember, id: string, c: TcpConnection, name: string, targets: ConnectionTarget[], bindings: readonly PortBindingInfo[], memberTarget: (b: PortBindingInfo) => ConnectionTarget): ServiceChoice {
  const [repo, service] = [c.owner!, c.service!];
  const owner = map.members.get(repo);
  if (!owner) {
    const named = targets.filter((t) => t.repo === repo && t.service === service);
    return { targets: named.length ? named : targets };
  }
  const missing = unknownService(map, m, id, c, name);
  if (missing) return { targets, problem: missing };
  const svc = owner.spec.services[service]!;
  if (!tcpPorts(svc).some((p) => p.host.from <= c.port && c.port <= p.host.to)) {
    return { targets, problem: serviceProblem(m, id, repo, `${name} names service ${repo}/${service}, which does not publish port ${c.port}/tcp: it ${published(svc)}`, 'fix the port, or name the service that publishes it') };
  }
  const chosen = bindings.filter((b) => b.repo === repo && b.service === service).map(memberTarget);
  return { targets: chosen.length ? chosen : targets };
}

/**
 * A connection's `service:` that its owner (a member) does not have: TCP or stdio alike. Undefined when the owner
 * has it, or is no member (a registry's repo, one not loaded: it cannot be judged). The did-you-mean is the one
 * service that publishes a TCP connection's port (a renamed service, most likely), else the closest name.
 */
export function unknownService(map: PortMap, m: EcosystemMember, id: string, c: Connection, name: string): EcosystemProblem | undefined {
  const [repo, service] = [c.owner!, c.service!];
  const owner = map.members.get(repo);
  if (!owner || owner.spec.services[service]) return undefined;
  const port = c.transport === 'tcp' ? c.port : undefined;
  const onPort = port === undefined ? [] : Object.entries(owner.spec.services).filter(([, s]) => tcpPorts(s).some((p) => p.host.from <= port && port <= p.host.to));
  const guess = onPort.length === 1 ? `did you mean "${onPort[0]![0]}"? it publishes ${port}` : didYouMean(closest(service, Object.keys(owner.spec.services)));
  return serviceProblem(m, id, repo, `${name} names service ${service}, but ${repo} has no service "${service}"${guess ? ` (${guess})` : ''}`, guess ? undefined : 'remove `service:`, or name a service of its owner');
}

function didYouMean(guess: string | undefined): string | undefined {
  return guess ? `did you mean "${guess}"?` : undefined;
}

function serviceProblem(m: EcosystemMember, id: string, repo: string, message: string, hint?: string): EcosystemProblem {
  return { code: 'connection-service', severity: 'error', ...whereIn(m, ['connections', id, 'service']), repos: [...new Set([m.repo, repo])], message, ...(hint ? { hint } : {}) };
}

type Service = EcosystemMember['spec']['services'][string];

function tcpPorts(svc: Service) {
  return (svc.ports ?? []).filter((p) => p.protocol === 'tcp');
}

/** "publishes 8111, 8112" or "publishes no TCP port": what a service offers a connection. */
function published(svc: Service): string {
  const ports = tcpPorts(svc);
  return ports.length ? `publishes ${ports.map((p) => formatSpan(p.host)).join(', ')}` : 'publishes no TCP port';
}

/** What a member's service publishes now, for a message about a port it no longer does: " (api publishes 8111)". */
export function publishesNow(owner: EcosystemMember, service: string): string {
  const svc = owner.spec.services[service];
  return svc ? ` (${service} ${published(svc)})` : ` (it has no service "${service}")`;
}
