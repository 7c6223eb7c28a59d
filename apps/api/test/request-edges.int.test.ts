/**
 * Requests at the edges of the routes, over a real socket: names that only the prototype knows, profile names with
 * dots, HEAD on the streaming routes, CORS on the event stream, and the shape of every error body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, STATUS_CODES } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BerthHost } from '@berth/mcp';
import { startServer, type RunningServer } from '../src/index.js';
import { rawRequest, type RawResponse } from './support/http.js';

const TOKEN = `edges-${process.pid}-${Date.now()}`;
const ORIGIN = 'http://localhost:7421';
const SPEC = `berth: 1
repo: { name: edges }
profiles:
  tools: { description: Test tools }
  ml.gpu: { description: A profile whose name has a dot }
services:
  web: { runtime: host, profiles: [tools] }
  job: { runtime: host, profiles: [ml.gpu] }
`;

let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-api-edges-'));
  writeFileSync(join(dir, 'berth.yaml'), SPEC);
  mkdirSync(join(dir, 'ui'));
  writeFileSync(join(dir, 'ui', 'index.html'), '<!doctype html><title>ui</title>');
  // The MCP handler is never reached by these tests; a host that runs nothing is enough to mount /mcp.
  const host: BerthHost = { run: async () => ({ stdout: '', stderr: '', exitCode: 0 }), files: () => ({ spec: join(dir, 'berth.yaml'), dotenv: join(dir, '.env') }), env: {} };
  server = await startServer({
    specPath: join(dir, 'berth.yaml'),
    env: {},
    token: TOKEN,
    engine: false,
    gpu: false,
    ecosystem: false,
    targets: [],
    store: `sqlite:${join(dir, 'h.db')}`,
    uiDir: join(dir, 'ui'),
    corsOrigins: [ORIGIN],
    mcp: { host, allowWrite: false, version: '0.0.0' },
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };
const post = (path: string, body = '{}', headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  rawRequest(server.url, path, { method: 'POST', headers: { ...auth, ...headers }, body });
const json = (res: RawResponse) => JSON.parse(res.body) as { statusCode: number; error: string; message: string };

/** Status and headers of a request, without waiting for a body that may never end; fails after `ms`. */
function headOf(path: string, method: string, headers: Record<string, string> = {}, ms = 3000): Promise<{ status: number; headers: Record<string, unknown> }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      req.destroy();
    });
    req.setTimeout(ms, () => req.destroy(new Error(`${method} ${path}: no headers within ${ms} ms`)));
    req.on('error', reject);
    req.end();
  });
}

describe('names the spec does not hold', () => {
  it('answers 404 to a profile or service named after an Object.prototype member, before any action', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      for (const action of ['up', 'down']) {
        const res = await post(`/api/profiles/${name}/${action}`);
        expect(res.status, `${action} ${name}`).toBe(404);
        expect(json(res).message).toBe(`no profile "${name}" in ${join(dir, 'berth.yaml')}`);
      }
      const restart = await post(`/api/services/${name}/restart`);
      expect(restart.status, `restart ${name}`).toBe(404);
      expect(json(restart).message).toMatch(/^no service "/);
    }
  });
});

describe('profile names', () => {
  it('takes every name the spec takes, dots included (no engine here: 503, past validation)', async () => {
    for (const action of ['up', 'down']) {
      const res = await post(`/api/profiles/ml.gpu/${action}`);
      expect(res.status, res.body).toBe(503);
    }
    expect((await post('/api/profiles/ml.cpu/up')).status).toBe(404);
    expect(json(await post('/api/profiles/.hidden/up')).message).toBe('params: name: must be a profile name');
  });
});

describe('HEAD on the streaming routes', () => {
  it('answers HEAD /api/events with the stream headers at once, and does not count it as a client', async () => {
    const res = await headOf('/api/events', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(server.runtime.events.size).toBe(0);
  });

  it('answers HEAD /mcp as a route it does not serve, not with a 500', async () => {
    const res = await rawRequest(server.url, '/mcp', { method: 'HEAD', headers: auth });
    expect(res.status).toBe(404);
  });
});

describe('CORS on the event stream', () => {
  it('sends the allowed origin on /api/events as on every other route, and none for another origin', async () => {
    const ok = await headOf('/api/events', 'GET', { origin: ORIGIN });
    expect(ok.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(ok.headers.vary).toBe('Origin');
    const other = await headOf('/api/events', 'GET', { origin: 'https://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('error bodies', () => {
  it('name the field, or the body itself, without an empty path', async () => {
    expect(json(await post('/api/profiles/tools/up', '[1]')).message).toBe('body: Invalid input: expected object, received array');
    expect(json(await post('/api/profiles/tools/up', '{"wait":true,"x":1}')).message).toBe('body: Unrecognized key: "x"');
    expect(json(await post('/api/profiles/tools/up', '{"wait":"yes"}')).message).toMatch(/^body: wait: /);
  });

  it('say why JSON is refused: a __proto__ key is valid JSON, just not allowed', async () => {
    const proto = await post('/api/profiles/tools/up', '{"__proto__":{"wait":true}}');
    expect(proto.status).toBe(400);
    expect(json(proto)).toEqual({ statusCode: 400, error: 'Bad Request', message: 'body: a "__proto__" key is not allowed' });
    const nested = await post('/api/profiles/tools/up', '{"a":{"constructor":{"prototype":{}}}}');
    expect(json(nested).message).toBe('body: a "constructor.prototype" key is not allowed');
    const broken = await post('/api/profiles/tools/up', '{"wait":');
    expect(broken.status).toBe(400);
    expect(json(broken).message).toBe('body: is not valid JSON (Unexpected end of JSON input)');
    expect(json(await post('/api/profiles/tools/up', 'garbage')).message).toBe("body: is not valid JSON (Unexpected token 'g')");
    expect(json(await post('/api/profiles/tools/up', '')).message).toBe('body: is empty, though content-type says JSON');
    const deep = await post('/api/profiles/tools/up', `${'['.repeat(8000)}${']'.repeat(8000)}`);
    expect(deep.status, deep.body).toBe(400);
    expect(json(deep).message).toBe('body: Invalid input: expected object, received array');
    // what JSON allows still passes: the body reaches the route (503: no engine here)
    expect((await post('/api/profiles/tools/up', '{"wait":false}')).status).toBe(503);
    expect((await post('/api/profiles/tools/up', '\uFEFF{"wait":false}', { 'content-type': 'application/json; charset=utf-8' })).status).toBe(503);
    // a "constructor" that holds no prototype is no poison: the route's schema refuses it as an unknown key
    expect(json(await post('/api/profiles/tools/up', '{"a":{"constructor":"x"}}')).message).toBe('body: Unrecognized key: "a"');
    expect((await rawRequest(server.url, '/api/profiles/tools/up', { method: 'POST', headers: auth })).status).toBe(503);
  });

  it('carry the status name as error, for fastify\'s own errors too', async () => {
    const cases: [RawResponse, number][] = [
      [await post('/api/profiles/tools/up', '{"wait":'), 400],
      [await post('/api/profiles/tools/up', 'x', { 'content-type': 'text/x' }), 415],
      [await post('/api/profiles/tools/up', JSON.stringify({ pad: 'a'.repeat(20_000) })), 413],
      [await rawRequest(server.url, '//health'), 404],
      [await rawRequest(server.url, '//index.html'), 404],
      [await rawRequest(server.url, '/%ff'), 404],
    ];
    for (const [res, status] of cases) {
      expect(res.status, res.body).toBe(status);
      expect(json(res)).toMatchObject({ statusCode: status, error: STATUS_CODES[status] });
    }
    expect((await rawRequest(server.url, '/index.html')).status).toBe(200);
  });
});

describe('the Host check comes first', () => {
  it('answers 421 to a foreign Host even when the URL does not decode', async () => {
    const res = await rawRequest(server.url, '/%ff', { headers: { host: 'rebind.evil.example' } });
    expect(res.status).toBe(421);
    expect(json(res).error).toBe('Misdirected Request');
  });
});
