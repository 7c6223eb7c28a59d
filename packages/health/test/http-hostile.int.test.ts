import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../src/index.js';
import { findProgram } from './peers.js';
import { closeAll, connections, httpServer, listen, refusedPort, target } from './loopback.js';

afterEach(closeAll);

/**
 * "Classified within its timeout + 100 ms" is asserted through the reason: it names the check's own
 * timeout, so the check settled itself (the runner's hard stop, 50 ms later, words it differently).
 * The wall-clock bound here is deliberately generous so a loaded CI box cannot make it flaky.
 */
const within = (timeoutMs: number) => timeoutMs + 1500;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

describe('HTTP checks against hostile loopback servers', () => {
  it('a server that accepts and never answers: timed out waiting for headers, socket released', async () => {
    // resume() so the server notices the client's FIN: a socket nobody reads never sees its end
    const { server, port } = await listen(net.createServer((socket) => void socket.resume()));
    const { value: r, ms } = await timed(() => runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/`, timeout: 500 })));
    expect(r.status).toBe('critical');
    expect(r.reason).toBe(`timed out after 500 ms waiting for headers from 127.0.0.1:${port}`);
    expect(ms).toBeLessThan(within(500));
    await vi.waitFor(async () => expect(await connections(server)).toBe(0));
  });

  it('a server that trickles its headers a byte a second: timed out waiting for headers', async () => {
    const { server, port } = await listen(
      net.createServer((socket) => {
        const text = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
        let i = 0;
        const t = setInterval(() => (i < text.length ? socket.write(text[i++]!) : clearInterval(t)), 1000);
        socket.on('close', () => clearInterval(t));
        socket.on('error', () => {});
        socket.resume();
        socket.write(text[i++]!);
      }),
    );
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/`, timeout: 1500 }));
    expect(r.status).toBe('critical');
    expect(r.reason).toMatch(/^timed out after 1\.5 s waiting for headers from 127\.0\.0\.1:\d+$/);
    await vi.waitFor(async () => expect(await connections(server)).toBe(0));
  });

  it('a 1 GB body is never buffered: at most 64 KiB read, the rest never sent', async () => {
    let sent = 0;
    let clientGone = false;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const { port } = await httpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(1024 ** 3) });
      const pump = () => {
        while (sent < 1024 ** 3 && !clientGone) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => (clientGone = true));
      pump();
    });
    const { value: r, ms } = await timed(() => runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/big`, timeout: 2000, expect: { bodyContains: 'needle' } })));
    expect(r.status).toBe('critical');
    expect(r.reason).toMatch(/^status 200 but the body does not contain "needle" in the first 64 KiB/);
    expect(ms).toBeLessThan(within(2000));
    await vi.waitFor(() => expect(clientGone).toBe(true));
    expect(sent).toBeLessThan(64 * 1024 * 1024); // socket buffers at most, never the gigabyte
  });

  it('a redirect loop is named as one', async () => {
    const { port } = await httpServer((req, res) => {
      res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' });
      res.end();
    });
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/a` }));
    expect(r.status).toBe('critical');
    expect(r.reason).toBe('redirect loop: /a -> /b -> /a');
  });

  it('more redirects than allowed: stops at the limit', async () => {
    const { port } = await httpServer((req, res) => {
      const n = Number(req.url!.slice(1));
      res.writeHead(301, { location: `/${n + 1}` });
      res.end();
    });
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/0`, maxRedirects: 3 }));
    expect(r.status).toBe('critical');
    expect(r.reason).toBe(`more than 3 redirects (last to http://127.0.0.1:${port}/4)`);
  });

  it('a redirect the check expects (3xx, 301-308, 302) is the answer; one a range with the 2xx allows is followed', async () => {
    const { port } = await httpServer((req, res) => {
      if (req.url === '/') res.writeHead(302, { location: '/login' });
      res.end(req.url === '/' ? '' : 'login page');
    });
    const url = `http://127.0.0.1:${port}/`;
    for (const status of [['3xx'], ['301-308'], [302]]) {
      const r = await runCheck(target({ type: 'http', url, expect: { status } }));
      expect({ status, got: [r.status, r.reason] }).toEqual({ status, got: ['passing', 'status 302'] });
    }
    for (const status of [['200-399'], ['2xx']]) {
      const r = await runCheck(target({ type: 'http', url, expect: { status } }));
      expect({ status, got: [r.status, r.reason, r.details?.redirects] }).toEqual({ status, got: ['passing', 'status 200', [`${url}login`]] });
    }
  });

  it('a 303, or a 301/302 answering a POST, is followed with a GET and no body (the Fetch standard); a 307 keeps the POST and its body', async () => {
    const seen: string[] = [];
    const { port } = await httpServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers['content-type'] ?? '-'} ${body || '-'}`);
        const to = /^\/(\d{3})$/.exec(req.url!);
        if (to) res.writeHead(Number(to[1]), { location: '/done' });
        res.end(to ? '' : 'ok');
      });
    });
    for (const [status, method] of [['301', 'POST'], ['302', 'POST'], ['303', 'PUT'], ['307', 'POST'], ['302', 'PUT']]) {
      seen.length = 0;
      const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/${status}`, method, body: '{"ping":1}', headers: { 'content-type': 'application/json' } }));
      expect(r.status).toBe('passing');
      const keeps = status === '307' || (status === '302' && method === 'PUT');
      expect({ status, method, seen }).toEqual({ status, method, seen: [`${method} /${status} application/json {"ping":1}`, keeps ? `${method} /done application/json {"ping":1}` : 'GET /done - -'] });
    }
  });

  it('credentials are not sent on to another port; headers that are not credentials are', async () => {
    const seen: Record<string, string | string[] | undefined>[] = [];
    const record = (req: http.IncomingMessage) => seen.push({ url: req.url, authorization: req.headers.authorization, cookie: req.headers.cookie, proxy: req.headers['proxy-authorization'], apiKey: req.headers['x-api-key'], tenant: req.headers['x-tenant'] });
    const other = await httpServer((req, res) => (record(req), res.end('ok')));
    const { port } = await httpServer((req, res) => {
      record(req);
      res.writeHead(302, { location: req.url === '/start' ? '/same' : `http://127.0.0.1:${other.port}/elsewhere` });
      res.end();
    });
    const headers = { Authorization: 'Bearer sk-live-0123456789', Cookie: 'session=0123456789', 'Proxy-Authorization': 'Basic cHJveHk6cHc=', 'X-Api-Key': 'key-0123456789', 'X-Tenant': 'acme' };
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/start`, headers }));
    expect(r.status).toBe('passing');
    const kept = { authorization: headers.Authorization, cookie: headers.Cookie, proxy: headers['Proxy-Authorization'], apiKey: headers['X-Api-Key'], tenant: 'acme' };
    expect(seen).toEqual([
      { url: '/start', ...kept },
      { url: '/same', ...kept }, // the same origin keeps them
      // a header named as a secret (X-Api-Key) is a credential too
      { url: '/elsewhere', authorization: undefined, cookie: undefined, proxy: undefined, apiKey: undefined, tenant: 'acme' },
    ]);
  });

  it('a redirect to a URL berth cannot request is critical, naming it', async () => {
    const { port } = await httpServer((req, res) => {
      res.writeHead(302, { location: req.url === '/ftp' ? 'ftp://127.0.0.1/x' : 'http://[::1:bad/' });
      res.end();
    });
    const ftp = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/ftp` }));
    expect([ftp.status, ftp.reason]).toEqual(['critical', 'redirect to an unsupported URL ftp://127.0.0.1/x (from /ftp)']);
    const invalid = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/bad` }));
    expect([invalid.status, invalid.reason]).toEqual(['critical', 'redirect to an unsupported URL http://[::1:bad/ (from /bad)']);
  });

  it('a connection reset in the middle of the body', async () => {
    const { port } = await listen(
      net.createServer((socket) => {
        socket.on('error', () => {});
        socket.once('data', () => {
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial');
          setTimeout(() => socket.resetAndDestroy(), 50);
        });
      }),
    );
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/` }));
    expect(r.status).toBe('critical');
    expect(r.reason).toMatch(/(reset by|cut).*while reading the body \(status 200\)/);
  });

  it('a refused port', async () => {
    const port = await refusedPort();
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/health` }));
    expect(r.status).toBe('critical');
    expect(r.reason).toBe(`connection refused on 127.0.0.1:${port}`);
  });

  it('a non-JSON body where JSON was expected', async () => {
    const { port } = await httpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>maintenance</html>');
    });
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/`, expect: { json: { path: 'status', equals: 'ok' } } }));
    expect(r.status).toBe('critical');
    expect(r.reason).toBe('expected JSON, got text/html that is not JSON: "<html>maintenance</html>"');
  });

  it('a 503 says what was expected; a 403 with unauthorizedIsUp is up and wants a token', async () => {
    const { port } = await httpServer((req, res) => {
      res.writeHead(req.url === '/down' ? 503 : 403);
      res.end();
    });
    const down = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/down`, expect: { status: [200] } }));
    expect([down.status, down.reason]).toEqual(['critical', 'status 503, expected 200']);
    const up = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/api/status`, expect: { status: [200], unauthorizedIsUp: true } }));
    expect([up.status, up.reason]).toEqual(['passing', 'up; wants a token (status 403)']);
  });

  it('JSON field equality and a latency limit that turns a slow answer into a warning', async () => {
    const { port } = await httpServer((req, res) => {
      setTimeout(() => res.end(JSON.stringify({ data: [{ ok: true }], version: '0.5.1' })), req.url === '/slow' ? 300 : 0);
    });
    const ok = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/`, expect: { json: { path: 'data.0.ok', equals: true } } }));
    expect(ok.status).toBe('passing');
    const wrong = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/`, expect: { json: { path: 'version', equals: '1.0' } } }));
    expect(wrong.reason).toBe('JSON field "version" is "0.5.1", expected "1.0"');
    const slow = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/slow`, expect: { maxLatency: 100 } }));
    expect(slow.status).toBe('warning');
    expect(slow.reason).toMatch(/^slow: status 200 after \d+ ms, limit 100 ms$/);
  });
});

const opensslAvailable = findProgram('openssl') !== undefined;

describe.skipIf(!opensslAvailable)(`HTTPS with a self-signed certificate${opensslAvailable ? '' : ' (skipped: no openssl on PATH)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-health-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused by default, naming the fix, and accepted with insecure: true', async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const { port } = await listen(
      https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => res.end('OK')),
    );
    const strict = await runCheck(target({ type: 'http', url: `https://localhost:${port}/health` }));
    expect(strict.status).toBe('critical');
    expect(strict.reason).toBe(`TLS: self-signed certificate on localhost:${port} (set insecure: true to accept it)`);
    const lax = await runCheck(target({ type: 'http', url: `https://localhost:${port}/health`, insecure: true, expect: { bodyContains: 'OK' } }));
    expect([lax.status, lax.reason]).toEqual(['passing', 'status 200, body contains "OK"']);
  });

  it("a TLS failure is one line a person can act on, the same on every Node: no OpenSSL address, function or source place", async () => {
    const { port: plain } = await httpServer((req, res) => res.end('OK'));
    const notTls = await runCheck(target({ type: 'http', url: `https://127.0.0.1:${plain}/` }));
    expect([notTls.status, notTls.reason]).toEqual(['critical', `TLS: 127.0.0.1:${plain} does not speak TLS (is it plain http?)`]);
    // a 1024-bit key: Node 20 and 22 find it self-signed, Node 24's security level refuses the key first; either says what to do
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'weak.key'), '-out', join(dir, 'weak.pem')], { stdio: 'ignore' });
    // the server lowers its own security level to load the key at all (Node 24 refuses it otherwise)
    const { port } = await listen(https.createServer({ key: readFileSync(join(dir, 'weak.key')), cert: readFileSync(join(dir, 'weak.pem')), ciphers: 'DEFAULT@SECLEVEL=0' }, (req, res) => res.end('OK')));
    const weak = await runCheck(target({ type: 'http', url: `https://localhost:${port}/` }));
    expect(weak.status).toBe('critical');
    expect([
      `TLS: self-signed certificate on localhost:${port} (set insecure: true to accept it)`,
      `TLS: the certificate of localhost:${port} is too weak for this Node's TLS security level (Node 24 refuses RSA keys under 2048 bits); use a stronger key, or set insecure: true`,
    ]).toContain(weak.reason);
    for (const r of [notTls, weak]) expect(r.reason).not.toMatch(/\n|[0-9A-F]{12}|routines|\.c:\d/);
  });
});
