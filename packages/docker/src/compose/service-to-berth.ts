import { isMap, scalarText, type ComposeMap, type ProblemSink } from './model.js';
import { convertEnvFile, convertEnvironment, convertHealthcheck, convertPorts, convertVolumes, type FieldContext } from './service-fields.js';
import { portEnvKey, type PortEnv } from './port-env.js';
import { convertDependsOn, convertGpu, convertLabels, convertNetworks, durationText } from './service-extra.js';

const IDENTIFIER = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const RESTART = new Set(['no', 'always', 'on-failure', 'unless-stopped']);

/** Why a Compose service field is not carried, where there is more to say than "berth has no field for it". */
const REASONS: Record<string, string> = {
  build: 'berth does not build images',
  container_name: 'berth names containers <project>-<service>-<n>',
  links: 'legacy links; services reach each other by name on the project network',
  pull_policy: 'berth pulls only with --pull',
  scale: 'berth runs one container per service',
};

/** What the importer knows about the whole project while converting one service. */
export interface ServiceScope {
  services: ReadonlySet<string>;
  networks: ReadonlySet<string>;
  /** Directory the spec's relative paths are relative to. */
  baseDir: string;
  sink: ProblemSink;
  /** Variables behind published host ports, from the loader. */
  portEnv: PortEnv;
}

/**
 * One Compose service as a berth service (the spec's input shape). Whatever berth cannot carry is
 * warned about with its path and kept under the service's `x-compose` key, so export can give it back.
 */
export function serviceToBerth(name: string, svc: unknown, scope: ServiceScope): ComposeMap {
  const out: ComposeMap = {};
  const ctx: FieldContext = { path: ['services', name], sink: scope.sink, keep: {} };
  if (!isMap(svc)) {
    if (svc !== null) scope.sink.warn(ctx.path, 'is not a mapping; imported as an empty service');
    return out;
  }
  const gpu = convertGpu(svc, ctx);
  let berthExtras: ComposeMap | undefined;
  for (const [key, value] of Object.entries(svc)) {
    if (value === undefined) continue;
    const at = [...ctx.path, key];
    switch (key) {
      case 'image':
      case 'working_dir':
      case 'user':
      case 'network_mode': {
        const text = scalarText(value);
        if (text !== undefined) out[{ image: 'image', working_dir: 'workingDir', user: 'user', network_mode: 'networkMode' }[key]] = text;
        break;
      }
      case 'command':
      case 'entrypoint':
        if (value !== null) out[key] = Array.isArray(value) ? value.map((v) => scalarText(v) ?? JSON.stringify(v)) : (scalarText(value) ?? '');
        break;
      case 'ports': {
        const ports = convertPorts(value, ctx, (entry) => scope.portEnv.get(portEnvKey(name, entry)));
        if (ports.length) out.ports = ports;
        break;
      }
      case 'expose': {
        const exposed: (number | string)[] = [];
        (Array.isArray(value) ? value : [value]).forEach((v, i) => {
          const t = (scalarText(v) ?? '').trim();
          if (/^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 65535) exposed.push(Number(t));
          else if (/^\d+(-\d+)?(\/(tcp|udp))?$/.test(t)) exposed.push(t);
          else scope.sink.warn([...at, i], `"${t}" is not PORT[/PROTOCOL] (is a variable it uses unset?); dropped`, 'compose-expose-invalid');
        });
        if (exposed.length) out.expose = exposed;
        break;
      }
      case 'environment':
        out.environment = convertEnvironment(value, ctx);
        break;
      case 'env_file': {
        const files = convertEnvFile(value, ctx, scope.baseDir);
        if (files.length) out.envFile = files;
        break;
      }
      case 'volumes':
        out.volumes = convertVolumes(value, ctx);
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
          ctx.keep.restart = value;
        }
        break;
      }
      case 'healthcheck': {
        const hc = convertHealthcheck(value, ctx);
        if (hc) out.healthcheck = hc;
        break;
      }
      case 'networks':
        out.networks = convertNetworks(value, ctx, scope.networks);
        break;
      case 'labels':
        out.labels = convertLabels(value, ctx);
        break;
      case 'stop_grace_period': {
        const d = durationText(value);
        if (d) out.stopGracePeriod = d;
        else keep(ctx, key, value, 'is not a duration berth reads');
        break;
      }
      case 'profiles': {
        const names = (Array.isArray(value) ? value : [value]).map((p) => scalarText(p) ?? '');
        const bad = names.filter((p) => !IDENTIFIER.test(p));
        if (bad.length) keep(ctx, key, value, `profile names ${bad.map((b) => `"${b}"`).join(', ')} are not valid`);
        else out.profiles = names;
        break;
      }
      case 'deploy':
        if (gpu.deployRest !== undefined) keep(ctx, key, gpu.deployRest, gpu.gpu ? 'only its GPU reservation is carried, as gpu' : 'berth has no field for it');
        break;
      case 'gpus':
        if (!gpu.gpu) keep(ctx, key, value, 'is not a GPU request berth understands');
        break;
      case 'x-berth':
        if (isMap(value)) berthExtras = value;
        break;
      default:
        if (key.startsWith('x-')) out[key] = value;
        else keep(ctx, key, value, REASONS[key] ?? 'berth has no field for it');
    }
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
