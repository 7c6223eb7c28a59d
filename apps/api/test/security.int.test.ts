/**
 * The API's safety over a real socket: tokens on write routes, no env value in any answer,
 * path traversal, body limits, bad parameters, loopback binding, no CORS by default.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/index.js';
import { loopbackService, loopbackSpec, rawRequest, waitFor, type LoopbackService } from './support/http.js';

const MARKER = `sk-berth-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
const PLAIN_MARKER = `plain-value-${Math.random().toString(36).slice(2)}`;
const FILE_MARKER = `from-dotenv-${Math.random().toString(36).slice(2)}`;
const TOKEN = `token-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const ENV_SECTION = `modules:
  ai: { description: LLM features }
env:
  OPENAI_API_KEY: { secret: true, required: { module: ai }, purpose: LLM calls }
  SHOP_MODE: { type: enum, values: [demo, live], purpose: Which shop }
  SHOP_REGION: { purpose: Where the shop sells }
`;

let dir: string;
let web: LoopbackService;
let server: RunningServer;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-api-sec-'));
  web = await loopbackService(200);
  writeFileSync(join(dir, 'berth.yaml'), loopbackSpec('sec-shop', [{ id: 'web', port: web.port }], 200, ENV_SECTION));
  writeFileSync(join(dir, '.env'), `SHOP_REGION=${FILE_MARKER}\n`);
  process.env.OPENAI_API_KEY = MARKER;
  process.env.SHOP_MODE = PLAIN_MARKER;
  server = await startServer({ specPath: join(dir, 'berth.yaml'), env: process.env, token: TOKEN, engine: false, port: 0 });
  await waitFor('a first result', () => (server.runtime.results().length > 0 ? true : undefined));
});

afterAll(async () => {
  await server?.close();
  await web?.close();
  process.env = savedEnv;
  rmSync(dir, { recursive: true, force: true });
});

describe('write routes need the bearer token', () => {
  const write = (token?: string) => rawRequest(server.url, '/api/profiles/tools/up', { method: 'POST', headers: token === undefined ? {} : { authorization: token } });

  it('answers 401 without a token, with a wrong one, and with a wrong scheme', async () => {
    for (const header of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, `Bearer ${TOKEN.slice(0, -1)}`]) {
      const res = await write(header);
      expect(res.status, `authorization: ${header}`).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer');
    }
    const restart = await rawRequest(server.url, '/api/services/web/restart', { method: 'POST' });
    expect(restart.status).toBe(401);
  });

  it('passes the right token on to the action (no engine here, so 503 saying so)', async () => {
    const res = await write(`Bearer ${TOKEN}`);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).message).toMatch(/Docker engine/);
    const missing = await rawRequest(server.url, '/api/profiles/nope/up', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(missing.status).toBe(404);
  });
});

describe('no answer carries an env value', () => {
  it('scans every route of the OpenAPI document, the stream, the metrics and the errors', async () => {
    const doc = JSON.parse((await rawRequest(server.url, '/docs/json')).body) as { paths: Record<string, Record<string, unknown>> };
    const gets = Object.entries(doc.paths)
      .filter(([, methods]) => 'get' in methods)
      .map(([path]) => path.replace('{id}', 'web').replace('{name}', 'tools'))
      .filter((p) => p !== '/api/events');
    expect(gets).toEqual(expect.arrayContaining(['/health', '/api/spec', '/api/services', '/api/env', '/api/registry', '/api/containers', '/api/profiles', '/api/gpu', '/metrics']));
    const extra = ['/', '/docs', '/docs/json', '/api/services/web/history?window=1h', '/api/services/nope/history', '/api/services/web/history?window=9y', '/api/nope', '/nope.js'];
    const bodies: string[] = [];
    for (const path of [...gets, ...extra]) {
      const res = await rawRequest(server.url, path);
      expect(res.status, path).toBeLessThan(500);
      bodies.push(`${path} ${JSON.stringify(res.headers)} ${res.body}`);
    }
    for (const path of ['/api/profiles/tools/up', '/api/profiles/tools/down', '/api/services/web/restart']) {
      for (const auth of [`Bearer ${TOKEN}`, 'Bearer nope']) bodies.push((await rawRequest(server.url, path, { method: 'POST', headers: { authorization: auth } })).body);
    }
    bodies.push(await firstEvents(server.url));
    const env = JSON.parse((await rawRequest(server.url, '/api/env')).body);
    // the env route does report the variables, by name and state
    const vars = env.modules.flatMap((m: { vars: { name: string; set: boolean }[] }) => m.vars);
    expect(vars).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'OPENAI_API_KEY', set: true, secret: true }),
        expect.objectContaining({ name: 'SHOP_MODE', set: true, valid: false }),
        expect.objectContaining({ name: 'SHOP_REGION', set: true, source: 'env-file' }),
      ]),
    );
    for (const body of bodies) {
      expect(body).not.toContain(MARKER);
      expect(body).not.toContain(PLAIN_MARKER);
      expect(body).not.toContain(FILE_MARKER);
      expect(body).not.toContain(TOKEN);
    }
  });
});

/** The first chunks of the event stream (hello and a result or two). */
function firstEvents(base: string): Promise<string> {
  const url = new URL('/api/events', base);
  return new Promise((resolve, reject) => {
    let text = '';
    const req = request(url, (res) => {
      res.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes('event: result')) req.destroy();
      });
      res.on('close', () => resolve(text));
    });
    req.on('error', (err) => (text ? resolve(text) : reject(err)));
    req.end();
  });
}

describe('static files', () => {
  it('answers 404 to path traversal however it is spelled', async () => {
    for (const path of ['/../package.json', '/..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%5c..%5cpackage.json', '/%252e%252e/package.json', '/./index.html', '/a/%00/b', '/%E0%A4%A']) {
      const res = await rawRequest(server.url, path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toMatch(/"name":\s*"berth-workspace"|root:/);
    }
  });
});

describe('limits and validation', () => {
  it('answers 413 to an oversized body', async () => {
    const body = JSON.stringify({ wait: false, pad: 'x'.repeat(64 * 1024) });
    const res = await rawRequest(server.url, '/api/profiles/tools/up', { method: 'POST', body, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
  });

  it('answers 400 with the zod message to bad parameters', async () => {
    const window = await rawRequest(server.url, '/api/services/web/history?window=9y');
    expect(window.status).toBe(400);
    expect(JSON.parse(window.body).message).toMatch(/querystring.*window/);
    const id = await rawRequest(server.url, '/api/services/%24%24bad/history');
    expect(id.status).toBe(400);
    expect(JSON.parse(id.body).message).toMatch(/must be a service id/);
    const body = await rawRequest(server.url, '/api/profiles/tools/up', { method: 'POST', body: '{"wait":"yes"}', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });
    expect(body.status).toBe(400);
    expect(JSON.parse(body.body).message).toMatch(/body/);
  });

  it('binds loopback and sends no CORS headers unless configured', async () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    const res = await rawRequest(server.url, '/api/services', { headers: { origin: 'https://evil.example' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await rawRequest(server.url, '/api/profiles/tools/up', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets no other site frame the dashboard, and no body be read as another type than it says', async () => {
    for (const path of ['/', '/api/services', '/no-such-route']) {
      const res = await rawRequest(server.url, path);
      expect([res.headers['x-frame-options'], res.headers['content-security-policy'], res.headers['x-content-type-options']], path).toEqual(['DENY', "frame-ancestors 'none'", 'nosniff']);
    }
  });
});

describe('the Host header (DNS rebinding)', () => {
  it('answers 421 to a request that names another host, on every route, and serves the names berth listens as', async () => {
    for (const path of ['/health', '/api/services', '/api/env', '/api/events', '/', '/docs/json', '/metrics']) {
      const res = await rawRequest(server.url, path, { headers: { host: `rebind.evil.example:${new URL(server.url).port}` } });
      expect(res.status, path).toBe(421);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 421, error: 'Misdirected Request' });
      expect(res.body).not.toContain('"services"');
      // it says what was refused, and lists none of the names it answers as (on every interface: the machine's addresses)
      expect(JSON.parse(res.body).message).toBe(`berth serve does not answer as "rebind.evil.example:${new URL(server.url).port}": use the URL it printed`);
    }
    const write = await rawRequest(server.url, '/api/profiles/tools/up', { method: 'POST', headers: { host: 'rebind.evil.example', authorization: `Bearer ${TOKEN}` } });
    expect(write.status).toBe(421);
    const port = new URL(server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await rawRequest(server.url, '/api/services', { headers: { host } })).status, host).toBe(200);
    }
  });

  it('accepts the name --host gives, and still refuses others', async () => {
    // All of 127.0.0.0/8 is loopback on Linux: 127.0.0.2 is an address berth can be told to listen on.
    const named = await startServer({ specPath: join(dir, 'berth.yaml'), env: {}, token: TOKEN, engine: false, gpu: false, targets: [], store: `sqlite:${join(dir, 'host.db')}`, host: '127.0.0.2' });
    try {
      const port = new URL(named.url).port;
      expect((await rawRequest(named.url, '/health', { headers: { host: `127.0.0.2:${port}` } })).status).toBe(200);
      expect((await rawRequest(named.url, '/health', { headers: { host: `127.0.0.3:${port}` } })).status).toBe(421);
      expect((await rawRequest(named.url, '/health', { headers: { host: 'attacker.example' } })).status).toBe(421);
    } finally {
      await named.close();
    }
  });
});

describe('the generated token', () => {
  it('is written 0600 on first start, printed as created, and read back on the next', async () => {
    const tokenDir = mkdtempSync(join(tmpdir(), 'berth-api-token-'));
    const env = { ...process.env, BERTH_TOKEN: '' };
    const specPath = join(dir, 'berth.yaml');
    try {
      const first = await startServer({ specPath, env, store: `sqlite:${join(tokenDir, 'h.db')}`, tokenFile: join(tokenDir, 'token'), engine: false, gpu: false, targets: [] });
      await first.close();
      expect(first.token.from).toBe('created');
      expect(statSync(join(tokenDir, 'token')).mode & 0o777).toBe(0o600);
      const second = await startServer({ specPath, env, store: `sqlite:${join(tokenDir, 'h.db')}`, tokenFile: join(tokenDir, 'token'), engine: false, gpu: false, targets: [] });
      try {
        expect(second.token).toMatchObject({ from: 'file', token: first.token.token });
        const ok = await rawRequest(second.url, '/api/profiles/tools/up', { method: 'POST', headers: { authorization: `Bearer ${first.token.token}` } });
        expect(ok.status).toBe(503); // authorised; no engine watched
      } finally {
        await second.close();
      }
    } finally {
      rmSync(tokenDir, { recursive: true, force: true });
    }
  });
});

describe('CORS when configured', () => {
  it('answers only the configured origin, preflight included', async () => {
    const cors = await startServer({ specPath: join(dir, 'berth.yaml'), env: {}, token: TOKEN, engine: false, gpu: false, targets: [], store: `sqlite:${join(dir, 'cors.db')}`, corsOrigins: ['http://localhost:7421'] });
    try {
      const ok = await rawRequest(cors.url, '/api/services', { headers: { origin: 'http://localhost:7421' } });
      expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:7421');
      const pre = await rawRequest(cors.url, '/api/profiles/tools/up', { method: 'OPTIONS', headers: { origin: 'http://localhost:7421', 'access-control-request-method': 'POST' } });
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-headers']).toContain('authorization');
      const other = await rawRequest(cors.url, '/api/services', { headers: { origin: 'https://evil.example' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await cors.close();
    }
  });
});
