import dns from 'node:dns';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../src/index.js';
import { closeAll, connections, httpServer, listen, refusedPort, target } from './loopback.js';

afterEach(closeAll);

/**
 * Peers that are not quite a healthy HTTP server, and what a check says of each: a reason that names what happened
 * and where, in the phase it happened in.
 */
describe('what an HTTP check says of odd peers', () => {
  it('a name that resolves to several addresses, all refusing (localhost as ::1 and 127.0.0.1): refused while connecting, not while waiting for headers', async () => {
    const port = await refusedPort();
    // the name resolves to two loopback addresses, as localhost does on a dual-stack machine; node tries both
    // (autoSelectFamily) and gives an AggregateError that names no syscall
    const real = dns.lookup;
    const fake = ((host: string, options: unknown, callback?: unknown) => {
      const cb = (typeof options === 'function' ? options : callback) as (...a: unknown[]) => void;
      const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
      if (host !== 'dual.berth.test') return (real as (...a: unknown[]) => void)(host, options, callback);
      const addresses = [{ address: '127.0.0.1', family: 4 }, { address: '127.0.0.2', family: 4 }];
      return all ? cb(null, addresses) : cb(null, '127.0.0.1', 4);
    }) as typeof dns.lookup;
    dns.lookup = fake;
    try {
      const r = await runCheck(target({ type: 'http', url: `http://dual.berth.test:${port}/health` }));
      expect([r.status, r.reason]).toEqual(['critical', `connection refused on dual.berth.test:${port}`]);
    } finally {
      dns.lookup = real;
    }
  });

  it('a server that reads the request and hangs up without answering: closed before an answer, not "reset"', async () => {
    const { port } = await listen(net.createServer((socket) => (socket.on('error', () => {}), socket.once('data', () => socket.end()))));
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/` }));
    expect([r.status, r.reason]).toEqual(['critical', `connection closed by 127.0.0.1:${port} before an answer`]);
  });

  it('another program on the port (an SSH banner): it answered, but not in HTTP, with what to look at', async () => {
    // resume() so the server notices the client's FIN: a socket nobody reads never sees its end
    const { server, port } = await listen(net.createServer((socket) => (socket.on('error', () => {}), socket.resume(), socket.write('SSH-2.0-OpenSSH_9.6\r\n'))));
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/` }));
    expect([r.status, r.reason]).toEqual(['critical', `127.0.0.1:${port} answered, but not in HTTP (HPE_INVALID_CONSTANT): is another program on that port, or does it want https?`]);
    await vi.waitFor(async () => expect(await connections(server)).toBe(0));
  });

  it('headers over node\'s own 16 KiB (large cookies, a long CSP) are read, as curl reads them: passing', async () => {
    const { port } = await httpServer((req, res) => {
      res.setHeader('content-security-policy', `default-src ${'https://cdn.example.org '.repeat(1000)}`); // ~24 KiB
      res.end('OK');
    });
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/`, expect: { bodyContains: 'OK' } }));
    expect([r.status, r.reason]).toEqual(['passing', 'status 200, body contains "OK"']);
  });

  it('a body that never ends (a stalled stream) times out naming the status that came', async () => {
    const { server, port } = await httpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: hello\n\n');
    });
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/events`, timeout: 500 }));
    expect([r.status, r.reason]).toEqual(['critical', `timed out after 500 ms reading the body from 127.0.0.1:${port} (status 200 came; its body did not end)`]);
    await vi.waitFor(async () => expect(await connections(server)).toBe(0));
  });

  it('a chunked body is read across its chunks; a broken chunk is named as a body that is not valid HTTP', async () => {
    const { port } = await listen(
      net.createServer((socket) => {
        socket.on('error', () => {});
        socket.once('data', (request) => {
          const broken = request.toString().startsWith('GET /broken');
          socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n{"status\r\n');
          setTimeout(() => socket.end(broken ? 'ZZ\r\nnot a chunk\r\n' : '7\r\n":"ok"}\r\n0\r\n\r\n'), 30);
        });
      }),
    );
    const whole = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/`, expect: { json: { path: 'status', equals: 'ok' } } }));
    expect([whole.status, whole.reason]).toEqual(['passing', 'status 200']);
    const broken = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/broken` }));
    expect([broken.status, broken.reason]).toEqual(['critical', `127.0.0.1:${port} sent a body that is not valid HTTP (HPE_INVALID_CHUNK_SIZE; status 200)`]);
  });

  it('a body cut short by a clean close (fewer bytes than its Content-Length): cut, not "reset"', async () => {
    const { port } = await listen(
      net.createServer((socket) => {
        socket.on('error', () => {});
        socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'));
      }),
    );
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/` }));
    expect([r.status, r.reason]).toEqual(['critical', `connection to 127.0.0.1:${port} cut while reading the body (status 200)`]);
  });
});

/** Whether this machine has IPv6 loopback to listen on. */
const ipv6 = await new Promise<boolean>((resolve) => {
  const s = net.createServer();
  s.once('error', () => resolve(false));
  s.listen(0, '::1', () => s.close(() => resolve(true)));
});

describe.skipIf(!ipv6)(`an IPv6 address in a reason is bracketed, so its port reads as the port${ipv6 ? '' : ' (skipped: no IPv6 loopback here)'}`, () => {
  it('tcp, postgres and http on [::1]', async () => {
    const onV6 = async (server: net.Server) => {
      await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
      return (server.address() as net.AddressInfo).port;
    };
    const open = http.createServer((req, res) => res.end('ok'));
    const port = await onV6(open);
    try {
      const tcp = await runCheck(target({ type: 'tcp', host: '::1', port }));
      expect([tcp.status, tcp.reason]).toEqual(['passing', `accepts connections on [::1]:${port}`]);
    } finally {
      open.closeAllConnections();
      await new Promise((r) => open.close(r));
    }
    const gone = net.createServer();
    const closed = await onV6(gone);
    await new Promise((r) => gone.close(r));
    const refused = await runCheck(target({ type: 'http', url: `http://[::1]:${closed}/health` }));
    expect([refused.status, refused.reason]).toEqual(['critical', `connection refused on [::1]:${closed}`]);
    const pg = await runCheck(target({ type: 'postgres', host: '::1', port: closed }));
    expect(pg.reason).toBe(`connection refused on [::1]:${closed}`);
  });
});
