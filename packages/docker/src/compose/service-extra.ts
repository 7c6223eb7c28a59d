import { extraHostAddress, parseDuration } from '@berth/spec';
import { composeFlag, isMap, scalarText, type ComposeMap, type DocPath } from './model.js';
import { asMap, splitEntry } from './merge.js';
import { entriesAsMap, resolvedName } from './list-entries.js';
import type { FieldContext } from './service-fields.js';
import { hasReference } from './references.js';

const CONDITIONS = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);

/** `depends_on` (list or map): a list when every dependency is a plain start, else the map with conditions. */
export function convertDependsOn(value: unknown, ctx: FieldContext, services: ReadonlySet<string>): string[] | ComposeMap | undefined {
  const deps: ComposeMap = {};
  let plain = true;
  for (const [dep, raw] of Object.entries(asMap(value, 'depends_on'))) {
    const at = [...ctx.path, 'depends_on', dep];
    if (!services.has(dep)) {
      // Compose refuses a dependency on a service no file defines, unless it is `required: false`
      if (composeFlag(isMap(raw) ? raw.required : undefined) ?? true) {
        ctx.sink.error(at, `service "${dep}" is not defined in any of the files; Compose refuses it (define it, or mark the dependency required: false)`, 'compose-depends-undefined');
        continue;
      }
      ctx.sink.warn(at, `service "${dep}" is not defined (required: false); kept under x-compose.depends_on`);
      ((ctx.keep.depends_on ??= {}) as ComposeMap)[dep] = raw;
      continue;
    }
    const spec = isMap(raw) ? raw : {};
    let condition = scalarText(spec.condition) ?? 'service_started';
    if (!CONDITIONS.has(condition)) {
      ctx.sink.warn([...at, 'condition'], `"${condition}" is not a Compose condition; service_started is used`);
      condition = 'service_started';
    }
    const required = composeFlag(spec.required) ?? true;
    const restart = composeFlag(spec.restart) ?? false;
    if (condition !== 'service_started' || !required || restart) plain = false;
    deps[dep] = { condition, ...(required ? {} : { required: false }), ...(restart ? { restart: true } : {}) };
  }
  if (Object.keys(deps).length === 0) return undefined;
  return plain ? Object.keys(deps) : deps;
}

/** `networks` (list or map): the names; aliases, addresses and priorities kept under x-compose.networks. */
export function convertNetworks(value: unknown, ctx: FieldContext, networks: ReadonlySet<string>): string[] {
  const map = asMap(value, 'networks');
  const names: string[] = [];
  const detailed = Object.values(map).some((v) => isMap(v) && Object.keys(v).length > 0);
  if (detailed) {
    ctx.sink.warn([...ctx.path, 'networks'], 'aliases, addresses and priorities are not carried; kept under x-compose.networks');
    ctx.keep.networks = value;
  }
  for (const name of Object.keys(map)) {
    if (name === 'default' || networks.has(name)) names.push(name);
    else {
      ctx.sink.warn([...ctx.path, 'networks', name], `network "${name}" is not declared under top-level networks; dropped`);
    }
  }
  return names;
}

/** `labels` as a map of strings; Compose's reserved com.docker.compose.* labels are refused, as Compose does. */
export function convertLabels(value: unknown, resolved: unknown, ctx: FieldContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entriesAsMap(value, resolved, 'labels', [...ctx.path, 'labels'], ctx.sink))) {
    if (k.startsWith('com.docker.compose.')) ctx.sink.warn([...ctx.path, 'labels', k], 'the com.docker.compose prefix is reserved for Compose itself; dropped');
    else out[k] = scalarText(v) ?? (v === null ? '' : JSON.stringify(v));
  }
  return out;
}

/** A GPU request from `deploy.resources.reservations.devices` (the one with the gpu capability) or `gpus`. */
export function convertGpu(svc: ComposeMap, ctx: FieldContext, raw: ComposeMap = svc): { gpu?: ComposeMap; deployRest?: unknown } {
  let gpu: ComposeMap | undefined;
  // What is kept of deploy is kept as written (references and all); the GPU request is read resolved.
  let deployRest: unknown = raw.deploy;
  const devicesOf = (s: ComposeMap) => (isMap(s.deploy) && isMap(s.deploy.resources) && isMap(s.deploy.resources.reservations) ? s.deploy.resources.reservations.devices : undefined);
  const devices = devicesOf(svc);
  const writtenDevices = devicesOf(raw);
  if (Array.isArray(devices) && Array.isArray(writtenDevices) && writtenDevices.length === devices.length) {
    const index = devices.findIndex((d) => isMap(d) && Array.isArray(d.capabilities) && d.capabilities.includes('gpu'));
    if (index >= 0) {
      const at = [...ctx.path, 'deploy', 'resources', 'reservations', 'devices', index];
      gpu = gpuRequest(devices[index] as ComposeMap, ctx, at);
      if (hasReference(writtenDevices[index])) ctx.sink.warn(at, 'the GPU request is carried as its value; its ${...} references are not kept', 'compose-reference-resolved');
      const rest = writtenDevices.filter((_, i) => i !== index);
      const deploy = raw.deploy as ComposeMap;
      const resources = deploy.resources as ComposeMap;
      const reservations = { ...(resources.reservations as ComposeMap) };
      if (rest.length) reservations.devices = rest;
      else delete reservations.devices;
      const newResources: ComposeMap = { ...resources, reservations };
      if (Object.keys(reservations).length === 0) delete newResources.reservations;
      const newDeploy: ComposeMap = { ...deploy, resources: newResources };
      if (Object.keys(newResources).length === 0) delete newDeploy.resources;
      deployRest = Object.keys(newDeploy).length ? newDeploy : undefined;
    }
  }
  if (!gpu && svc.gpus !== undefined) {
    const g = svc.gpus;
    if (g === 'all') gpu = { count: 'all' };
    else if (Array.isArray(g) && isMap(g[0])) gpu = gpuRequest(g[0], ctx, [...ctx.path, 'gpus', 0]);
  }
  return { ...(gpu ? { gpu } : {}), ...(deployRest !== undefined ? { deployRest } : {}) };
}

function gpuRequest(d: ComposeMap, ctx: FieldContext, at: (string | number)[]): ComposeMap {
  const out: ComposeMap = {};
  const count = scalarText(d.count);
  if (count === 'all' || count === '-1') out.count = 'all';
  else if (count !== undefined && Number.isInteger(Number(count)) && Number(count) >= 1) out.count = Number(count);
  else if (count !== undefined) ctx.sink.warn([...at, 'count'], `"${count}" is not a GPU count; every GPU is requested`);
  if (Array.isArray(d.device_ids)) out.deviceIds = d.device_ids.map((x) => scalarText(x) ?? '');
  if (out.count !== undefined && out.deviceIds) {
    ctx.sink.warn([...at, 'device_ids'], 'count and device_ids cannot both be set; device_ids is used');
    delete out.count;
  }
  if (Array.isArray(d.capabilities)) out.capabilities = d.capabilities.map((x) => scalarText(x) ?? '');
  const driver = scalarText(d.driver);
  if (driver) out.driver = driver;
  if (isMap(d.options)) out.options = Object.fromEntries(Object.entries(d.options).map(([k, v]) => [k, scalarText(v) ?? '']));
  return out;
}

/** A duration string Compose wrote, when berth reads it. */
export function durationText(v: unknown): string | undefined {
  const text = scalarText(v);
  return text !== undefined && parseDuration(text) !== undefined ? text : undefined;
}

const HOST_NAME = /^[^\s:=[\]]+$/;

/**
 * `extra_hosts` (a list of `host=address` or `host:address`, or a map whose values are an address or a list of
 * them) as the spec's extraHosts: a host with one address maps to it, with several (a list naming it twice) to the
 * list. Addresses are carried as written (`[::1]`, `host-gateway`, `${VAR}` references). A name or an address the
 * engine would not take keeps the whole field under x-compose, as written, with a warning at the entry.
 */
export function convertExtraHosts(written: unknown, resolved: unknown, ctx: FieldContext): ComposeMap | undefined {
  const hosts = new Map<string, string[]>();
  const at = [...ctx.path, 'extra_hosts'];
  const entries: [string, unknown, DocPath][] = Array.isArray(written)
    ? written.map((entry, i) => {
        const [host, address] = splitEntry(scalarText(entry) ?? '', 'extra_hosts');
        // a name written with a reference is carried as Compose reads it (a map key holds no reference)
        const name = hasReference(host) ? resolvedName(host, Array.isArray(resolved) ? resolved[i] : undefined, 'extra_hosts', [...at, i], ctx.sink) : host;
        return [name, address, [...at, i]];
      })
    : Object.entries(asMap(written, 'extra_hosts')).flatMap(([host, value]) => (Array.isArray(value) ? value.map((v, i): [string, unknown, DocPath] => [host, v, [...at, host, i]]) : [[host, value, [...at, host]]]));
  for (const [host, value, where] of entries) {
    const address = scalarText(value);
    const why = !HOST_NAME.test(host)
      ? `"${host}" is not a host name berth can carry (no white space, ":", "=" or brackets)`
      : address === undefined || (!hasReference(address) && extraHostAddress(address) === undefined)
        ? `${JSON.stringify(address ?? value ?? null)} is not an IP address or host-gateway`
        : undefined;
    if (why) {
      ctx.sink.warn(where, `${why}; extra_hosts kept under x-compose as written`, 'compose-extra-host-invalid');
      ctx.keep.extra_hosts = written;
      return undefined;
    }
    const list = hosts.get(host) ?? [];
    list.push(address!);
    hosts.set(host, list);
  }
  if (hosts.size === 0) return undefined;
  return Object.fromEntries([...hosts].map(([host, list]) => [host, list.length === 1 ? list[0]! : list]));
}
