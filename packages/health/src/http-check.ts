import http from 'node:http';
import https from 'node:https';
import type { HttpCheck } from '@berth/spec';
import { formatDuration, isCredentialHeader } from '@berth/spec';
import { httpRequestText } from './check-variables.js';
import { describeNetError, hostPort } from './describe.js';
import { judgeHttpAnswer, statusMatches, type HttpAnswer } from './http-expect.js';
import type { AttemptContext, Verdict } from './types.js';

/**
 * One agent for every check, without keep-alive: each request still gets its own socket, closed when
 * the check settles, but no agent is built per request (`agent: false` would).
 */
const agents = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };

/** The most of a body a check ever reads; the rest is never received. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The most of a header block a check reads: 64 KiB, as the body. Node's own 16 KiB would make a healthy server that
 * sends large cookies or CSP headers critical, where curl (and so a Docker HEALTHCHECK with it) reads them.
 */
export const MAX_HEADER_BYTES = 64 * 1024;

type Phase = 'connecting to' | 'in the TLS handshake with' | 'waiting for headers from' | 'reading the body from';
type Outcome = { verdict: Verdict } | { redirect: string; status: number } | { answer: Omit<HttpAnswer, 'latencyMs'> };

const hostOf = (url: URL) => hostPort(url.hostname, url.port || (url.protocol === 'https:' ? 443 : 80));

/**
 * Whether a request's error came from connecting: the error says so (its syscall), or it is the AggregateError node
 * gives when a name resolves to several addresses (localhost: ::1 and 127.0.0.1) and every one failed, which names
 * no syscall and leaves the socket no longer connecting.
 */
const connectError = (err: unknown) => {
  const e = err as NodeJS.ErrnoException & { errors?: unknown };
  return e.syscall === 'connect' || e.syscall === 'getaddrinfo' || Array.isArray(e.errors);
};

/** One HTTP(S) request: its own socket (no keep-alive), a connect timeout, a bounded body, torn down on abort. */
function requestOnce(url: URL, method: string, headers: Record<string, string>, body: string | undefined, check: HttpCheck, ctx: AttemptContext): Promise<Outcome> {
  const where = hostOf(url);
  const tls = url.protocol === 'https:';
  return new Promise<Outcome>((resolve) => {
    let responded = false;
    let handshaken = false;
    let status = 0;
    let done = false;
    // Where the request is, read off the socket when a failure needs it rather than tracked by listeners:
    // a thousand checks at once pay for every listener and timer they add.
    const phase = (): Phase => {
      if (responded) return 'reading the body from';
      const socket = req.socket;
      if (!socket || socket.connecting) return 'connecting to';
      return tls && !handshaken ? 'in the TLS handshake with' : 'waiting for headers from';
    };
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      if (connectTimer) clearTimeout(connectTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(o);
    };
    const fail = (reason: string) => finish({ verdict: { status: 'critical', reason } });
    // in the body: the status came, the body did not end (a stalled or endless stream), and the reason says which status
    const onAbort = () => fail(`timed out after ${formatDuration(ctx.timeoutMs)} ${phase()} ${where}${responded ? ` (status ${status} came; its body did not end)` : ''}`);
    let req: http.ClientRequest;
    try {
      req = (tls ? https : http).request(url, {
        method,
        agent: tls ? agents.https : agents.http,
        maxHeaderSize: MAX_HEADER_BYTES,
        headers: { 'user-agent': 'berth-health', accept: '*/*', ...headers },
        ...(tls ? { rejectUnauthorized: !check.insecure } : {}),
      });
    } catch (err) {
      // node refuses before sending (a header value with a newline in it): berth could not look
      return resolve({ verdict: { status: 'unknown', reason: `the request could not be made: ${(err as Error).message}` } });
    }
    // The total timeout already ends a connect that never completes; a shorter connect timeout needs a timer.
    const connectTimer =
      ctx.connectTimeoutMs < ctx.timeoutMs
        ? setTimeout(() => {
            if (phase() === 'connecting to') fail(`timed out after ${formatDuration(ctx.connectTimeoutMs)} connecting to ${where}`);
          }, ctx.connectTimeoutMs)
        : undefined;
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (tls) req.on('socket', (socket) => socket.once('secureConnect', () => (handshaken = true)));
    req.on('error', (err) => {
      const base = describeNetError(err, where);
      // a failed connect has reset socket.connecting by now; the error itself says where it happened
      const now = connectError(err) ? 'connecting to' : phase();
      if (now === 'reading the body from') {
        // node's parser refused the body (a broken chunk): the headers were HTTP, so it is no other program
        const code = (err as NodeJS.ErrnoException).code;
        return fail(code?.startsWith('HPE_') ? `${where} sent a body that is not valid HTTP (${code}; status ${status})` : `${base} while reading the body (status ${status})`);
      }
      // a connection lost after the request went out says when; a reason that says what came back already does
      fail(now === 'waiting for headers from' && /^connection (reset|closed) by/.test(base) && !/before an answer/.test(base) ? `${base} while waiting for headers` : base);
    });
    // aborted already: only now, with the error listener on, may the request be torn down
    if (ctx.signal.aborted) return onAbort();
    req.on('response', (res) => {
      responded = true;
      status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location && check.maxRedirects > 0 && !explicitlyAccepted(check, status)) {
        return finish({ redirect: location, status });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = (truncated: boolean) => ({
        answer: { status, contentType: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8'), truncated },
      });
      res.on('data', (chunk: Buffer) => {
        if (done) return;
        const room = MAX_BODY_BYTES - size;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        size += Math.min(chunk.length, room);
        if (size >= MAX_BODY_BYTES) finish(answer(true));
      });
      res.on('end', () => finish(answer(false)));
      // node says "aborted" however the connection ended mid-body (a FIN or a reset): it was cut, whichever
      res.on('error', (err) => fail(err.message === 'aborted' ? `connection to ${where} cut while reading the body (status ${status})` : `${describeNetError(err, where)} while reading the body (status ${status})`));
      res.on('close', () => {
        if (!res.complete) fail(`connection to ${where} cut while reading the body (status ${status})`);
      });
    });
    req.end(body);
  });
}

/**
 * A 3xx the user expects as the answer is one, not a redirect to follow: listed by number (`302`), or by a class or
 * range that holds no success (`3xx`, `301-308`: a login redirect is the answer wanted). A range that also holds
 * the 2xx (`200-399`, the default) asks for where the redirects lead.
 */
function explicitlyAccepted(check: HttpCheck, status: number): boolean {
  const listed = check.expect?.status ?? [];
  const redirectOnly = (m: (typeof listed)[number]) => typeof m === 'number' || !Array.from({ length: 100 }, (_, i) => 200 + i).some((ok) => statusMatches(ok, [m]));
  return statusMatches(status, listed.filter(redirectOnly));
}

/** The Fetch standard's request-body-header names: what describes a body a redirect to a GET drops. */
const BODY_HEADERS = new Set(['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length']);

/**
 * The headers a redirect sends on: without their credentials when it changes scheme, host or port (as curl since
 * 7.58 and the Fetch standard), without those describing the body when it turns the request into a GET.
 */
function withoutHeaders(headers: Record<string, string>, drop: (name: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop(name)));
}

/** Where a redirect's Location leads, when it is an http(s) URL berth can request; undefined otherwise. */
function followable(location: string, from: URL): URL | undefined {
  const next = URL.canParse(location, from.href) ? new URL(location, from) : undefined;
  return next && (next.protocol === 'http:' || next.protocol === 'https:') ? next : undefined;
}

/** An HTTP(S) check: redirects followed up to maxRedirects (a loop named as such), then the answer judged. */
export async function runHttpCheck(ctx: AttemptContext): Promise<Verdict> {
  const check = ctx.target.check as HttpCheck;
  const started = performance.now();
  const request = httpRequestText(check, ctx.target);
  // berth could not make the request it was asked to (a variable missing): it did not look
  if ('problem' in request) return { status: 'unknown', reason: request.problem };
  let url = new URL(request.url);
  let method: string = check.method ?? 'GET';
  let headers = request.headers;
  let body = check.body;
  const chain = [url.href];
  for (;;) {
    const outcome = await requestOnce(url, method, headers, body, check, ctx);
    if ('verdict' in outcome) return outcome.verdict;
    if ('redirect' in outcome) {
      const next = followable(outcome.redirect, url);
      // berth did look: the service answered with a redirect that cannot be followed
      if (!next) return { status: 'critical', reason: `redirect to an unsupported URL ${outcome.redirect} (from ${url.pathname})` };
      if (chain.includes(next.href)) {
        return { status: 'critical', reason: `redirect loop: ${[...chain, next.href].map((h) => new URL(h).pathname).join(' -> ')}` };
      }
      if (chain.length > check.maxRedirects) {
        return { status: 'critical', reason: `more than ${check.maxRedirects} redirects (last to ${next.href})` };
      }
      // the Fetch standard's rule (curl -L and every browser do the same): a 303, or a 301/302 answering a POST, is
      // followed with a GET, without the body or the headers that described it
      if ((outcome.status === 303 && method !== 'GET' && method !== 'HEAD') || ((outcome.status === 301 || outcome.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = withoutHeaders(headers, (name) => BODY_HEADERS.has(name.toLowerCase()));
      }
      if (next.origin !== url.origin) headers = withoutHeaders(headers, isCredentialHeader);
      chain.push(next.href);
      url = next;
      continue;
    }
    const verdict = judgeHttpAnswer(check, { ...outcome.answer, latencyMs: performance.now() - started });
    return chain.length > 1 ? { ...verdict, details: { ...verdict.details, redirects: chain.slice(1) } } : verdict;
  }
}
