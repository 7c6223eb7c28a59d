import http from 'node:http';
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { abortError } from './wait-for.js';

/** An engine API error, shaped like dockerode's (statusCode, json.message) so one translator serves both. */
export class EngineApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: { message?: string } | undefined,
    what: string,
  ) {
    super(`(HTTP code ${statusCode}) ${what} - ${json?.message ?? ''}`.trim());
    this.name = 'EngineApiError';
  }
}

type Query = Record<string, unknown>;

export interface ContainerHandle {
  id: string;
  inspect(): Promise<Dockerode.ContainerInspectInfo>;
  start(): Promise<unknown>;
  stop(opts?: { t?: number }): Promise<unknown>;
  restart(opts?: { t?: number }): Promise<unknown>;
  remove(opts?: { force?: boolean; v?: boolean }): Promise<unknown>;
  logs(opts: { follow?: boolean; stdout?: boolean; stderr?: boolean; tail?: number }): Promise<unknown>;
}

/**
 * The part of the Engine API berth drives. Dockerode satisfies it; so does the small client below,
 * which loads in milliseconds where dockerode (grpc, protobufjs, ssh2) takes most of a second, the
 * whole budget of `berth status`.
 */
export interface EngineApi {
  ping(): Promise<unknown>;
  info(): Promise<unknown>;
  version(): Promise<unknown>;
  listContainers(opts?: { all?: boolean; filters?: Record<string, string[]> }): Promise<Dockerode.ContainerInfo[]>;
  createContainer(opts: Dockerode.ContainerCreateOptions): Promise<{ id: string }>;
  getContainer(id: string): ContainerHandle;
  listNetworks(opts?: { filters?: Record<string, string[]> }): Promise<Dockerode.NetworkInspectInfo[]>;
  createNetwork(opts: Dockerode.NetworkCreateOptions): Promise<unknown>;
  getNetwork(id: string): { remove(): Promise<unknown> };
  listVolumes(opts?: { filters?: Record<string, string[]> }): Promise<{ Volumes: { Name: string }[] | null }>;
  createVolume(opts: { Name: string; Labels?: Record<string, string> }): Promise<unknown>;
  getVolume(name: string): { inspect(): Promise<unknown>; remove(): Promise<unknown> };
  getImage(name: string): { inspect(): Promise<{ Id: string }>; remove(opts?: { force?: boolean; noprune?: boolean }): Promise<unknown> };
  listImages(opts?: { filters?: Record<string, string[]> }): Promise<Dockerode.ImageInfo[]>;
  /** The engine's event stream (newline-delimited JSON); optional, callers fall back to polling. */
  events?(filters: Record<string, string[]>): Promise<Readable>;
  /** Runs a command in a running container and waits for it; optional, callers do without. */
  exec?(containerId: string, cmd: string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecResult>;
  /** `GET /_ping`'s headers (lower-cased names): which builder the engine defaults to, its OS. Optional. */
  pingHeaders?(): Promise<Record<string, string>>;
  /**
   * `POST /build`: streams `context` (a tar) as the body and resolves with the engine's progress stream
   * once it answers. Aborting `signal` ends the request, which ends the build on the engine too. Optional.
   */
  build?(context: Readable, query: URLSearchParams, options?: { signal?: AbortSignal }): Promise<Readable>;
}

/** How an exec ended: its exit code, or `timedOut` when it outlived the timeout (the process may still run). */
export interface ExecResult {
  exitCode?: number;
  timedOut?: boolean;
}

function qs(query: Query = {}): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    parts.push(`${k}=${encodeURIComponent(typeof v === 'object' ? JSON.stringify(v) : String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** A plain HTTP client for the Engine API over a unix socket or plain TCP. */
export class HttpEngineApi implements EngineApi {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  constructor(private readonly target: { socketPath: string } | { host: string; port: number }) {}

  private request(method: string, path: string, options: { query?: Query; body?: unknown; stream?: boolean; raw?: boolean } = {}): Promise<unknown> {
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          ...this.target,
          agent: this.agent,
          method,
          path: `${path}${qs(options.query)}`,
          headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {},
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (options.stream && status < 300) return resolve(res);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const buf = Buffer.concat(chunks);
            if (status >= 400) {
              let json: { message?: string } | undefined;
              try {
                json = JSON.parse(buf.toString('utf8')) as { message?: string };
              } catch {
                json = { message: buf.toString('utf8').trim() };
              }
              return reject(new EngineApiError(status, json, status === 404 ? 'no such object' : status === 409 ? 'conflict' : 'server error'));
            }
            if (status === 304) return resolve(undefined);
            if (options.raw) return resolve(buf);
            const text = buf.toString('utf8');
            try {
              resolve(text && (res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text);
            } catch (err) {
              reject(err);
            }
          });
        },
      );
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
  }

  /** Closes idle keep-alive sockets so a CLI process can exit at once. */
  close(): void {
    this.agent.destroy();
  }

  ping() {
    return this.request('GET', '/_ping');
  }
  info() {
    return this.request('GET', '/info');
  }
  version() {
    return this.request('GET', '/version');
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
    return {
      id,
      inspect: () => this.request('GET', `${base}/json`) as Promise<Dockerode.ContainerInspectInfo>,
      start: () => this.request('POST', `${base}/start`),
      stop: (o = {}) => this.request('POST', `${base}/stop`, { query: { t: o.t } }),
      restart: (o = {}) => this.request('POST', `${base}/restart`, { query: { t: o.t } }),
      remove: (o = {}) => this.request('DELETE', base, { query: { force: o.force, v: o.v } }),
      logs: (o) =>
        this.request('GET', `${base}/logs`, {
          query: { follow: o.follow ? 1 : 0, stdout: o.stdout ? 1 : 0, stderr: o.stderr ? 1 : 0, tail: o.tail },
          ...(o.follow ? { stream: true } : { raw: true }),
        }) as Promise<Buffer | Readable>,
    };
  }
  listNetworks(opts: { filters?: Record<string, string[]> } = {}) {
    return this.request('GET', '/networks', { query: { filters: opts.filters } }) as Promise<Dockerode.NetworkInspectInfo[]>;
  }
  createNetwork(opts: Dockerode.NetworkCreateOptions) {
    return this.request('POST', '/networks/create', { body: opts });
  }
  getNetwork(id: string) {
    return { remove: () => this.request('DELETE', `/networks/${encodeURIComponent(id)}`) };
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
  events(filters: Record<string, string[]>) {
    return this.request('GET', '/events', { query: { filters }, stream: true }) as Promise<Readable>;
  }
  getImage(name: string) {
    return {
      inspect: () => this.request('GET', `/images/${encodeURI(name)}/json`) as Promise<{ Id: string }>,
      remove: (o: { force?: boolean; noprune?: boolean } = {}) => this.request('DELETE', `/images/${encodeURI(name)}`, { query: { force: o.force, noprune: o.noprune } }),
    };
  }
  listImages(opts: { filters?: Record<string, string[]> } = {}) {
    return this.request('GET', '/images/json', { query: { filters: opts.filters } }) as Promise<Dockerode.ImageInfo[]>;
  }

  pingHeaders(): Promise<Record<string, string>> {
    return new Promise((resolve, reject) => {
      const req = http.request({ ...this.target, agent: this.agent, method: 'GET', path: '/_ping' }, (res) => {
        res.resume();
        res.on('end', () => resolve(Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), String(v)]))));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * The build's request has a connection of its own (it lasts as long as the build). The context is piped
   * in as the engine reads it; an engine that answers an error early (a bad parameter) ends the upload.
   * A context stream that fails (a file changed) fails the request, and the progress stream with it.
   */
  build(context: Readable, query: URLSearchParams, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    const { signal } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      let answered: http.IncomingMessage | undefined;
      const req = http.request(
        { ...this.target, agent: false, method: 'POST', path: `/build?${query.toString()}`, headers: { 'content-type': 'application/x-tar' } },
        (res) => {
          answered = res;
          const status = res.statusCode ?? 0;
          if (status < 300) return resolve(res);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            context.unpipe(req);
            context.destroy();
            const text = Buffer.concat(chunks).toString('utf8');
            let json: { message?: string };
            try {
              json = JSON.parse(text) as { message?: string };
            } catch {
              json = { message: text.trim() };
            }
            reject(new EngineApiError(status, json, 'build refused'));
          });
        },
      );
      const fail = (err: Error) => {
        signal?.removeEventListener('abort', onAbort);
        if (answered) answered.destroy(err);
        req.destroy(err);
        reject(err);
      };
      const onAbort = () => fail(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => fail(err));
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      context.on('error', (err) => fail(err));
      context.pipe(req);
    });
  }

  /**
   * create, start attached, inspect. The start answer is the exec's output stream, which the engine ends
   * when the process exits; it is drained, not kept. Its connection is hijacked by the engine, so it gets
   * a socket of its own rather than one of the agent's.
   */
  async exec(containerId: string, cmd: string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecResult> {
    const created = (await this.request('POST', `/containers/${encodeURIComponent(containerId)}/exec`, { body: { Cmd: cmd, AttachStdout: true, AttachStderr: true } })) as { Id: string };
    const finished = await new Promise<boolean>((resolve, reject) => {
      const body = Buffer.from(JSON.stringify({ Detach: false, Tty: false }));
      const req = http.request(
        { ...this.target, agent: false, method: 'POST', path: `/exec/${created.Id}/start`, headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (res) => {
          res.resume();
          res.on('end', () => settle(true));
          res.on('close', () => settle(true));
          res.on('error', () => settle(true));
        },
      );
      const timer = setTimeout(() => settle(false), options.timeoutMs);
      const onAbort = () => settle(false);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      let settled = false;
      function settle(ended: boolean, err?: unknown) {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        req.destroy();
        if (err) reject(err);
        else resolve(ended);
      }
      req.on('error', (err) => settle(false, err));
      req.end(body);
    });
    if (!finished) return { timedOut: true };
    // The stream ends as the process exits; the engine records the exit code a moment later at most.
    for (let i = 0; i < 20; i++) {
      const state = (await this.request('GET', `/exec/${created.Id}/json`)) as { Running?: boolean; ExitCode?: number | null };
      if (!state.Running && typeof state.ExitCode === 'number') return { exitCode: state.ExitCode };
      await new Promise((r) => setTimeout(r, 5));
    }
    return { timedOut: true };
  }
}
