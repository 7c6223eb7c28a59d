/**
 * Secrets the spec itself holds (a check's env, build args, a URL's password, a secret's default) are served by no
 * route and no event; and what the spec says of profiles is served with or without an engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/index.js';
import { rawRequest, waitFor } from './support/http.js';

const SECRETS = ['checkenv-token-LITERAL55', 'npmtoken-buildarg-LITERAL42', 'urlpass-QWERTY77', 'dflt-secret-DEFAULT-998877'];
/** A URL's password shorter than the redactor's MIN_SECRET_LENGTH: its place, not its length, says it is secret. */
const SHORT = 'hunt3r';
const SPEC = `berth: 1
repo: { name: spec-secrets }
profiles:
  ml.gpu: { description: GPU jobs }
env:
  DB_PASSWORD: { purpose: db, secret: true, default: "${SECRETS[3]}" }
services:
  box:
    runtime: host
    build: { context: ., args: { NPM_TOKEN: "${SECRETS[1]}" } }
    checks:
      - { type: command, argv: [sh, -c, "echo $CHECK_API_TOKEN; exit 1"], env: { CHECK_API_TOKEN: "${SECRETS[0]}" }, interval: 200ms }
      - { type: http, url: "http://alice:${SECRETS[2]}@127.0.0.1:9/x", interval: 200ms, timeout: 1s }
      - { type: http, name: short, url: "http://bob:${SHORT}@127.0.0.1:9/y", interval: 1h, timeout: 1s }
  job:
    image: busybox
    profiles: [ml.gpu]
`;

/** What the event stream sends in `ms` (the hello, then the results of the checks that run meanwhile). */
function streamFor(url: string, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = request(url, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end();
    setTimeout(() => {
      req.destroy();
      resolve(text);
    }, ms);
  });
}

let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-api-spec-secrets-'));
  writeFileSync(join(dir, 'berth.yaml'), SPEC);
  server = await startServer({ specPath: join(dir, 'berth.yaml'), env: { PATH: process.env.PATH }, token: 'token-for-spec-secrets-test', engine: false, gpu: false, port: 0 });
  // the command check prints its token: wait until both checks have answered
  await waitFor('both checks', () => (server.runtime.results().length >= 2 ? true : undefined));
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('what the spec holds', () => {
  it('is served by no route: the spec, the services, /health, the events', async () => {
    for (const path of ['/api/spec', '/api/services', '/health', '/api/env', '/metrics']) {
      const body = (await rawRequest(server.url, path)).body;
      for (const secret of SECRETS) expect(body, `${path} holds ${secret}`).not.toContain(secret);
    }
    const spec = JSON.parse((await rawRequest(server.url, '/api/spec')).body) as { spec: { services: { box: { build: { args: Record<string, string> } } } } };
    expect(spec.spec.services.box.build.args['NPM_TOKEN']).toBe('[redacted]');
    const checks = (spec.spec.services.box as unknown as { checks: { url?: string }[] }).checks;
    expect(checks[2]!.url).toBe('http://bob:[redacted]@127.0.0.1:9/y');
    expect((await rawRequest(server.url, '/api/spec')).body).not.toContain(SHORT);
    const events = await streamFor(`${server.url}/api/events`, 1_000);
    expect(events).toContain('event: hello');
    expect(events).toContain('event: result');
    for (const secret of SECRETS) expect(events).not.toContain(secret);
  });

  it('lists the services each profile adds without an engine, its state unknown', async () => {
    const body = JSON.parse((await rawRequest(server.url, '/api/profiles')).body) as { profiles: { name: string; services: string[]; state: string }[]; engine: { available: boolean } };
    expect(body.profiles).toEqual([{ name: 'ml.gpu', description: 'GPU jobs', services: ['job'], state: 'unknown' }]);
    expect(body.engine.available).toBe(false);
  });
});
