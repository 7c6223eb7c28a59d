import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

/** One place an engine might answer, and how it was found. */
export interface EngineCandidate {
  /** `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host`. */
  endpoint: string;
  /** Where berth learnt about it, for the "looked in" message: `DOCKER_HOST`, `context "colima"`, `default socket`. */
  source: string;
  /**
   * TLS material directory, when DOCKER_TLS_VERIFY or a context asks for it. DOCKER_CERT_PATH's must hold ca.pem,
   * cert.pem and key.pem (as the docker CLI reads it); a context's holds those given at `docker context create`
   * (`tlsFiles: 'given'`): a CA alone is server-only TLS, no CA the system's.
   */
  tlsDir?: string;
  tlsFiles?: 'given';
  /** TLS without checking the engine's certificate (a context's `skip-tls-verify=true`). */
  skipTlsVerify?: boolean;
  /** Found but unusable before trying (a context that does not exist). */
  problem?: string;
}

interface DockerConfig {
  currentContext?: string;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * The endpoint a named context points at: contexts/meta/<sha256(name)>/meta.json, its TLS material in
 * contexts/tls/<same>/docker/. `source` says where the name came from (`context "x" from DOCKER_CONTEXT`).
 */
export function contextEndpoint(configDir: string, name: string, source = `context "${name}"`): EngineCandidate {
  if (name === 'default') return { endpoint: 'unix:///var/run/docker.sock', source };
  const digest = createHash('sha256').update(name).digest('hex');
  const metaFile = path.join(configDir, 'contexts', 'meta', digest, 'meta.json');
  const meta = readJson<{ Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } }>(metaFile);
  const docker = meta?.Endpoints?.docker;
  if (!docker?.Host) return { endpoint: '(none)', source, problem: `${source} does not exist (no ${metaFile})` };
  const tlsDir = path.join(configDir, 'contexts', 'tls', digest, 'docker');
  return { endpoint: docker.Host, source, ...(existsSync(tlsDir) ? { tlsDir, tlsFiles: 'given' as const } : {}), ...(docker.SkipTLSVerify ? { skipTlsVerify: true } : {}) };
}

/**
 * Where to look for the engine, in Docker's own order: DOCKER_HOST, else DOCKER_CONTEXT, else the current context of
 * the Docker config. Once one of them names the engine, it is the only candidate, as with the docker CLI: a context
 * that cannot be reached, or does not exist, is never traded for this machine's socket (another engine). Only when
 * none names one: the default sockets (rootful, rootless, Docker Desktop).
 * Pure apart from reading the config files; `home` and `env` are parameters so tests stub nothing.
 */
export function engineCandidates(env: NodeJS.ProcessEnv, home: string, uid: number | undefined): EngineCandidate[] {
  const configDir = dockerConfigDir(env, home);
  if (env['DOCKER_HOST']) return [{ endpoint: env['DOCKER_HOST'], source: 'DOCKER_HOST', ...tlsFromEnv(env, home) }];
  if (env['DOCKER_CONTEXT']) return [contextEndpoint(configDir, env['DOCKER_CONTEXT'], `context "${env['DOCKER_CONTEXT']}" from DOCKER_CONTEXT`)];
  const configFile = path.join(configDir, 'config.json');
  const current = readJson<DockerConfig>(configFile)?.currentContext;
  if (current && current !== 'default') return [contextEndpoint(configDir, current, `current context "${current}" from ${configFile}`)];
  const sockets = [
    '/var/run/docker.sock',
    ...(env['XDG_RUNTIME_DIR'] ? [path.join(env['XDG_RUNTIME_DIR'], 'docker.sock')] : uid !== undefined ? [`/run/user/${uid}/docker.sock`] : []),
    path.join(home, '.docker', 'run', 'docker.sock'),
    path.join(home, '.docker', 'desktop', 'docker.sock'),
  ];
  return sockets.map((s) => ({ endpoint: `unix://${s}`, source: 'default socket' }));
}

/** The docker CLI's configuration folder: DOCKER_CONFIG, else ~/.docker. */
function dockerConfigDir(env: NodeJS.ProcessEnv, home: string): string {
  return env['DOCKER_CONFIG'] || path.join(home, '.docker');
}

/**
 * TLS for a tcp:// endpoint, as the docker CLI takes it from the environment: with DOCKER_TLS_VERIFY, the ca.pem,
 * cert.pem and key.pem of DOCKER_CERT_PATH (else the config folder), the engine's certificate checked; with DOCKER_TLS
 * alone (docker CLI 23+, `--tls`), TLS without checking the engine's certificate, a client certificate and key there
 * given when present. Neither: plain TCP.
 */
function tlsFromEnv(env: NodeJS.ProcessEnv, home: string): Pick<EngineCandidate, 'tlsDir' | 'tlsFiles' | 'skipTlsVerify'> {
  const tlsDir = env['DOCKER_CERT_PATH'] || dockerConfigDir(env, home);
  if (env['DOCKER_TLS_VERIFY']) return { tlsDir };
  if (env['DOCKER_TLS']) return { tlsDir, tlsFiles: 'given', skipTlsVerify: true };
  return {};
}

/**
 * Where a declared engine (`engines.NAME` of a spec) answers: its context's endpoint and TLS material,
 * or its host, with the TLS of DOCKER_TLS_VERIFY / DOCKER_TLS and DOCKER_CERT_PATH for a tcp:// host.
 */
export function declaredEngineCandidate(name: string, declaration: { context?: string; host?: string }, env: NodeJS.ProcessEnv, home: string): EngineCandidate {
  if (declaration.context) {
    const c = contextEndpoint(dockerConfigDir(env, home), declaration.context);
    return { ...c, source: `engines.${name} (context "${declaration.context}")` };
  }
  const endpoint = declaration.host ?? '(none)';
  return { endpoint, source: `engines.${name}`, ...(endpoint.startsWith('tcp://') ? tlsFromEnv(env, home) : {}) };
}
