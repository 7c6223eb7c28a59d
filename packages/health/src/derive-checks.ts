import type { BerthSpec, HealthCheck, Service } from '@berth/spec';
import { engineAddresses, HealthCheck as HealthCheckSchema, isLocalHost, isWildcardIp, serviceEngine } from '@berth/spec';
import { checkLabel } from './check-label.js';
import { knownEndpoint } from './known-services.js';
import type { CheckSubject, CheckTarget } from './types.js';

type Binding = NonNullable<Service['ports']>[number];

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

function serviceChecks(id: string, service: Service, address: string): HealthCheck[] {
  if (service.checks?.length) return service.checks;
  const ports = service.ports ?? [];
  if (ports.length === 0) {
    const inCompose = (service.runtime ?? [{ kind: 'compose' }]).some((r) => r.kind === 'compose');
    return inCompose && service.image ? [make({ type: 'container' })] : [];
  }
  return ports
    .filter((b) => b.protocol === 'tcp')
    .map((b) => defaultForPort(b.appProtocol, hostFor(b, address), b.host.from, [id, service.name, service.image], b.name));
}

export interface DeriveChecksOptions {
  /** Only these services and connections (by id). */
  services?: string[];
  /** The spec's folder: where relative paths and the default `.env` are. */
  baseDir?: string;
  project?: string;
  /** Each engine's address by name (see specEngineAddresses). */
  addresses?: ReadonlyMap<string, string>;
  /** The variables `${VAR}` in HTTP checks read first (CheckTarget.env; default: the process env). */
  env?: Record<string, string | undefined>;
  /** The `.env` values the command read (CheckTarget.dotenv; default: the `.env` in baseDir). */
  dotenv?: Record<string, string>;
}

/**
 * Every check of a spec: each service's and connection's own checks, or a sensible default for each
 * port when it names none; the MCP connection's stdio check; the devcontainer's checks.
 * `services` narrows it to those services and connections (by id). A service on another engine is
 * checked at that engine's address (`addresses`, by engine name: see specEngineAddresses; by default
 * what the spec's `engines` hosts say), and its container checks carry the engine's name.
 */
export function deriveChecks(spec: BerthSpec, options: DeriveChecksOptions = {}): CheckTarget[] {
  const addresses = options.addresses ?? engineAddresses(spec);
  const declared = Object.keys(spec.engines ?? {}).length > 0;
  const wanted = options.services?.length ? new Set(options.services) : undefined;
  const targets: CheckTarget[] = [];
  const add = (subject: CheckSubject, checks: HealthCheck[], context?: CheckTarget['context']) => {
    const used = new Map<string, number>();
    for (const check of checks) {
      const base = `${subject.kind}:${subject.id}/${checkLabel(check)}`;
      const n = (used.get(base) ?? 0) + 1;
      used.set(base, n);
      targets.push({
        id: n > 1 ? `${base}#${n}` : base,
        subject,
        check,
        ...(options.baseDir ? { baseDir: options.baseDir } : {}),
        ...(options.env ? { env: options.env } : {}),
        ...(options.dotenv ? { dotenv: options.dotenv } : {}),
        ...(context ? { context } : {}),
      });
    }
  };
  for (const [id, service] of Object.entries(spec.services ?? {})) {
    if (wanted && !wanted.has(id)) continue;
    const engine = declared ? serviceEngine(spec, id) : undefined;
    const context = { ...(options.project ? { project: options.project } : {}), ...(engine ? { engine } : {}) };
    add({ kind: 'service', id, ...(service.name ? { name: service.name } : {}) }, serviceChecks(id, service, addresses.get(engine ?? 'default') ?? '127.0.0.1'), Object.keys(context).length ? context : undefined);
  }
  for (const [id, conn] of Object.entries(spec.connections ?? {})) {
    if (wanted && !wanted.has(id)) continue;
    const subject: CheckSubject = { kind: 'connection', id, ...(conn.name ? { name: conn.name } : {}) };
    if (conn.checks?.length) add(subject, conn.checks);
    else if (conn.transport === 'stdio') {
      add(subject, [make({ type: 'mcp', ...(conn.server ? { server: conn.server } : {}), ...(conn.command ? { command: conn.command, args: conn.args ?? [] } : {}), configFiles: conn.registeredIn })]);
    } else {
      add(subject, [defaultForPort(conn.protocol, conn.host === 'localhost' ? '127.0.0.1' : conn.host, conn.port, [id, conn.name])]);
    }
  }
  const dc = spec.devcontainer;
  if (dc && (!wanted || wanted.has('devcontainer'))) {
    const checks = (dc.checks?.length ? dc.checks : dc.gpu ? [make({ type: 'gpu' })] : []).map((c) =>
      c.type === 'gpu' && !c.cuda && dc.gpu?.cuda ? { ...c, cuda: dc.gpu.cuda } : c.type === 'exec' && !c.container && !c.service ? { ...c, in: 'devcontainer' as const } : c,
    );
    add({ kind: 'devcontainer', id: 'devcontainer', name: 'DevContainer' }, checks, { image: dc.image, devcontainer: dc });
  }
  return targets;
}
