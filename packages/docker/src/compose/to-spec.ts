import { basename } from 'node:path';
import { isMap, scalarText, type ComposeMap, type ProblemSink } from './model.js';
import { serviceToBerth } from './service-to-berth.js';
import { hasReference, resolveDeep, unescapeDollars } from './references.js';
import type { Lookup } from './interpolate.js';
import { carryObjectDefinition } from './import-deploy.js';

const IDENTIFIER = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const NETWORK_MODES = new Set(['bridge', 'host', 'none']);
/** Top-level fields an export keeps under `x-berth`, restored as they were. */
const BERTH_TOP = ['repo', 'project', 'registry', 'modules', 'env', 'conventions', 'connections', 'devcontainer', 'stack', 'consumers', 'docs'];

/** A name usable as a berth identifier: lower-cased, other characters turned into "-". */
export function toIdentifier(text: string, fallback = 'imported'): string {
  const id = text.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return id || fallback;
}

export interface ComposeToSpecOptions {
  projectDir: string;
  baseDir: string;
  sink: ProblemSink;
  /** The variables each service is resolved with, for its typed fields (default: none set). */
  lookupFor?: (service: string | undefined) => Lookup;
}

/**
 * The merged Compose model, as written (references kept), as a berth spec (its input shape, ready to
 * write as YAML). Text keeps its `${VAR}` references; typed fields (ports, durations, names) are read
 * resolved. Pure: every field berth cannot carry becomes a warning in `sink` with its path.
 */
export function composeToSpec(model: ComposeMap, options: ComposeToSpecOptions): ComposeMap {
  const { sink } = options;
  const lookupFor = options.lookupFor ?? (() => () => undefined);
  const berth = isMap(model['x-berth']) ? (unescapeDollars(model['x-berth']) as ComposeMap) : {};
  const keep: ComposeMap = {};
  refuseServicesShape(model.services, sink);
  const services = isMap(model.services) ? model.services : {};
  const berthServices = isMap(berth.services) ? berth.services : {};
  const resolvedTop = resolveDeep({ name: model.name, networks: model.networks, volumes: model.volumes }, lookupFor(undefined)) as ComposeMap;
  const networksIn = isMap(resolvedTop.networks) ? resolvedTop.networks : {};
  const volumesIn = isMap(resolvedTop.volumes) ? resolvedTop.volumes : {};
  const written = { networks: isMap(model.networks) ? model.networks : {}, volumes: isMap(model.volumes) ? model.volumes : {} };

  const name = scalarText(resolvedTop.name);
  const spec: ComposeMap = { berth: 1, repo: { name: toIdentifier(name ?? basename(options.projectDir)) } };
  if (name && IDENTIFIER.test(name)) spec.project = name;
  for (const key of BERTH_TOP) if (berth[key] !== undefined) spec[key] = berth[key];

  const networks = convertNetworks(networksIn, written.networks, sink, keep);
  const serviceNames = new Set([...Object.keys(services), ...Object.keys(berthServices)]);
  const out: ComposeMap = {};
  const profiles = new Set<string>();
  for (const [id, svc] of Object.entries(services)) {
    if (!IDENTIFIER.test(id)) {
      sink.warn(['services', id], 'is not a service name berth accepts; skipped');
      continue;
    }
    const scope = { services: serviceNames, networks: new Set(Object.keys(networks)), baseDir: options.baseDir, sink };
    const resolved = resolveDeep(svc, lookupFor(id));
    refuseServiceWithoutImage(id, resolved, sink);
    const converted = serviceToBerth(id, resolved, scope, svc);
    (converted.profiles as string[] | undefined)?.forEach((p) => profiles.add(p));
    out[id] = converted;
  }
  for (const [id, svc] of Object.entries(berthServices)) if (!(id in out)) out[id] = svc;

  const declared = isMap(berth.profiles) ? berth.profiles : {};
  const profileMap: ComposeMap = {};
  for (const p of [...Object.keys(declared), ...[...profiles].sort()]) profileMap[p] = Object.hasOwn(declared, p) ? declared[p] : {};
  spec.profiles = profileMap;
  if (Object.keys(networks).length) spec.networks = networks;
  const volumes = convertVolumesTop(volumesIn, written.volumes, sink, keep);
  if (Object.keys(volumes).length) spec.volumes = volumes;
  spec.services = out;

  for (const kind of ['secrets', 'configs'] as const) {
    const defs = isMap(model[kind]) ? model[kind] : {};
    const carried: ComposeMap = {};
    const kept: ComposeMap = {};
    for (const [id, def] of Object.entries(defs)) {
      const c = IDENTIFIER.test(id) ? carryObjectDefinition(kind, def) : { rest: def };
      if (c.value) carried[id] = c.value;
      if (c.rest !== undefined && (!c.value || Object.keys(c.rest as ComposeMap).length)) {
        kept[id] = c.rest;
        sink.warn([kind, id], c.value ? `${Object.keys(c.rest as ComposeMap).join(', ')} not carried; kept under x-compose.${kind}.${id}` : `not carried (the spec cannot say it); kept under x-compose.${kind}`);
      }
    }
    if (Object.keys(carried).length) spec[kind] = carried;
    if (Object.keys(kept).length) keep[kind] = kept;
  }

  for (const [key, value] of Object.entries(model)) {
    if (['services', 'networks', 'volumes', 'name', 'x-berth', 'secrets', 'configs'].includes(key)) continue;
    if (key.startsWith('x-')) spec[key] = value;
    else if (key === 'version') sink.warn([key], 'is obsolete in the Compose specification; dropped', 'compose-obsolete');
    else {
      sink.warn([key], `not carried (berth has no field for top-level ${key}); kept under x-compose`);
      keep[key] = value;
    }
  }
  if (Object.keys(keep).length) spec['x-compose'] = keep;
  return spec;
}

/** What a top-level network or volume keeps as written: fields the spec has no place for, and names given by references. */
function writtenRest(def: unknown, carried: string[]): ComposeMap {
  const rest: ComposeMap = {};
  for (const [k, v] of Object.entries(isMap(def) ? def : {})) if (!carried.includes(k) || (k !== 'x-berth' && hasReference(v))) rest[k] = v;
  return rest;
}

function convertNetworks(networks: ComposeMap, writtenDefs: ComposeMap, sink: ProblemSink, keep: ComposeMap): ComposeMap {
  const out: ComposeMap = {};
  for (const [name, def] of Object.entries(networks)) {
    if (!IDENTIFIER.test(name)) {
      sink.warn(['networks', name], 'is not a network name berth accepts; skipped');
      continue;
    }
    const d = isMap(def) ? def : {};
    const net: ComposeMap = {};
    const rest: ComposeMap = {};
    const asWritten = isMap(writtenDefs[name]) ? (writtenDefs[name] as ComposeMap) : d;
    for (const [k, v] of Object.entries(d)) {
      if (k === 'driver' && NETWORK_MODES.has(String(v))) {
        if (v !== 'bridge') net.mode = v;
      } else if (k === 'external') {
        if (v === true || v === 'true') net.external = true;
        else if (isMap(v)) {
          net.external = true;
          if (scalarText(v.name)) net.name = scalarText(v.name);
        }
      } else if (k === 'name' && scalarText(v)) net.name = scalarText(v);
      else if (k === 'x-berth' && isMap(asWritten[k])) Object.assign(net, unescapeDollars(asWritten[k]));
      else rest[k] = asWritten[k];
    }
    if (Object.keys(rest).length) sink.warn(['networks', name], `${Object.keys(rest).join(', ')} not carried; kept under x-compose.networks.${name}`);
    const kept = { ...rest, ...writtenRest(asWritten, Object.keys(d).filter((k) => !(k in rest))) };
    if (Object.keys(kept).length) ((keep.networks ??= {}) as ComposeMap)[name] = kept;
    out[name] = net;
  }
  return out;
}

function convertVolumesTop(volumes: ComposeMap, writtenDefs: ComposeMap, sink: ProblemSink, keep: ComposeMap): ComposeMap {
  const out: ComposeMap = {};
  for (const [name, def] of Object.entries(volumes)) {
    if (!IDENTIFIER.test(name)) {
      sink.warn(['volumes', name], 'is not a volume name berth accepts; skipped');
      continue;
    }
    const d = isMap(def) ? def : {};
    const vol: ComposeMap = {};
    const rest: ComposeMap = {};
    const asWritten = isMap(writtenDefs[name]) ? (writtenDefs[name] as ComposeMap) : d;
    for (const [k, v] of Object.entries(d)) {
      if (k === 'driver' && scalarText(v)) vol.driver = scalarText(v);
      else if (k === 'external') {
        if (v === true || v === 'true') vol.external = true;
        else if (isMap(v)) {
          vol.external = true;
          if (scalarText(v.name)) vol.name = scalarText(v.name);
        }
      } else if (k === 'name' && scalarText(v)) vol.name = scalarText(v);
      else rest[k] = asWritten[k];
    }
    if (Object.keys(rest).length) sink.warn(['volumes', name], `${Object.keys(rest).join(', ')} not carried; kept under x-compose.volumes.${name}`);
    const kept = { ...rest, ...writtenRest(asWritten, Object.keys(d).filter((k) => !(k in rest))) };
    if (Object.keys(kept).length) ((keep.volumes ??= {}) as ComposeMap)[name] = kept;
    out[name] = vol;
  }
  return out;
}

/** docker-compose refuses `services:` that is not a mapping of names to services (a list, a string). */
function refuseServicesShape(services: unknown, sink: ProblemSink): void {
  if (services === undefined || services === null || isMap(services)) return;
  sink.error(['services'], `must be a mapping of service names to services, not ${Array.isArray(services) ? 'a list' : JSON.stringify(services)}`, 'compose-invalid-type');
}

/**
 * A service must be a mapping (Compose refuses the file otherwise: an error). One with neither `image` nor
 * `build` Compose refuses too, unless another file extends it: files of such bases exist (immich's
 * hwaccel files), so it is imported, with a warning; `berth compose` keeps it under x-berth.services.
 */
function refuseServiceWithoutImage(id: string, svc: unknown, sink: ProblemSink): void {
  if (isMap(svc) && ((svc.image !== undefined && svc.image !== null) || (svc.build !== undefined && svc.build !== null))) return;
  if (isMap(svc) || svc === null) sink.warn(['services', id], 'has neither an image nor a build context, which Compose refuses unless another file extends this service; imported as it is', 'compose-service-no-image');
  else sink.error(['services', id], `is ${JSON.stringify(svc)}, not a mapping; Compose refuses the file`, 'compose-invalid-service');
}
