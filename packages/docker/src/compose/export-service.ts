import { extraHostAddress, extraHostEntries, type BerthSpec, type Service } from '@berth/spec';
import { isMap, type ComposeMap, type DocPath, type ProblemSink } from './model.js';
import { volumeTarget } from './merge.js';
import { formatDuration } from './duration.js';
import { parseComposePorts, spanText } from './ports.js';
import { rebaseService, unmovedMessage } from './paths.js';
import { escapeDollars, hasReference } from './references.js';
import { BUILD_FIELDS } from './service-build.js';
import { exportContainerOptions } from './container-options.js';
import { deployToCompose, objectReferenceToCompose } from './export-deploy.js';

type Port = NonNullable<Service['ports']>[number];
/** Berth-only service fields: they travel under the service's `x-berth`. */
const BERTH_ONLY = ['name', 'purpose', 'runtime', 'checks', 'exclusiveWith'];

/** A part of a port as Compose text: the variable that carries it (with the spec's value as its default), or the value. */
function portPart(value: string, env: string | undefined, withDefault: boolean): string {
  if (!env) return value;
  return withDefault ? `\${${env}:-${value}}` : `\${${env}}`;
}

/**
 * The Compose form of one port: long syntax where Debian's docker-compose 1.29 takes it, else the
 * short string. A port carried in variables (`env`, `containerEnv`, `hostIpEnv`) is written with
 * its references, `${API_PORT:-5000}` (or `${API_PORT}` with `envDefault: false`), so `.env` still
 * controls it in Compose.
 */
export function exportPort(p: Port): unknown {
  const container = p.container;
  const single = p.host.from === p.host.to && container.from === container.to;
  const refs = !!(p.env || p.containerEnv || p.hostIpEnv);
  if (single && !p.hostIp && !refs) return { target: container.from, published: p.host.from, protocol: p.protocol };
  const withDefault = p.envDefault !== false;
  const ipText = portPart(p.hostIp ?? '', p.hostIpEnv, withDefault);
  const ip = ipText ? (ipText.includes(':') && !p.hostIpEnv ? `[${ipText}]:` : `${ipText}:`) : '';
  return `${ip}${portPart(spanText(p.host), p.env, withDefault)}:${portPart(spanText(container), p.containerEnv, withDefault)}/${p.protocol}`;
}

export interface ServiceExportScope {
  /** Services written as Compose services (others live under x-berth). */
  composeServices: ReadonlySet<string>;
  sink: ProblemSink;
  /** The service as written in the spec file (before defaults and parsing), for the x-berth fields. */
  raw: ComposeMap;
  /** `host` when the service's Compose runtime is on the host network (runtimeNetworkMode): written as network_mode, as `berth up` runs it. */
  runtimeNetworkMode?: 'host' | undefined;
  /** The spec's directory and the output's: relative paths (env_file, bind mounts, build) are rewritten between them. */
  specDir?: string;
  outDir?: string;
}

/** One berth service as a Compose service that `docker-compose config` accepts; the rest under `x-berth`. */
export function serviceToCompose(id: string, svc: Service, scope: ServiceExportScope): ComposeMap {
  const out: ComposeMap = {};
  const keep = isMap(svc['x-compose']) ? { ...(svc['x-compose'] as ComposeMap) } : {};
  const berth: ComposeMap = {};
  const take = (key: string) => {
    const v = keep[key];
    delete keep[key];
    return v;
  };
  if (svc.image) out.image = svc.image;
  const build = exportBuild(id, svc, take('build'), scope.raw.build, scope.sink);
  if (build !== undefined) out.build = build;
  if (svc.command !== undefined) out.command = svc.command;
  if (svc.entrypoint !== undefined) out.entrypoint = svc.entrypoint;
  if (svc.workingDir) out.working_dir = svc.workingDir;
  if (svc.user) out.user = svc.user;
  if (svc.profiles?.length) out.profiles = svc.profiles;
  const keptPorts = ((take('ports') as unknown[] | undefined) ?? []).flatMap((p, i) => {
    if (hasReference(p)) return [p];
    const parsed = parseComposePorts(p);
    if (!parsed.ok) {
      scope.sink.warn(['services', id, 'x-compose', 'ports', i], `${JSON.stringify(p)} is not a port mapping Compose accepts; not written`, 'compose-export-port-invalid');
      return [];
    }
    const { published, hostIp, target, protocol } = parsed.ports[0]!;
    // an ephemeral host port: written so docker-compose 1.29 reads it (it refuses ":8000")
    if (!published && !hostIp && typeof p === 'string' && p.includes(':')) return [target.from === target.to ? { target: target.from, protocol } : `${spanText(target)}/${protocol}`];
    return [p];
  });
  const ports = [...(svc.ports ?? []).map(exportPort), ...keptPorts];
  if (ports.length) out.ports = ports;
  const rawPorts = scope.raw.ports;
  if (svc.ports?.some((p) => p.name || p.description || p.env || p.containerEnv || p.hostIpEnv || p.appProtocol) && Array.isArray(rawPorts)) berth.ports = rawPorts;
  if (svc.expose?.length) out.expose = svc.expose;
  const env = Object.fromEntries(
    Object.entries({ ...(svc.environment ?? {}), ...((take('environment') as ComposeMap | undefined) ?? {}) }).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]),
  );
  if (Object.keys(env).length) out.environment = env;
  if (svc.envFile?.length) out.env_file = svc.envFile;
  const volumes = exportVolumes(svc, take('volumes'));
  if (volumes.length) out.volumes = volumes;
  const deps = exportDependsOn(id, svc, scope, berth, take('depends_on'));
  if (deps) out.depends_on = deps;
  const restart = take('restart') ?? svc.restart;
  if (restart !== undefined) out.restart = restart;
  const hc = exportHealthcheck(svc, take('healthcheck'), berth);
  if (hc) out.healthcheck = hc;
  const networkMode = svc.networkMode ?? scope.runtimeNetworkMode;
  if (networkMode) out.network_mode = networkMode;
  const networks = take('networks') ?? svc.networks;
  if (networks !== undefined) out.networks = networks;
  const labels = Object.entries(svc.labels ?? {}).filter(([k]) => {
    if (!k.startsWith('com.docker.compose.')) return true;
    scope.sink.warn(['services', id, 'labels', k], 'the com.docker.compose prefix is reserved for Compose; not written');
    return false;
  });
  if (labels.length) out.labels = Object.fromEntries(labels);
  Object.assign(out, exportContainerOptions(svc, take));
  const hosts = take('extra_hosts') ?? exportExtraHosts(svc.extraHosts);
  if (hosts !== undefined) out.extra_hosts = hosts;
  if (svc.stopGracePeriod !== undefined) out.stop_grace_period = formatDuration(svc.stopGracePeriod);
  const deploy = exportDeploy(svc, take('deploy'));
  if (deploy) out.deploy = deploy;
  for (const key of ['secrets', 'configs'] as const) {
    const refs = [...(svc[key] ?? []).map(objectReferenceToCompose), ...((take(key) as unknown[] | undefined) ?? [])];
    if (refs.length) out[key] = refs;
  }
  Object.assign(out, keep);
  for (const [k, v] of Object.entries(svc)) if (k.startsWith('x-') && k !== 'x-compose' && k !== 'x-berth') out[k] = v;
  for (const k of BERTH_ONLY) if (scope.raw[k] !== undefined) berth[k] = scope.raw[k];
  // berth-only fields are literal text: Compose would interpolate them, so every `$` is escaped
  if (Object.keys(berth).length) out['x-berth'] = escapeDollars(berth);
  if (!scope.specDir || !scope.outDir) return out;
  const unmoved = (field: DocPath, text: string) => scope.sink.warn(['services', id, ...field], unmovedMessage(text, "the Compose file's directory"), 'compose-path-not-moved');
  return rebaseService(out, scope.specDir, scope.outDir, { unmoved }) as ComposeMap;
}

/** Build fields Debian's docker-compose 1.29 knows; the others travel under the build's `x-berth`. */
const BUILD_129 = new Set(['context', 'dockerfile', 'args', 'labels', 'cache_from', 'network', 'target', 'shm_size', 'extra_hosts', 'isolation']);

/**
 * `build` with Compose's names: the context alone as a string when the spec wrote it so; fields kept
 * under x-compose.build merged back. Fields docker-compose 1.29 refuses go under `build.x-berth`
 * (escaped, as all berth-only text), with a warning, and come back on import.
 */
function exportBuild(id: string, svc: Service, kept: unknown, written: unknown, sink: ProblemSink): unknown {
  const b = svc.build;
  if (!b) return kept;
  if (typeof written === 'string' && !isMap(kept)) return written;
  const names = Object.fromEntries(Object.entries(BUILD_FIELDS).map(([compose, spec]) => [spec, compose]));
  const out: ComposeMap = {};
  const later: ComposeMap = {};
  const fromKept = new Set(isMap(kept) ? Object.keys(kept) : []);
  for (const [k, written] of Object.entries({ ...b, ...(isMap(kept) ? kept : {}) })) {
    const name = names[k] ?? k;
    const v = k === 'extraHosts' && !fromKept.has(k) ? exportExtraHosts(written as Service['extraHosts']) : written;
    if (v === undefined) continue;
    if (BUILD_129.has(name) || name.startsWith('x-')) out[name] = v;
    else {
      later[name] = v;
      // where the spec holds it: the build, or what the import kept under the service's x-compose.build
      const at = fromKept.has(k) ? ['services', id, 'x-compose', 'build', k] : ['services', id, 'build', k];
      sink.warn(at, `docker-compose 1.29 does not know build.${name}; written under build.x-berth, where Compose does not use it`, 'compose-export-build-field');
    }
  }
  if (Object.keys(later).length) out['x-berth'] = escapeDollars(later);
  return out;
}

function exportVolumes(svc: Service, kept: unknown): unknown[] {
  const keptList = Array.isArray(kept) ? [...kept] : [];
  const out = (svc.volumes ?? []).map((v) => {
    const target = typeof v === 'string' ? volumeTarget(v) : v.target;
    const i = keptList.findIndex((k) => volumeTarget(k) === target);
    if (i >= 0) return keptList.splice(i, 1)[0];
    if (typeof v === 'string') return v;
    return { type: v.type, ...(v.source ? { source: v.source } : {}), target: v.target, ...(v.readOnly ? { read_only: true } : {}) };
  });
  return [...out, ...keptList];
}

function exportDependsOn(id: string, svc: Service, scope: ServiceExportScope, berth: ComposeMap, kept: unknown): ComposeMap | undefined {
  const out: ComposeMap = {};
  const extra: ComposeMap = {};
  for (const [dep, d] of Object.entries(svc.dependsOn ?? {})) {
    if (!scope.composeServices.has(dep)) {
      scope.sink.warn(['services', id, 'dependsOn', dep], `"${dep}" is not a Compose service here; the dependency is kept under x-berth`);
      extra[dep] = d;
      continue;
    }
    out[dep] = { condition: d.condition };
    if (!d.required || d.restart) extra[dep] = d;
  }
  if (Object.keys(extra).length) berth.dependsOn = extra;
  if (isMap(kept)) Object.assign(out, kept);
  return Object.keys(out).length ? out : undefined;
}

function exportHealthcheck(svc: Service, kept: unknown, berth: ComposeMap): ComposeMap | undefined {
  const h = svc.healthcheck;
  if (!h && !isMap(kept)) return undefined;
  const out: ComposeMap = {};
  if (h?.test !== undefined) out.test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : h.test;
  if (h?.interval !== undefined) out.interval = formatDuration(h.interval);
  if (h?.timeout !== undefined) out.timeout = formatDuration(h.timeout);
  if (h?.retries !== undefined) out.retries = h.retries;
  if (h?.startPeriod !== undefined) out.start_period = formatDuration(h.startPeriod);
  // docker-compose 1.29 refuses start_interval: it travels under x-berth
  if (h?.startInterval !== undefined) berth.healthcheck = { startInterval: formatDuration(h.startInterval) };
  if (h?.disable !== undefined) out.disable = h.disable;
  if (isMap(kept)) Object.assign(out, kept);
  return out;
}

/** `b` over `a`, maps merged key by key (the spec's deploy fields over those kept from an import). */
function mergeMaps(a: ComposeMap, b: ComposeMap): ComposeMap {
  const out: ComposeMap = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isMap(v) && isMap(out[k]) ? mergeMaps(out[k], v) : v;
  return out;
}

function exportDeploy(svc: Service, kept: unknown): ComposeMap | undefined {
  const deploy: ComposeMap = mergeMaps(isMap(kept) ? structuredClone(kept) : {}, deployToCompose(svc.deploy) ?? {});
  if (!svc.gpu) return Object.keys(deploy).length ? deploy : undefined;
  const g = svc.gpu;
  const device: ComposeMap = {
    ...(g.driver ? { driver: g.driver } : {}),
    ...(g.deviceIds ? { device_ids: g.deviceIds } : { count: g.count ?? 'all' }),
    capabilities: g.capabilities,
    ...(g.options ? { options: g.options } : {}),
  };
  const resources = (deploy.resources ??= {}) as ComposeMap;
  const reservations = (resources.reservations ??= {}) as ComposeMap;
  reservations.devices = [device, ...(Array.isArray(reservations.devices) ? reservations.devices : [])];
  return deploy;
}

export type { BerthSpec };

/**
 * extraHosts as Compose's `extra_hosts`, in the forms docker-compose 1.29 reads as well: a map where each host has
 * one address, else a list of `host:address` (a host named once per address). Addresses as the engine takes them
 * (no brackets); one with a `${VAR}` reference as written.
 */
export function exportExtraHosts(map: Service['extraHosts']): unknown {
  const entries = extraHostEntries(map).map((e) => ({ host: e.host, address: hasReference(e.written) ? e.written : (extraHostAddress(e.written) ?? e.written) }));
  if (entries.length === 0) return undefined;
  const several = new Set(entries.map((e) => e.host)).size !== entries.length;
  return several ? entries.map((e) => `${e.host}:${e.address}`) : Object.fromEntries(entries.map((e) => [e.host, e.address]));
}
