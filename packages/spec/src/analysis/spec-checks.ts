import type { BerthSpec } from '../schema/spec.js';
import type { Service } from '../schema/service.js';
import { HealthCheck as HealthCheckSchema, type HealthCheck } from '../schema/check.js';
import { engineAddresses, serviceEngine } from './engine-placement.js';
import { isLocalHost, isWildcardIp } from './host-ip.js';
import { knownEndpoint } from './known-endpoints.js';

type Binding = NonNullable<Service['ports']>[number];

/** What a group of checks belongs to. */
export interface CheckGroupSubject {
  kind: 'service' | 'connection' | 'devcontainer';
  id: string;
  name?: string;
}

/** The checks of one service, connection or the devcontainer, as `berth health` runs them. */
export interface CheckGroup {
  subject: CheckGroupSubject;
  checks: HealthCheck[];
  /** berth derived them (the spec names no `checks:` here): from the ports and their appProtocol, the connection, the GPU request. */
  derived: boolean;
  /** The engine (a spec's engine name) a service runs on, when the spec declares engines. */
  engine?: string;
}

/** Builds a check through the schema, so defaults (method, expect, maxRedirects) are filled as for a user's. */
const make = (check: Record<string, unknown>): HealthCheck => HealthCheckSchema.parse(check);

/**
 * Where a published port is reached from here: its own host address when it names one, else `address`,
 * its engine's host (127.0.0.1 on this machine). A port bound to a remote machine's loopback is reached
 * at that machine's address all the same (and is refused there: the check says so).
 */
const hostFor = (binding: Binding, address: string) =>
  binding.hostIp && !isWildcardIp(binding.hostIp) && !(address !== '127.0.0.1' && isLocalHost(binding.hostIp)) ? binding.hostIp : address;

/** The check a port gets when the spec names none: HTTP where it speaks HTTP, PostgreSQL for postgres, TCP otherwise. */
function defaultForPort(protocol: string | undefined, host: string, port: number, names: (string | undefined)[], portName?: string): HealthCheck {
  if (protocol === 'http' || protocol === 'https') {
    const known = knownEndpoint(names, portName);
    const urlHost = host.includes(':') ? `[${host}]` : host;
    return make({
      type: 'http',
      url: `${protocol}://${urlHost}:${port}${known?.path ?? '/'}`,
      expect: { ...(known?.bodyContains ? { bodyContains: known.bodyContains } : {}), ...(known?.unauthorizedIsUp ? { unauthorizedIsUp: true } : {}) },
    });
  }
  if (protocol === 'postgres') return make({ type: 'postgres', host, port });
  return make({ type: 'tcp', host, port });
}

function serviceDefaults(id: string, service: Service, address: string): HealthCheck[] {
  const ports = service.ports ?? [];
  if (ports.length === 0) {
    const inCompose = (service.runtime ?? [{ kind: 'compose' }]).some((r) => r.kind === 'compose');
    return inCompose && service.image ? [make({ type: 'container' })] : [];
  }
  return ports
    .filter((b) => b.protocol === 'tcp')
    .map((b) => defaultForPort(b.appProtocol, hostFor(b, address), b.host.from, [id, service.name, service.image], b.name));
}

/** An exec check that names no container, as one run in the devcontainer. */
const inDevcontainer = (c: HealthCheck): HealthCheck => (c.type === 'exec' && !c.container && !c.service ? { ...c, in: 'devcontainer' as const } : c);

/**
 * Every check a spec implies, in the spec's order (services, connections, the devcontainer): each one's own
 * `checks:`, or, where it names none, the default berth derives (a check per published TCP port, HTTP by its
 * appProtocol at the endpoint known to answer truthfully; a container check for a portless Compose service; the
 * connection's protocol, or its MCP server over stdio; a GPU check for a devcontainer asking for one). An exec check
 * naming no container runs in the devcontainer for the devcontainer's checks and those of a service that runs only there. The one
 * rule of what `berth health` runs and what `berth docs` shows. Pure: a service on another engine is checked at
 * that engine's address (`addresses`, by engine name; by default what the spec's `engines` hosts say).
 */
export function specChecks(spec: BerthSpec, options: { addresses?: ReadonlyMap<string, string> } = {}): CheckGroup[] {
  const addresses = options.addresses ?? engineAddresses(spec);
  const declared = Object.keys(spec.engines ?? {}).length > 0;
  const groups: CheckGroup[] = [];
  for (const [id, service] of Object.entries(spec.services ?? {})) {
    const engine = declared ? serviceEngine(spec, id) : undefined;
    const derived = !service.checks?.length;
    // A service that runs only in the devcontainer has no container of its own: an exec naming none runs there.
    const onlyDevcontainer = !!service.runtime?.length && service.runtime.every((r) => r.kind === 'devcontainer');
    const checks = derived
      ? serviceDefaults(id, service, addresses.get(engine ?? 'default') ?? '127.0.0.1')
      : onlyDevcontainer
        ? service.checks!.map(inDevcontainer)
        : service.checks!;
    groups.push({ subject: { kind: 'service', id, ...(service.name ? { name: service.name } : {}) }, checks, derived, ...(engine ? { engine } : {}) });
  }
  for (const [id, conn] of Object.entries(spec.connections ?? {})) {
    const subject: CheckGroupSubject = { kind: 'connection', id, ...(conn.name ? { name: conn.name } : {}) };
    if (conn.checks?.length) groups.push({ subject, checks: conn.checks, derived: false });
    else if (conn.transport === 'stdio') {
      const mcp = make({ type: 'mcp', ...(conn.server ? { server: conn.server } : {}), ...(conn.command ? { command: conn.command, args: conn.args ?? [] } : {}), configFiles: conn.registeredIn });
      groups.push({ subject, checks: [mcp], derived: true });
    } else groups.push({ subject, checks: [defaultForPort(conn.protocol, conn.host === 'localhost' ? '127.0.0.1' : conn.host, conn.port, [id, conn.name])], derived: true });
  }
  const dc = spec.devcontainer;
  if (dc) {
    const derived = !dc.checks?.length;
    const checks = (derived ? (dc.gpu ? [make({ type: 'gpu' })] : []) : dc.checks!).map((c) =>
      c.type === 'gpu' && !c.cuda && dc.gpu?.cuda ? { ...c, cuda: dc.gpu.cuda } : inDevcontainer(c),
    );
    groups.push({ subject: { kind: 'devcontainer', id: 'devcontainer', name: 'DevContainer' }, checks, derived });
  }
  return groups;
}
