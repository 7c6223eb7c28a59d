import { completedOneShot, type EngineApi } from '@berth/docker/runtime';
import type { ContainerCheck } from '@berth/spec';
import { peerLine } from '@berth/spec';
import { resolveEngine, withEngineCalls } from './engine.js';
import type { AttemptContext, Verdict } from './types.js';

/** Finds the container of a Compose service: by berth's project label when known, else by service label alone. */
export async function findServiceContainer(api: EngineApi, service: string, project?: string) {
  const labels = [`com.docker.compose.service=${service}`, ...(project ? [`com.docker.compose.project=${project}`] : [])];
  const found = await api.listContainers({ all: true, filters: { label: labels } });
  return found.sort((a, b) => Number(b.State === 'running') - Number(a.State === 'running'))[0];
}

/** The Docker health status and exit state of a service's container. */
export async function runContainerCheck(ctx: AttemptContext): Promise<Verdict> {
  const check = ctx.target.check as ContainerCheck;
  const service = check.service ?? ctx.target.subject.id;
  const got = await resolveEngine(ctx);
  if ('unavailable' in got) return { status: 'unknown', reason: got.unavailable };
  const api = got.engine.api.withSignal(ctx.signal);
  return withEngineCalls(ctx, async () => {
    const summary = await findServiceContainer(api, service, ctx.target.context?.project);
    if (!summary) return { status: 'critical', reason: `no container for ${service}; it has not been started (berth up)` };
    const info = await api.getContainer(summary.Id).inspect();
    const name = (info.Name || summary.Names?.[0] || summary.Id.slice(0, 12)).replace(/^\//, '');
    const state = info.State?.Status ?? summary.State ?? 'unknown';
    const health = info.State?.Health?.Status;
    const details = { container: name, state, ...(health ? { health } : {}) };
    // a one-shot service (a migration) that exited 0 did its work, as `berth up` counts it
    if (info.State && completedOneShot({ State: { ...info.State, Status: state }, HostConfig: info.HostConfig })) {
      return { status: 'passing', reason: `${name} completed (exited with code 0; a one-shot service)`, details };
    }
    if (state === 'exited' || state === 'dead') {
      return { status: 'critical', reason: `${name} ${state} with code ${info.State?.ExitCode ?? '?'}`, details };
    }
    if (state === 'restarting') return { status: 'critical', reason: `${name} is restarting (last exit code ${info.State?.ExitCode ?? '?'})`, details };
    if (state !== 'running') return { status: 'critical', reason: `${name} is ${state}, not running`, details };
    if (health === 'unhealthy') {
      const last = peerLine(info.State?.Health?.Log?.at(-1)?.Output ?? '', 120, 'last');
      return { status: 'critical', reason: `${name} is unhealthy${last ? `: ${last}` : ''}`, details };
    }
    if (health === 'starting') return { status: 'starting', reason: `${name} is running; its healthcheck is still starting`, details };
    return { status: 'passing', reason: health === 'healthy' ? `${name} is running and healthy` : `${name} is running (no healthcheck)`, details };
  });
}
