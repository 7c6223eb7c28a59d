import { shapeProblems } from './shape.js';
import { isMap, scalarText, type ComposeMap, type DocPath, type ProblemSink } from './model.js';
import { convertEnvFile, convertEnvironment, convertHealthcheck, convertPorts, convertVolumes, type FieldContext } from './service-fields.js';
import { convertDependsOn, convertExtraHosts, convertGpu, convertLabels, convertNetworks, durationText } from './service-extra.js';
import { convertBuild } from './service-build.js';
import { CONTAINER_FLAGS, convertContainerOption } from './container-options.js';
import { carryDeploy, carryObjectReferences } from './import-deploy.js';
import { hasReference, unescapeDollars } from './references.js';

const IDENTIFIER = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const RESTART = new Set(['no', 'always', 'on-failure', 'unless-stopped']);

/** Why a Compose service field is not carried, where there is more to say than "berth has no field for it". */
const REASONS: Record<string, string> = {
  container_name: 'berth names containers <project>-<service>-<n>',
  links: 'legacy links; services reach each other by name on the project network',
  pull_policy: 'berth pulls only with --pull',
  scale: 'berth runs one container per service',
};

/**
 * Service fields the spec holds as typed values (numbers, names, durations, choices): their
 * references are resolved on import, and kept as written under x-compose for export. Every other
 * field keeps its text as written, `${VAR}` references and `$$` included.
 */
const TYPED = new Set(['ports', 'expose', 'env_file', 'depends_on', 'restart', 'networks', 'network_mode', 'stop_grace_period', 'profiles', 'deploy', 'gpus', 'extends', ...CONTAINER_FLAGS, 'shm_size']);
const TYPED_HEALTH = new Set(['interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable']);
const TYPED_BUILD = new Set(['no_cache', 'pull']);
const TYPED_TOP = new Set(['name', 'networks', 'volumes', 'include']);

/** True when the text at `path` (in a Compose file) is carried with its references, not resolved on import. */
export function keepsReferences(path: DocPath): boolean {
  const [top, , key, sub] = path;
  if (top !== 'services') return typeof top !== 'string' || !TYPED_TOP.has(top);
  if (typeof key !== 'string') return false;
  if (key === 'healthcheck') return !TYPED_HEALTH.has(String(sub));
  if (key === 'build') return !TYPED_BUILD.has(String(sub));
  return !TYPED.has(key);
}

/** What the importer knows about the whole project while converting one service. */
export interface ServiceScope {
  services: ReadonlySet<string>;
  networks: ReadonlySet<string>;
  /** Directory the spec's relative paths are relative to. */
  baseDir: string;
  sink: ProblemSink;
}

/**
 * One Compose service as a berth service (the spec's input shape). `svc` is the service resolved (as
 * Compose runs it), `raw` as written: text fields come from `raw`, typed fields from `svc`. Whatever
 * berth cannot carry is warned about with its path and kept under the service's `x-compose` key, as
 * written, so export can give it back.
 */
export function serviceToBerth(name: string, svc: unknown, scope: ServiceScope, raw: unknown = svc): ComposeMap {
  const out: ComposeMap = {};
  const ctx: FieldContext = { path: ['services', name], sink: scope.sink, keep: {} };
  // composeToSpec has refused a service that is not a mapping, with its place
  if (!isMap(svc)) return out;
  const written = isMap(raw) ? raw : svc;
  const gpu = convertGpu(svc, ctx, written);
  let berthExtras: ComposeMap | undefined;
  for (const [key, value] of Object.entries(svc)) {
    if (value === undefined) continue;
    const at = [...ctx.path, key];
    const asWritten = written[key];
    // a value of a shape Compose refuses is refused here too, not dropped or coerced (exit 2)
    const misshapen = shapeProblems(key, value);
    for (const p of misshapen) scope.sink.error([...at, ...p.at], p.message, 'compose-invalid-type');
    if (misshapen.length) continue;
    switch (key) {
      case 'image':
      case 'working_dir':
      case 'user': {
        const text = scalarText(asWritten);
        if (text !== undefined) out[{ image: 'image', working_dir: 'workingDir', user: 'user' }[key]] = text;
        break;
      }
      case 'network_mode': {
        const text = scalarText(value);
        if (text !== undefined) out.networkMode = text;
        break;
      }
      case 'command':
      case 'entrypoint':
        if (asWritten !== null) out[key] = Array.isArray(asWritten) ? asWritten.map((v) => scalarText(v) ?? JSON.stringify(v)) : (scalarText(asWritten) ?? '');
        break;
      case 'build': {
        const build = convertBuild(value, asWritten, ctx);
        if (build !== undefined) out.build = build;
        break;
      }
      case 'ports': {
        const ports = convertPorts(value, asWritten, ctx);
        if (ports.length) out.ports = ports;
        break;
      }
      case 'expose': {
        const exposed: (number | string)[] = [];
        const texts = Array.isArray(asWritten) ? asWritten : [asWritten];
        (Array.isArray(value) ? value : [value]).forEach((v, i) => {
          const t = (scalarText(v) ?? '').trim();
          const w = scalarText(texts[i]);
          if (w !== undefined && hasReference(w) && /^\d+(-\d+)?(\/(tcp|udp))?$/.test(t)) exposed.push(w);
          else if (/^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 65535) exposed.push(Number(t));
          else if (/^\d+(-\d+)?(\/(tcp|udp))?$/.test(t)) exposed.push(t);
          else scope.sink.warn([...at, i], `"${t}" is not PORT[/PROTOCOL] (is a variable it uses unset?); dropped`, 'compose-expose-invalid');
        });
        if (exposed.length) out.expose = exposed;
        break;
      }
      case 'environment':
        out.environment = convertEnvironment(asWritten, value, ctx);
        break;
      case 'env_file': {
        const files = convertEnvFile(value, asWritten, ctx, scope.baseDir);
        if (files.length) out.envFile = files;
        break;
      }
      case 'volumes':
        out.volumes = convertVolumes(value, asWritten, ctx);
        break;
      case 'depends_on': {
        const deps = convertDependsOn(value, ctx, scope.services);
        if (deps) out.dependsOn = deps;
        break;
      }
      case 'restart': {
        const text = scalarText(value) ?? '';
        const policy = text.split(':')[0]!;
        if (RESTART.has(policy)) out.restart = policy;
        if (policy !== text || !RESTART.has(policy)) {
          scope.sink.warn(at, `"${text}" is not carried as written (berth knows ${[...RESTART].join(', ')}); kept under x-compose.restart`);
          ctx.keep.restart = asWritten;
        }
        break;
      }
      case 'healthcheck': {
        const hc = convertHealthcheck(value, asWritten, ctx);
        if (hc) out.healthcheck = hc;
        break;
      }
      case 'networks':
        out.networks = convertNetworks(value, ctx, scope.networks);
        if (ctx.keep.networks !== undefined) ctx.keep.networks = asWritten;
        break;
      case 'labels':
        out.labels = convertLabels(asWritten, value, ctx);
        break;
      case 'extra_hosts': {
        const hosts = convertExtraHosts(asWritten, value, ctx);
        if (hosts) out.extraHosts = hosts;
        break;
      }
      case 'stop_grace_period': {
        const d = durationText(value);
        if (d) out.stopGracePeriod = d;
        else keep(ctx, key, asWritten, 'is not a duration berth reads');
        break;
      }
      case 'profiles': {
        const names = (Array.isArray(value) ? value : [value]).map((p) => scalarText(p) ?? '');
        const bad = names.filter((p) => !IDENTIFIER.test(p));
        if (bad.length) keep(ctx, key, asWritten, `profile names ${bad.map((b) => `"${b}"`).join(', ')} are not valid`);
        else out.profiles = names;
        break;
      }
      case 'deploy': {
        const carried = carryDeploy(gpu.deployRest);
        if (carried.value) out.deploy = carried.value;
        const carriedParts = [gpu.gpu ? 'its GPU reservation as gpu' : '', carried.value ? 'its swarm fields as deploy' : ''].filter(Boolean);
        if (carried.rest !== undefined) keep(ctx, key, carried.rest, carriedParts.length ? `the rest of it; berth carried ${carriedParts.join(' and ')}` : 'berth has no field for it');
        break;
      }
      case 'secrets':
      case 'configs': {
        const carried = carryObjectReferences(asWritten);
        if (carried.value) out[key] = carried.value;
        else keep(ctx, key, asWritten, Array.isArray(asWritten) && asWritten.some((r) => isMap(r) && r.mode !== undefined) ? 'a file mode stays as written: Compose reads 0440 as octal' : 'the spec cannot say it');
        break;
      }
      case 'gpus':
        if (!gpu.gpu) keep(ctx, key, asWritten, 'is not a GPU request berth understands');
        break;
      case 'hostname':
      case 'init':
      case 'tty':
      case 'stdin_open':
      case 'read_only':
      case 'privileged':
      case 'cap_add':
      case 'cap_drop':
      case 'shm_size':
      case 'tmpfs': {
        const carried = convertContainerOption(key, value, asWritten);
        if (carried.ok) out[carried.field] = carried.value;
        else keep(ctx, key, asWritten, carried.why);
        break;
      }
      case 'x-berth':
        // berth-only fields are literal text, written with every `$` escaped: read them back as they were
        if (isMap(asWritten)) berthExtras = unescapeDollars(asWritten) as ComposeMap;
        break;
      default:
        if (key.startsWith('x-')) out[key] = asWritten;
        else keep(ctx, key, asWritten, REASONS[key] ?? 'berth has no field for it');
    }
    // A typed field written with references: the spec holds its value, x-compose what was written.
    if (TYPED.has(key) && !['ports', 'expose', 'env_file', 'deploy', 'gpus'].includes(key) && ctx.keep[key] === undefined && hasReference(asWritten)) ctx.keep[key] = asWritten;
  }
  if (gpu.gpu) out.gpu = gpu.gpu;
  if (out.networkMode && Array.isArray(out.networks) && out.networks.length) {
    scope.sink.warn([...ctx.path, 'network_mode'], 'Compose refuses network_mode together with networks; both are carried, fix one of them', 'compose-network-conflict');
  }
  if (out.networkMode === 'host' && Array.isArray(out.ports) && out.ports.length) {
    scope.sink.warn([...ctx.path, 'ports'], 'ports are not published with network_mode: host (the service binds host ports directly); carried as documentation of what it binds', 'compose-ports-host-network');
  }
  if (Object.keys(ctx.keep).length) out['x-compose'] = ctx.keep;
  return berthExtras ? applyBerthExtras(out, berthExtras, ctx) : out;
}

function keep(ctx: FieldContext, key: string, value: unknown, why: string): void {
  ctx.sink.warn([...ctx.path, key], `not carried (${why}); kept under x-compose`);
  ctx.keep[key] = value;
}

/**
 * The berth-only fields an export wrote under the service's `x-berth` (display name, purpose,
 * runtime, checks, port names and env vars...). Ports from x-berth replace the Compose ones only
 * when they describe the same host ports, so a hand-edited Compose file still wins.
 */
function applyBerthExtras(out: ComposeMap, extras: ComposeMap, ctx: FieldContext): ComposeMap {
  const { ports, dependsOn, healthcheck, ...fields } = extras;
  const merged: ComposeMap = { ...out, ...fields };
  if (isMap(healthcheck)) merged.healthcheck = { ...(isMap(out.healthcheck) ? out.healthcheck : {}), ...healthcheck };
  if (Array.isArray(ports)) {
    const key = (list: unknown[]) => list.flatMap(hostPorts).sort().join(',');
    if (key(ports) === key(Array.isArray(out.ports) ? out.ports : [])) merged.ports = ports;
    else ctx.sink.warn([...ctx.path, 'x-berth', 'ports'], 'does not match the ports of the Compose file (edited by hand?); the Compose ports are used');
  }
  if (isMap(dependsOn) && isMap(out.dependsOn)) merged.dependsOn = { ...out.dependsOn, ...dependsOn };
  else if (isMap(dependsOn) && Array.isArray(out.dependsOn)) merged.dependsOn = { ...Object.fromEntries(out.dependsOn.map((d) => [d, { condition: 'service_started' }])), ...dependsOn };
  return merged;
}

/** Every host port a binding (as written in a spec) publishes, as `ip:port/proto`. */
function hostPorts(p: unknown): string[] {
  if (!isMap(p)) return [String(p)];
  const [from, to = from] = String(p.host).split('-').map(Number) as [number, number?];
  const out: string[] = [];
  for (let port = from; port <= to && port - from < 65536; port++) out.push(`${p.hostIp ?? ''}:${port}/${p.protocol ?? 'tcp'}`);
  return out;
}
