/**
 * No secret value in anything berth prints or serves, with a real container whose health check echoes
 * three: one from the process env (declared secret in the spec), one only in the `.env` beside the spec,
 * and one berth passes into the container under an undeclared *_TOKEN name (its value from `.env` under
 * a plain name). Checked: `berth up` (progress and error), `up --json`, `status --json`, `logs` (a second
 * container prints the three at start), and the API's answers (the error of a profile up, every read route), its
 * event stream and its history store.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable, dockerSkipReason, dockerSocketPath, ensureTestImage, TEST_HTTPD_COMMAND, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { berthIn, ensureBuilt } from './health-cli-helpers.js';

const tag = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
const ENV_SECRET = `env-secret-${tag}`;
const FILE_SECRET = `dotenv-secret-${tag}`;
const PASSED_SECRET = `passed-token-${tag}`;
const SECRETS = [ENV_SECRET, FILE_SECRET, PASSED_SECRET];
const ECHOED = 'DB_PASSWORD=[redacted] SHOP_API_KEY=[redacted] UPSTREAM_TOKEN=[redacted]';

function expectNoSecret(text: string, where: string) {
  for (const s of SECRETS) expect(text.includes(s), `${where} carries ${s}`).toBe(false);
}

/** GET with raw bytes back (the API's answers as they leave the socket). */
function get(base: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(new URL(path, base), (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

function post(base: string, path: string, token: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The event stream until `done` says it has seen enough (or 30 s). */
function events(base: string, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = request(new URL('/api/events', base), (res) => {
      res.on('data', (c: Buffer) => {
        text += c.toString();
        if (done(text)) req.destroy();
      });
      res.on('close', () => resolve(text));
    });
    const timer = setTimeout(() => req.destroy(), 30_000);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err) => (text ? resolve(text) : reject(err)));
    req.end();
  });
}

describe.skipIf(!dockerAvailable())(`secrets a health check echoes stay out of berth's output and answers${dockerSkipReason()}`, () => {
  const docker = new Dockerode({ socketPath: dockerSocketPath() });
  const project = uniqueProject('berth-secrets');
  const dir = mkdtempSync(join(tmpdir(), 'berth-secrets-'));
  const env = { ...process.env, NO_COLOR: '1', DOCKER_HOST: `unix://${dockerSocketPath()}`, COMPOSE_PROFILES: '', COMPOSE_PROJECT_NAME: '', SHOP_API_KEY: ENV_SECRET };

  beforeAll(async () => {
    ensureBuilt();
    await ensureTestImage(docker);
    writeFileSync(
      join(dir, 'berth.yaml'),
      [
        'berth: 1',
        `repo: { name: ${project} }`,
        `project: ${project}`,
        'profiles: { leaky: { description: A service whose health check prints its secrets } }',
        'env:',
        '  SHOP_API_KEY: { secret: true, purpose: The shop API }',
        'services:',
        '  leaky:',
        `    image: "${TEST_IMAGE}"`,
        `    command: ${JSON.stringify(TEST_HTTPD_COMMAND)}`,
        '    profiles: [leaky]',
        '    stopGracePeriod: 1s',
        '    environment:',
        '      SHOP_API_KEY: null', // from the process env
        '      DB_PASSWORD: ${DB_PASSWORD}', // only in .env
        '      UPSTREAM_TOKEN: ${UPSTREAM}', // undeclared *_TOKEN; UPSTREAM is in .env under a plain name
        // No `$` in the test, so neither berth nor Compose interpolation touches it: the container's own env.
        `    healthcheck: { test: "env | grep -E '^(SHOP_API_KEY|DB_PASSWORD|UPSTREAM_TOKEN)=' | sort | tr '\\n' ' '; exit 1", interval: 300ms, retries: 2 }`,
        '    checks: [{ type: container, interval: 500ms }]',
        '  talker:', // prints the same three at start, as services that log their configuration do
        `    image: "${TEST_IMAGE}"`,
        `    command: ["sh", "-c", "env | grep -E '^(SHOP_API_KEY|DB_PASSWORD|UPSTREAM_TOKEN)=' | sort | tr '\\n' ' '; echo; trap 'exit 0' TERM; sleep 1000 & wait"]`,
        '    profiles: [leaky]',
        '    stopGracePeriod: 1s',
        '    environment: { SHOP_API_KEY: null, DB_PASSWORD: "${DB_PASSWORD}", UPSTREAM_TOKEN: "${UPSTREAM}" }',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, '.env'), `DB_PASSWORD=${FILE_SECRET}\nUPSTREAM=${PASSED_SECRET}\n`);
  }, 120_000);

  afterAll(async () => {
    for (const c of await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    for (const n of await docker.listNetworks({ filters: { name: [project] } })) if (n.Name.startsWith(project)) await docker.getNetwork(n.Id).remove().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('berth up (progress and error), up --json and status --json show the health output redacted', async () => {
    const up = await berthIn(dir, env, ['up', '--profile', 'leaky', '--timeout', '60']);
    expect(up.status, up.stderr).toBe(1);
    expect(up.stderr).toContain(`service "leaky" is unhealthy: ${ECHOED}`);
    expectNoSecret(up.stdout + up.stderr, 'berth up');

    const json = await berthIn(dir, env, ['up', '--profile', 'leaky', '--timeout', '60', '--json']);
    expect(json.status).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.error.message).toContain(ECHOED);
    expectNoSecret(json.stdout + json.stderr, 'berth up --json');

    const status = await berthIn(dir, env, ['status', '--json']);
    const leaky = JSON.parse(status.stdout).services.find((s: { service: string }) => s.service === 'leaky');
    expect(leaky).toMatchObject({ state: 'running', health: 'unhealthy', lastHealthOutput: ECHOED });
    expectNoSecret(status.stdout + status.stderr, 'berth status --json');

    // what a service prints, through berth logs and logs --json
    const logs = await berthIn(dir, env, ['logs', 'talker']);
    expect(logs.status, logs.stderr).toBe(0);
    expect(logs.stdout).toContain(`talker | ${ECHOED}`);
    expectNoSecret(logs.stdout + logs.stderr, 'berth logs');
    const logsJson = await berthIn(dir, env, ['logs', 'talker', '--json']);
    expect(JSON.parse(logsJson.stdout.trim().split('\n')[0]!)).toMatchObject({ service: 'talker', line: expect.stringContaining(ECHOED.trim()) });
    expectNoSecret(logsJson.stdout + logsJson.stderr, 'berth logs --json');
  }, 180_000);

  it("the API: a failed profile up's answer, every read route, the event stream and the history store", async () => {
    const { startServer } = await import('@berth/api');
    const token = `secrets-test-${tag}`;
    const server = await startServer({ specPath: join(dir, 'berth.yaml'), env: { ...env }, token, gpu: false, store: `sqlite:${join(dir, 'history.db')}`, uiDir: null });
    try {
      // The container check reports the unhealthy container with its last health output.
      const stream = await events(server.url, (text) => text.includes(ECHOED));
      expect(stream).toContain(ECHOED);
      expectNoSecret(stream, 'the event stream');

      // The service came up unhealthy: ERR_BERTH_SERVICE_FAILED, 502 in the API's table (409 before it had one).
      const up = await post(server.url, '/api/profiles/leaky/up', token, '{"wait":true}');
      expect(up.status).toBe(502);
      expect(JSON.parse(up.body)).toMatchObject({ error: 'Bad Gateway', message: expect.stringContaining(ECHOED) });
      expectNoSecret(up.body, 'the error answer of a profile up');

      const bodies: string[] = [];
      for (const path of ['/health', '/api/services', '/api/containers', '/api/profiles', '/api/env', '/api/spec', '/api/services/leaky/history?window=1h', '/metrics']) {
        const res = await get(server.url, path);
        expect(res.status, path).toBe(path === '/health' ? 503 : 200); // /health: the check is critical
        bodies.push(`${path}: ${res.body}`);
      }
      expect(bodies.join('\n')).toContain(ECHOED);
      expectNoSecret(bodies.join('\n'), 'the read routes');
    } finally {
      await server.close();
    }
    // Every file of the history store, as written to disk.
    for (const f of readdirSync(dir).filter((f) => f.startsWith('history.db'))) expectNoSecret(readFileSync(join(dir, f), 'latin1'), f);
  }, 120_000);
});
