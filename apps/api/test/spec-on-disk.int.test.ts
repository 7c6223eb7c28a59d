/**
 * A spec edited while `berth serve` runs: the server goes on running what it loaded, and says on /api/spec and as a
 * `spec` event that the file changed, whether it would load now, and if not each problem with file:line:col.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/index.js';
import type { SpecResponse } from '../src/contract.js';
import { rawRequest, waitFor } from './support/http.js';

const SPEC = 'berth: 1\nrepo: { name: on-disk }\n';

let dir: string;
let specPath: string;
let server: RunningServer;
const notes: unknown[] = [];
let events = '';
let stream: ReturnType<typeof request> | undefined;

const onDisk = async () => (JSON.parse((await rawRequest(server.url, '/api/spec')).body) as SpecResponse).onDisk;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-api-on-disk-'));
  specPath = join(dir, 'berth.yaml');
  writeFileSync(specPath, SPEC);
  server = await startServer({ specPath, env: { PATH: process.env.PATH }, token: 'token-for-on-disk-test', engine: false, gpu: false, port: 0, onSpecChange: (s) => notes.push(s) });
  stream = request(`${server.url}/api/events`, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (events += chunk));
  });
  stream.on('error', () => undefined);
  stream.end();
  await waitFor('the event stream', () => (events.includes('event: hello') ? true : undefined));
});

afterAll(async () => {
  stream?.destroy();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the spec on disk, against what the server runs', () => {
  it('is unchanged at start', async () => {
    expect(await onDisk()).toEqual({ changed: false });
  });

  it('an edit that loads: said, not applied', async () => {
    writeFileSync(specPath, `${SPEC}services:\n  web: { runtime: host, ports: [{ host: 18999, name: http }] }\n`);
    const seen = await waitFor('the change', async () => ((await onDisk())?.changed ? await onDisk() : undefined));
    expect(seen).toMatchObject({ changed: true, files: [specPath], loads: true, problems: [] });
    expect(Number.isNaN(Date.parse((seen as { at: string }).at))).toBe(false);
    // still what it loaded
    const services = JSON.parse((await rawRequest(server.url, '/api/services')).body) as { services: unknown[] };
    expect(services.services).toEqual([]);
    await waitFor('the spec event', () => (events.includes('event: spec') ? true : undefined));
    expect(notes.at(-1)).toMatchObject({ changed: true, loads: true });
  });

  it('an edit that would not load: each problem as berth validate says it', async () => {
    // written as editors save: a new file renamed over the old one
    writeFileSync(join(dir, '.berth.yaml.tmp'), `${SPEC}services:\n  web: { runtime: host, ports: [{ host: 99999 }] }\n`);
    renameSync(join(dir, '.berth.yaml.tmp'), specPath);
    const seen = await waitFor('the broken spec', async () => {
      const s = await onDisk();
      return s?.changed && !s.loads ? s : undefined;
    });
    expect(seen).toMatchObject({ changed: true, loads: false });
    const problems = (seen as { problems: string[] }).problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/berth\.yaml:4:\d+: /);
  });

  it('back to what was loaded: no change', async () => {
    writeFileSync(specPath, SPEC);
    await waitFor('the spec back', async () => ((await onDisk())?.changed === false ? true : undefined));
    expect(notes.at(-1)).toEqual({ changed: false });
  });
});
