import { createHash } from 'node:crypto';
import { deployReplicas, type BerthSpec, type FileObjectReference, type Problem, type Service } from '@berth/spec';
import type Dockerode from 'dockerode';
import { BERTH_CONFIG_HASH, BERTH_MANAGED, BERTH_TASK_HASH, STACK_IMAGE, STACK_NAMESPACE } from '../labels.js';
import { resolveServiceText } from '../compose/resolve-service.js';
import { builtImageName, containerEnvironment, containerMounts, healthConfig, stableJson, words, type DesiredInput, type HostPort } from '../up/desired.js';
import { apiAtLeast, gpuReservation, swarmIgnores } from './swarm-ignores.js';
import { engineExtraHosts } from '../up/extra-hosts.js';
import { onHostNetwork, swarmPorts } from './swarm-ports.js';
import { stackNetworkName, stackScoped } from '../project-name.js';

export { stackNetworkName, stackScoped };

const NS_PER_MS = 1_000_000;
const ns = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * NS_PER_MS));

/** A secret or config a service mounts: the stack's object by its engine name, and the file it becomes. */
export interface MountedObject {
  /** The key under the spec's top-level `secrets` / `configs`. */
  source: string;
  /** The engine-side name (`<project>_<key>`, or the definition's `name`). */
  name: string;
  file: { Name: string; UID: string; GID: string; Mode: number };
}

/** What one spec service should be as a swarm service of the stack. */
export interface DesiredSwarmService {
  /** The spec's key. */
  service: string;
  /** The swarm service's name: `<stack>_<service>`, as `docker stack deploy` names it. */
  name: string;
  image: string;
  /** The ServiceSpec without the secret and config IDs (known only on the engine), its hash labels included. */
  spec: Dockerode.ServiceSpec;
  /** sha256 of the whole spec: a change means an update. */
  hash: string;
  /** sha256 of the task template: tasks carrying it run the current spec. */
  taskHash: string;
  secrets: MountedObject[];
  configs: MountedObject[];
  /** Networks of the stack it joins (engine names), `host` excluded. */
  networks: string[];
  /** Named volumes it mounts (engine names); each node creates its own. */
  volumes: string[];
  /** Host ports published on the node that runs each task (mode: host). */
  hostPorts: HostPort[];
  hasHealthcheck: boolean;
}

/** Whether a swarm service's container spec has a healthcheck of its own (a test that is not `NONE`). */
export function hasHealthcheck(container: Dockerode.ContainerSpec | undefined): boolean {
  // sent as the API documents it (HealthCheck); the engine answers with its Go field's name (Healthcheck)
  const test = (container?.HealthCheck ?? (container as { Healthcheck?: Dockerode.HealthConfig } | undefined)?.Healthcheck)?.Test;
  return !!test?.length && test[0] !== 'NONE';
}

function mountedObjects(kind: 'secrets' | 'configs', service: Service, spec: BerthSpec, stack: string): MountedObject[] {
  const refs: FileObjectReference[] = service[kind] ?? [];
  return refs
    .map((ref) => {
      const def = spec[kind][ref.source];
      const target = ref.target ?? ref.source;
      return {
        source: ref.source,
        name: def?.name ?? (def?.external ? ref.source : stackScoped(stack, ref.source)),
        file: { Name: kind === 'configs' && !target.startsWith('/') ? `/${target}` : target, UID: ref.uid ?? '0', GID: ref.gid ?? '0', Mode: ref.mode ?? 0o444 },
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function endpointSpec(name: string, service: Service, hostNetwork: boolean, problems: Problem[]): { endpoint: Dockerode.EndpointSpec; hostPorts: HostPort[] } {
  const published = swarmPorts(name, service, hostNetwork, problems);
  const ports: Dockerode.PortConfig[] = published.map((p) => ({ Protocol: p.protocol, TargetPort: p.target, PublishedPort: p.published, PublishMode: 'host' }));
  const hostPorts: HostPort[] = published.map((p) => ({ service: name, port: p.published, protocol: p.protocol }));
  const mode = service.deploy?.endpointMode ?? 'vip';
  return { endpoint: { Mode: mode, Ports: ports.sort((a, b) => (a.PublishedPort ?? 0) - (b.PublishedPort ?? 0) || String(a.Protocol).localeCompare(String(b.Protocol))) }, hostPorts };
}

/** Compose's `restart` as a swarm restart policy, unless `deploy.restartPolicy` says it. */
function restartPolicy(service: Service): Dockerode.TaskSpec['RestartPolicy'] {
  const r = service.deploy?.restartPolicy;
  if (r) return { Condition: r.condition, Delay: ns(r.delay), MaxAttempts: r.maxAttempts, Window: ns(r.window) } as Dockerode.TaskSpec['RestartPolicy'];
  if (!service.restart) return undefined;
  return { Condition: service.restart === 'no' ? 'none' : service.restart === 'on-failure' ? 'on-failure' : 'any' };
}

function updateConfig(service: Service): Dockerode.UpdateConfig | undefined {
  const u = service.deploy?.updateConfig;
  if (!u) return undefined;
  return { Parallelism: u.parallelism ?? 1, Delay: ns(u.delay), FailureAction: u.failureAction, Monitor: ns(u.monitor), MaxFailureRatio: u.maxFailureRatio, Order: u.order ?? 'stop-first' };
}

function attachments(spec: BerthSpec, stack: string, name: string, service: Service): { networks: Dockerode.NetworkAttachmentConfig[]; hostNetwork: boolean } {
  const hostNetwork = onHostNetwork(spec, service);
  if (hostNetwork) return { networks: [{ Target: 'host' }], hostNetwork };
  const keys = service.networks?.length ? service.networks : ['default'];
  const networks = keys
    .filter((k) => spec.networks[k]?.mode !== 'host' && spec.networks[k]?.mode !== 'none')
    .map((k) => ({ Target: stackNetworkName(spec, stack, k), Aliases: [name] }))
    .sort((a, b) => a.Target.localeCompare(b.Target));
  return { networks, hostNetwork };
}

export interface DesiredSwarmInput extends DesiredInput {
  /** The stack: the project's name. */
  project: string;
  /** The engine's API version ("1.41"): fields newer than it are said to be ignored. */
  apiVersion?: string;
}

/**
 * The swarm service a spec service should be, as `docker stack deploy` would make it from the
 * exported stack file: the stack's labels, host-mode published ports, the stack's overlay networks
 * (the service's name as an alias), its healthcheck, placement, restart and update policy, generic
 * resources (a GPU as NVIDIA-GPU), secrets and configs. Pure: files are read through `input.readText`.
 * What the spec says that a swarm does not do is a warning in `problems`.
 */
export function desiredSwarmService(name: string, input: DesiredSwarmInput, problems: Problem[]): DesiredSwarmService | undefined {
  const resolved = resolveServiceText(name, input.spec.services[name]!, (k) => input.vars[k]);
  problems.push(...resolved.problems);
  if (resolved.problems.some((p) => p.severity === 'error')) return undefined;
  const service = resolved.service;
  const { spec, project } = input;
  if (!service.image && !service.build) {
    problems.push({ code: 'no-image', severity: 'error', message: `service "${name}" has no image and no build; a swarm cannot run it`, path: ['services', name], hint: 'add `image:` (an image every node can pull)' });
    return undefined;
  }
  problems.push(...swarmIgnores(name, service, input.apiVersion));
  const image = service.image ?? builtImageName(project, name);
  const hosts = engineExtraHosts(service.extraHosts, { field: ['services', name, 'extraHosts'], who: `service "${name}"` }, problems, 'swarm');
  if (!hosts.ok) return undefined;
  const volumes = new Set<string>();
  const { networks, hostNetwork } = attachments(spec, project, name, service);
  const { endpoint, hostPorts } = endpointSpec(name, service, hostNetwork, problems);
  const secrets = mountedObjects('secrets', service, spec, project);
  const configs = mountedObjects('configs', service, spec, project);
  const deploy = service.deploy;
  const genericResources = deploy?.resources?.reservations?.genericResources ?? gpuReservation(name, service, problems);
  const container: Dockerode.ContainerSpec = {
    Image: image,
    Labels: { ...service.labels, [STACK_NAMESPACE]: project },
    Command: words(service.entrypoint),
    Args: words(service.command),
    Env: containerEnvironment(name, service, input, problems),
    Dir: service.workingDir,
    User: service.user,
    // the stack's label on the volumes a node creates for it, as docker stack deploy gives it: not on an external one (`berth down -v` removes what carries it)
    Mounts: containerMounts(name, service, input, volumes).map((m) => (m.Type === 'volume' && m.Source && volumes.has(m.Source) ? { ...m, VolumeOptions: { Labels: { [STACK_NAMESPACE]: project } } } : m)) as Dockerode.MountSettings[],
    StopGracePeriod: ns(service.stopGracePeriod),
    HealthCheck: healthConfig(service),
    Secrets: secrets.map((s) => ({ File: s.file, SecretName: s.name })),
    Configs: configs.map((c) => ({ File: c.file, ConfigName: c.name })),
    ...(hosts.hosts ? { Hosts: hosts.hosts } : {}),
    ...swarmContainerOptions(service, input.apiVersion),
  };
  const task: Dockerode.ContainerTaskSpec = {
    ContainerSpec: container,
    RestartPolicy: restartPolicy(service),
    Placement: { Constraints: deploy?.placement?.constraints, MaxReplicas: deploy?.placement?.maxReplicasPerNode },
    Resources: genericResources?.length
      ? { Reservations: { GenericResources: genericResources.map((g) => ({ DiscreteResourceSpec: { Kind: g.discreteResourceSpec.kind, Value: g.discreteResourceSpec.value } })) } as Dockerode.ResourceRequirements['Reservations'] }
      : undefined,
    Networks: networks,
  };
  const taskHash = createHash('sha256').update(stableJson(task)).digest('hex');
  container.Labels = { ...container.Labels, [BERTH_TASK_HASH]: taskHash };
  // undefined: global, one task on every node that fits
  const replicas = deployReplicas(deploy);
  const serviceSpec: Dockerode.ServiceSpec = {
    Name: `${project}_${name}`,
    Labels: { [STACK_NAMESPACE]: project, [STACK_IMAGE]: image, [BERTH_MANAGED]: 'true' },
    TaskTemplate: task,
    Mode: replicas === undefined ? { Global: {} } : { Replicated: { Replicas: replicas } },
    UpdateConfig: updateConfig(service),
    EndpointSpec: endpoint,
  };
  const hash = createHash('sha256').update(stableJson(serviceSpec)).digest('hex');
  serviceSpec.Labels = { ...serviceSpec.Labels, [BERTH_CONFIG_HASH]: hash };
  return {
    service: name,
    name: serviceSpec.Name!,
    image,
    spec: serviceSpec,
    hash,
    taskHash,
    secrets,
    configs,
    networks: hostNetwork ? [] : networks.map((n) => n.Target!),
    volumes: [...volumes],
    hostPorts,
    hasHealthcheck: hasHealthcheck(container),
  };
}

/**
 * The container options a swarm task takes (hostname, tty, stdin_open, init, read_only, and cap_add / cap_drop from
 * Engine API 1.41), only those the spec sets; swarmIgnores warns of the rest (privileged, shm_size, tmpfs).
 */
function swarmContainerOptions(service: Service, apiVersion: string | undefined): Partial<Dockerode.ContainerSpec> {
  const out: Partial<Dockerode.ContainerSpec> & { CapabilityAdd?: string[]; CapabilityDrop?: string[] } = {};
  if (service.hostname !== undefined) out.Hostname = service.hostname;
  if (service.tty !== undefined) out.TTY = service.tty;
  if (service.stdinOpen !== undefined) out.OpenStdin = service.stdinOpen;
  if (service.init !== undefined) out.Init = service.init;
  if (service.readOnly !== undefined) out.ReadOnly = service.readOnly;
  if (apiAtLeast(apiVersion, '1.41')) {
    if (service.capAdd?.length) out.CapabilityAdd = service.capAdd;
    if (service.capDrop?.length) out.CapabilityDrop = service.capDrop;
  }
  return out;
}
