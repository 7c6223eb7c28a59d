import type { Problem, Service, ServiceDeploy } from '@berth/spec';

type GenericResources = NonNullable<NonNullable<NonNullable<ServiceDeploy['resources']>['reservations']>['genericResources']>;

/** The generic resource a GPU node advertises (`dockerd --node-generic-resource NVIDIA-GPU=<uuid>`), as NVIDIA documents it. */
export const GPU_RESOURCE = 'NVIDIA-GPU';

/** Whether an engine API version ("1.41") is at least `min` ("1.44"). */
export function apiAtLeast(version: string | undefined, min: string): boolean {
  if (!version) return true;
  const [a = 0, b = 0] = version.split('.').map(Number);
  const [c = 0, d = 0] = min.split('.').map(Number);
  return a > c || (a === c && b >= d);
}

/**
 * A GPU service on a swarm: without generic resources or placement constraints of its own, each task
 * reserves `NVIDIA-GPU` (count, else 1), so only nodes that advertise GPUs take it. Constraints alone
 * (such as node.labels.gpu==true) are the spec's choice and are left as they are.
 */
export function gpuReservation(name: string, service: Service, problems: Problem[]): GenericResources | undefined {
  const g = service.gpu;
  if (!g || service.deploy?.placement?.constraints?.length) return undefined;
  const count = typeof g.count === 'number' ? g.count : 1;
  if (g.count === 'all' || g.count === undefined || g.deviceIds) {
    problems.push({
      code: 'swarm-ignores',
      severity: 'warning',
      path: ['services', name, 'gpu'],
      message: `service "${name}": a swarm cannot give "every GPU" or chosen device ids; each task reserves ${count} ${GPU_RESOURCE}`,
      hint: 'set gpu.count, or deploy.resources.reservations.genericResources',
    });
  }
  return [{ discreteResourceSpec: { kind: GPU_RESOURCE, value: count } }];
}

/**
 * What the spec says of a service that a swarm deployment does not do, one warning each, so nothing is
 * dropped silently: building, `expose`, host addresses of ports, device requests beyond a count, a
 * network_mode other than host, `restart` beside `deploy.restartPolicy`, bind mounts (a path on
 * whichever node runs the task), a dependency on completion, privileged, shmSize, tmpfs, and health-check fields
 * and capabilities newer than the engine.
 */
export function swarmIgnores(name: string, service: Service, apiVersion: string | undefined): Problem[] {
  const out: Problem[] = [];
  const warn = (path: (string | number)[], message: string, hint?: string) =>
    out.push({ code: 'swarm-ignores', severity: 'warning', path: ['services', name, ...path], message: `service "${name}": ${message}`, ...(hint ? { hint } : {}) });
  if (service.build) warn(['build'], 'a swarm does not build images; every node that runs it must be able to pull its image', 'build and push the image, then name it in `image:`');
  if (service.expose?.length) warn(['expose'], 'expose does nothing on a swarm: services on one overlay network reach every port of each other');
  service.ports?.forEach((p, i) => {
    if (p.hostIp) warn(['ports', i], `host address ${p.hostIp} is ignored: a swarm publishes a port on every address of the node`);
  });
  const g = service.gpu;
  if (g && (g.driver || g.options || g.capabilities.some((c) => c !== 'gpu'))) warn(['gpu'], 'a swarm has no device requests: the GPU driver, options and capabilities are ignored (tasks reserve generic resources)');
  if (service.networkMode && service.networkMode !== 'host') warn(['networkMode'], `network_mode ${service.networkMode} is ignored: swarm services join the stack's networks (or host)`);
  if (service.restart && service.deploy?.restartPolicy) warn(['restart'], 'restart is replaced by deploy.restartPolicy on a swarm');
  service.volumes?.forEach((v, i) => {
    const bind = typeof v === 'string' ? /^[./~]/.test(v.split(':')[0] ?? '') && v.includes(':') : v.type === 'bind';
    if (bind) warn(['volumes', i], 'a bind mount names a path on whichever node runs the task; it must exist on each of them');
  });
  for (const [dep, d] of Object.entries(service.dependsOn ?? {})) {
    if (d.condition === 'service_completed_successfully') warn(['dependsOn', dep], `"${dep}" completing is not a state of a swarm service; berth waits for its tasks to run`);
  }
  if (service.privileged) warn(['privileged'], 'privileged is ignored: a swarm service cannot be privileged');
  if (service.shmSize !== undefined) warn(['shmSize'], 'shmSize is ignored: a swarm service cannot size /dev/shm', 'mount a tmpfs volume at /dev/shm instead');
  if (service.tmpfs !== undefined) warn(['tmpfs'], 'tmpfs is ignored on a swarm', 'use a volume of type tmpfs instead');
  if ((service.capAdd?.length || service.capDrop?.length) && !apiAtLeast(apiVersion, '1.41')) {
    warn([service.capAdd?.length ? 'capAdd' : 'capDrop'], `capAdd and capDrop need Engine API 1.41 (Docker 20.10) on a swarm; this engine speaks ${apiVersion} and ignores them`);
  }
  if (service.healthcheck?.startInterval !== undefined && !apiAtLeast(apiVersion, '1.44')) {
    warn(['healthcheck', 'startInterval'], `healthcheck.startInterval needs Engine API 1.44 (Docker 25); this engine speaks ${apiVersion} and ignores it`);
  }
  return out;
}
