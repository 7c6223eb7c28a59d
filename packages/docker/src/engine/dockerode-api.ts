import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { BerthError } from '@berth/spec';
import type { ContainerHandle, EngineApi, EngineCallOptions, ExecOptions, ExecResult, NetworkHandle } from './engine-api.js';
import { abortError, EngineStalledError, engineMessage } from './engine-errors.js';
import { outputCollector } from './frames.js';
import type { EngineTimeouts } from './transport.js';

/**
 * The Engine API through dockerode, for the one transport berth's own client does not speak: ssh
 * (`docker system dial-stdio` through ssh2, authenticated by the agent at SSH_AUTH_SOCK). dockerode
 * loads in most of a second and cannot cancel a call, so each call is raced against its bound and the
 * signal: berth stops waiting at once, the engine may finish the call on its own. It does not build
 * images (no `build`): berth says so before building anything over ssh.
 */
export class DockerodeEngineApi implements EngineApi {
  constructor(
    private readonly docker: Dockerode,
    readonly endpoint: string,
    private readonly timeouts: EngineTimeouts,
    private readonly signal?: AbortSignal,
  ) {}

  withSignal(signal: AbortSignal | undefined): DockerodeEngineApi {
    if (!signal) return this;
    return new DockerodeEngineApi(this.docker, this.endpoint, this.timeouts, this.signal ? AbortSignal.any([this.signal, signal]) : signal);
  }

  private bounded<T>(what: string, call: () => Promise<T>, timeoutMs = this.timeouts.callMs): Promise<T> {
    const { signal } = this;
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const timer = setTimeout(() => (done(), reject(new EngineStalledError(this.endpoint, `no answer to ${what} within ${timeoutMs / 1000} s`))), timeoutMs);
      timer.unref();
      const onAbort = () => (done(), reject(abortError(signal?.reason)));
      signal?.addEventListener('abort', onAbort, { once: true });
      call().then(
        (v) => (done(), resolve(v)),
        (err: unknown) => (done(), reject(err)),
      );
    });
  }

  ping() {
    return this.bounded('ping', () => this.docker.ping());
  }
  info() {
    return this.bounded('info', () => this.docker.info() as Promise<Record<string, unknown>>);
  }
  version() {
    return this.bounded('version', () => this.docker.version());
  }
  listContainers(opts: { all?: boolean; filters?: Record<string, string[]> } = {}) {
    return this.bounded('container list', () => this.docker.listContainers(opts));
  }
  async createContainer(opts: Dockerode.ContainerCreateOptions) {
    const c = await this.bounded('container create', () => this.docker.createContainer(opts));
    return { id: c.id };
  }
  getContainer(id: string): ContainerHandle {
    const c = this.docker.getContainer(id);
    const grace = (t: number | undefined) => (t ?? 10) * 1000 + this.timeouts.callMs;
    const logs = (o: { follow?: boolean; stdout?: boolean; stderr?: boolean; tail?: number }) =>
      o.follow
        ? this.bounded('logs', () => c.logs({ ...o, follow: true }) as Promise<NodeJS.ReadableStream>)
        : this.bounded('logs', () => c.logs({ ...o, follow: false }) as Promise<Buffer>);
    return {
      id,
      inspect: () => this.bounded(`inspect ${id}`, () => c.inspect()),
      start: () => this.bounded(`start ${id}`, () => c.start()),
      stop: (o = {}) => this.bounded(`stop ${id}`, () => c.stop(o), grace(o.t)),
      restart: (o = {}) => this.bounded(`restart ${id}`, () => c.restart(o), grace(o.t)),
      remove: (o = {}) => this.bounded(`remove ${id}`, () => c.remove(o)),
      logs: logs as ContainerHandle['logs'],
    };
  }
  listNetworks(opts: { filters?: Record<string, string[]> } = {}) {
    return this.bounded('network list', () => this.docker.listNetworks(opts));
  }
  async createNetwork(opts: Dockerode.NetworkCreateOptions) {
    const n = await this.bounded('network create', () => this.docker.createNetwork(opts));
    return { id: n.id };
  }
  getNetwork(id: string): NetworkHandle {
    const n = this.docker.getNetwork(id);
    return {
      inspect: () => this.bounded(`network ${id}`, () => n.inspect() as Promise<Dockerode.NetworkInspectInfo>),
      remove: () => this.bounded(`network remove ${id}`, () => n.remove()),
      connect: (body) => this.bounded(`network connect ${id}`, () => n.connect(body)),
      disconnect: (body) => this.bounded(`network disconnect ${id}`, () => n.disconnect(body)),
    };
  }
  listVolumes(opts: { filters?: Record<string, string[]> } = {}) {
    return this.bounded('volume list', () => this.docker.listVolumes(opts) as Promise<{ Volumes: { Name: string }[] | null }>);
  }
  createVolume(opts: { Name: string; Labels?: Record<string, string> }) {
    return this.bounded('volume create', () => this.docker.createVolume(opts));
  }
  getVolume(name: string) {
    const v = this.docker.getVolume(name);
    return { inspect: () => this.bounded(`volume ${name}`, () => v.inspect()), remove: () => this.bounded(`volume remove ${name}`, () => v.remove()) };
  }
  getImage(name: string) {
    const i = this.docker.getImage(name);
    return {
      inspect: () => this.bounded(`image ${name}`, () => i.inspect()),
      remove: (o: { force?: boolean; noprune?: boolean } = {}) => this.bounded(`image remove ${name}`, () => i.remove(o)),
    };
  }
  listImages(opts: { all?: boolean; filters?: Record<string, string[]> } = {}) {
    return this.bounded('image list', () => this.docker.listImages(opts));
  }
  call(method: 'GET' | 'POST' | 'DELETE', path: string, options: EngineCallOptions = {}) {
    const modem = this.docker.modem as unknown as { dial(o: object, cb: (err: unknown, data: unknown) => void): void };
    const query = Object.fromEntries(Object.entries(options.query ?? {}).filter(([, v]) => v !== undefined));
    const statusCodes = { 200: true, 201: true, 204: true, 304: true, 400: 'bad parameter', 403: 'forbidden', 404: 'no such object', 406: 'node is not part of a swarm manager', 409: 'conflict', 500: 'server error', 503: 'node is not part of a swarm' };
    return this.bounded(
      `${method} ${path}`,
      () =>
        new Promise<unknown>((resolve, reject) =>
          modem.dial(
            { path: `${path}?`, method, options: { _query: query, ...(options.body !== undefined ? { _body: options.body } : {}) }, statusCodes, isStream: !!(options.stream || options.raw) },
            (err, data) => {
              if (err) return reject(err);
              if (!options.raw) return resolve(data);
              const chunks: Buffer[] = [];
              const stream = data as NodeJS.ReadableStream;
              stream.on('data', (c: Buffer) => chunks.push(c));
              stream.on('end', () => resolve(Buffer.concat(chunks)));
              stream.on('error', reject);
            },
          ),
        ),
      options.timeoutMs,
    );
  }
  events(filters: Record<string, string[]>) {
    return this.bounded('events', () => this.docker.getEvents({ filters }) as Promise<Readable>);
  }

  async pull(image: string): Promise<void> {
    const fail = (why: string) => new BerthError('ERR_BERTH_PULL', `pull of ${image} failed: ${why}`);
    const stream = await this.bounded('pull', () => this.docker.pull(image)).catch((err: unknown) => {
      throw err instanceof BerthError || (err as Error).name === 'AbortError' ? err : fail(engineMessage(err));
    });
    await this.bounded(
      'pull',
      () =>
        new Promise<void>((resolve, reject) => {
          let failure: string | undefined;
          this.docker.modem.followProgress(
            stream,
            (err: Error | null) => (err || failure ? reject(fail(failure ?? engineMessage(err))) : resolve()),
            (event: { error?: string; errorDetail?: { message?: string } }) => {
              if (event.error || event.errorDetail) failure ??= event.errorDetail?.message ?? event.error;
            },
          );
        }),
      24 * 3600_000,
    );
  }

  async exec(containerId: string, cmd: string[], options: ExecOptions): Promise<ExecResult> {
    const exec = await this.bounded('exec', () => this.docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false }));
    const stream = await this.bounded('exec start', () => exec.start({ hijack: true, stdin: false }));
    const output = outputCollector(options.maxOutputBytes ?? 64 * 1024);
    const signal = options.signal && this.signal ? AbortSignal.any([options.signal, this.signal]) : (options.signal ?? this.signal);
    const ended = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), options.timeoutMs);
      signal?.addEventListener('abort', () => resolve(false), { once: true });
      stream.on('data', (chunk: Buffer) => output.push(chunk));
      for (const e of ['end', 'close', 'error']) stream.on(e, () => (clearTimeout(timer), resolve(true)));
    });
    const text = options.output ? output.text() : {};
    if (!ended) {
      (stream as { destroy?: () => void }).destroy?.();
      return { timedOut: true, ...text };
    }
    for (let i = 0; i < 100; i++) {
      const state = await this.bounded('exec inspect', () => exec.inspect());
      if (!state.Running && typeof state.ExitCode === 'number') return { exitCode: state.ExitCode, ...text };
      await new Promise((r) => setTimeout(r, 50));
    }
    return text;
  }
}
