import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { BerthError, type Problem } from '@berth/spec';
import { HttpEngineApi } from './api-client.js';
import { DockerodeEngineApi } from './dockerode-api.js';
import type { EngineApi } from './engine-api.js';
import { abortError, isAbort } from './engine-errors.js';
import { engineCandidates, type EngineCandidate } from './engine-candidates.js';
import { DEFAULT_TIMEOUTS, EngineTransport, type EngineSilence, type EngineTarget, type EngineTimeouts } from './transport.js';

export interface EngineInfo {
  serverVersion: string;
  apiVersion?: string;
  operatingSystem?: string;
  runtimes: string[];
  /** The engine's whole `GET /info` answer (what `docker info` shows). */
  raw: Record<string, unknown>;
}

/** A reachable Docker engine: the one client berth and its packages use to reach it. */
export interface Engine {
  /** The Engine API calls, every one bounded and cancellable (`api.withSignal`). */
  api: EngineApi;
  endpoint: string;
  info(): Promise<EngineInfo>;
  /**
   * Called when a call has gone unanswered for a while with nothing heard from the engine (so a
   * command can say so instead of waiting silently), and with undefined when it answers again.
   */
  onSilence(listener: (silence: EngineSilence | undefined) => void): () => void;
  /** Releases kept-alive connections. */
  close(): void;
}

type Client = { api: EngineApi; ping(timeoutMs: number): Promise<unknown>; onSilence: Engine['onSilence']; close(): void };

const requireCjs = createRequire(import.meta.url);

/** How berth speaks to an endpoint: its own HTTP client (unix socket, TCP, TLS), or dockerode over ssh. */
type Route = { kind: 'http'; target: EngineTarget } | { kind: 'ssh'; options: Dockerode.DockerOptions };

/** The route to an endpoint; throws with a short reason when the URL is not usable. */
export function engineRoute(candidate: EngineCandidate): Route {
  const url = candidate.endpoint;
  if (url.startsWith('unix://')) return { kind: 'http', target: { socketPath: url.slice('unix://'.length) } };
  if (url.startsWith('npipe://')) return { kind: 'http', target: { socketPath: url.slice('npipe://'.length) } };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a Docker host URL (expected unix://, tcp:// or ssh://)`);
  }
  if (parsed.protocol === 'tcp:' || parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    const tls = !!candidate.tlsDir || parsed.protocol === 'https:';
    const port = Number(parsed.port || (tls ? 2376 : 2375));
    if (!tls) return { kind: 'http', target: { host: parsed.hostname, port } };
    const read = (f: string) => (candidate.tlsDir ? readFileSync(path.join(candidate.tlsDir, f)) : undefined);
    const material = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
    return { kind: 'http', target: { host: parsed.hostname, port, tls: Object.fromEntries(Object.entries(material).filter(([, v]) => v)) } };
  }
  if (parsed.protocol === 'ssh:') {
    return {
      kind: 'ssh',
      options: {
        protocol: 'ssh',
        host: parsed.hostname,
        ...(parsed.port ? { port: parsed.port } : {}),
        ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
        sshOptions: { agent: process.env['SSH_AUTH_SOCK'] },
      } as Dockerode.DockerOptions,
    };
  }
  throw new Error(`unsupported scheme ${parsed.protocol} (expected unix://, tcp:// or ssh://)`);
}

function clientFor(route: Route, endpoint: string, timeouts: EngineTimeouts): Client {
  if (route.kind === 'http') {
    const transport = new EngineTransport(route.target, endpoint, timeouts);
    return { api: new HttpEngineApi(transport), ping: (ms) => transport.ping(ms), onSilence: (l) => transport.onSilence(l), close: () => transport.close() };
  }
  // dockerode (grpc, protobufjs, ssh2) is loaded only for ssh, the one transport berth's client lacks.
  const Ctor = requireCjs('dockerode') as new (o: Dockerode.DockerOptions) => Dockerode;
  const api = new DockerodeEngineApi(new Ctor(route.options), endpoint, timeouts);
  return { api, ping: (ms) => api.withSignal(AbortSignal.timeout(ms)).ping(), onSilence: () => () => undefined, close: () => undefined };
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { reason?: string; statusCode?: number };
  if (e?.code === 'ENOENT') return 'no such socket';
  if (e?.code === 'EACCES') return 'permission denied (add yourself to the docker group, or use rootless Docker)';
  if (e?.code === 'ECONNREFUSED') return 'connection refused (socket exists but no daemon listens)';
  if (e?.code === 'ETIMEDOUT' || e?.message === 'timeout' || e?.name === 'TimeoutError') return 'timed out';
  return e?.message?.split('\n')[0] ?? String(err);
}

/** The promise, or an AbortError the moment `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal.reason));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function makeEngine(client: Client, endpoint: string): Engine {
  const { api } = client;
  return {
    api,
    endpoint,
    close: client.close,
    onSilence: client.onSilence,
    async info() {
      const [raw, version] = await Promise.all([api.info(), api.version().catch(() => undefined)]);
      return {
        serverVersion: String(raw['ServerVersion'] ?? ''),
        ...(version?.ApiVersion ? { apiVersion: version.ApiVersion } : {}),
        ...(raw['OperatingSystem'] ? { operatingSystem: String(raw['OperatingSystem']) } : {}),
        runtimes: Object.keys((raw['Runtimes'] as Record<string, unknown>) ?? {}),
        raw,
      };
    },
  };
}

/**
 * Connects to the engine the way the docker CLI would find it. Throws
 * ERR_BERTH_ENGINE_UNREACHABLE (exit 3) naming every place tried and why each failed.
 * `timeouts` bounds every later call (see EngineTransport); tests shorten them.
 */
export async function connectEngine(
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; home?: string; timeouts?: Partial<EngineTimeouts>; signal?: AbortSignal } = {},
): Promise<Engine> {
  const env = options.env ?? process.env;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const candidates = engineCandidates(env, options.home ?? homedir(), process.getuid?.());
  const failures: Problem[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.endpoint)) continue;
    seen.add(c.endpoint);
    const fail = (why: string) =>
      failures.push({ code: 'engine-unreachable', severity: 'error', message: `${c.endpoint} (${c.source}): ${why}` });
    if (c.problem) {
      fail(c.problem);
      continue;
    }
    if (options.signal?.aborted) throw abortError(options.signal.reason);
    try {
      const client = clientFor(engineRoute(c), c.endpoint, timeouts);
      try {
        await untilAborted(client.ping(options.timeoutMs ?? 3000), options.signal);
      } catch (err) {
        client.close();
        throw err;
      }
      return makeEngine(client, c.endpoint);
    } catch (err) {
      if (isAbort(err)) throw err;
      fail(reason(err));
    }
  }
  throw new BerthError('ERR_BERTH_ENGINE_UNREACHABLE', `no Docker engine answered (looked in ${failures.length} place${failures.length === 1 ? '' : 's'})`, {
    problems: [
      { code: 'engine-unreachable', severity: 'error', message: 'cannot reach a Docker engine; looked in:' },
      ...failures.map((f) => ({ ...f, message: `  ${f.message}` })),
    ],
    hint: 'start the Docker daemon (sudo systemctl start docker, or Docker Desktop), or point DOCKER_HOST / DOCKER_CONTEXT at a running one',
  });
}
