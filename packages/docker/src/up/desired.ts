import { createHash } from 'node:crypto';
import path from 'node:path';
import { imageReferenceError, imageReferenceProblem, type BerthSpec, type Problem, type Service, type ServiceBuild } from '@berth/spec';
import type Dockerode from 'dockerode';
import { BERTH_CONFIG_HASH, BERTH_MANAGED, COMPOSE_NUMBER, COMPOSE_ONEOFF, COMPOSE_PROJECT, COMPOSE_SERVICE, COMPOSE_WORKDIR } from '../labels.js';
import { containerName } from '../project-name.js';
import { defaultCacheDir } from '../build/context-digest.js';
import { parseEnvFile } from '../compose/dotenv.js';
import { resolveServiceText } from '../compose/resolve-service.js';
import { shellWords } from './env-values.js';
import { engineExtraHosts } from './extra-hosts.js';
import { containerOptions } from './container-options.js';
import { projectObjectsDir, serviceObjectMounts, type ObjectFile } from './service-files.js';
import { serviceNetworkMode, serviceNetworks, type ServiceNetwork } from './service-networks.js';

/** One published host port of a service, for the preflight. */
export interface HostPort {
  service: string;
  port: number;
  protocol: 'tcp' | 'udp';
  hostIp?: string;
}

/** What a service's container should look like. */
export interface DesiredContainer {
  service: string;
  name: string;
  image: string;
  /** Engine create options, labels included (the hash label too). */
  create: Dockerode.ContainerCreateOptions;
  /** sha256 of the create options: changes mean recreate. */
  hash: string;
  hostPorts: HostPort[];
  /** Publishes a port the engine picks from a range: such starts are serialised (the allocation is not atomic). */
  allocatesPorts: boolean;
  /** Named volumes this container mounts (engine-side names), created with project labels. */
  volumes: string[];
  /** The networks it joins, the one it is created on first (none under a network mode such as host). */
  networks: ServiceNetwork[];
  /** Files of its secrets and configs that berth writes before creating it (their content: never printed). */
  objectFiles: ObjectFile[];
  hasHealthcheck: boolean;
  stopTimeoutS: number;
  /** How the image is built, when the service has `build` (its text resolved). */
  build?: ServiceBuild;
  /** Compose's build fields the spec keeps under `x-compose.build` (build secrets, ssh), which berth cannot honour. */
  buildKept?: Record<string, unknown>;
}

/** The name Compose gives a service's built image when the service names none: `<project>-<service>`. */
export function builtImageName(project: string, service: string): string {
  return `${project}-${service}`;
}

/**
 * A service whose default image name (`<project>-<service>`) the engine would refuse (a service named with capitals,
 * or with `..`) cannot build under it: bad input before anything is built, as docker-compose 1.29 says (Compose v2
 * lets the engine fail).
 */
export function builtImageNameProblem(project: string, service: string): Problem | undefined {
  const image = builtImageName(project, service);
  const why = imageReferenceProblem(image);
  if (!why) return undefined;
  return {
    code: 'build-image-name',
    severity: 'error',
    message: `service "${service}" cannot build under its default image name ${image}: ${why}`,
    path: ['services', service],
    hint: 'rename the service (lowercase letters, digits, single separators), or give it `image:`',
  };
}

export interface DesiredInput {
  spec: BerthSpec;
  project: string;
  /** The directory of berth.yaml: relative binds and env files resolve from here. */
  projectDir: string;
  /** Process env merged with the `.env` beside the spec; fills `null` environment values and resolves `${VAR}` references. */
  vars: Record<string, string | undefined>;
  readText: (file: string) => string | undefined;
  /** Where the project's written secrets and configs live; default berth's cache folder (never the repo). */
  objectsDir?: string;
}

const NS_PER_MS = 1_000_000;

/** JSON with sorted keys and no undefined members: the same value always gives the same text (for config hashes). */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `KEY=value` lines of a service's env files and `environment` (resolved), sorted; a missing env file is an error. */
export function containerEnvironment(name: string, service: Service, input: DesiredInput, problems: Problem[]): string[] {
  const env: Record<string, string> = {};
  for (const file of service.envFile ?? []) {
    const full = path.resolve(input.projectDir, file);
    const text = input.readText(full);
    if (text === undefined) {
      problems.push({ code: 'env-file-missing', severity: 'error', message: `service "${name}": env file ${file} not found`, path: ['services', name, 'envFile'] });
      continue;
    }
    Object.assign(env, parseEnvFile(text, (k) => input.vars[k]));
  }
  // values arrive resolved (resolveServiceText); null passes the variable through, as in Compose
  for (const [key, value] of Object.entries(service.environment ?? {})) {
    if (value === null) {
      if (input.vars[key] !== undefined) env[key] = input.vars[key]!;
    } else env[key] = String(value);
  }
  return Object.entries(env).map(([k, v]) => `${k}=${v}`).sort();
}

/** The service's volumes as engine mounts (named volumes `<project>_<key>`, binds resolved from the spec's directory); adds the volumes to create to `volumes`. */
export function containerMounts(name: string, service: Service, input: DesiredInput, volumes: Set<string>): Dockerode.MountSettings[] {
  const out: Dockerode.MountSettings[] = [];
  const volumeName = (key: string) => {
    const declared = input.spec.volumes[key];
    const engineName = declared?.name ?? `${input.project}_${key}`;
    if (!declared?.external) volumes.add(engineName);
    return engineName;
  };
  const isPath = (s: string) => s.startsWith('.') || s.startsWith('/') || s.startsWith('~');
  for (const v of service.volumes ?? []) {
    if (typeof v === 'string') {
      const parts = v.split(':');
      if (parts.length === 1) {
        out.push({ Type: 'volume', Source: '', Target: parts[0]! });
        continue;
      }
      const [source, target, mode] = parts as [string, string, string?];
      const readOnly = mode?.split(',').includes('ro') ?? false;
      if (isPath(source)) out.push({ Type: 'bind', Source: path.resolve(input.projectDir, source.replace(/^~/, input.vars['HOME'] ?? '~')), Target: target, ReadOnly: readOnly });
      else out.push({ Type: 'volume', Source: volumeName(source), Target: target, ReadOnly: readOnly });
    } else if (v.type === 'bind') out.push({ Type: 'bind', Source: path.resolve(input.projectDir, v.source ?? '.'), Target: v.target, ReadOnly: v.readOnly });
    else if (v.type === 'tmpfs') out.push({ Type: 'tmpfs', Source: '', Target: v.target });
    else out.push({ Type: 'volume', Source: v.source ? volumeName(v.source) : '', Target: v.target, ReadOnly: v.readOnly });
  }
  void name;
  return out;
}

/** `expose` entries (`9000`, `"9001/udp"`, `"9000-9002"`) as ExposedPorts keys: reachable from other containers, never published. */
export function exposedPorts(service: Service): string[] {
  return (service.expose ?? []).flatMap((entry) => {
    const [range, protocol = 'tcp'] = String(entry).split('/') as [string, string?];
    const [from, to = from] = range.split('-').map(Number) as [number, number?];
    return Array.from({ length: to - from + 1 }, (_, i) => `${from + i}/${protocol}`);
  });
}

function ports(name: string, service: Service) {
  const exposed: Record<string, object> = Object.fromEntries(exposedPorts(service).map((key) => [key, {}]));
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  const hostPorts: HostPort[] = [];
  let allocates = false;
  for (const p of service.ports ?? []) {
    const container = p.container;
    const hostCount = p.host.to - p.host.from + 1;
    const containerCount = container.to - container.from + 1;
    for (let i = 0; i < containerCount; i++) {
      const key = `${container.from + i}/${p.protocol}`;
      exposed[key] = {};
      const hostPort = hostCount === containerCount ? String(p.host.from + i) : `${p.host.from}-${p.host.to}`;
      (bindings[key] ??= []).push({ HostIp: p.hostIp ?? '', HostPort: hostPort });
      if (hostCount !== containerCount) allocates = true;
      if (hostCount === containerCount) hostPorts.push({ service: name, port: p.host.from + i, protocol: p.protocol, ...(p.hostIp ? { hostIp: p.hostIp } : {}) });
    }
  }
  return { exposed, bindings, hostPorts, allocates };
}

/** The service's Compose healthcheck as the engine's HealthConfig (durations in nanoseconds). */
export function healthConfig(service: Service): Dockerode.HealthConfig | undefined {
  const h = service.healthcheck;
  if (!h) return undefined;
  if (h.disable) return { Test: ['NONE'] };
  const test = h.test === undefined ? undefined : typeof h.test === 'string' ? ['CMD-SHELL', h.test] : h.test;
  const ns = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * NS_PER_MS));
  const out: Dockerode.HealthConfig & { StartInterval?: number } = {};
  if (test) out.Test = test;
  if (h.interval !== undefined) out.Interval = ns(h.interval)!;
  if (h.timeout !== undefined) out.Timeout = ns(h.timeout)!;
  if (h.retries !== undefined) out.Retries = h.retries;
  if (h.startPeriod !== undefined) out.StartPeriod = ns(h.startPeriod)!;
  if (h.startInterval !== undefined) out.StartInterval = ns(h.startInterval)!;
  return out;
}

/** Seconds the engine waits after SIGTERM before SIGKILL: the service's `stopGracePeriod`, else 10 s as in Compose. */
export function stopTimeoutSeconds(service: Service | undefined): number {
  return Math.ceil((service?.stopGracePeriod ?? 10_000) / 1000);
}

/** Engine DeviceRequests: `Count: -1` (all) when neither count nor device ids are given, as Docker ≥ 27.3 needs. */
export function deviceRequests(service: Service): Dockerode.DeviceRequest[] | undefined {
  const g = service.gpu;
  if (!g) return undefined;
  const count = g.count === 'all' || (g.count === undefined && !g.deviceIds) ? -1 : g.count;
  return [{ Driver: g.driver ?? '', ...(count !== undefined ? { Count: count } : {}), ...(g.deviceIds ? { DeviceIDs: g.deviceIds } : {}), Capabilities: [g.capabilities], ...(g.options ? { Options: g.options } : {}) }];
}

const keptBuild = (service: Service) => (service['x-compose'] as { build?: Record<string, unknown> } | undefined)?.build;

/** A command or entrypoint as words: a string is split as a shell would, a list is taken as it is. */
export const words = (v: string | string[] | undefined) => (v === undefined ? undefined : typeof v === 'string' ? shellWords(v) : v);

/**
 * The container a service should have. Pure: files are read through `input.readText`. The service's
 * text (`${VAR}` references, `$$`) is resolved first, as Compose does; an unset `${VAR:?message}` is
 * an error naming the service and the field.
 */
export function desiredContainer(name: string, input: DesiredInput, problems: Problem[]): DesiredContainer | undefined {
  const resolved = resolveServiceText(name, input.spec.services[name]!, (k) => input.vars[k]);
  problems.push(...resolved.problems);
  if (resolved.problems.some((p) => p.severity === 'error')) return undefined;
  const service = resolved.service;
  if (!service.image && !service.build) {
    problems.push({ code: 'no-image', severity: 'error', message: `service "${name}" has no image and no build; berth up cannot start it`, path: ['services', name], hint: 'add `image:` or `build:`, or give it a devcontainer/host runtime' });
    return undefined;
  }
  const badImage = service.image === undefined ? undefined : imageReferenceProblem(service.image);
  if (badImage) {
    problems.push(imageReferenceError(`service "${name}"`, service.image!, badImage, { path: ['services', name, 'image'] }));
    return undefined;
  }
  // A built image is named as Compose names it, so one `docker compose build` made can be run
  const image = service.image ?? builtImageName(input.project, name);
  const extraHosts = engineExtraHosts(service.extraHosts, { field: ['services', name, 'extraHosts'], who: `service "${name}"` }, problems);
  if (!extraHosts.ok) return undefined;
  const volumes = new Set<string>();
  const { exposed, bindings, hostPorts, allocates } = ports(name, service);
  const networkMode = serviceNetworkMode(input.spec, service);
  const networks = networkMode ? [] : serviceNetworks(input.spec, input.project, service);
  const objects = serviceObjectMounts(name, service, input, input.objectsDir ?? projectObjectsDir(defaultCacheDir(), input.project), problems);
  const stopTimeoutS = stopTimeoutSeconds(service);
  const options = containerOptions(service);
  const labels: Record<string, string> = {
    ...service.labels,
    [COMPOSE_PROJECT]: input.project,
    [COMPOSE_SERVICE]: name,
    [COMPOSE_NUMBER]: '1',
    [COMPOSE_ONEOFF]: 'False',
    [COMPOSE_WORKDIR]: input.projectDir,
    [BERTH_MANAGED]: 'true',
  };
  const create: Dockerode.ContainerCreateOptions = {
    name: containerName(input.project, name),
    Image: image,
    Cmd: words(service.command),
    Entrypoint: words(service.entrypoint),
    Env: containerEnvironment(name, service, input, problems),
    WorkingDir: service.workingDir,
    User: service.user,
    Labels: labels,
    ExposedPorts: exposed,
    Healthcheck: healthConfig(service),
    StopTimeout: stopTimeoutS,
    ...options.config,
    HostConfig: {
      ...options.host,
      PortBindings: bindings,
      Mounts: [...containerMounts(name, service, input, volumes), ...objects.mounts],
      RestartPolicy: { Name: !service.restart || service.restart === 'no' ? '' : service.restart },
      NetworkMode: networkMode ?? networks[0]!.name,
      DeviceRequests: deviceRequests(service),
      // only when set: the hash of a container made before the field existed stays the same
      ...(extraHosts.hosts ? { ExtraHosts: extraHosts.hosts } : {}),
    },
    // The engine API before 1.44 takes one endpoint at create: the others are connected before the start.
    NetworkingConfig: networkMode ? undefined : { EndpointsConfig: { [networks[0]!.name]: { Aliases: [name] } } },
  };
  const hash = configHash(create, { networks: networks.slice(1).map((n) => n.name), configs: objects.configDigests });
  create.Labels = { ...labels, [BERTH_CONFIG_HASH]: hash };
  const test = create.Healthcheck?.Test;
  return {
    service: name,
    name: create.name!,
    image,
    ...(service.build ? { build: service.build } : {}),
    ...(keptBuild(service) ? { buildKept: keptBuild(service)! } : {}),
    create,
    hash,
    hostPorts: networkMode === 'host' ? [] : hostPorts,
    allocatesPorts: networkMode !== 'host' && allocates,
    volumes: [...volumes],
    networks,
    objectFiles: objects.files,
    hasHealthcheck: !!test && test[0] !== 'NONE',
    stopTimeoutS,
  };
}

/**
 * sha256 of the create options and of what they do not carry (the networks joined after create, the
 * configs' content): a change of either recreates. With nothing beyond the create options, their hash
 * alone, so containers made before these were counted are not recreated for it.
 */
function configHash(create: Dockerode.ContainerCreateOptions, beyond: { networks: string[]; configs: string[] }): string {
  const more = beyond.networks.length || beyond.configs.length;
  return createHash('sha256').update(stableJson(more ? { create, beyond } : create)).digest('hex');
}
