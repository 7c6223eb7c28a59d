import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDuration } from '@berth/spec';
import { isMap, scalarText, type ComposeMap, type DocPath, type ProblemSink } from './model.js';
import { asMap } from './merge.js';
import { parseComposePorts, type PortSpan } from './ports.js';

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

/** `ports`: each published port becomes a berth port binding; the rest is kept under x-compose.ports with a warning. */
export function convertPorts(value: unknown, ctx: FieldContext, envOf: (entry: unknown) => string | undefined = () => undefined): ComposeMap[] {
  const out: ComposeMap[] = [];
  const entries = Array.isArray(value) ? value : [value];
  entries.forEach((entry, i) => {
    const at = [...ctx.path, 'ports', i];
    const parsed = parseComposePorts(entry);
    if (!parsed.ok) {
      ctx.sink.warn(at, `${parsed.reason}; kept under x-compose.ports`, 'compose-port-invalid');
      keepIn(ctx, 'ports', entry);
      return;
    }
    for (const p of parsed.ports) {
      if (!p.published) {
        ctx.sink.warn(at, `${JSON.stringify(entry)}: container port ${span(p.target)} is published on an ephemeral host port (no host port given); berth ports need a host port, kept under x-compose.ports`, 'compose-port-ephemeral');
        keepIn(ctx, 'ports', entry);
        continue;
      }
      if (p.protocol !== 'tcp' && p.protocol !== 'udp') {
        ctx.sink.warn(at, `protocol ${p.protocol} is not carried (berth knows tcp and udp); kept under x-compose.ports`, 'compose-port-protocol');
        keepIn(ctx, 'ports', entry);
        continue;
      }
      const binding: ComposeMap = { host: span(p.published) };
      if (p.target.from !== p.published.from || p.target.to !== p.published.to) binding.container = span(p.target);
      if (p.hostIp) binding.hostIp = p.hostIp;
      if (p.protocol === 'udp') binding.protocol = 'udp';
      if (p.name) binding.name = p.name;
      const env = envOf(entry);
      if (env && ENV_NAME.test(env)) binding.env = env;
      if (p.appProtocol && APP_PROTOCOLS.has(p.appProtocol)) binding.appProtocol = p.appProtocol;
      else if (p.appProtocol) ctx.sink.warn([...at, 'app_protocol'], `"${p.appProtocol}" is not carried (berth knows ${[...APP_PROTOCOLS].join(', ')})`);
      if (p.mode && p.mode !== 'ingress') ctx.sink.warn([...at, 'mode'], `mode ${p.mode} is not carried (berth runs on one engine, where it makes no difference)`);
      out.push(binding);
    }
  });
  return out;
}

/** `environment` (list or map): valid names are carried, others kept under x-compose.environment. */
export function convertEnvironment(value: unknown, ctx: FieldContext): ComposeMap {
  const out: ComposeMap = {};
  for (const [key, v] of Object.entries(asMap(value, 'environment'))) {
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

/** `env_file`: paths checked to exist (a missing required one is an error naming it). */
export function convertEnvFile(value: unknown, ctx: FieldContext, baseDir: string): string[] {
  const out: string[] = [];
  const entries = Array.isArray(value) ? value : [value];
  entries.forEach((entry, i) => {
    const at = [...ctx.path, 'env_file', ...(Array.isArray(value) ? [i] : [])];
    const path = isMap(entry) ? scalarText(entry.path) : scalarText(entry);
    const required = isMap(entry) ? entry.required !== false && entry.required !== 'false' : true;
    if (!path) {
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
    out.push(path);
  });
  return out;
}

/** `volumes`: short strings as written; long entries with their four common fields, the full entry kept when it says more. */
export function convertVolumes(value: unknown, ctx: FieldContext): unknown[] {
  const out: unknown[] = [];
  (Array.isArray(value) ? value : [value]).forEach((entry, i) => {
    const at = [...ctx.path, 'volumes', i];
    if (typeof entry === 'string') {
      out.push(entry);
      return;
    }
    if (!isMap(entry) || typeof entry.target !== 'string') {
      ctx.sink.warn(at, 'is not a volume berth understands; kept under x-compose.volumes');
      keepIn(ctx, 'volumes', entry);
      return;
    }
    const type = scalarText(entry.type) ?? 'volume';
    const extra = Object.keys(entry).filter((k) => !['type', 'source', 'target', 'read_only'].includes(k));
    if (!['volume', 'bind', 'tmpfs'].includes(type) || extra.length) {
      ctx.sink.warn(at, `${extra.length ? extra.join(', ') : `type ${type}`} not carried; the whole entry is kept under x-compose.volumes`);
      keepIn(ctx, 'volumes', entry);
      if (!['volume', 'bind', 'tmpfs'].includes(type)) return;
    }
    const source = scalarText(entry.source);
    out.push({ type, ...(source ? { source } : {}), target: entry.target, ...(entry.read_only === true || entry.read_only === 'true' ? { readOnly: true } : {}) });
  });
  return out;
}

const HEALTH_DURATIONS: Record<string, string> = { interval: 'interval', timeout: 'timeout', start_period: 'startPeriod', start_interval: 'startInterval' };

/** `healthcheck`, durations kept as the strings Compose wrote. */
export function convertHealthcheck(value: unknown, ctx: FieldContext): ComposeMap | undefined {
  if (!isMap(value)) return undefined;
  const out: ComposeMap = {};
  const at = [...ctx.path, 'healthcheck'];
  for (const [key, v] of Object.entries(value)) {
    if (key === 'test') {
      if (typeof v === 'string') out.test = v;
      else if (Array.isArray(v) && v.length === 2 && v[0] === 'CMD-SHELL' && typeof v[1] === 'string') out.test = v[1];
      else if (Array.isArray(v) && v.length) out.test = v.map((x) => scalarText(x) ?? JSON.stringify(x));
      else ctx.sink.warn([...at, key], 'is empty; dropped');
    } else if (key in HEALTH_DURATIONS) {
      const text = scalarText(v);
      if (text !== undefined && parseDuration(text) !== undefined) out[HEALTH_DURATIONS[key]!] = text;
      else keepHealth(ctx, at, key, v, `"${text ?? JSON.stringify(v)}" is not a duration berth reads`);
    } else if (key === 'retries') {
      const n = Number(scalarText(v));
      if (Number.isInteger(n) && n >= 0) out.retries = n;
      else keepHealth(ctx, at, key, v, 'is not a whole number');
    } else if (key === 'disable') out.disable = v === true || v === 'true';
    else keepHealth(ctx, at, key, v, 'is not carried');
  }
  return out;
}

function keepHealth(ctx: FieldContext, at: DocPath, key: string, v: unknown, why: string): void {
  ctx.sink.warn([...at, key], `${why}; kept under x-compose.healthcheck`);
  ((ctx.keep.healthcheck ??= {}) as ComposeMap)[key] = v;
}
