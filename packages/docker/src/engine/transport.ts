import http from 'node:http';
import https from 'node:https';
import type { Duplex, Readable } from 'node:stream';
import { abortError, EngineApiError, EngineStalledError, engineGone, isDeadline } from './engine-errors.js';
import { SshConnection, type SshTarget } from './ssh-connection.js';

/** Where the engine listens: a unix socket, plain TCP, TCP with TLS (client certificate), or through ssh (`docker system dial-stdio` there). */
export type EngineTarget = { socketPath: string } | { host: string; port: number; tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: false } } | { ssh: SshTarget };

/** Kept-alive connections to an ssh:// engine: each is an ssh process (as the docker CLI opens them), reused while it lasts. */
class SshAgent extends http.Agent {
  constructor(private readonly target: SshTarget) {
    super({ keepAlive: true, maxSockets: 4 });
  }
  override createConnection(): Duplex {
    return new SshConnection(this.target);
  }
}

/** How long berth gives the engine. Defaults suit a loaded laptop; tests may shorten them. */
export interface EngineTimeouts {
  /** The most one ordinary call may take to be answered (stop and restart add their grace period). */
  callMs: number;
  /** A call unanswered this long, with nothing else heard from the engine, makes berth ping it. */
  suspectMs: number;
  /** The ping's answer time; no answer (and still nothing heard) means the engine stopped answering. */
  pingMs: number;
}

export const DEFAULT_TIMEOUTS: EngineTimeouts = { callMs: 60_000, suspectMs: 2_000, pingMs: 2_000 };
/** Through ssh, where a fresh connection (the watchdog's ping included) is a new ssh session. */
export const SSH_TIMEOUTS: Partial<EngineTimeouts> = { suspectMs: 10_000, pingMs: 15_000 };

/** How long a ping may go unanswered before the silence is told (to the progress line). */
const SAY_SILENT_AFTER_PING_MS = 500;

/** What a silent engine looks like to someone waiting: since when, and for which call. */
export interface EngineSilence {
  endpoint: string;
  silentForMs: number;
  waitingFor: string;
}

/** One answered (or failed) call, for `BERTH_DEBUG=engine`: what, when it began (ms since the process started), how long it took. */
export interface TracedCall {
  what: string;
  startedMs: number;
  ms: number;
  /** The engine's status code; absent when the call failed before an answer. */
  status?: number;
  error?: string;
}

export type EngineTrace = (call: TracedCall) => void;

export interface RequestOptions {
  query?: Record<string, unknown>;
  body?: unknown;
  /** Resolve with the response stream once the headers are in (events, followed logs, pulls). */
  stream?: boolean;
  /** Resolve with the body as a Buffer (logs). */
  raw?: boolean;
  /** Overrides the call bound (stop and restart wait for their grace period). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * A body streamed as it is read (a build's context tar), on a connection of its own. The call's bound
   * starts once it is all sent (an upload lasts as long as the context is big); the watchdog watches it
   * throughout. An answer before the end (a refusal) ends the upload; a body that fails fails the call,
   * or, once answered, the response stream.
   */
  upload?: { body: Readable; contentType: string };
}

interface Pending {
  since: number;
  what: string;
  fail(err: Error): void;
}

function queryString(query: Record<string, unknown> = {}): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    parts.push(`${k}=${encodeURIComponent(typeof v === 'object' ? JSON.stringify(v) : String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/**
 * HTTP to one engine, every call bounded and cancellable. A call is answered within its bound or fails
 * with "the engine at ... stopped answering" (exit 3); an abort of its signal ends it at once. While a
 * call waits, a watchdog tells a slow engine from a stalled one: a call unanswered for `suspectMs` with
 * nothing else heard from the engine meanwhile makes it ping on a fresh connection; no answer within
 * `pingMs` (and still nothing heard) marks the engine stalled, fails every call in flight and every
 * later one. A busy engine answers the ping and its slow call is left to its own bound.
 */
export class EngineTransport {
  private readonly agent: http.Agent;
  private readonly inflight = new Set<Pending>();
  /** Pings in flight, each on a connection of its own: close() hangs them up. */
  private readonly pings = new Set<http.ClientRequest>();
  private readonly listeners = new Set<(silence: EngineSilence | undefined) => void>();
  private stalled: EngineStalledError | undefined;
  private lastHeard = Date.now();
  private watchdog: NodeJS.Timeout | undefined;
  private pinging = false;
  private pingStarted = 0;
  private silent = false;

  constructor(
    private readonly target: EngineTarget,
    readonly endpoint: string,
    readonly timeouts: EngineTimeouts = DEFAULT_TIMEOUTS,
    /** Told of every request once it settles (`BERTH_DEBUG=engine`); pings and hijacked exec streams are not requests. */
    private readonly trace?: EngineTrace,
  ) {
    const tls = 'tls' in target ? target.tls : undefined;
    this.agent =
      'ssh' in target ? new SshAgent(target.ssh) : tls ? new https.Agent({ keepAlive: true, maxSockets: 16, ...tls }) : new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  private get module() {
    return 'tls' in this.target && this.target.tls ? https : http;
  }

  /**
   * Where a request goes; a fresh connection (no agent) carries the TLS material itself. A connection without TLS
   * names no TLS server (`servername: ''`): otherwise node's agent works one out for every request, and asking
   * whether "localhost" is an IP address compiles node's IPv6 pattern, about 10 ms of every engine command's start.
   */
  private connection(agent: http.Agent | false) {
    const { target } = this;
    // Without an agent, node's client takes createConnection only when `agent` is left out (false would make a plain agent).
    if ('ssh' in target) return agent ? { agent, servername: '' } : { createConnection: () => new SshConnection(target.ssh), servername: '' };
    if ('socketPath' in target) return { socketPath: target.socketPath, agent, servername: '' };
    return { host: target.host, port: target.port, agent, ...(target.tls ?? { servername: '' }) };
  }

  /** Something came from the engine: it is alive. */
  private heard(): void {
    this.lastHeard = Date.now();
    if (this.silent) {
      this.silent = false;
      for (const l of this.listeners) l(undefined);
    }
  }

  /** Called with the silence when a call has waited `suspectMs` with nothing heard and the engine does not answer a ping at once either, and with undefined when it answers again. */
  onSilence(listener: (silence: EngineSilence | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The oldest call still unanswered. */
  private oldest(): Pending | undefined {
    let first: Pending | undefined;
    for (const p of this.inflight) if (!first || p.since < first.since) first = p;
    return first;
  }

  /** True while a call has waited `suspectMs` and nothing has been heard from the engine for as long. */
  suspect(now = Date.now()): boolean {
    const first = this.oldest();
    return !!first && now - first.since >= this.timeouts.suspectMs && now - this.lastHeard >= this.timeouts.suspectMs;
  }

  /** The error every call gets once the engine is known to have stopped answering; undefined while it answers. */
  get stalledError(): EngineStalledError | undefined {
    return this.stalled;
  }

  private markStalled(err: EngineStalledError): void {
    this.stalled ??= err;
    for (const p of [...this.inflight]) p.fail(this.stalled);
  }

  private stallError(p: Pending | undefined, now = Date.now()): EngineStalledError {
    return new EngineStalledError(this.endpoint, p ? `no answer to ${p.what} for ${((now - p.since) / 1000).toFixed(1)} s` : 'no answer');
  }

  private tick(): void {
    const now = Date.now();
    if (!this.inflight.size) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
      return;
    }
    if (!this.suspect(now)) return;
    const first = this.oldest()!;
    if (this.pinging) {
      // A busy engine answers its ping at once; one that does not for a while is worth telling whoever waits.
      if (!this.silent && now - this.pingStarted >= Math.min(SAY_SILENT_AFTER_PING_MS, this.timeouts.pingMs / 2)) {
        this.silent = true;
        for (const l of this.listeners) l({ endpoint: this.endpoint, silentForMs: now - this.lastHeard, waitingFor: first.what });
      }
      return;
    }
    this.pinging = true;
    const pingStarted = (this.pingStarted = Date.now());
    void this.ping(this.timeouts.pingMs).then(
      () => {
        this.pinging = false;
        this.heard();
      },
      () => {
        this.pinging = false;
        if (this.lastHeard < pingStarted) this.markStalled(this.stallError(this.oldest() ?? first));
      },
    );
  }

  /**
   * GET /_ping on a fresh connection (the kept-alive ones may all be stuck), bounded and cancellable.
   * Resolves with the answer's headers, names lower-cased (`builder-version`, `ostype`, `api-version`).
   */
  ping(timeoutMs: number, signal?: AbortSignal): Promise<Record<string, string>> {
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    return new Promise((resolve, reject) => {
      const done = (err: Error | undefined, headers?: Record<string, string>) => {
        clearTimeout(timer);
        this.pings.delete(req);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(headers!);
      };
      const req = this.module.request({ ...this.connection(false), method: 'GET', path: '/_ping' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          // Only an engine says 200 here; a 400 is, say, a TLS port spoken to in plain HTTP.
          if (status >= 200 && status < 300) done(undefined, Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), String(v)])));
          else done(new Error(`answered HTTP ${status}${body.trim() ? `: ${body.trim().split('\n')[0]!.slice(0, 120)}` : ''}`));
        });
      });
      const timer = setTimeout(() => {
        req.destroy();
        done(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      const onAbort = () => {
        req.destroy();
        done(abortError(signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pings.add(req);
      req.on('error', (err) => done(err));
      req.end();
    });
  }

  /**
   * A call's connection failed. A refused connection or a vanished socket means no engine listens there any more: every
   * call in flight and every later one fails the same way at once, as with a stalled engine. A reset alone fails only
   * its own call (a kept-alive connection can be closed under one call while the engine lives on).
   */
  private connectionFailed(err: NodeJS.ErrnoException, what: string, finish: (err: Error) => void): void {
    const gone = engineGone(this.endpoint, what, err);
    if (gone instanceof EngineStalledError && (err.code === 'ECONNREFUSED' || err.code === 'ENOENT')) this.markStalled(gone);
    finish(gone);
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    if (this.stalled) return Promise.reject(this.stalled);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const { upload } = options;
    const what = `${method} ${path.replace(/\?.*$/, '')}`;
    const startedMs = performance.now();
    let answered: number | undefined;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | undefined, value?: unknown) => {
        if (settled) return;
        settled = true;
        this.trace?.({ what, startedMs, ms: performance.now() - startedMs, ...(answered !== undefined ? { status: answered } : {}), ...(err ? { error: err.message } : {}) });
        this.inflight.delete(pending);
        clearTimeout(timer);
        if (err && upload) {
          // what is left of the upload goes nowhere: stop reading the context, and let the connection go
          upload.body.destroy();
          req.destroy();
        }
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(value);
      };
      const req = this.module.request(
        {
          // An upload's connection lasts as long as the engine reads and answers it: not one of the kept-alive sockets.
          ...this.connection(upload ? false : this.agent),
          method,
          path: `${path}${queryString(options.query)}`,
          headers: upload ? { 'content-type': upload.contentType } : body ? { 'content-type': 'application/json', 'content-length': body.length } : {},
        },
        (res) => {
          this.heard();
          const status = (answered = res.statusCode ?? 0);
          if (upload) {
            if (status >= 300) upload.body.unpipe(req);
            // A body that fails after the answer (a file changed as it was read) fails the response stream.
            else upload.body.once('error', (err) => res.destroy(err));
          }
          if (options.stream && status < 300) return finish(undefined, res);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => {
            this.heard();
            chunks.push(c);
          });
          res.on('error', (err) => finish(engineGone(this.endpoint, what, err)));
          res.on('end', () => {
            const buf = Buffer.concat(chunks);
            if (status >= 400) return finish(EngineApiError.from(status, buf));
            if (status === 304) return finish(undefined, undefined);
            if (options.raw) return finish(undefined, buf);
            const text = buf.toString('utf8');
            try {
              finish(undefined, text && (res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text);
            } catch (err) {
              finish(err as Error);
            }
          });
        },
      );
      const pending: Pending = {
        since: Date.now(),
        what,
        fail: (err) => {
          req.destroy();
          finish(err);
        },
      };
      const timeoutMs = options.timeoutMs ?? this.timeouts.callMs;
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        if (settled) return;
        timer = setTimeout(() => pending.fail(this.stallError(pending)), timeoutMs);
        timer.unref();
      };
      if (upload) req.once('finish', arm);
      else arm();
      // At the deadline, a call the engine left unanswered while nothing else was heard is the engine's fault.
      const onAbort = () => {
        if (isDeadline(signal?.reason) && this.suspect()) this.markStalled(this.stallError(pending));
        else pending.fail(abortError(signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => this.connectionFailed(err, what, finish));
      this.inflight.add(pending);
      if (!this.watchdog) {
        this.watchdog = setInterval(() => this.tick(), Math.min(500, this.timeouts.suspectMs / 2));
        this.watchdog.unref();
      }
      if (upload) {
        upload.body.once('error', (err) => pending.fail(err));
        upload.body.pipe(req);
        return;
      }
      if (body) req.write(body);
      req.end();
    });
  }

  /**
   * A request on a connection of its own, for a response that lasts as long as a process does (an
   * attached exec): not one of the kept-alive sockets, and not watched (its caller bounds it).
   */
  hijacked(method: string, path: string, body: unknown): http.ClientRequest {
    const data = Buffer.from(JSON.stringify(body));
    const req = this.module.request({ ...this.connection(false), method, path, headers: { 'content-type': 'application/json', 'content-length': data.length } });
    req.end(data);
    return req;
  }

  /** Closes kept-alive sockets and stops the watchdog so a CLI process can exit at once. */
  close(): void {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.agent.destroy();
    // A ping has a connection of its own, outside the agent: left open, it would keep the process alive until the
    // engine answers or the ping's bound ends (3 s for an engine that does not answer), after berth is done.
    for (const req of this.pings) req.destroy();
    this.pings.clear();
  }
}
