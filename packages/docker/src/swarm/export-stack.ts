import { hasErrors, type BerthSpec, type Problem } from '@berth/spec';
import { exportCompose, type ExportComposeOptions, type ExportComposeResult } from '../compose/export-compose.js';
import { isMap, type ComposeMap } from '../compose/model.js';
import { formatDuration } from '../compose/duration.js';
import { resolveProfiles } from '../profiles.js';
import { projectName } from '../project-name.js';
import { builtImageName } from '../up/desired.js';
import { gpuReservation, swarmIgnores } from './swarm-ignores.js';
import { onHostNetwork, swarmPorts, type SwarmPort } from './swarm-ports.js';
import { writeYaml } from '../compose/yaml-write.js';

/** The Compose file format of a stack file: 3.9, which every docker CLI since 19.03 reads (Debian's 20.10 included). */
export const STACK_FILE_VERSION = '3.9';
/** The first format with healthcheck.start_interval, written only when a healthcheck has one: docker CLI 25+ reads it. */
const STACK_FILE_VERSION_START_INTERVAL = '3.12';

/** The name the stack file gives the host network (`docker stack deploy` joins it through an external network named host). */
const HOST_NETWORK = 'hostnet';

export interface ExportStackOptions extends ExportComposeOptions {
  /** Compose profiles to deploy (a stack file has no profiles: the selection is made here). */
  profiles?: string[];
  services?: string[];
  env?: NodeJS.ProcessEnv;
}

/** The ports berth publishes on a swarm (swarmPorts), as long-syntax stack ports; a port carried in a variable keeps its reference. */
function stackPorts(ports: SwarmPort[]): ComposeMap[] {
  return ports.map(({ target, published, protocol, port: p }) => {
    const one = p.container.from === p.container.to;
    return { target, published: p.env && one ? (p.envDefault === false ? `\${${p.env}}` : `\${${p.env}:-${p.host.from}}`) : published, protocol, mode: 'host' };
  });
}

/**
 * `berth compose --swarm`: the selected services as a stack file that `docker stack deploy -c FILE
 * <project>` accepts (Compose file format 3.9; 3.12 when a healthcheck has a start interval), the way berth deploys them on a swarm engine:
 * ports in host mode, `restart` as deploy.restart_policy, a GPU as a generic resource, no profiles,
 * depends_on as a plain list (the stack ignores it), no build, secrets and configs the format cannot
 * source from a variable or the spec itself as external ones (created first, named in a warning).
 * Every field a swarm ignores is a warning, the same ones berth's own deployment gives.
 */
export function exportStack(spec: BerthSpec, options: ExportStackOptions = {}): ExportComposeResult {
  const env = options.env ?? {};
  const project = projectName(spec, env);
  const selection = resolveProfiles(spec, { ...(options.profiles ? { profiles: options.profiles } : {}), ...(options.services ? { services: options.services } : {}), env });
  const base = exportCompose(spec, options);
  // docker-compose 1.29's limits are not the stack file's: those warnings are left to `berth compose`.
  const problems: Problem[] = [...selection.problems, ...base.problems.filter((p) => p.code !== 'compose-export-object-source')];
  if (hasErrors(problems)) return { compose: {}, yaml: '', problems };
  const baseServices = (base.compose.services ?? {}) as ComposeMap;
  const selected = new Set(selection.services.filter((s) => isMap(baseServices[s])));
  const warn = (path: (string | number)[], message: string, hint?: string) => problems.push({ code: 'stack-export', severity: 'warning', path, message, ...(hint ? { hint } : {}) });
  const services: ComposeMap = {};
  let hostNetwork = false;
  let startInterval = false;
  const referenced = { secrets: new Set<string>(), configs: new Set<string>() };
  for (const name of selected) {
    const svc = spec.services[name]!;
    const out = structuredClone(baseServices[name]) as ComposeMap;
    problems.push(...swarmIgnores(name, svc, undefined));
    for (const key of ['profiles', 'build', 'restart', 'container_name', 'gpus', 'expose']) delete out[key];
    if (!out.image) out.image = builtImageName(project, name);
    const deps = Object.keys(svc.dependsOn ?? {}).filter((d) => selected.has(d));
    if (deps.length) out.depends_on = deps;
    else delete out.depends_on;
    // the ports as berth deploys them (none on the host network, where ingress would make docker stack deploy reject every task)
    const hostNet = onHostNetwork(spec, svc);
    const ports = stackPorts(swarmPorts(name, svc, hostNet, problems));
    if (ports.length) out.ports = ports;
    else delete out.ports;
    const deploy = isMap(out.deploy) ? out.deploy : {};
    const reservations = isMap(deploy.resources) && isMap(deploy.resources.reservations) ? deploy.resources.reservations : undefined;
    if (reservations) delete reservations.devices;
    const gpu = svc.deploy?.resources?.reservations?.genericResources ? undefined : gpuReservation(name, svc, problems);
    if (gpu) {
      const resources = (deploy.resources ??= {}) as ComposeMap;
      const res = (resources.reservations ??= {}) as ComposeMap;
      res.generic_resources = gpu.map((g) => ({ discrete_resource_spec: { kind: g.discreteResourceSpec.kind, value: g.discreteResourceSpec.value } }));
    }
    if (!deploy.restart_policy && svc.restart) deploy.restart_policy = { condition: svc.restart === 'no' ? 'none' : svc.restart === 'on-failure' ? 'on-failure' : 'any' };
    if (isMap(deploy.resources) && isMap(deploy.resources.reservations) && !Object.keys(deploy.resources.reservations).length) delete deploy.resources.reservations;
    if (isMap(deploy.resources) && !Object.keys(deploy.resources).length) delete deploy.resources;
    if (Object.keys(deploy).length) out.deploy = deploy;
    else delete out.deploy;
    if (svc.healthcheck?.startInterval !== undefined && isMap(out.healthcheck)) {
      out.healthcheck.start_interval = formatDuration(svc.healthcheck.startInterval);
      startInterval = true;
    }
    if (hostNet || out.network_mode === 'host') {
      out.networks = [HOST_NETWORK];
      hostNetwork = true;
    }
    delete out.network_mode;
    for (const key of ['secrets', 'configs'] as const) for (const ref of svc[key] ?? []) referenced[key].add(ref.source);
    services[name] = out;
  }
  const dropped = Object.keys(baseServices).filter((s) => !selected.has(s));
  if (startInterval) warn(['version'], `a healthcheck's start_interval needs Compose file format ${STACK_FILE_VERSION_START_INTERVAL}, which only docker CLI 25 and later read`, 'drop healthcheck.startInterval for an older docker CLI');
  const stack: ComposeMap = { version: startInterval ? STACK_FILE_VERSION_START_INTERVAL : STACK_FILE_VERSION, services };
  const networks: ComposeMap = {};
  for (const [key, n] of Object.entries(isMap(base.compose.networks) ? base.compose.networks : {})) {
    if (!isMap(n)) continue;
    const declared = spec.networks[key];
    if (declared?.mode === 'host' || declared?.mode === 'none') continue;
    networks[key] = n.external ? n : { ...n, driver: 'overlay', attachable: true };
  }
  if (hostNetwork) networks[HOST_NETWORK] = { external: true, name: 'host' };
  if (Object.keys(networks).length) stack.networks = networks;
  if (base.compose.volumes) stack.volumes = base.compose.volumes;
  for (const key of ['secrets', 'configs'] as const) {
    const objects: ComposeMap = {};
    for (const id of referenced[key]) {
      const def = spec[key][id] as { environment?: string; content?: string; name?: string } | undefined;
      const written = isMap(base.compose[key]) ? (base.compose[key] as ComposeMap)[id] : undefined;
      if (def?.environment !== undefined || def?.content !== undefined) {
        const engineName = def.name ?? `${project}_${id}`;
        objects[id] = { external: true, name: engineName };
        const from = def.environment !== undefined ? `"$${def.environment}"` : 'the content in the spec';
        warn([key, id], `a stack file cannot take ${key}.${id} from ${def.environment !== undefined ? `variable ${def.environment}` : 'the spec itself'}: written as external ${engineName}`, `create it before docker stack deploy: printf %s ${from} | docker ${key === 'secrets' ? 'secret' : 'config'} create ${engineName} -`);
      } else if (written !== undefined) objects[id] = written;
    }
    if (Object.keys(objects).length) stack[key] = objects;
  }
  for (const [k, v] of Object.entries(base.compose)) if (k.startsWith('x-')) stack[k] = v;
  if (dropped.length) {
    const berth = (isMap(stack['x-berth']) ? stack['x-berth'] : {}) as ComposeMap;
    berth.notDeployed = dropped;
    stack['x-berth'] = berth;
  }
  // quoted for every reader, as berth compose writes (the docker CLI reads it with go-yaml)
  const header = ` Written by \`berth compose --swarm\` from the berth spec; edit the spec, not this file.\n Deploy it as berth would: docker stack deploy -c <this file> ${project}`;
  return { compose: stack, yaml: writeYaml(stack, header), problems };
}
