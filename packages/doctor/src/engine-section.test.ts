import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { BerthSpecSchema } from '@berth/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_INFO_TIMEOUT_MS } from './engine-section.js';
import { runDoctor } from './run-doctor.js';

// A real HTTP server on loopback that answers the engine's ping and then nothing: a hung dockerd looks like this.
describe('doctor against an engine that answers its ping and nothing more', () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.endsWith('/_ping')) {
        res.writeHead(200, { 'Api-Version': '1.45', 'Content-Type': 'text/plain' });
        res.end('OK');
      }
      // anything else: never answered
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('ends within seconds, the engine section saying /info went unanswered (the transport would wait a minute)', async () => {
    const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'demo' }, services: { web: { image: 'nginx', ports: [port] } } });
    const started = performance.now();
    const report = await runDoctor({ spec, specFile: 'berth.yaml', baseDir: tmpdir(), env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, PATH: '/nonexistent' } });
    const took = performance.now() - started;
    expect(took).toBeLessThan(20_000);
    const engine = report.sections.find((s) => s.id === 'engine')!;
    expect(engine.summary).toBe(`reachable at tcp://127.0.0.1:${port}`);
    expect(engine.findings.map((f) => `${f.status}: ${f.message}`)).toEqual([`warning: the engine at tcp://127.0.0.1:${port}: it answered its ping but not GET /info within ${ENGINE_INFO_TIMEOUT_MS / 1000} s`]);
    // the ports section asked the engine who holds the port (the server holds it), bounded the same way
    const ports = report.sections.find((s) => s.id === 'ports')!;
    expect(ports.durationMs).toBeLessThan(10_000);
  }, 30_000);
});
