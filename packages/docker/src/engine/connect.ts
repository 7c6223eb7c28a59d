import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { HttpEngineApi, type EngineApi } from './api-client.js';
import { BerthError, type Problem } from '@berth/spec';
import { engineCandidates, type EngineCandidate } from './engine-candidates.js';

export interface EngineInfo {
  serverVersion: string;
  apiVersion?: string;
  operatingSystem?: string;
  runtimes: string[];
  raw: Record<string, unknown>;
}

/** A reachable Docker engine. */
export interface Engine {
  /** The Engine API calls berth makes (a light HTTP client on unix sockets and plain TCP). */
  api: EngineApi;
  /** A full dockerode client for the same endpoint, loaded on first use (it costs most of a second to load). */
  readonly docker: Dockerode;
  endpoint: string;
  info(): Promise<EngineInfo>;
  /** Releases kept-alive connections. */
  close(): void;
}

const requireCjs = createRequire(import.meta.url);
function loadDockerode(options: Dockerode.DockerOptions): Dockerode {
  const Ctor = requireCjs('dockerode') as new (o: Dockerode.DockerOptions) => Dockerode;
  return new Ctor(options);
}

/** The light client where it can speak the protocol (unix socket, plain TCP), dockerode otherwise (TLS, ssh). */
function apiFor(options: Dockerode.DockerOptions): { api: EngineApi; close(): void } {
  if (options.socketPath) {
    const api = new HttpEngineApi({ socketPath: String(options.socketPath) });
    return { api, close: () => api.close() };
  }
  if (options.protocol === 'http' && options.host) {
    const api = new HttpEngineApi({ host: String(options.host), port: Number(options.port) });
    return { api, close: () => api.close() };
  }
  return { api: loadDockerode(options) as unknown as EngineApi, close: () => undefined };
}

/** Dockerode options for an endpoint; throws with a short reason when the URL is not usable. */
export function dockerodeOptions(candidate: EngineCandidate): Dockerode.DockerOptions {
  const url = candidate.endpoint;
  if (url.startsWith('unix://')) return { socketPath: url.slice('unix://'.length) };
  if (url.startsWith('npipe://')) return { socketPath: url.slice('npipe://'.length) };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a Docker host URL (expected unix://, tcp:// or ssh://)`);
  }
  if (parsed.protocol === 'tcp:' || parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    const tls = !!candidate.tlsDir || parsed.protocol === 'https:';
    const opts: Dockerode.DockerOptions = {
      host: parsed.hostname,
      port: parsed.port || (tls ? 2376 : 2375),
      protocol: tls ? 'https' : 'http',
    };
    if (candidate.tlsDir) {
      const read = (f: string) => readFileSync(path.join(candidate.tlsDir!, f));
      Object.assign(opts, { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') });
    }
    return opts;
  }
  if (parsed.protocol === 'ssh:') {
    return {
      protocol: 'ssh',
      host: parsed.hostname,
      ...(parsed.port ? { port: parsed.port } : {}),
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      sshOptions: { agent: process.env['SSH_AUTH_SOCK'] },
    } as Dockerode.DockerOptions;
  }
  throw new Error(`unsupported scheme ${parsed.protocol} (expected unix://, tcp:// or ssh://)`);
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { reason?: string; statusCode?: number };
  if (e?.code === 'ENOENT') return 'no such socket';
  if (e?.code === 'EACCES') return 'permission denied (add yourself to the docker group, or use rootless Docker)';
  if (e?.code === 'ECONNREFUSED') return 'connection refused (socket exists but no daemon listens)';
  if (e?.code === 'ETIMEDOUT' || e?.message === 'timeout') return 'timed out';
  return e?.message?.split('\n')[0] ?? String(err);
}

async function ping(docker: EngineApi, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([docker.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function makeEngine(options: Dockerode.DockerOptions, client: { api: EngineApi; close(): void }, endpoint: string): Engine {
  let full: Dockerode | undefined;
  const { api } = client;
  return {
    api,
    get docker() {
      full ??= loadDockerode(options);
      return full;
    },
    endpoint,
    close: client.close,
    async info() {
      const raw = (await api.info()) as Record<string, unknown>;
      const version = (await api.version().catch(() => undefined)) as { ApiVersion?: string } | undefined;
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
 */
export async function connectEngine(options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; home?: string } = {}): Promise<Engine> {
  const env = options.env ?? process.env;
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
    try {
      const opts = dockerodeOptions(c);
      const client = apiFor(opts);
      try {
        await ping(client.api, options.timeoutMs ?? 3000);
      } catch (err) {
        client.close();
        throw err;
      }
      return makeEngine(opts, client, c.endpoint);
    } catch (err) {
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
