import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { EngineApi } from '../engine/engine-api.js';

/** A service as berth reads it (GET /services?status=true). */
export interface SwarmService {
  ID: string;
  Version?: { Index?: number };
  Spec?: Dockerode.ServiceSpec;
  Endpoint?: { Ports?: Dockerode.PortConfig[]; VirtualIPs?: { NetworkID?: string; Addr?: string }[] };
  UpdateStatus?: { State?: string; Message?: string };
  ServiceStatus?: { RunningTasks?: number; DesiredTasks?: number };
}

/** A task as berth reads it (GET /tasks). */
export interface SwarmTask {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState: string;
  Status: { State: string; Err?: string; Message?: string; Timestamp?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
  Spec?: { ContainerSpec?: Pick<Dockerode.ContainerSpec, 'Labels' | 'Image' | 'Env' | 'Args' | 'Command'> };
  CreatedAt?: string;
}

/** A node as berth reads it (GET /nodes). */
export interface SwarmNode {
  ID: string;
  Description?: { Hostname?: string; Resources?: { GenericResources?: { DiscreteResourceSpec?: { Kind: string; Value: number }; NamedResourceSpec?: { Kind: string; Value: string } }[] } };
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string };
}

/** A secret or config as listed (their data is never returned by the engine). */
export interface SwarmObject {
  ID: string;
  Version?: { Index?: number };
  Spec?: { Name?: string; Labels?: Record<string, string> };
}

export type SwarmObjectKind = 'secrets' | 'configs';

/**
 * The swarm endpoints of the Engine API, typed, through the one bounded and cancellable client
 * (`EngineApi.call`): services, tasks, nodes, secrets, configs. Networks go through `EngineApi`'s own.
 */
export class SwarmApi {
  constructor(readonly api: EngineApi) {}

  /** GET /swarm: answers only on a manager (503 when the engine is in no swarm, 406 on a worker). */
  inspect(): Promise<{ ID: string }> {
    return this.api.call('GET', '/swarm') as Promise<{ ID: string }>;
  }
  nodes(): Promise<SwarmNode[]> {
    return this.api.call('GET', '/nodes') as Promise<SwarmNode[]>;
  }
  /** Services with `status` (RunningTasks, DesiredTasks; API 1.41+). */
  services(filters: Record<string, string[]>): Promise<SwarmService[]> {
    return this.api.call('GET', '/services', { query: { filters, status: true } }) as Promise<SwarmService[]>;
  }
  async createService(spec: Dockerode.ServiceSpec): Promise<{ id: string; warnings: string[] }> {
    const r = (await this.api.call('POST', '/services/create', { body: spec })) as { ID: string; Warning?: string; Warnings?: string[] | null };
    return { id: r.ID, warnings: [...(r.Warnings ?? []), ...(r.Warning ? [r.Warning] : [])] };
  }
  /** POST /services/{id}/update at the version the service had when read: a write in between is refused, not lost. */
  async updateService(id: string, version: number, spec: Dockerode.ServiceSpec): Promise<{ warnings: string[] }> {
    const r = (await this.api.call('POST', `/services/${encodeURIComponent(id)}/update`, { query: { version }, body: spec })) as { Warnings?: string[] | null };
    return { warnings: r?.Warnings ?? [] };
  }
  removeService(id: string): Promise<unknown> {
    return this.api.call('DELETE', `/services/${encodeURIComponent(id)}`);
  }
  tasks(filters: Record<string, string[]>): Promise<SwarmTask[]> {
    return this.api.call('GET', '/tasks', { query: { filters } }) as Promise<SwarmTask[]>;
  }
  /** A service's log (multiplexed frames): so far (a Buffer), or followed (a stream that lasts until destroyed). */
  serviceLogs(id: string, options: { follow: true; tail?: number }): Promise<Readable>;
  serviceLogs(id: string, options: { follow?: false; tail?: number }): Promise<Buffer>;
  serviceLogs(id: string, options: { follow?: boolean; tail?: number }): Promise<Readable | Buffer> {
    const query = { stdout: 1, stderr: 1, follow: options.follow ? 1 : 0, ...(options.tail !== undefined ? { tail: options.tail } : {}) };
    return this.api.call('GET', `/services/${encodeURIComponent(id)}/logs`, { query, ...(options.follow ? { stream: true } : { raw: true }) }) as Promise<Readable | Buffer>;
  }
  list(kind: SwarmObjectKind, filters: Record<string, string[]>): Promise<SwarmObject[]> {
    return this.api.call('GET', `/${kind}`, { query: { filters } }) as Promise<SwarmObject[]>;
  }
  /** Creates a secret or config; `data` is sent base64-encoded and never kept by berth. */
  async create(kind: SwarmObjectKind, name: string, labels: Record<string, string>, data: Buffer): Promise<string> {
    const r = (await this.api.call('POST', `/${kind}/create`, { body: { Name: name, Labels: labels, Data: data.toString('base64') } })) as { ID: string };
    return r.ID;
  }
  remove(kind: SwarmObjectKind, id: string): Promise<unknown> {
    return this.api.call('DELETE', `/${kind}/${encodeURIComponent(id)}`);
  }
}
