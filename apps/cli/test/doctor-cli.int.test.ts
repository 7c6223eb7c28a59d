import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berthIn, ensureBuilt } from './health-cli-helpers.js';

// `berth doctor` through the built CLI: a port held by the wrong process, a missing required variable,
// a healthy service and a dead one, all in one run.
let dir = '';
let squatter: http.Server;
let silent: net.Server;
let squatted = 0;
let hung = 0;
const secret = `s3cr3t-${process.pid}`;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'berth-doctor-cli-'));
  // this test process holds the port the spec gives `web`: the wrong holder
  squatter = http.createServer((req, res) => res.end('not web'));
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
  squatted = (squatter.address() as net.AddressInfo).port;
  silent = net.createServer((s) => void s.resume());
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  hung = (silent.address() as net.AddressInfo).port;
  writeFileSync(
    join(dir, 'berth.yaml'),
    `berth: 1
repo: { name: doctor-cli-test }
modules:
  search: { description: Search }
env:
  SEARCH_API_KEY: { purpose: Search API, secret: true, required: { module: search } }
  SEARCH_URL: { purpose: Search endpoint, required: true }
services:
  web:
    runtime: { kind: host, command: webserver --port ${squatted} }
    ports: [{ host: ${squatted}, env: WEB_PORT, appProtocol: http }]
  slow:
    runtime: host
    ports: [{ host: ${hung}, appProtocol: http }]
    checks: [{ type: http, url: "http://127.0.0.1:${hung}/", timeout: 1s }]
`,
  );
  writeFileSync(join(dir, '.env'), `SEARCH_API_KEY=${secret}\n`);
});
afterAll(async () => {
  await Promise.all([new Promise((r) => squatter.close(r)), new Promise((r) => silent.close(r))]);
  rmSync(dir, { recursive: true, force: true });
});

const env = { ...process.env, NO_COLOR: '1', PATH: '/usr/bin:/bin', SEARCH_URL: '' };
delete (env as Record<string, string | undefined>).SEARCH_URL;
const doctor = (...args: string[]) => berthIn(dir, env, ['doctor', ...args]);

describe('berth doctor', () => {
  it('--json: every section, each finding with its next step, and never a secret value', async () => {
    const r = await doctor('--json', '--module', 'search');
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(secret);
    const doc = JSON.parse(r.stdout);
    expect(doc.sections.map((s: { id: string }) => s.id)).toEqual(['spec', 'ports', 'env', 'engine', 'gpu', 'health']);
    const section = (id: string) => doc.sections.find((s: { id: string }) => s.id === id);

    const ports = section('ports');
    expect(ports.status).toBe('critical');
    const held = ports.findings.find((f: { subject?: string }) => f.subject === `port ${squatted} (WEB_PORT)`);
    expect(held.message).toMatch(new RegExp(`^port ${squatted} \\(WEB_PORT\\) is held by PID ${process.pid} \\(.*\\), not by web$`));
    expect(held.next).toBe(`stop it (kill ${process.pid}), or move web to a free port: berth ports suggest, then set WEB_PORT`);

    const envSection = section('env');
    expect(envSection.status).toBe('critical');
    expect(envSection.findings.some((f: { message: string }) => f.message.includes('SEARCH_URL'))).toBe(true);
    expect(envSection.findings.some((f: { message: string }) => f.message.includes('SEARCH_API_KEY'))).toBe(false); // set in .env

    expect(section('gpu')).toMatchObject({ status: 'passing' });
    expect(section('gpu').summary).toMatch(/^the spec asks for no GPU/);

    const checks = Object.fromEntries(doc.checks.map((c: { subject: { id: string }; status: string; reason: string }) => [c.subject.id, c]));
    expect(checks.web).toMatchObject({ status: 'passing' }); // something answers HTTP there: the ports section says it is the wrong thing
    expect(checks.slow).toMatchObject({ status: 'critical', reason: `timed out after 1 s waiting for headers from 127.0.0.1:${hung}` });
    const slowFinding = section('health').findings.find((f: { subject: string }) => f.subject === 'slow');
    expect(slowFinding.next).toBe("read slow's output where it runs on the host"); // a host service has no container: not berth logs
  });

  it('prints one block per section, each problem followed by what to do', async () => {
    const r = await doctor('--module', 'search');
    expect(r.status).toBe(1);
    const out = r.stdout;
    // slow runs on the host with no command: the process on its port may be slow itself (here it is: the hung server)
    expect(out).toMatch(/^✗ critical {2}Ports: 2 ports: 0 free, 0 held by their service, 1 held by a process berth cannot match to its service, 1 held by something else$/m);
    expect(out).toMatch(/^ {4}warning {2}port \d+ is held by PID \d+ .*; berth cannot tell whether that is slow, whose host runtime names no command$/m);
    expect(out).toMatch(new RegExp(`^    critical  port ${squatted} \\(WEB_PORT\\) is held by PID \\d+ .*, not by web\\n      → stop it \\(kill \\d+\\)`, 'm'));
    expect(out).toMatch(/^[✓!✗?] \w+ {2}Docker engine: /m);
    expect(out).toMatch(/sections need attention \(.*ports.*environment.*services and connections\)/);
    expect(out).not.toContain(secret);
  });

  it('refuses a module the spec does not declare as bad input (exit 2), as env check does, before checking anything', async () => {
    for (const args of [['--module', 'serch'], ['-m', 'search,nomod', '--json']]) {
      const r = await doctor(...args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stdout + r.stderr).not.toContain('Docker engine');
    }
    expect((await doctor('--module', 'serch')).stderr).toContain('--module: module "serch" does not exist (did you mean "search"?)');
    const json = JSON.parse((await doctor('-m', 'search,nomod', '--json')).stdout) as { ok: boolean; error: { code: string }; problems: { message: string }[] };
    expect(json).toMatchObject({ ok: false, error: { code: 'ERR_BERTH_UNKNOWN_MODULE' } });
    expect(json.problems.map((p) => p.message)).toEqual(['module "nomod" does not exist (known: search)']);
    // the flag's comma-separated form names two modules, as env check reads it
    expect((await doctor('-m', 'search,search', '--json')).status).toBe(1);
  });
});

describe('berth doctor\'s last line when nothing failed but something could not be told', () => {
  it('is not "all clear": it names the section berth could not look at (a check whose ${VAR} is set nowhere)', async () => {
    const here = mkdtempSync(join(tmpdir(), 'berth-doctor-unknown-'));
    try {
      writeFileSync(
        join(here, 'berth.yaml'),
        `berth: 1
repo: { name: doctor-unknown }
services:
  api:
    runtime: { kind: host, command: api serve }
    checks: [{ type: http, url: "http://127.0.0.1:${squatted}/", headers: { Authorization: "Bearer \${DOCTOR_UNSET_TOKEN}" } }]
`,
      );
      const r = await berthIn(here, env, ['doctor']);
      expect(r.stdout).toMatch(/^\? unknown {2}Services and connections: 0 of 1 checks passing$/m);
      expect(r.stdout).toContain('→ set DOCTOR_UNSET_TOKEN in the environment or in the .env beside the spec');
      // whatever else this machine makes of its sections (no Docker engine is a warning here), the unknown one is said
      expect(r.stdout).toMatch(/could not tell: services and connections \(in /);
      expect(r.stdout).not.toContain('all clear');
    } finally {
      rmSync(here, { recursive: true, force: true });
    }
  });
});

describe('berth doctor on the bundled example (a new user with no berth.yaml)', () => {
  // The example's MLflow (5000) and Marquez admin (5002) ports answer 503 from this test, so the outcome
  // does not depend on what else runs on the machine: both checks fail, the ports are held by the wrong
  // process, and Marquez's failure is "not expected" because its `lineage` profile is off.
  const held: http.Server[] = [];
  beforeAll(async () => {
    for (const port of [5000, 5002]) {
      const server = http.createServer((_req, res) => res.writeHead(503).end('busy'));
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err) => reject(new Error(`this test needs port ${port} of the bundled example free on 127.0.0.1: ${err.message}`)));
        server.listen(port, '127.0.0.1', resolve);
      });
      held.push(server);
    }
  });
  afterAll(async () => {
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  });

  it('reports every section and every derived check, each failure with a next step; exit 1', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'berth-doctor-fresh-'));
    try {
      const r = await berthIn(empty, { ...env, COMPOSE_PROFILES: '' }, ['doctor', '--json']);
      expect(r.stderr).toContain('using the bundled example');
      expect(r.status).toBe(1);
      const doc = JSON.parse(r.stdout);
      expect(doc.bundledExample).toBe(true);
      expect(doc.ok).toBe(false);
      expect(doc.sections.map((s: { id: string; status: string }) => s.id)).toEqual(['spec', 'ports', 'env', 'engine', 'gpu', 'health']);
      const ids = doc.checks.map((c: { id: string }) => c.id);
      expect(ids).toEqual(expect.arrayContaining(['service:mlflow/http :5000/health', 'connection:postgres/postgres :5434', 'connection:mcp/mcp stdio', 'devcontainer:devcontainer/torch sees CUDA']));
      const health = doc.sections.find((s: { id: string }) => s.id === 'health');
      expect(health.status).toBe('critical');
      for (const f of health.findings) if (f.status === 'critical') expect(f.next).toEqual(expect.any(String));
      const check = (id: string) => doc.checks.find((c: { id: string }) => c.id === id);
      expect(check('service:mlflow/http :5000/health')).toMatchObject({ status: 'critical', reason: 'status 503, expected 200' });
      expect(check('service:marquez/http :5002/healthcheck')).toMatchObject({ status: 'unknown', reason: 'not expected: profile lineage is off (status 503, expected 200-399)' });
      const ports = doc.sections.find((s: { id: string }) => s.id === 'ports');
      expect(ports.status).toBe('critical');
      expect(ports.findings.find((f: { subject?: string }) => f.subject === 'port 5000 (MLFLOW_PORT)')?.message).toMatch(new RegExp(`held by PID ${process.pid} `));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
