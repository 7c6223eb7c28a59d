import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';

export interface LogOptions {
  stdout?: boolean;
  stderr?: boolean;
  tail?: number;
  /** Only lines logged from then on: a UNIX time in seconds, with up to nine decimals (`1767225600.123456789`). */
  since?: string;
  /** Each line starts with the time the engine logged it (RFC 3339, nanoseconds) and a space. */
  timestamps?: boolean;
}

/** One container, by id or name. */
export interface ContainerHandle {
  id: string;
  inspect(): Promise<Dockerode.ContainerInspectInfo>;
  start(): Promise<unknown>;
  /** Waits up to `t` seconds for the process to stop (the call's bound grows by as much). */
  stop(opts?: { t?: number }): Promise<unknown>;
  restart(opts?: { t?: number }): Promise<unknown>;
  remove(opts?: { force?: boolean; v?: boolean }): Promise<unknown>;
  /** The log so far (multiplexed frames, see FrameSplitter). */
  logs(opts: LogOptions & { follow?: false }): Promise<Buffer>;
  /** The log as a stream that lasts until the container stops or the stream is destroyed. */
  logs(opts: LogOptions & { follow: true }): Promise<Readable>;
}

export interface NetworkHandle {
  inspect(): Promise<Dockerode.NetworkInspectInfo>;
  remove(): Promise<unknown>;
  connect(opts: { Container: string; EndpointConfig?: { Aliases?: string[] } }): Promise<unknown>;
  disconnect(opts: { Container: string; Force?: boolean }): Promise<unknown>;
}

/** How an exec ended: its exit code, or `timedOut` when it outlived the timeout (the process may still run). */
export interface ExecResult {
  exitCode?: number;
  timedOut?: boolean;
  /** With `output`: what the process wrote, each stream capped at `maxOutputBytes`. */
  stdout?: string;
  stderr?: string;
}

/** A call of any other endpoint through `EngineApi.call`. */
export interface EngineCallOptions {
  query?: Record<string, unknown>;
  body?: unknown;
  /** Resolve with the response stream once the headers are in (followed service logs). */
  stream?: boolean;
  /** Resolve with the body as a Buffer (service logs so far). */
  raw?: boolean;
  /** Overrides the call bound. */
  timeoutMs?: number;
}

export interface ExecOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Keep what the process writes (default: drained and dropped). */
  output?: boolean;
  maxOutputBytes?: number;
  /** Run as this user (`user`, `user:group`, or a uid), in this folder, with these `NAME=value` added: what `docker exec -u -w -e` set. */
  user?: string;
  workingDir?: string;
  env?: string[];
}

/**
 * The part of the Engine API berth drives, and the one client every package uses to reach an engine
 * (`Engine.api`): up/down/status, the container and exec health checks, `berth gpu`. Every call is
 * bounded (an unanswered call fails with "the engine at ... stopped answering", exit 3) and cancellable
 * through `withSignal`.
 */
export interface EngineApi {
  readonly endpoint: string;
  /** The same client, every call of which also ends at once when `signal` aborts (Ctrl-C, a command's deadline). */
  withSignal(signal: AbortSignal | undefined): EngineApi;
  ping(): Promise<unknown>;
  info(): Promise<Record<string, unknown>>;
  version(): Promise<{ ApiVersion?: string; Version?: string }>;
  listContainers(opts?: { all?: boolean; filters?: Record<string, string[]> }): Promise<Dockerode.ContainerInfo[]>;
  createContainer(opts: Dockerode.ContainerCreateOptions): Promise<{ id: string }>;
  getContainer(idOrName: string): ContainerHandle;
  listNetworks(opts?: { filters?: Record<string, string[]> }): Promise<Dockerode.NetworkInspectInfo[]>;
  createNetwork(opts: Dockerode.NetworkCreateOptions): Promise<{ id: string }>;
  getNetwork(id: string): NetworkHandle;
  listVolumes(opts?: { filters?: Record<string, string[]> }): Promise<{ Volumes: { Name: string }[] | null }>;
  createVolume(opts: { Name: string; Labels?: Record<string, string> }): Promise<unknown>;
  getVolume(name: string): { inspect(): Promise<unknown>; remove(): Promise<unknown> };
  getImage(name: string): { inspect(): Promise<Dockerode.ImageInspectInfo>; remove(opts?: { force?: boolean; noprune?: boolean }): Promise<unknown> };
  listImages(opts?: { all?: boolean; filters?: Record<string, string[]> }): Promise<Dockerode.ImageInfo[]>;
  /** Pulls an image and waits for the end of its progress stream; a stream that carries an error is a failure. */
  pull(image: string): Promise<void>;
  /** The engine's event stream (newline-delimited JSON); optional, callers fall back to polling. */
  events?(filters: Record<string, string[]>): Promise<Readable>;
  /**
   * Any other endpoint (the swarm's services, tasks, nodes, secrets, configs), bounded and cancellable
   * like every call here: the JSON answer, or the body (`raw`) or the stream (`stream`). An error answer
   * rejects with the engine's status code and message.
   */
  call(method: 'GET' | 'POST' | 'DELETE', path: string, options?: EngineCallOptions): Promise<unknown>;
  /** Runs a command in a running container and waits for it; optional, callers do without. */
  exec?(containerId: string, cmd: string[], options: ExecOptions): Promise<ExecResult>;
  /** `GET /_ping`'s headers (names lower-cased): which builder the engine defaults to, its OS. */
  pingHeaders(): Promise<Record<string, string>>;
  /**
   * `POST /build`: streams `context` (a tar) as the body and resolves with the engine's progress stream
   * once it answers. Aborting `signal` ends the request, which ends the build on the engine too.
   */
  build(context: Readable, query: URLSearchParams, options?: { signal?: AbortSignal }): Promise<Readable>;
}
