import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BerthSpecSchema, redactorFor } from '@berth/spec';
import { deriveChecks, runCheck } from '../src/index.js';
import { closeAll, httpServer, target } from './loopback.js';

afterEach(closeAll);
const dir = mkdtempSync(join(tmpdir(), 'berth-health-vars-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server that answers 200 with the request's path and Authorization, 401 without the token. */
async function echoServer(token: string) {
  return httpServer((req, res) => {
    res.writeHead(req.headers.authorization === `Bearer ${token}` ? 200 : 401, { 'content-type': 'text/plain' });
    res.end(`${req.url} ${req.headers.authorization ?? '-'}`);
  });
}

/** A spec with one service run on the host, checked by `checks`. */
const hostService = (checks: unknown[]) => BerthSpecSchema.parse({ berth: 1, repo: { name: 'x' }, services: { api: { runtime: 'host', checks } } });

describe('${VAR} in a check\'s url and headers, as Compose fields take it', () => {
  it('comes from the caller\'s env first, then the .env beside the spec, with defaults', async () => {
    const { port } = await echoServer('sk-live-from-env-123456');
    writeFileSync(join(dir, '.env'), 'HEALTH_PATH=from-dotenv\nBERTH_TEST_TOKEN=sk-live-dotenv-loses\n');
    const check = { type: 'http', url: `http://127.0.0.1:${port}/\${HEALTH_PATH}/\${HEALTH_SUFFIX:-ready}`, headers: { Authorization: 'Bearer ${BERTH_TEST_TOKEN}' }, expect: { bodyContains: '/from-dotenv/ready Bearer sk-live-from-env-123456' } };
    const r = await runCheck(target(check, { baseDir: dir, env: { BERTH_TEST_TOKEN: 'sk-live-from-env-123456' } }));
    expect([r.status, r.reason]).toEqual(['passing', 'status 200, body contains "/from-dotenv/ready Bearer sk-live-from-e[…]"']);
  });
  it('a spec may hold ${VAR} where the port or the whole base of the url goes; it is judged once filled in', async () => {
    const { port } = await httpServer((req, res) => res.end(`at ${req.url}`));
    const spec = hostService([
      { name: 'port', type: 'http', url: 'http://127.0.0.1:${API_PORT}/health', expect: { bodyContains: 'at /health' } },
      { name: 'base', type: 'http', url: '${API_BASE}/ready', expect: { bodyContains: 'at /ready' } },
      { name: 'notaurl', type: 'http', url: '${NOT_A_URL}/ready' },
    ]);
    const env = { API_PORT: String(port), API_BASE: `http://127.0.0.1:${port}`, NOT_A_URL: 'ftp://127.0.0.1' };
    const results = await Promise.all(deriveChecks(spec).map((t) => runCheck({ ...t, env })));
    expect(results.map((r) => [r.label, r.status])).toEqual([
      ['port', 'passing'],
      ['base', 'passing'],
      ['notaurl', 'unknown'],
    ]);
    expect(results[2]!.reason).toBe('url is not an http:// or https:// URL once its variables are substituted');
    // what is not a URL whatever the variables hold is refused when the spec is read
    for (const url of ['ftp://x/${A}', 'http://[::1:${P}/', 'localhost:${P}/']) {
      expect(BerthSpecSchema.safeParse({ berth: 1, repo: { name: 'x' }, services: { a: { runtime: 'host', checks: [{ type: 'http', url }] } } }).success, url).toBe(false);
    }
  });
  it('the .env values the caller read (its --env-file) stand in for the .env beside the spec, after the env', async () => {
    const { port } = await httpServer((req, res) => res.end(`at ${req.url}`));
    writeFileSync(join(dir, '.env'), 'HEALTH_PATH=beside\n');
    const check = { type: 'http', url: `http://127.0.0.1:${port}/\${HEALTH_PATH}/\${HEALTH_SUFFIX}`, expect: { bodyContains: 'at /named/env' } };
    const r = await runCheck(target(check, { baseDir: dir, env: { HEALTH_SUFFIX: 'env' }, dotenv: { HEALTH_PATH: 'named', HEALTH_SUFFIX: 'file-loses' } }));
    expect([r.status, r.reason]).toEqual(['passing', 'status 200, body contains "at /named/env"']);
    const missing = await runCheck(target(check, { baseDir: dir, env: {}, dotenv: {} }));
    expect(missing.reason).toBe('url uses ${HEALTH_PATH}, which is set neither in the environment nor in the .env file read');
  });
  it('a variable set nowhere is unknown, naming it and the field, and nothing is sent', async () => {
    let requests = 0;
    const { port } = await httpServer((_req, res) => (requests++, res.end('ok')));
    const r = await runCheck(target({ type: 'http', url: `http://127.0.0.1:${port}/`, headers: { Authorization: 'Bearer ${BERTH_TEST_NOWHERE}' } }, { baseDir: dir, env: {} }));
    expect([r.status, r.reason]).toEqual(['unknown', 'headers.Authorization uses ${BERTH_TEST_NOWHERE}, which is set neither in the environment nor in the .env beside the spec']);
    expect(requests).toBe(0);
  });
  it('what the service echoes of the token, or of URL credentials, is redacted in what berth prints', async () => {
    const { port } = await httpServer((req, res) => res.end(`you sent ${req.headers.authorization}`));
    const spec = hostService([
      { type: 'http', url: `http://127.0.0.1:${port}/`, headers: { Authorization: 'Bearer ${UPSTREAM}' }, expect: { bodyContains: 'never' } },
      { type: 'http', url: `http://admin:pw@127.0.0.1:${port}/`, expect: { bodyContains: 'never' } },
    ]);
    const env = { UPSTREAM: 'upstream-secret-987654' };
    const results = await Promise.all(deriveChecks(spec).map((t) => runCheck({ ...t, env })));
    const printed = JSON.stringify(results);
    expect(printed).toContain('upstream-secret-987654'); // the check saw it: the service echoed it
    expect(printed).toContain(Buffer.from('admin:pw').toString('base64'));
    const redacted = redactorFor({ spec, env })(printed);
    expect(redacted).not.toContain('upstream-secret-987654');
    expect(redacted).not.toContain(Buffer.from('admin:pw').toString('base64'));
  });
});
