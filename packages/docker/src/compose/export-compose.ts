import type { BerthSpec, Problem } from '@berth/spec';
import { Document } from 'yaml';
import { isMap, ProblemSink, type ComposeMap } from './model.js';
import { serviceToCompose } from './export-service.js';

/** Top-level spec fields Compose has no place for: they travel under the top-level `x-berth`. */
const BERTH_TOP = ['repo', 'project', 'registry', 'profiles', 'modules', 'env', 'conventions', 'connections', 'devcontainer', 'stack', 'consumers', 'docs'];

export interface ExportComposeOptions {
  /** The spec file as written (parsed YAML before defaults), for the berth-only fields; default: the parsed spec. */
  raw?: unknown;
  /** Directory of the spec file and of the Compose file to write, to rewrite relative paths. */
  specDir?: string;
  outDir?: string;
}

export interface ExportComposeResult {
  compose: ComposeMap;
  yaml: string;
  problems: Problem[];
}

/**
 * `berth compose`: the spec as a Compose file that Debian's docker-compose (1.29) accepts: ports in
 * long syntax where it allows (short strings for host IPs and ranges), depends_on with conditions,
 * GPUs with an explicit count, durations as strings, healthcheck tests as lists; everything Compose
 * cannot express under `x-berth`; never com.docker.compose.* labels; every `$` escaped as `$$`.
 */
export function exportCompose(spec: BerthSpec, options: ExportComposeOptions = {}): ExportComposeResult {
  const sink = new ProblemSink();
  const raw = isMap(options.raw) ? options.raw : (spec as unknown as ComposeMap);
  const rawServices = isMap(raw.services) ? raw.services : {};
  const composeIds = new Set<string>();
  const berthServices: ComposeMap = {};
  for (const [id, svc] of Object.entries(spec.services)) {
    const kinds = svc.runtime?.map((r) => r.kind) ?? ['compose'];
    const hasImage = !!svc.image || (isMap(svc['x-compose']) && (svc['x-compose'] as ComposeMap).build !== undefined);
    if (kinds.includes('compose') && hasImage) composeIds.add(id);
    else {
      const why = kinds.includes('compose') ? 'has no image, which Compose needs' : `runs in ${kinds.join(' and ')}, not in Compose`;
      sink.warn(['services', id], `${why}; kept under x-berth.services`, 'compose-export-not-service');
      berthServices[id] = rawServices[id] ?? {};
    }
  }
  const services: ComposeMap = {};
  for (const id of composeIds) {
    services[id] = serviceToCompose(id, spec.services[id]!, { composeServices: composeIds, sink, raw: isMap(rawServices[id]) ? rawServices[id] : {}, ...(options.specDir && options.outDir ? { specDir: options.specDir, outDir: options.outDir } : {}) });
  }
  // With no services, docker-compose 1.29 takes the file for the version-1 format (services at the
  // top level) and refuses x-berth; a version line makes it read the file as it is.
  const compose: ComposeMap = composeIds.size ? { services } : { version: '3.9', services };
  const keep = isMap(spec['x-compose']) ? (spec['x-compose'] as ComposeMap) : {};
  const networks = exportNetworks(spec, keep.networks);
  if (Object.keys(networks).length) compose.networks = networks;
  const volumes = exportVolumes(spec, keep.volumes);
  if (Object.keys(volumes).length) compose.volumes = volumes;
  for (const [k, v] of Object.entries(keep)) if (k !== 'networks' && k !== 'volumes') compose[k] = v;
  for (const [k, v] of Object.entries(spec)) if (k.startsWith('x-') && k !== 'x-compose' && k !== 'x-berth') compose[k] = v;
  const berth: ComposeMap = {};
  for (const key of BERTH_TOP) if (raw[key] !== undefined) berth[key] = raw[key];
  if (Object.keys(berthServices).length) berth.services = berthServices;
  compose['x-berth'] = berth;
  const escaped = escapeDollars(compose) as ComposeMap;
  // YAML 1.1 rules quote "off", "yes", "1:30": PyYAML (docker-compose 1.29) would read them as booleans and numbers
  const doc = new Document(escaped, { version: '1.1', aliasDuplicateObjects: false });
  doc.commentBefore = ` Written by \`berth compose\` from the berth spec; edit the spec, not this file.\n Fields Compose cannot express are kept under x-berth; \`berth import compose\` reads them back.`;
  return { compose: escaped, yaml: doc.toString({ lineWidth: 0 }), problems: sink.problems };
}

function exportNetworks(spec: BerthSpec, kept: unknown): ComposeMap {
  const out: ComposeMap = {};
  for (const [name, n] of Object.entries(spec.networks)) {
    out[name] = {
      ...(n.mode !== 'bridge' ? { driver: n.mode } : {}),
      ...(n.external ? { external: true } : {}),
      ...(n.name ? { name: n.name } : {}),
      ...(isMap(kept) && isMap(kept[name]) ? kept[name] : {}),
      ...(n.purpose ? { 'x-berth': { purpose: n.purpose } } : {}),
    };
  }
  return out;
}

function exportVolumes(spec: BerthSpec, kept: unknown): ComposeMap {
  const out: ComposeMap = {};
  for (const [name, v] of Object.entries(spec.volumes)) {
    out[name] = {
      ...(v.driver ? { driver: v.driver } : {}),
      ...(v.external ? { external: true } : {}),
      ...(v.name ? { name: v.name } : {}),
      ...(isMap(kept) && isMap(kept[name]) ? kept[name] : {}),
    };
  }
  return out;
}

/** Compose interpolates every string value: a literal `$` must be written `$$`. */
function escapeDollars(v: unknown): unknown {
  if (typeof v === 'string') return v.replaceAll('$', '$$$$');
  if (Array.isArray(v)) return v.map(escapeDollars);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeDollars(x)]));
  return v;
}
