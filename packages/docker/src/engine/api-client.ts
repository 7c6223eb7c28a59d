import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { BerthError } from '@berth/spec';
import type { ContainerHandle, EngineApi, EngineCallOptions, ExecOptions, ExecResult, LogOptions, NetworkHandle } from './engine-api.js';
import { abortError, engineMessage } from './engine-errors.js';
import { outputCollector } from './frames.js';
import type { EngineTransport, RequestOptions } from './transport.js';

/** What an attached exec keeps of each stream by default when asked for its output. */
const EXEC_OUTPUT_BYTES = 64 * 1024;
/** After an exec's stream ends, how long the engine may take to record its exit code. */
const EXEC_EXIT_RECORD_MS = 5_000;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `repo[:tag]` or `repo@digest` as the pull endpoint's fromImage/tag (without a tag the engine would pull every tag). */
function pullReference(image: string): { fromImage: string; tag?: string } {
  if (image.includes('@')) return { fromImage: image };
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > slash) return { fromImage: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { fromImage: image, tag: 'latest' };
}

/**
 * berth's own Engine API client, over a unix socket, plain TCP, TLS or ssh: it loads in milliseconds where
 * dockerode (grpc, protobufjs, ssh2) takes most of a second, the whole budget of `berth status`.
 * Every call goes through the transport's bounds and watchdog, and carries this view's signal.
 */
export class HttpEngineApi implements EngineApi {
  constructor(
    private readonly transport: EngineTransport,
    private readonly signal?: AbortSignal,
  ) {}

  get endpoint(): string {
    return this.transport.endpoint;
  }

  withSignal(signal: AbortSignal | undefined): HttpEngineApi {
    if (!signal) return this;
    return new HttpEngineApi(this.transport, this.signal ? AbortSignal.any([this.signal, signal]) : signal);
  }

  private request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    return this.transport.request(method, path, { ...options, ...(this.signal ? { signal: options.signal ? AbortSignal.any([this.signal, options.signal]) : this.signal } : {}) });
  }

  /** A stop or restart waits up to `t` seconds (the engine's default 10) before its answer. */
  private graceBound(t: number | undefined): number {
    return (t ?? 10) * 1000 + this.transport.timeouts.callMs;
  }

  ping() {
    return this.request('GET', '/_ping');
  }
  info() {
    return this.request('GET', '/info') as Promise<Record<string, unknown>>;
  }
  version() {
    return this.request('GET', '/version') as Promise<{ ApiVersion?: string; Version?: string }>;
  }
  listContainers(opts: { all?: boolean; filters?: Record<string, string[]> } = {}) {
    return this.request('GET', '/containers/json', { query: { all: opts.all ? 1 : undefined, filters: opts.filters } }) as Promise<Dockerode.ContainerInfo[]>;
  }
  async createContainer(opts: Dockerode.ContainerCreateOptions) {
    const { name, ...body } = opts;
    const r = (await this.request('POST', '/containers/create', { query: { name }, body })) as { Id: string };
    return { id: r.Id };
  }
  getContainer(id: string): ContainerHandle {
    const base = `/containers/${encodeURIComponent(id)}`;
    const logs = (o: LogOptions & { follow?: boolean }) =>
      this.request('GET', `${base}/logs`, {
        query: { follow: o.follow ? 1 : 0, stdout: o.stdout ? 1 : 0, stderr: o.stderr ? 1 : 0, tail: o.tail, since: o.since, timestamps: o.timestamps ? 1 : undefined },
        ...(o.follow ? { stream: true } : { raw: true }),
      });
    return {
      id,
      inspect: () => this.request('GET', `${base}/json`) as Promise<Dockerode.ContainerInspectInfo>,
      start: () => this.request('POST', `${base}/start`),
      stop: (o = {}) => this.request('POST', `${base}/stop`, { query: { t: o.t }, timeoutMs: this.graceBound(o.t) }),
      restart: (o = {}) => this.request('POST', `${base}/restart`, { query: { t: o.t }, timeoutMs: this.graceBound(o.t) }),
      remove: (o = {}) => this.request('DELETE', base, { query: { force: o.force, v: o.v } }),
      logs: logs as ContainerHandle['logs'],
    };
  }
  listNetworks(opts: { filters?: Record<string, string[]> } = {}) {
    return this.request('GET', '/networks', { query: { filters: opts.filters } }) as Promise<Dockerode.NetworkInspectInfo[]>;
  }
  async createNetwork(opts: Dockerode.NetworkCreateOptions) {
    const r = (await this.request('POST', '/networks/create', { body: opts })) as { Id: string };
    return { id: r.Id };
  }
  getNetwork(id: string): NetworkHandle {
    const base = `/networks/${encodeURIComponent(id)}`;
    return {
      inspect: () => this.request('GET', base) as Promise<Dockerode.NetworkInspectInfo>,
      remove: () => this.request('DELETE', base),
      connect: (body) => this.request('POST', `${base}/connect`, { body }),
      disconnect: (body) => this.request('POST', `${base}/disconnect`, { body }),
    };
  }
  listVolumes(opts: { filters?: Record<string, string[]> } = {}) {
    return this.request('GET', '/volumes', { query: { filters: opts.filters } }) as Promise<{ Volumes: { Name: string }[] | null }>;
  }
  createVolume(opts: { Name: string; Labels?: Record<string, string> }) {
    return this.request('POST', '/volumes/create', { body: opts });
  }
  getVolume(name: string) {
    const base = `/volumes/${encodeURIComponent(name)}`;
    return { inspect: () => this.request('GET', base), remove: () => this.request('DELETE', base) };
  }
  call(method: 'GET' | 'POST' | 'DELETE', path: string, options: EngineCallOptions = {}) {
    return this.request(method, path, options);
  }
  events(filters: Record<string, string[]>) {
    return this.request('GET', '/events', { query: { filters }, stream: true }) as Promise<Readable>;
  }
  getImage(name: string) {
    return {
      inspect: () => this.request('GET', `/images/${encodeURI(name)}/json`) as Promise<Dockerode.ImageInspectInfo>,
      remove: (o: { force?: boolean; noprune?: boolean } = {}) => this.request('DELETE', `/images/${encodeURI(name)}`, { query: { force: o.force, noprune: o.noprune } }),
    };
  }
  listImages(opts: { all?: boolean; filters?: Record<string, string[]> } = {}) {
    return this.request('GET', '/images/json', { query: { all: opts.all ? 1 : undefined, filters: opts.filters } }) as Promise<Dockerode.ImageInfo[]>;
  }

  /** `GET /_ping`'s headers (names lower-cased): the engine's default builder, its OS and API version. */
  pingHeaders(): Promise<Record<string, string>> {
    return this.transport.ping(this.transport.timeouts.callMs, this.signal);
  }

  /**
   * `POST /build`: the context tar is streamed in as the engine reads it, on a connection of its own; the
   * call is bounded until the engine answers (the upload is watched as any call is), the progress stream
   * after that only by the signal: a build step may be silent for as long as it runs. Aborting the signal
   * ends the request, which ends the build on the engine too. An early refusal (a bad parameter) ends the
   * upload; a context that fails to read fails the request, and the progress stream with it.
   */
  async build(context: Readable, query: URLSearchParams, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    const signal = this.signal && options.signal ? AbortSignal.any([this.signal, options.signal]) : (this.signal ?? options.signal);
    const answer = (await this.transport.request('POST', `/build?${query.toString()}`, {
      upload: { body: context, contentType: 'application/x-tar' },
      stream: true,
      ...(signal ? { signal } : {}),
    })) as Readable;
    if (!signal) return answer;
    const onAbort = () => answer.destroy(abortError(signal.reason));
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener('abort', onAbort, { once: true });
      answer.once('close', () => signal.removeEventListener('abort', onAbort));
    }
    return answer;
  }

  async pull(image: string): Promise<void> {
    const fail = (why: string) => new BerthError('ERR_BERTH_PULL', `pull of ${image} failed: ${why}`);
    let stream: Readable;
    try {
      stream = (await this.request('POST', '/images/create', { query: pullReference(image), stream: true })) as Readable;
    } catch (err) {
      if (err instanceof BerthError || (err as Error).name === 'AbortError') throw err;
      throw fail(engineMessage(err));
    }
    // The progress stream ends when the pull does; an `error` event in it is a failed pull, whatever the status said.
    await new Promise<void>((resolve, reject) => {
      let failure: string | undefined;
      let buffer = '';
      const onAbort = () => {
        stream.destroy();
        reject(abortError(this.signal?.reason));
      };
      this.signal?.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line) continue;
          try {
            const event = JSON.parse(line) as { error?: string; errorDetail?: { message?: string } };
            if (event.error || event.errorDetail) failure ??= event.errorDetail?.message ?? event.error;
          } catch {
            // a partial or foreign line
          }
        }
      });
      stream.on('error', (err) => failure ??= err.message);
      stream.on('close', () => {
        this.signal?.removeEventListener('abort', onAbort);
        if (this.signal?.aborted) return;
        if (failure) reject(fail(failure));
        else resolve();
      });
    });
  }

  /**
   * create, start attached, inspect. The start answer is the exec's output stream, which the engine ends
   * when the process exits; it is kept (capped) when asked for, drained otherwise. Its connection is
   * hijacked by the engine, so it gets a socket of its own rather than one of the agent's. After the
   * stream ends, the exit code is read until the engine has recorded it.
   */
  async exec(containerId: string, cmd: string[], options: ExecOptions): Promise<ExecResult> {
    const signal = this.signal && options.signal ? AbortSignal.any([this.signal, options.signal]) : (this.signal ?? options.signal);
    const created = (await this.request('POST', `/containers/${encodeURIComponent(containerId)}/exec`, {
      body: {
        Cmd: cmd,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        ...(options.user ? { User: options.user } : {}),
        ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
        ...(options.env?.length ? { Env: options.env } : {}),
      },
      ...(options.signal ? { signal: options.signal } : {}),
    })) as { Id: string };
    const output = options.output ? outputCollector(options.maxOutputBytes ?? EXEC_OUTPUT_BYTES) : undefined;
    const finished = await new Promise<boolean>((resolve, reject) => {
      if (signal?.aborted) return resolve(false);
      const req = this.transport.hijacked('POST', `/exec/${created.Id}/start`, { Detach: false, Tty: false });
      let settled = false;
      const settle = (ended: boolean, err?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        req.destroy();
        if (err) reject(err);
        else resolve(ended);
      };
      req.on('response', (res) => {
        if ((res.statusCode ?? 500) >= 400) {
          res.resume();
          return settle(false, new Error(`exec start answered ${res.statusCode}`));
        }
        res.on('data', (chunk: Buffer) => output?.push(chunk));
        res.on('end', () => settle(true));
        res.on('close', () => settle(true));
        res.on('error', () => settle(true));
      });
      const timer = setTimeout(() => settle(false), options.timeoutMs);
      const onAbort = () => settle(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => settle(false, err));
    });
    const text = output?.text();
    if (!finished) return { timedOut: true, ...text };
    // The stream ends as the process exits; the engine records the exit code a moment later, longer under load.
    const until = Date.now() + EXEC_EXIT_RECORD_MS;
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      const state = (await this.request('GET', `/exec/${created.Id}/json`, options.signal ? { signal: options.signal } : {})) as { Running?: boolean; ExitCode?: number | null };
      if (!state.Running && typeof state.ExitCode === 'number') return { exitCode: state.ExitCode, ...text };
      if (Date.now() > until) return { ...text };
      await delay(wait);
    }
  }
}
