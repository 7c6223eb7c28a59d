import { basename } from 'node:path';
import { isMap, scalarText, type ComposeMap, type ProblemSink } from './model.js';
import { serviceToBerth } from './service-to-berth.js';
import type { PortEnv } from './port-env.js';

const IDENTIFIER = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const NETWORK_MODES = new Set(['bridge', 'host', 'none']);
/** Top-level fields an export keeps under `x-berth`, restored as they were. */
const BERTH_TOP = ['repo', 'project', 'registry', 'modules', 'env', 'conventions', 'connections', 'devcontainer', 'stack', 'consumers', 'docs'];

/** A name usable as a berth identifier: lower-cased, other characters turned into "-". */
export function toIdentifier(text: string, fallback = 'imported'): string {
  const id = text.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return id || fallback;
}

/**
 * The merged Compose model as a berth spec (its input shape, ready to write as YAML). Pure: every
 * field berth cannot carry becomes a warning in `sink` with its path.
 */
export function composeToSpec(model: ComposeMap, options: { projectDir: string; baseDir: string; sink: ProblemSink; portEnv?: PortEnv }): ComposeMap {
  const { sink } = options;
  const berth = isMap(model['x-berth']) ? model['x-berth'] : {};
  const keep: ComposeMap = {};
  const services = isMap(model.services) ? model.services : {};
  const berthServices = isMap(berth.services) ? berth.services : {};
  const networksIn = isMap(model.networks) ? model.networks : {};
  const volumesIn = isMap(model.volumes) ? model.volumes : {};

  const name = scalarText(model.name);
  const spec: ComposeMap = { berth: 1, repo: { name: toIdentifier(name ?? basename(options.projectDir)) } };
  if (name && IDENTIFIER.test(name)) spec.project = name;
  for (const key of BERTH_TOP) if (berth[key] !== undefined) spec[key] = berth[key];

  const networks = convertNetworks(networksIn, sink, keep);
  const serviceNames = new Set([...Object.keys(services), ...Object.keys(berthServices)]);
  const out: ComposeMap = {};
  const profiles = new Set<string>();
  for (const [id, svc] of Object.entries(services)) {
    if (!IDENTIFIER.test(id)) {
      sink.warn(['services', id], 'is not a service name berth accepts; skipped');
      continue;
    }
    const converted = serviceToBerth(id, svc, { services: serviceNames, networks: new Set(Object.keys(networks)), baseDir: options.baseDir, sink, portEnv: options.portEnv ?? new Map() });
    (converted.profiles as string[] | undefined)?.forEach((p) => profiles.add(p));
    out[id] = converted;
  }
  for (const [id, svc] of Object.entries(berthServices)) if (!(id in out)) out[id] = svc;

  const declared = isMap(berth.profiles) ? berth.profiles : {};
  const profileMap: ComposeMap = {};
  for (const p of [...Object.keys(declared), ...[...profiles].sort()]) profileMap[p] = declared[p] ?? {};
  spec.profiles = profileMap;
  if (Object.keys(networks).length) spec.networks = networks;
  const volumes = convertVolumesTop(volumesIn, sink, keep);
  if (Object.keys(volumes).length) spec.volumes = volumes;
  spec.services = out;

  for (const [key, value] of Object.entries(model)) {
    if (['services', 'networks', 'volumes', 'name', 'x-berth'].includes(key)) continue;
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

function convertNetworks(networks: ComposeMap, sink: ProblemSink, keep: ComposeMap): ComposeMap {
  const out: ComposeMap = {};
  for (const [name, def] of Object.entries(networks)) {
    if (!IDENTIFIER.test(name)) {
      sink.warn(['networks', name], 'is not a network name berth accepts; skipped');
      continue;
    }
    const d = isMap(def) ? def : {};
    const net: ComposeMap = {};
    const rest: ComposeMap = {};
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
      else if (k === 'x-berth' && isMap(v)) Object.assign(net, v);
      else rest[k] = v;
    }
    if (Object.keys(rest).length) {
      sink.warn(['networks', name], `${Object.keys(rest).join(', ')} not carried; kept under x-compose.networks.${name}`);
      ((keep.networks ??= {}) as ComposeMap)[name] = rest;
    }
    out[name] = net;
  }
  return out;
}

function convertVolumesTop(volumes: ComposeMap, sink: ProblemSink, keep: ComposeMap): ComposeMap {
  const out: ComposeMap = {};
  for (const [name, def] of Object.entries(volumes)) {
    if (!IDENTIFIER.test(name)) {
      sink.warn(['volumes', name], 'is not a volume name berth accepts; skipped');
      continue;
    }
    const d = isMap(def) ? def : {};
    const vol: ComposeMap = {};
    const rest: ComposeMap = {};
    for (const [k, v] of Object.entries(d)) {
      if (k === 'driver' && scalarText(v)) vol.driver = scalarText(v);
      else if (k === 'external') {
        if (v === true || v === 'true') vol.external = true;
        else if (isMap(v)) {
          vol.external = true;
          if (scalarText(v.name)) vol.name = scalarText(v.name);
        }
      } else if (k === 'name' && scalarText(v)) vol.name = scalarText(v);
      else rest[k] = v;
    }
    if (Object.keys(rest).length) {
      sink.warn(['volumes', name], `${Object.keys(rest).join(', ')} not carried; kept under x-compose.volumes.${name}`);
      ((keep.volumes ??= {}) as ComposeMap)[name] = rest;
    }
    out[name] = vol;
  }
  return out;
}
