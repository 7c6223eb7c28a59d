import type { Problem } from '@berth/spec';
import type { PortMap } from './port-map.js';

/** Codes of the port analysis whose problem sits on a port (of a spec or the registry). */
const ON_A_PORT = /^(port|registry)-/;

/**
 * The repos a problem of the port analysis concerns: the member whose spec it is in, the repo of the registry
 * entry it is on, and every repo that publishes or is allocated the same port (a conflict concerns both sides).
 */
export function concernedRepos(p: Problem, map: PortMap): string[] {
  const repos = new Set<string>();
  const member = map.memberAt(p.file);
  if (member) repos.add(member.repo);
  if (!ON_A_PORT.test(p.code)) return [...repos];
  const span = spanOf(p, map);
  if (span) {
    for (const b of map.bindingsAt(span.protocol, span.from, span.to)) repos.add(b.repo);
    for (const e of map.entriesAt(span.protocol, span.from, span.to)) if (e.repo) repos.add(e.repo);
  }
  return [...repos];
}

function spanOf(p: Problem, map: PortMap): { protocol: 'tcp' | 'udp'; from: number; to: number } | undefined {
  const path = p.path ?? [];
  if (p.file === map.eco.registry.file && path[0] === 'ports' && typeof path[1] === 'number') {
    const a = map.eco.registry.value.ports[path[1]];
    return a && { protocol: a.protocol, from: a.port.from, to: a.port.to };
  }
  const member = map.memberAt(p.file);
  if (member && path[0] === 'services' && path[2] === 'ports' && typeof path[3] === 'number') {
    const port = member.spec.services[String(path[1])]?.ports?.[path[3]];
    return port && { protocol: port.protocol, from: port.host.from, to: port.host.to };
  }
  return undefined;
}
