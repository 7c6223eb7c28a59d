import type { BerthSpec } from '@berth/spec';
import type { ContainersResponse, ContainerView, ProfilesResponse, ProfileView } from '../contract.js';
import { errorLine, optionalExport } from './optional.js';
import { Poller } from './poller.js';

interface ContainerHandle {
  stop(opts?: { t?: number }): Promise<unknown>;
  remove(opts?: { force?: boolean; v?: boolean }): Promise<unknown>;
}
interface Engine {
  endpoint: string;
  api?: {
    listContainers(opts?: { all?: boolean; filters?: Record<string, string[]> }): Promise<{ Id: string; State: string; Labels: Record<string, string> }[]>;
    getContainer(id: string): ContainerHandle;
  };
}
interface ServiceStatus extends ContainerView {
  lastHealthOutput?: string;
}
type ConnectEngine = (options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }) => Promise<Engine>;
type ProjectStatus = (engine: Engine, spec: BerthSpec) => Promise<ServiceStatus[]>;
type ProjectName = (spec: BerthSpec) => string;
type Action = (engine: Engine, spec: BerthSpec, options: Record<string, unknown>) => Promise<unknown>;

const load = () => import('@berth/docker');

/** The services a profile enables (those that name it). */
export function profileServices(spec: BerthSpec, profile: string): string[] {
  return Object.entries(spec.services)
    .filter(([, s]) => s.profiles?.includes(profile))
    .map(([id]) => id);
}

/** Only the fields the API shows; a container's health output may print anything, so it stays out. */
function toView(s: ServiceStatus): ContainerView {
  const { service, container, state, health, exitCode, ports, image, startedAt, uptimeMs } = s;
  return { service, container, state, health, exitCode, ports: ports.map((p) => ({ host: p.host, container: p.container, protocol: p.protocol, hostIp: p.hostIp })), image, startedAt, uptimeMs };
}

export class EngineUnavailableError extends Error {}

/**
 * The Docker engine as the API sees it: containers of the spec's project polled in the
 * background (requests read the last answer), and the write actions up, down and restart.
 */
export class EngineSource {
  private engine: Engine | undefined;
  private last: ContainersResponse = { available: false, reason: 'the engine has not been asked yet' };
  private poller: Poller;

  constructor(
    private spec: BerthSpec,
    private options: { env?: NodeJS.ProcessEnv; intervalMs?: number; timeoutMs?: number; projectDir?: string } = {},
  ) {
    this.poller = new Poller(() => this.update(), options.intervalMs ?? 5000);
  }

  start(): void {
    this.poller.start();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  refresh(): Promise<void> {
    return this.poller.run();
  }

  /** The engine, connecting on first use; throws EngineUnavailableError with the reason. */
  async connect(): Promise<Engine> {
    if (this.engine) return this.engine;
    const connect = await optionalExport<ConnectEngine>(load, '@berth/docker', 'connectEngine');
    if (!connect.ok) throw new EngineUnavailableError(connect.reason);
    try {
      this.engine = await connect.value({ env: this.options.env, timeoutMs: this.options.timeoutMs ?? 2000 });
      return this.engine;
    } catch (err) {
      throw new EngineUnavailableError(errorLine(err));
    }
  }

  private async update(): Promise<void> {
    try {
      const engine = await this.connect();
      const status = await optionalExport<ProjectStatus>(load, '@berth/docker', 'projectStatus');
      const name = await optionalExport<ProjectName>(load, '@berth/docker', 'projectName');
      if (!status.ok) throw new EngineUnavailableError(status.reason);
      const containers = (await status.value(engine, this.spec)).map(toView);
      this.last = { available: true, endpoint: engine.endpoint, project: name.ok ? name.value(this.spec) : (this.spec.project ?? this.spec.repo.name), containers, checkedAt: new Date().toISOString() };
    } catch (err) {
      this.engine = undefined; // connect again next time: the engine may come back
      this.last = { available: false, reason: errorLine(err) };
    }
  }

  containers(): ContainersResponse {
    return this.last;
  }

  profiles(): ProfilesResponse {
    const last = this.last;
    const running = new Set(last.available ? last.containers.filter((c) => c.state === 'running').map((c) => c.service) : []);
    const profiles: ProfileView[] = Object.entries(this.spec.profiles).map(([name, p]) => {
      const services = profileServices(this.spec, name);
      const up = services.filter((s) => running.has(s)).length;
      const state = !last.available ? 'unknown' : services.length > 0 && up === services.length ? 'running' : up > 0 ? 'partial' : 'stopped';
      return { name, description: p.description, services, state };
    });
    return { profiles, engine: last.available ? { available: true } : { available: false, reason: last.reason } };
  }

  /** Runs up or restart through @berth/docker, then refreshes the containers. */
  async act(action: 'up' | 'restart', options: Record<string, unknown>): Promise<unknown> {
    const engine = await this.connect();
    const fn = await optionalExport<Action>(load, '@berth/docker', action);
    if (!fn.ok) throw new EngineUnavailableError(fn.reason);
    try {
      return await fn.value(engine, this.spec, { env: this.options.env, projectDir: this.options.projectDir, ...options });
    } finally {
      await this.refresh();
    }
  }

  /**
   * Stops and removes the containers of some services only (a profile), found by Compose's labels.
   * @berth/docker's down() takes the whole project down; a dashboard button for one profile must not.
   */
  async downServices(services: string[]): Promise<string[]> {
    const engine = await this.connect();
    if (!engine.api) throw new EngineUnavailableError('@berth/docker gives no engine API client in this build');
    const name = await optionalExport<ProjectName>(load, '@berth/docker', 'projectName');
    const project = name.ok ? name.value(this.spec) : (this.spec.project ?? this.spec.repo.name);
    const wanted = new Set(services);
    const list = await engine.api.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
    const mine = list.filter((c) => wanted.has(c.Labels['com.docker.compose.service'] ?? ''));
    try {
      await Promise.all(
        mine.map(async (c) => {
          const container = engine.api!.getContainer(c.Id);
          const grace = Math.ceil((this.spec.services[c.Labels['com.docker.compose.service']!]?.stopGracePeriod ?? 10_000) / 1000);
          if (c.State === 'running' || c.State === 'restarting' || c.State === 'paused') await container.stop({ t: grace }).catch(() => undefined);
          await container.remove({ force: true, v: false }).catch((err: { statusCode?: number }) => {
            if (err.statusCode !== 404) throw err;
          });
        }),
      );
    } finally {
      await this.refresh();
    }
    return mine.map((c) => c.Labels['com.docker.compose.service']!);
  }
}
