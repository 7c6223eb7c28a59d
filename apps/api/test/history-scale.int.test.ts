/**
 * A day of history for many checks, on the default SQLite store (synchronous underneath). Working out uptime and
 * latency for /api/services and /metrics reads every subject's day of results; done in one go, it held the whole
 * server, so /health (which Compose, Gatus and Uptime Kuma poll with a timeout) answered only once it was done:
 * seconds, for 200 checks at 10 s, every 15 s while a dashboard was open. A real server on a socket.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/contract.js';
import { startServer, type RunningServer } from '../src/index.js';
import { openStore } from '../src/store/open-store.js';

const SUBJECTS = 60;
/** A day of one check at 20 s. */
const PER_CHECK = 4320;

let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-api-history-scale-'));
  const services = Array.from({ length: SUBJECTS }, (_, i) => `  svc${i}: { runtime: host }`).join('\n');
  writeFileSync(join(dir, 'berth.yaml'), `berth: 1\nrepo: { name: history-scale }\nservices:\n${services}\n`);
  const path = join(dir, 'history.db');
  const store = await openStore({ kind: 'sqlite', path });
  const now = Date.now();
  for (let c = 0; c < SUBJECTS; c++) {
    const day: CheckResult[] = [];
    for (let i = 0; i < PER_CHECK; i++) {
      day.push({ id: `svc${c}:tcp`, subject: { kind: 'service', id: `svc${c}` }, type: 'tcp', label: 'tcp', status: i % 40 ? 'passing' : 'critical', reason: '', latencyMs: (i * 7) % 100, checkedAt: new Date(now - 60_000 - i * 20_000).toISOString(), attempts: 1 });
    }
    await store.record(day);
  }
  await store.maintain(now);
  await store.close();
  server = await startServer({ specPath: join(dir, 'berth.yaml'), env: {}, token: 'history-scale-token', engine: false, gpu: false, ecosystem: false, targets: [], uiDir: null, store: `sqlite:${path}` });
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('uptime and latency of many subjects, read from a day of history', () => {
  it('/health answers while /api/services works them out, not after', async () => {
    const order: string[] = [];
    const services = fetch(`${server.url}/api/services`).then(async (r) => {
      const body = (await r.json()) as { services: { id: string; uptime24h: number | null }[] };
      order.push('services');
      return body;
    });
    // /api/services is busy reading the store by now; /health must not wait for it
    await new Promise((r) => setTimeout(r, 30));
    const health = fetch(`${server.url}/health`).then((r) => (order.push('health'), r.status));
    const [answer, status] = await Promise.all([services, health]);
    expect(status).toBe(200);
    expect(answer.services).toHaveLength(SUBJECTS);
    expect(answer.services.every((s) => s.uptime24h !== null && s.uptime24h > 0.9 && s.uptime24h < 1)).toBe(true);
    expect(order).toEqual(['health', 'services']);
  });
});
