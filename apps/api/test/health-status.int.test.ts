/**
 * GET /health against real loopback services that pass and fail, the event stream pushing
 * the change, and the history surviving a restart of the server (SQLite file).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerEvent, ServicesResponse, HealthResponse, HistoryResponse } from '../src/contract.js';
import { startServer, type RunningServer } from '../src/index.js';
import { postgresUnavailableReason, startPostgres } from './support/postgres.js';
import { loopbackService, loopbackSpec, rawRequest, waitFor, type LoopbackService } from './support/http.js';

let dir: string;
const services: LoopbackService[] = [];
afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-api-health-'));
});

async function start(name: string, defs: { id: string; svc: LoopbackService; severity?: 'warning' }[], store: string = `sqlite:${join(dir, `${name}.db`)}`): Promise<RunningServer> {
  const specPath = join(dir, `${name}.yaml`);
  writeFileSync(specPath, loopbackSpec(name, defs.map((d) => ({ id: d.id, port: d.svc.port, severity: d.severity }))));
  return startServer({ specPath, env: {}, store, token: 'test-token-1234', engine: false, gpu: false });
}

/** Waits until /health answers `code`, returning its body. */
async function healthIs(server: RunningServer, code: number) {
  return waitFor(`/health ${code}`, async () => {
    const res = await rawRequest(server.url, '/health');
    return res.status === code ? HealthResponse.parse(JSON.parse(res.body)) : undefined;
  });
}

describe('GET /health follows Consul: 200 passing, 429 warning, 503 critical', () => {
  it('turns with real services going down and up, and pushes the change as events', async () => {
    const web = await loopbackService(200);
    const search = await loopbackService(200);
    const ads = await loopbackService(200);
    services.push(web, search, ads);
    const server = await start('shop', [{ id: 'web', svc: web }, { id: 'search', svc: search }, { id: 'ads', svc: ads, severity: 'warning' }]);
    const events = collectEvents(server.url);
    try {
      expect((await healthIs(server, 200)).status).toBe('passing');

      ads.answer(500); // a warning-severity check failing
      const warned = await healthIs(server, 429);
      expect(warned.status).toBe('warning');
      expect(warned.checks.find((c) => c.subject === 'service:ads')?.status).toBe('warning');

      web.answer(503); // a critical one failing
      const critical = await healthIs(server, 503);
      expect(critical.status).toBe('critical');
      expect(critical.checks.find((c) => c.subject === 'service:web')?.reason).toMatch(/503/);

      web.answer(200);
      ads.answer(200);
      await healthIs(server, 200);

      const seen = await waitFor('status events', () => {
        const statuses: string[] = events.received.flatMap((e) => (e.type === 'status' ? [e.status] : []));
        return ['warning', 'critical', 'passing'].every((s) => statuses.includes(s)) ? events.received : undefined;
      });
      expect(seen[0]?.type).toBe('hello');
      expect(seen.some((e) => e.type === 'result' && e.result.subject.id === 'web' && e.result.status === 'critical')).toBe(true);

      const metrics = (await rawRequest(server.url, '/metrics')).body;
      expect(metrics).toMatch(/^# TYPE berth_check_up gauge$/m);
      expect(metrics).toMatch(/berth_check_up\{check="[^"]+",subject="web",kind="service",type="http"\} 1/);
      expect(metrics).toMatch(/berth_check_latency_seconds\{[^}]*subject="search"[^}]*\} \d/);
      expect(metrics).toContain('berth_health_status{status="passing"} 1');
    } finally {
      events.stop();
      await server.close();
    }
  });
});

describe('a service whose profile is off does not rank the stack (as berth health and berth doctor say)', () => {
  it('answers 200 passing while it is down, listing it as unknown "not expected"', async () => {
    const web = await loopbackService(200);
    const gone = await loopbackService(200);
    services.push(web);
    await gone.close(); // nothing listens on its port: its check fails
    const extra = `  lineage:
    image: busybox
    profiles: [tools]
    ports: ["127.0.0.1:${gone.port}:80"]
    checks: [{ type: http, url: "http://127.0.0.1:${gone.port}/health", interval: 200ms, timeout: 1s }]
`;
    const specPath = join(dir, 'profile-off.yaml');
    writeFileSync(specPath, loopbackSpec('profile-off', [{ id: 'web', port: web.port }], 200, extra));
    const server = await startServer({ specPath, env: {}, store: `sqlite:${join(dir, 'profile-off.db')}`, token: 'test-token-1234', engine: false, gpu: false });
    try {
      const body = await waitFor('both results', async () => {
        const res = await rawRequest(server.url, '/health');
        const view = HealthResponse.parse(JSON.parse(res.body));
        return view.checks.length === 2 ? { code: res.status, view } : undefined;
      });
      expect(body.view.checks.find((c) => c.subject === 'service:lineage')).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/^not expected: profile tools is off/) });
      expect(body.view.status).toBe('passing');
      expect(body.code).toBe(200);
      const view = ServicesResponse.parse(JSON.parse((await rawRequest(server.url, '/api/services')).body));
      expect(view.status).toBe('passing');
    } finally {
      await server.close();
    }
  });
});

const pgSkip = postgresUnavailableReason();
const historyStores = [
  { name: 'sqlite', skip: undefined as string | undefined },
  { name: `postgres${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, skip: pgSkip },
];

for (const kind of historyStores) {
  describe.skipIf(!!kind.skip)(`history on ${kind.name}`, () => {
    it('survives a restart: uptime and points from before it are still there', async () => {
      const cluster = kind.name === 'sqlite' ? undefined : await startPostgres();
      const store = cluster ? cluster.url : undefined;
      const api = await loopbackService(200);
      services.push(api);
      try {
        const first = await start(`hist-${kind.name.slice(0, 6)}`, [{ id: 'api', svc: api }], store);
        await healthIs(first, 200);
        api.answer(500);
        await healthIs(first, 503);
        api.answer(200);
        await healthIs(first, 200);
        const before = HistoryResponse.parse(JSON.parse((await rawRequest(first.url, '/api/services/api/history?window=1h')).body));
        await first.close();
        expect(before.points.some((p) => p.status === 'critical')).toBe(true);

        const second = await start(`hist-${kind.name.slice(0, 6)}`, [{ id: 'api', svc: api }], store);
        try {
          const after = HistoryResponse.parse(JSON.parse((await rawRequest(second.url, '/api/services/api/history?window=1h')).body));
          // every point from before the restart is still there
          expect(after.points.filter((p) => p.t <= before.points.at(-1)!.t).length).toBeGreaterThanOrEqual(before.points.length);
          const view = ServicesResponse.parse(JSON.parse((await rawRequest(second.url, '/api/services')).body));
          const svc = view.services.find((s) => s.id === 'api')!;
          expect(svc.uptime24h).not.toBeNull();
          expect(svc.uptime24h!).toBeGreaterThan(0);
          expect(svc.uptime24h!).toBeLessThan(1);
          expect(svc.latency?.samples).toBeGreaterThan(0);
        } finally {
          await second.close();
        }
      } finally {
        cluster?.stop();
      }
    });
  });
}

/** Reads the event stream in the background, parsing each message with the contract. */
function collectEvents(base: string) {
  const received: ServerEvent[] = [];
  let buffer = '';
  const req = request(new URL('/api/events', base), (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (data) received.push(ServerEvent.parse(JSON.parse(data.slice(6))));
      }
    });
  });
  req.on('error', () => {});
  req.end();
  return { received, stop: () => req.destroy() };
}
