import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berthIn, ensureBuilt } from './health-cli-helpers.js';
import { root } from './support/built-cli.js';

// The seed's Jupyter runs in the devcontainer on 8888 whatever Compose's `notebooks` profile says: with it
// off and nothing else of the bundled example started, `berth health` must check Jupyter and say passing
// when something answers Jupyter's API there. The test serves that API on loopback itself (403 on
// /api/status without a token, as jupyter-server does). The bundled example is written into a temp dir
// beside its registry; if 8888 is taken on this machine, the copy names another port (the spec's three
// mentions of 8888), so the check is the same, on a port the test owns.
const JUPYTER_PORT = 8888;
let dir = '';
let specDir = '';
let servers: http.Server[] = [];
let port = JUPYTER_PORT;

function jupyterApi(): http.Server {
  return http.createServer((req, res) => {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/api') return json(200, { version: '2.14.2' });
    if (req.url === '/api/status') return json(403, { message: 'Forbidden', reason: null });
    json(404, { message: 'Not Found' });
  });
}

function listen(server: http.Server, host: string, wanted: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(wanted, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'berth-health-jupyter-'));
  const first = jupyterApi();
  try {
    port = await listen(first, '127.0.0.1', JUPYTER_PORT);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    port = await listen(first, '127.0.0.1', 0);
  }
  servers = [first];
  // `localhost` may resolve to ::1 first: answer there too where this machine has IPv6 loopback.
  const v6 = jupyterApi();
  await listen(v6, '::1', port).then(
    () => servers.push(v6),
    () => undefined,
  );
  specDir = join(dir, 'semops-data');
  mkdirSync(specDir);
  cpSync(join(root, 'examples/semops-dx-orchestrator'), join(dir, 'semops-dx-orchestrator'), { recursive: true });
  const example = readFileSync(join(root, 'examples/semops-data/berth.yaml'), 'utf8');
  const spec = port === JUPYTER_PORT ? example : example.replaceAll('--port 8888', `--port ${port}`).replace('host: 8888', `host: ${port}`).replace('localhost:8888/', `localhost:${port}/`);
  expect(spec.match(new RegExp(`\\b${port}\\b`, 'g'))).toHaveLength(3);
  writeFileSync(join(specDir, 'berth.yaml'), spec);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('berth health on the bundled example, with only Jupyter answering', () => {
  it('checks jupyter (it runs in the devcontainer whatever the notebooks profile) and reports it passing', async () => {
    const env = { ...process.env, NO_COLOR: '1', COMPOSE_PROFILES: '' };
    const r = await berthIn(specDir, env, ['health', '--json']);
    const doc = JSON.parse(r.stdout);
    const jupyter = doc.checks.filter((c: { subject: { id: string } }) => c.subject.id === 'jupyter');
    expect(jupyter).toEqual([expect.objectContaining({ label: `http :${port}/api/status`, status: 'passing', reason: 'up; wants a token (status 403)' })]);
    // Marquez runs only under Compose with `lineage` on: not expected, so not checked.
    expect(doc.skipped).toEqual(['marquez', 'marquez-web']);
    // Nothing else of the example runs here (MLflow, the connections, the devcontainer): the run fails.
    expect(r.status).toBe(1);
    expect(doc.ok).toBe(false);

    const plain = await berthIn(specDir, env, ['health', 'jupyter']);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(new RegExp(`^jupyter\\s+http :${port}/api/status\\s+passing\\s+\\d+ ms\\s+up; wants a token \\(status 403\\)$`, 'm'));
  });
});
