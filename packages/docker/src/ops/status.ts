import { isWildcardIp, type BerthSpec } from '@berth/spec';
import type Dockerode from 'dockerode';
import type { Engine } from '../engine/connect.js';
import { isContainerGone } from '../engine/engine-errors.js';
import { currentHealth, type InspectState } from '../engine/health-state.js';
import { observeProject } from '../engine/observe.js';
import { resolveProfiles } from '../profiles.js';
import { projectName } from '../project-name.js';
import type { ServiceStatus } from '../container-status.js';

export type { ServiceStatus };

function portsOf(info: Dockerode.ContainerInfo): ServiceStatus['ports'] {
  const seen = new Set<string>();
  const out: ServiceStatus['ports'] = [];
  for (const p of info.Ports ?? []) {
    if (!p.PublicPort) continue;
    const key = `${p.PublicPort}/${p.Type}`;
    if (seen.has(key)) continue; // IPv4 and IPv6 bindings of one port
    seen.add(key);
    out.push({ host: p.PublicPort, container: p.PrivatePort, protocol: p.Type, ...(p.IP && !isWildcardIp(p.IP) ? { hostIp: p.IP } : {}) });
  }
  return out.sort((a, b) => a.host - b.host);
}

/**
 * The project's services as the engine sees them: every container of the project (any profile),
 * plus the services enabled by default that have no container (state "missing").
 */
export async function projectStatus(
  engine: Engine,
  spec: BerthSpec,
  options: { env?: NodeJS.ProcessEnv; now?: number; signal?: AbortSignal; /** The services this engine runs (see serviceEngine); default all. */ placed?: string[] } = {},
): Promise<ServiceStatus[]> {
  const env = options.env ?? process.env;
  const project = projectName(spec, env);
  const docker = engine.api.withSignal(options.signal);
  const observed = await observeProject(docker, project);
  const now = options.now ?? Date.now();
  const statuses = await Promise.all(
    observed.map(async (o): Promise<ServiceStatus> => {
      const base: ServiceStatus = { service: o.service, container: o.name, state: o.state as ServiceStatus['state'], ports: portsOf(o.info), image: o.info.Image };
      // A container removed since the list is shown as listed.
      const inspect: InspectState | undefined = await docker
        .getContainer(o.id)
        .inspect()
        .catch((err: unknown) => {
          if (!isContainerGone(err)) throw err;
          return undefined;
        });
      if (!inspect) return base;
      const { health, lastOutput } = currentHealth(inspect);
      const startedAt = inspect.State.StartedAt && !inspect.State.StartedAt.startsWith('0001') ? inspect.State.StartedAt : undefined;
      return {
        ...base,
        health,
        ...(o.state === 'exited' || o.state === 'dead' ? { exitCode: inspect.State.ExitCode ?? 0 } : {}),
        ...(startedAt ? { startedAt } : {}),
        ...(startedAt && o.state === 'running' ? { uptimeMs: Math.max(0, now - Date.parse(startedAt)) } : {}),
        ...(lastOutput ? { lastHealthOutput: lastOutput } : {}),
      };
    }),
  );
  statuses.push(...missingServices(spec, new Set(statuses.map((s) => s.service)), { env, ...(options.placed ? { placed: options.placed } : {}) }));
  const order = Object.keys(spec.services);
  const rank = (s: string) => (order.indexOf(s) === -1 ? order.length : order.indexOf(s));
  return statuses.sort((a, b) => rank(a.service) - rank(b.service) || a.service.localeCompare(b.service));
}

/**
 * The services the selection expects (@berth/spec's profile rule, from the environment's COMPOSE_PROFILES) that
 * the engine shows nothing for, as "missing": only those placed on this engine when `placed` is given.
 */
export function missingServices(spec: BerthSpec, present: Set<string>, options: { env: NodeJS.ProcessEnv; placed?: string[] }): ServiceStatus[] {
  const expected = resolveProfiles(spec, { env: options.env }).services.filter((s) => !options.placed || options.placed.includes(s));
  return expected.filter((s) => !present.has(s)).map((s) => ({ service: s, state: 'missing', ports: [], ...(spec.services[s]?.image ? { image: spec.services[s]!.image } : {}) }));
}
