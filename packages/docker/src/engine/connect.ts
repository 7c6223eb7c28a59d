import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { BerthError, engineHostProblem, tlsFailureKind, tlsText, type BerthErrorCode, type Problem } from '@berth/spec';
import { HttpEngineApi } from './api-client.js';
import type { EngineApi } from './engine-api.js';
import { abortError, isAbort } from './engine-errors.js';
import { engineCandidates, type EngineCandidate } from './engine-candidates.js';
import { sshTarget } from './ssh-connection.js';
import { DEFAULT_TIMEOUTS, EngineTransport, SSH_TIMEOUTS, type EngineSilence, type EngineTarget, type EngineTimeouts, type EngineTrace } from './transport.js';
import { debugging } from '../debug.js';

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
  /** `GET /info` (and `/version`), bounded by `signal` when given (an engine can answer `/_ping` and nothing else). */
  info(signal?: AbortSignal): Promise<EngineInfo>;
  /**
   * Called when a call has gone unanswered for a while with nothing heard from the engine (so a
   * command can say so instead of waiting silently), and with undefined when it answers again.
   */
  onSilence(listener: (silence: EngineSilence | undefined) => void): () => void;
  /** Releases kept-alive connections. */
  close(): void;
}

type Client = { api: EngineApi; ping(timeoutMs: number, signal?: AbortSignal): Promise<unknown>; onSilence: Engine['onSilence']; close(): void };

/** The files of a TLS folder (DOCKER_CERT_PATH, a context's), as the docker CLI names them in its messages, and how each is checked. */
const TLS_FILES = {
  ca: { file: 'ca.pem', what: 'CA certificate', check: (b: Buffer) => new X509Certificate(b) },
  cert: { file: 'cert.pem', what: 'client certificate', check: (b: Buffer) => new X509Certificate(b) },
  key: { file: 'key.pem', what: 'client key', check: (b: Buffer) => createPrivateKey(b) },
} as const;

/**
 * One file of the TLS material, read and checked now: a missing or garbled file is the user's setting (exit 2), said
 * as the docker CLI says it (`could not read CA certificate "…/ca.pem": open …: no such file or directory`), never a
 * "no such socket" or a bare OpenSSL code when the connection is tried. `optional`: a missing file is none (undefined).
 */
function readTlsFile(dir: string, which: keyof typeof TLS_FILES, optional = false): Buffer | undefined {
  const { file, what, check } = TLS_FILES[which];
  const full = path.join(dir, file);
  let content: Buffer;
  try {
    content = readFileSync(full);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (optional && e.code === 'ENOENT') return undefined;
    const why = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new BerthError('ERR_BERTH_UNREADABLE', `could not read ${what} "${full}": open ${full}: ${why}`, { hint: TLS_HINT });
  }
  try {
    check(content);
  } catch (err) {
    throw new BerthError('ERR_BERTH_UNREADABLE', `${what} "${full}" is not a PEM ${which === 'key' ? 'private key' : 'certificate'} (${(err as Error).message})`, { hint: TLS_HINT });
  }
  return content;
}

/**
 * The TLS material of a candidate. DOCKER_CERT_PATH must hold all three files (the docker CLI reads all three when
 * DOCKER_TLS_VERIFY is set); a context's TLS folder holds what `docker context create` was given: a CA alone
 * (server-only TLS), a client certificate and key alone (the system's CAs), or all three. `skip-tls-verify` takes
 * the engine's certificate unchecked, as the docker CLI does.
 */
function tlsMaterial(candidate: EngineCandidate): { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: false } {
  const dir = candidate.tlsDir;
  const skip = candidate.skipTlsVerify ? { rejectUnauthorized: false as const } : {};
  if (!dir) return skip;
  const given = candidate.tlsFiles === 'given';
  const [ca, cert, key] = (['ca', 'cert', 'key'] as const).map((which) => readTlsFile(dir, which, given));
  if (!cert !== !key) {
    const missing = path.join(dir, cert ? TLS_FILES.key.file : TLS_FILES.cert.file);
    throw new BerthError('ERR_BERTH_UNREADABLE', `could not read ${cert ? 'client key' : 'client certificate'} "${missing}": open ${missing}: no such file or directory`, { hint: TLS_HINT });
  }
  return { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}), ...skip };
}

const TLS_HINT = 'DOCKER_CERT_PATH (or the context\'s TLS folder) must hold the ca.pem, cert.pem and key.pem the engine\'s TLS expects; unset DOCKER_TLS_VERIFY for plain TCP';

/** The socket the docker CLI uses when nothing names another (and for `unix://` with no path). */
const DEFAULT_SOCKET = '/var/run/docker.sock';

/** An endpoint as the docker CLI reads it, to tell two engines apart: `unix://` alone is the default socket, and a trailing slash says nothing. */
export function canonicalEndpoint(url: string): string {
  return url === 'unix://' ? `unix://${DEFAULT_SOCKET}` : url.replace(/\/+$/, '');
}

/** A Docker host URL berth cannot use (engineHostProblem in @berth/spec): the user's setting (exit 2), naming where it came from. */
function badHost(candidate: EngineCandidate, why: string): BerthError {
  return new BerthError('ERR_BERTH_USAGE', `${candidate.source} "${candidate.endpoint}": ${why}`, { hint: 'a Docker host is unix:///path/to/docker.sock, tcp://host:port or ssh://[user@]host' });
}

/**
 * Where berth's client speaks to an endpoint: a unix socket, TCP (with TLS when the candidate has TLS
 * material or says https), or ssh (`docker system dial-stdio` on the remote, as the docker CLI does).
 * A URL berth cannot use, or TLS material it cannot read, is bad input (ERR_BERTH_USAGE, ERR_BERTH_UNREADABLE).
 * `env` is the environment ssh runs in.
 */
export function engineRoute(candidate: EngineCandidate, env: NodeJS.ProcessEnv = process.env): EngineTarget {
  const url = candidate.endpoint;
  const problem = engineHostProblem(url);
  if (problem) throw badHost(candidate, problem);
  // `unix://` alone is the default socket, as the docker CLI reads it.
  if (url.startsWith('unix://')) return { socketPath: url.slice('unix://'.length) || DEFAULT_SOCKET };
  if (url.startsWith('npipe://')) return { socketPath: url.slice('npipe://'.length) };
  const parsed = new URL(url);
  if (parsed.protocol === 'ssh:') return { ssh: sshTarget(url, env) };
  const tls = !!candidate.tlsDir || !!candidate.skipTlsVerify || parsed.protocol === 'https:';
  const port = Number(parsed.port || (tls ? 2376 : 2375));
  if (!tls) return { host: parsed.hostname, port };
  return { host: parsed.hostname, port, tls: tlsMaterial(candidate) };
}

/**
 * `BERTH_DEBUG=engine` (a comma-separated list may name more): one line on stderr per Engine API call once it
 * settles, when it began (ms since the process started) and how long it took, to see which calls a command
 * makes and which of them overlap.
 */
export function engineTrace(env: NodeJS.ProcessEnv): EngineTrace | undefined {
  if (!debugging(env, 'engine')) return undefined;
  return (c) => {
    const outcome = c.status !== undefined ? String(c.status) : `failed (${c.error ?? 'no answer'})`;
    process.stderr.write(`berth: engine ${c.what} ${outcome} in ${c.ms.toFixed(1)} ms (at +${c.startedMs.toFixed(0)} ms)\n`);
  };
}

function clientFor(target: EngineTarget, endpoint: string, timeouts: EngineTimeouts, trace: EngineTrace | undefined): Client {
  const transport = new EngineTransport(target, endpoint, timeouts, trace);
  return { api: new HttpEngineApi(transport), ping: (ms, signal) => transport.ping(ms, signal), onSilence: (l) => transport.onSilence(l), close: () => transport.close() };
}

/** Why a candidate did not answer, in a few words, and what to do when that is the user's to change (TLS settings). */
function reason(err: unknown, c: EngineCandidate): { why: string; hint?: string } {
  const socket = isSocket(c);
  const e = err as NodeJS.ErrnoException & { reason?: string; statusCode?: number };
  if (e?.code === 'ENOENT') return { why: socket ? 'no such socket' : (e.message?.split('\n')[0] ?? 'not found') };
  if (e?.code === 'EACCES') return { why: socket ? 'permission denied (add yourself to the docker group, or use rootless Docker)' : 'permission denied' };
  if (e?.code === 'ECONNREFUSED') return { why: socket ? 'connection refused (socket exists but no daemon listens)' : 'connection refused (nothing listens on that port)' };
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return { why: `unknown host ${(e as { hostname?: string }).hostname ?? ''}`.trim() };
  if (e?.code === 'ETIMEDOUT' || e?.message === 'timeout' || e?.name === 'TimeoutError') return { why: 'timed out' };
  return tlsReason(err, c) ?? { why: tlsText(e?.message ?? String(err)) };
}

/**
 * A TCP engine's failure that says its TLS and berth's disagree, in words (never OpenSSL's text) with the setting
 * that decides it: DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, or the context's TLS.
 */
function tlsReason(err: unknown, c: EngineCandidate): { why: string; hint: string } | undefined {
  if (!/^(tcp|https?):\/\//.test(c.endpoint)) return undefined;
  const context = /\bcontext "/.test(c.source);
  const usesTls = !!c.tlsDir || !!c.skipTlsVerify || c.endpoint.startsWith('https://');
  const settings = context
    ? 'the context\'s TLS (docker context inspect; docker context create --docker "host=...,ca=...,cert=...,key=...")'
    : 'DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH holding the ca.pem, cert.pem and key.pem the engine\'s TLS expects';
  const message = (err as Error)?.message ?? '';
  if (!usesTls) {
    // Spoken to in plain HTTP, a TLS engine answers 400 ("Client sent an HTTP request to an HTTPS server") or hangs up.
    if (/HTTP request to an HTTPS server|socket hang up|ECONNRESET/i.test(`${message} ${(err as NodeJS.ErrnoException)?.code ?? ''}`))
      return { why: 'the engine speaks TLS and berth spoke plain HTTP (client sent an HTTP request to an HTTPS server)', hint: `give berth the engine's TLS: ${settings}` };
    return undefined;
  }
  const ca = c.tlsDir ? path.join(c.tlsDir, TLS_FILES.ca.file) : undefined;
  const plain = context ? 'use a context without TLS' : c.skipTlsVerify ? 'unset DOCKER_TLS' : 'unset DOCKER_TLS_VERIFY';
  switch (tlsFailureKind(err)) {
    case 'not-tls':
      return { why: 'the engine speaks plain HTTP and berth spoke TLS (the server gave an HTTP response to an HTTPS client)', hint: `the engine has no TLS: ${plain}, or give it TLS` };
    case 'self-signed':
    case 'unverified':
      return {
        why: `the engine's certificate is not signed by ${ca && !c.skipTlsVerify ? `the CA in ${ca}` : 'a CA this machine trusts'}`,
        hint: `the CA must be the one that signed the engine's certificate: ${settings}`,
      };
    case 'expired':
      return { why: 'the engine\'s certificate has expired', hint: 'renew the engine\'s certificate' };
    case 'wrong-name':
      return { why: `the engine's certificate does not name ${new URL(c.endpoint).hostname}`, hint: 'reach the engine by a name its certificate holds, or renew it with that name' };
    case 'client-cert-refused':
      return { why: 'the engine refused the client certificate (or wants one, and got none)', hint: `the client certificate must be signed by the CA the engine trusts: ${settings}` };
    case 'protocol-version':
    case 'handshake':
    case 'weak-key':
      return { why: `TLS with the engine failed (${tlsText(message).replace(/^TLS: /, '')})`, hint: `check the engine's TLS and ${settings}` };
    default:
      return /socket hang up|ECONNRESET/i.test(message)
        ? { why: 'the engine closed the TLS connection without an answer', hint: `check the engine's TLS and ${settings}` }
        : undefined;
  }
}

const isSocket = (c: EngineCandidate) => c.endpoint.startsWith('unix://') || c.endpoint.startsWith('npipe://');

/** A failure that is the user's setting, not the engine's absence: it ends the search at once (exit 2). */
const isBadInput = (err: unknown) => err instanceof BerthError && (err.code === 'ERR_BERTH_USAGE' || err.code === 'ERR_BERTH_UNREADABLE');

function makeEngine(client: Client, endpoint: string): Engine {
  const { api } = client;
  return {
    api,
    endpoint,
    close: client.close,
    onSilence: client.onSilence,
    async info(signal) {
      const calls = signal ? api.withSignal(signal) : api;
      const [raw, version] = await Promise.all([calls.info(), calls.version().catch(() => undefined)]);
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

export interface ConnectOptions {
  env?: NodeJS.ProcessEnv;
  /** How long the first ping may take (default 3 s; 15 s through ssh, which opens a session first). */
  timeoutMs?: number;
  home?: string;
  timeouts?: Partial<EngineTimeouts>;
  signal?: AbortSignal;
  /** Told of every Engine API call once it settles; default: the `BERTH_DEBUG=engine` trace on stderr, or none. */
  trace?: EngineTrace;
}

/** Opens a client to one candidate and pings it; throws what went wrong (an abort as AbortError). */
async function open(c: EngineCandidate, options: ConnectOptions): Promise<Engine> {
  const target = engineRoute(c, options.env ?? process.env);
  // Through ssh a fresh connection is a new ssh session (seconds on a loaded machine): a quiet call is suspect later, and its ping may take longer.
  const timeouts = { ...DEFAULT_TIMEOUTS, ...('ssh' in target ? SSH_TIMEOUTS : {}), ...options.timeouts };
  const client = clientFor(target, c.endpoint, timeouts, options.trace ?? engineTrace(options.env ?? process.env));
  try {
    // An abort hangs the ping up, not only the wait for it: an unanswered ping left open would keep the process alive
    // for the rest of its bound (3 s) after berth has said it was interrupted.
    await client.ping(options.timeoutMs ?? ('ssh' in target ? 15_000 : 3000), options.signal);
  } catch (err) {
    client.close();
    throw err;
  }
  return makeEngine(client, c.endpoint);
}

/**
 * Connects to the one endpoint a candidate names (a declared engine, a context): throws one line,
 * `what` (such as `engine "gpu"`) and why, as ERR_BERTH_ENGINE_UNREACHABLE or the ssh failure's own code.
 */
export async function connectCandidate(c: EngineCandidate, what: string, options: ConnectOptions = {}): Promise<Engine> {
  const unreachable = (why: string, hint?: string, code: BerthErrorCode = 'ERR_BERTH_ENGINE_UNREACHABLE') =>
    new BerthError(code, `${what} (${c.endpoint === '(none)' ? c.source : c.endpoint}): ${why}`, {
      hint: hint ?? 'check that the engine runs and that this machine reaches it (docker -H ... info says the same)',
    });
  if (c.problem) throw unreachable(c.problem, 'docker context ls lists the contexts of this machine');
  if (options.signal?.aborted) throw abortError(options.signal.reason);
  try {
    return await open(c, options);
  } catch (err) {
    if (isAbort(err)) throw err;
    const { why, hint } = reason(err, c);
    throw err instanceof BerthError ? unreachable(why, err.hint, err.code) : unreachable(why, hint);
  }
}

/**
 * Connects to the engine the way the docker CLI would find it. Throws
 * ERR_BERTH_ENGINE_UNREACHABLE (exit 3) naming every place tried and why each failed.
 * `timeouts` bounds every later call (see EngineTransport); tests shorten them.
 */
export async function connectEngine(options: ConnectOptions = {}): Promise<Engine> {
  const env = options.env ?? process.env;
  const candidates = engineCandidates(env, options.home ?? homedir(), process.getuid?.());
  const failures: Problem[] = [];
  const hints: string[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.endpoint)) continue;
    seen.add(c.endpoint);
    const fail = (why: string) =>
      failures.push({ code: 'engine-unreachable', severity: 'error', message: `${NO_ENGINE_AT}${c.endpoint} (${c.source}): ${why}` });
    // A context that does not exist is the user's setting: it names the engine, and no other stands in for it.
    if (c.problem) throw new BerthError('ERR_BERTH_USAGE', c.problem, { hint: 'docker context ls lists the contexts of this machine; docker context use default goes back to the default engine' });
    if (options.signal?.aborted) throw abortError(options.signal.reason);
    try {
      return await open(c, options);
    } catch (err) {
      if (isAbort(err) || isBadInput(err)) throw err;
      const { why, hint } = reason(err, c);
      if (err instanceof BerthError && err.hint) hints.push(err.hint);
      else if (hint) hints.push(hint);
      fail(why);
    }
  }
  throw new BerthError('ERR_BERTH_ENGINE_UNREACHABLE', `no Docker engine answered (looked in ${failures.length} place${failures.length === 1 ? '' : 's'})`, {
    // one problem per place tried, each a whole line: `--json` gets them as items, the text as lines
    problems: failures,
    // One place tried that knows what to do (an ssh key refused, a host key unknown) says it; else where berth looked decides.
    hint: failures.length === 1 && hints.length === 1 ? hints[0]! : unreachableHint(seen),
  });
}

/** How each place connectEngine tried and found no engine at begins, in its problem. */
const NO_ENGINE_AT = 'no Docker engine at ';

/**
 * An engine error as one line that says where berth looked and what each place answered: "no Docker engine answered
 * (looked in tcp://127.0.0.1:1 (DOCKER_HOST): connection refused (nothing listens on that port))". connectEngine's
 * error keeps the places in its problems, one each ("no Docker engine at PLACE: WHY"); an error without them (a
 * declared engine's, already one line naming it) is given after a colon. `berth doctor`'s engine section and the
 * API's containers and profiles panels say it.
 */
export function engineErrorText(err: unknown): string {
  const problems = err instanceof BerthError ? err.problems : [];
  const tried = problems.filter((p) => p.message.startsWith(NO_ENGINE_AT)).map((p) => p.message.slice(NO_ENGINE_AT.length));
  const message = err instanceof Error ? err.message : String(err);
  return `no Docker engine answered${tried.length ? ` (looked in ${tried.join('; ')})` : `: ${message}`}`;
}

/**
 * What to do when no engine answered. Starting the Docker daemon is the answer when berth looked in this machine's
 * default sockets; an engine named by DOCKER_HOST or a context may be on another machine, or reached through ssh,
 * where that advice is beside the point.
 */
function unreachableHint(endpoints: Set<string>): string {
  const named = [...endpoints].filter((e) => !e.startsWith('unix://') && !e.startsWith('npipe://'));
  if (!named.length) return 'start the Docker daemon (sudo systemctl start docker, or Docker Desktop), or point DOCKER_HOST / DOCKER_CONTEXT at a running one';
  return `check that the engine at ${named.join(', ')} runs and that this machine reaches it (docker -H ... info says the same), or point DOCKER_HOST / DOCKER_CONTEXT at another`;
}
