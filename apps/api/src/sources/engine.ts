import type { BerthSpec } from '@berth/spec';
import type { PlacedStatus, SpecEngines } from '@berth/docker';
import type { ContainersResponse, ContainerView, ProfilesResponse } from '../contract.js';
import { profilesView } from '../views.js';
import { errorLine } from './error-line.js';
import { PolledSource } from './poller.js';

/** The engine commands, loaded on first use (the API starts without loading the Docker client). */
const docker = () => import('@berth/docker/runtime');

/** Only the fields the API shows; a container's health output may print anything, so it stays out. */
function toView(s: PlacedStatus): ContainerView {
  const { service, engine, container, state, health, exitCode, ports, image, startedAt, uptimeMs } = s;
  return { service, engine, container, state, health, exitCode, ports: ports.map((p) => ({ host: p.host, container: p.container, protocol: p.protocol, hostIp: p.hostIp })), image, startedAt, uptimeMs };
}

export class EngineUnavailableError extends Error {}

/**
 * The Docker engines of the spec as the API sees them (the default one, and each declared engine a
 * service runs on): containers of the spec's project polled in the background on all of them at once
 * (requests read the last answer, each container naming its engine), and the write actions up, down
 * and restart, across them.
 */
export class EngineSource {
  private engines: SpecEngines | undefined;
  private source: PolledSource<ContainersResponse>;

  constructor(
    private spec: BerthSpec,
    private options: { env?: NodeJS.ProcessEnv; intervalMs?: number; timeoutMs?: number; projectDir?: string } = {},
  ) {
    this.source = new PolledSource<ContainersResponse>({
      initial: { available: false, reason: 'the engine has not been asked yet' },
      read: () => this.read(),
      failed: (err) => {
        this.engines?.close();
        this.engines = undefined; // connect again next time: the engine may come back
        return { available: false, reason: errorLine(err) };
      },
      intervalMs: options.intervalMs ?? 5000,
    });
  }

  /** Starts polling the containers; the promise settles once the engines have answered once (or failed to). */
  start(): Promise<void> {
    return this.source.start();
  }

  stop(): Promise<void> {
    return this.source.stop();
  }

  refresh(): Promise<void> {
    return this.source.refresh();
  }

  /** The spec's engines, connecting on first use; throws EngineUnavailableError with the reason (naming the engine). */
  async connect(): Promise<SpecEngines> {
    if (this.engines) return this.engines;
    const ops = await docker();
    try {
      this.engines = await ops.connectSpecEngines(this.spec, ops.enginesOfSpec(this.spec), { env: this.options.env, timeoutMs: this.options.timeoutMs ?? 2000 });
      return this.engines;
    } catch (err) {
      // where berth looked and what each place answered, as `berth doctor` says it (not only "looked in 1 place")
      throw new EngineUnavailableError(ops.engineErrorText(err));
    }
  }

  private async read(): Promise<ContainersResponse> {
    const engines = await this.connect();
    const { statusAcrossEngines, projectName } = await docker();
    const containers = (await statusAcrossEngines(engines, this.spec, { env: this.options.env })).map(toView);
    return {
      available: true,
      endpoint: engines.engines[0]!.engine.endpoint,
      engines: engines.engines.map((e) => ({ name: e.name, endpoint: e.engine.endpoint })),
      project: projectName(this.spec, this.options.env),
      containers,
      checkedAt: new Date().toISOString(),
    };
  }

  containers(): ContainersResponse {
    return this.source.last;
  }

  profiles(): ProfilesResponse {
    const last = this.source.last;
    if (!last.available) return profilesView(this.spec, undefined, { available: false, reason: last.reason });
    return profilesView(this.spec, new Set(last.containers.filter((c) => c.state === 'running').map((c) => c.service)), { available: true });
  }

  /** Runs one of @berth/docker's operations across the spec's engines, then refreshes the containers. */
  private async operate<T>(work: (ops: Awaited<ReturnType<typeof docker>>, engines: SpecEngines, common: { env?: NodeJS.ProcessEnv }) => Promise<T>): Promise<T> {
    const engine = await this.connect();
    const ops = await docker();
    try {
      return await work(ops, engine, { env: this.options.env });
    } finally {
      await this.refresh();
    }
  }

  /** `berth up --profile NAME` (waiting for health when asked). */
  upProfile(profile: string, wait: boolean): Promise<unknown> {
    return this.operate((ops, engines, common) => ops.upAcrossEngines(engines, this.spec, { ...common, projectDir: this.options.projectDir, profiles: [profile], wait }));
  }

  /** `berth restart SERVICE`. */
  restart(service: string): Promise<unknown> {
    return this.operate((ops, engines, common) => ops.restartAcrossEngines(engines, this.spec, { ...common, services: [service] }));
  }

  /**
   * Stops and removes the containers of some services only (a profile's), through @berth/docker's down:
   * without `services` it takes the whole project down, which a dashboard button for one profile must not.
   */
  async downServices(services: string[]): Promise<string[]> {
    const result = await this.operate((ops, engines, common) => ops.downAcrossEngines(engines, this.spec, { ...common, services }));
    return result.removedContainers.map((c) => c.service);
  }
}
