import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDuration } from '@berth/spec';
import { isMap, scalarText, type ComposeMap, type DocPath, type ProblemSink } from './model.js';
import { entriesAsMap } from './list-entries.js';
import { parseComposePorts, type PortSpan } from './ports.js';
import { portReferences } from './port-refs.js';
import { hasReference } from './references.js';

/** Where one service's conversion writes: the berth fields, what is kept under x-compose, and problems. */
export interface FieldContext {
  path: DocPath;
  sink: ProblemSink;
  /** What berth cannot carry but export can give back. */
  keep: ComposeMap;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const APP_PROTOCOLS = new Set(['http', 'https', 'tcp', 'postgres', 'grpc']);
const span = (s: PortSpan): number | string => (s.from === s.to ? s.from : `${s.from}-${s.to}`);

function keepIn(ctx: FieldContext, key: string, value: unknown): void {
  const list = (ctx.keep[key] ??= []) as unknown[];
  list.push(value);
}

/**
 * `ports`: each published port becomes a berth port binding, its `${VAR}` references named (see
 * port-refs.ts); what berth does not carry (an ephemeral host port, another protocol) is kept under x-compose.ports as
 * written, with a warning; what is no port at all is refused, as Compose refuses it.
 */
export function convertPorts(value: unknown, raw: unknown, ctx: FieldContext): ComposeMap[] {
  const out: ComposeMap[] = [];
  const entries = Array.isArray(value) ? value : [value];
  const written = Array.isArray(raw) ? raw : [raw];
  entries.forEach((entry, i) => {
    const at = [...ctx.path, 'ports', i];
    const asWritten = written[i] ?? entry;
    const parsed = parseComposePorts(entry);
    if (!parsed.ok) {
      // Written as no port at all, Compose refuses it, and so does the import (exit 2), rather than keeping it to export
      // again; one that holds a variable may be a port once the variable is set (the .env the import did not see)
      if (!hasReference(asWritten)) {
        ctx.sink.error(at, `${parsed.reason}; Compose refuses it`, 'compose-port-invalid');
        return;
      }
      ctx.sink.warn(at, `${parsed.reason}; kept under x-compose.ports`, 'compose-port-invalid');
      keepIn(ctx, 'ports', asWritten);
      return;
    }
    for (const p of parsed.ports) {
      if (!p.published) {
        ctx.sink.warn(at, `${JSON.stringify(asWritten)}: container port ${span(p.target)} is published on an ephemeral host port (no host port given); berth ports need a host port, kept under x-compose.ports`, 'compose-port-ephemeral');
        keepIn(ctx, 'ports', asWritten);
        continue;
      }
      if (p.protocol !== 'tcp' && p.protocol !== 'udp') {
        ctx.sink.warn(at, `protocol ${p.protocol} is not carried (berth knows tcp and udp); kept under x-compose.ports`, 'compose-port-protocol');
        keepIn(ctx, 'ports', asWritten);
        continue;
      }
      const refs = parsed.ports.length === 1 ? portReferences(asWritten, p) : { fields: {}, notes: [] };
      for (const note of refs.notes) ctx.sink.warn(at, note.message, note.code);
      const { host = span(p.published), container = span(p.target), hostIp = p.hostIp, ...names } = refs.fields;
      const binding: ComposeMap = { host };
      if (String(container) !== String(host)) binding.container = container;
      if (hostIp) binding.hostIp = hostIp;
      if (p.protocol === 'udp') binding.protocol = 'udp';
      if (p.name) binding.name = p.name;
      for (const [k, v] of Object.entries(names)) if (typeof v === 'boolean' || ENV_NAME.test(String(v))) binding[k] = v;
      if (p.appProtocol && APP_PROTOCOLS.has(p.appProtocol)) binding.appProtocol = p.appProtocol;
      else if (p.appProtocol) ctx.sink.warn([...at, 'app_protocol'], `"${p.appProtocol}" is not carried (berth knows ${[...APP_PROTOCOLS].join(', ')})`);
      if (p.mode && p.mode !== 'ingress') ctx.sink.warn([...at, 'mode'], `mode ${p.mode} is not carried (berth runs on one engine, where it makes no difference)`);
      out.push(binding);
    }
  });
  return out;
}

/** `environment` (list or map): valid names are carried, others kept under x-compose.environment. */
export function convertEnvironment(value: unknown, resolved: unknown, ctx: FieldContext): ComposeMap {
  const out: ComposeMap = {};
  for (const [key, v] of Object.entries(entriesAsMap(value, resolved, 'environment', [...ctx.path, 'environment'], ctx.sink))) {
    // Compose turns booleans into the strings "true"/"false"; docker-compose 1.29 refuses them unquoted
    const val = v === null || typeof v === 'string' || typeof v === 'number' ? v : typeof v === 'boolean' ? String(v) : JSON.stringify(v);
    if (ENV_NAME.test(key)) out[key] = val;
    else {
      ctx.sink.warn([...ctx.path, 'environment', key], 'is not a variable name berth accepts; kept under x-compose.environment');
      ((ctx.keep.environment ??= {}) as ComposeMap)[key] = val;
    }
  }
  return out;
}

/** `env_file`: paths as written, each checked to exist as Compose resolves it (a missing required one is an error naming it). */
export function convertEnvFile(value: unknown, raw: unknown, ctx: FieldContext, baseDir: string): string[] {
  const out: string[] = [];
  const entries = Array.isArray(value) ? value : [value];
  const written = Array.isArray(raw) ? raw : [raw];
  entries.forEach((entry, i) => {
    const at = [...ctx.path, 'env_file', ...(Array.isArray(value) ? [i] : [])];
    const path = isMap(entry) ? scalarText(entry.path) : scalarText(entry);
    const rawEntry = written[i];
    const asWritten = (isMap(rawEntry) ? scalarText(rawEntry.path) : scalarText(rawEntry)) ?? path;
    const required = isMap(entry) ? entry.required !== false && entry.required !== 'false' : true;
    if (!path || !asWritten) {
      ctx.sink.warn(at, 'has no path; dropped');
      return;
    }
    if (isMap(entry) && entry.format !== undefined) ctx.sink.warn([...at, 'format'], 'is not carried (berth reads env files in the .env format)');
    if (!existsSync(resolve(baseDir, path))) {
      if (required) {
        ctx.sink.error(at, `env file ${path} not found`, 'compose-env-file-missing');
        return;
      }
      ctx.sink.warn(at, `env file ${path} not found (optional, required: false); kept`, 'compose-env-file-optional');
    }
    if (!required) ctx.sink.warn([...at, 'required'], 'required: false is not carried; berth treats every env_file as required', 'compose-env-file-optional');
    out.push(asWritten);
  });
  return out;
}

/** `volumes`: short strings as written; long entries with their four common fields, the full entry kept when it says more. */
export function convertVolumes(value: unknown, raw: unknown, ctx: FieldContext): unknown[] {
  const out: unknown[] = [];
  const written = Array.isArray(raw) ? raw : [raw];
  (Array.isArray(value) ? value : [value]).forEach((entry, i) => {
    const at = [...ctx.path, 'volumes', i];
    const asWritten = written[i] ?? entry;
    if (typeof entry === 'string' && typeof asWritten === 'string') {
      out.push(asWritten);
      return;
    }
    if (!isMap(entry) || typeof entry.target !== 'string' || !isMap(asWritten)) {
      ctx.sink.warn(at, 'is not a volume berth understands; kept under x-compose.volumes');
      keepIn(ctx, 'volumes', asWritten);
      return;
    }
    const type = scalarText(entry.type) ?? 'volume';
    const extra = Object.keys(entry).filter((k) => !['type', 'source', 'target', 'read_only'].includes(k));
    const typedRefs = hasReference(asWritten.type) || hasReference(asWritten.read_only);
    if (!['volume', 'bind', 'tmpfs'].includes(type) || extra.length || typedRefs) {
      if (!typedRefs) ctx.sink.warn(at, `${extra.length ? extra.join(', ') : `type ${type}`} not carried; the whole entry is kept under x-compose.volumes`);
      keepIn(ctx, 'volumes', asWritten);
      if (!['volume', 'bind', 'tmpfs'].includes(type)) return;
    }
    const source = scalarText(asWritten.source);
    out.push({ type, ...(source ? { source } : {}), target: scalarText(asWritten.target) ?? entry.target, ...(entry.read_only === true || entry.read_only === 'true' ? { readOnly: true } : {}) });
  });
  return out;
}

const HEALTH_DURATIONS: Record<string, string> = { interval: 'interval', timeout: 'timeout', start_period: 'startPeriod', start_interval: 'startInterval' };

/** `healthcheck`: the test as written, durations kept as the strings Compose wrote; a reference in a typed field is kept under x-compose.healthcheck. */
export function convertHealthcheck(value: unknown, raw: unknown, ctx: FieldContext): ComposeMap | undefined {
  if (!isMap(value)) return undefined;
  const written = isMap(raw) ? raw : value;
  const out: ComposeMap = {};
  const at = [...ctx.path, 'healthcheck'];
  for (const [key, v] of Object.entries(value)) {
    if (key === 'test') {
      const w = written.test;
      if (typeof w === 'string') out.test = w;
      else if (Array.isArray(w) && w.length === 2 && w[0] === 'CMD-SHELL' && typeof w[1] === 'string') out.test = w[1];
      else if (Array.isArray(w) && w.length) out.test = w.map((x) => scalarText(x) ?? JSON.stringify(x));
      else ctx.sink.warn([...at, key], 'is empty; dropped');
      continue;
    }
    if (hasReference(written[key])) ((ctx.keep.healthcheck ??= {}) as ComposeMap)[key] = written[key];
    if (key in HEALTH_DURATIONS) {
      const text = scalarText(v);
      if (text !== undefined && parseDuration(text) !== undefined) out[HEALTH_DURATIONS[key]!] = text;
      else keepHealth(ctx, at, key, written[key], `"${text ?? JSON.stringify(v)}" is not a duration berth reads`);
    } else if (key === 'retries') {
      const n = Number(scalarText(v));
      if (Number.isInteger(n) && n >= 0) out.retries = n;
      else keepHealth(ctx, at, key, written[key], 'is not a whole number');
    } else if (key === 'disable') out.disable = v === true || v === 'true';
    else keepHealth(ctx, at, key, written[key], 'is not carried');
  }
  return out;
}

function keepHealth(ctx: FieldContext, at: DocPath, key: string, v: unknown, why: string): void {
  ctx.sink.warn([...at, key], `${why}; kept under x-compose.healthcheck`);
  ((ctx.keep.healthcheck ??= {}) as ComposeMap)[key] = v;
}
