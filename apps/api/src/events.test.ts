import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EventHub } from './events.js';

/** Opens an event stream on a real socket; resolves with the response once its headers are in. */
function open(port: number): Promise<{ res: IncomingMessage; body: Promise<string>; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/events' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      const body = new Promise<string>((done) => {
        res.on('data', (c: string) => (text += c));
        res.on('end', () => done(text));
        res.on('close', () => done(text));
      });
      resolve({ res, body, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('EventHub', () => {
  it('serves at most its number of streams at once, refusing the next with a 503 and Retry-After, and takes one again once a stream closes', async () => {
    const hub = new EventHub((t) => t, 60_000, 2);
    const server = createServer((_req, res) => hub.add(res, { type: 'hello', status: 'passing', results: [] }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const first = await open(port);
      const second = await open(port);
      expect([first.res.statusCode, second.res.statusCode]).toEqual([200, 200]);
      const third = await open(port);
      expect(third.res.statusCode).toBe(503);
      expect(third.res.headers['retry-after']).toBe('5');
      expect(JSON.parse(await third.body)).toMatchObject({ statusCode: 503, message: expect.stringMatching(/^2 event streams are open, the most berth serves at once/) });
      expect(hub.size).toBe(2);
      first.close();
      await new Promise<void>((r) => {
        const wait = () => (hub.size < 2 ? r() : setTimeout(wait, 10));
        wait();
      });
      const fourth = await open(port);
      expect(fourth.res.statusCode).toBe(200);
      second.close();
      fourth.close();
    } finally {
      hub.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
