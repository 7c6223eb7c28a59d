import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berthIn, bin, ensureBuilt } from './health-cli-helpers.js';

// `berth health` through the built CLI against loopback servers this test owns.
let dir = '';
let server: http.Server;
let up = 0;
let down = 0;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'berth-health-cli-'));
  server = http.createServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 404);
    res.end('OK');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  up = (server.address() as net.AddressInfo).port;
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  down = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  writeFileSync(
    join(dir, 'berth.yaml'),
    `berth: 1
repo: { name: health-cli-test }
profiles:
  extras: { description: Extras }
services:
  web:
    runtime: host
    ports: [{ host: ${up}, appProtocol: http }]
    checks:
      - { type: http, url: "http://127.0.0.1:${up}/health", expect: { bodyContains: OK } }
  cache:
    runtime: host
    ports: [${down}]
  extra:
    runtime: compose
    profiles: [extras]
    ports: [${down}]
  helper:
    runtime: { kind: host, command: helper --port ${up} }
    profiles: [extras]
    checks:
      - { type: http, url: "http://127.0.0.1:${up}/health" }
`,
  );
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const env = { ...process.env, NO_COLOR: '1' };
const berth = (...args: string[]) => berthIn(dir, env, args);

describe('berth health', () => {
  it('prints a table of every check with its status word, latency and reason; exit 1 when one fails', async () => {
    const r = await berth('health');
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^SUBJECT\s+CHECK\s+STATUS\s+LATENCY\s+REASON$/);
    expect(lines.find((l) => l.startsWith('web '))).toMatch(new RegExp(`^web\\s+http :${up}/health\\s+passing\\s+\\d+ ms\\s+status 200, body contains "OK"$`));
    expect(lines.find((l) => l.startsWith('cache '))).toMatch(new RegExp(`^cache\\s+tcp :${down}\\s+critical\\s+\\d+ ms\\s+connection refused on 127\\.0\\.0\\.1:${down}$`));
    expect(lines.find((l) => l.startsWith('helper '))).toMatch(/^helper\s+http :\d+\/health\s+passing\s/);
    expect(r.stdout).toContain('berth.yaml: 3 checks: 2 passing, 1 critical');
  });

  it('leaves out Compose services whose profiles are off, saying so; checks them when the profile is on', async () => {
    const r = await berth('health', '--json');
    expect(JSON.parse(r.stdout).skipped).toEqual(['extra']);
    const plain = await berth('health');
    expect(plain.stderr).toContain('berth: not checking extra (profile extras is off; pass --profile, set COMPOSE_PROFILES or name them)');
    // --profile selects as `up --profile` does; a profile that enables nothing is said, as up says it
    const flagged = await berth('health', '--profile', 'extras', '--json');
    expect(JSON.parse(flagged.stdout).checks.map((c: { subject: { id: string } }) => c.subject.id)).toEqual(['web', 'cache', 'extra', 'helper']);
    const unknown = await berth('health', '--profile', 'nope');
    expect(unknown.stderr).toContain('berth: profile "nope" enables no service');
    const on = await berthIn(dir, { ...env, COMPOSE_PROFILES: 'extras' }, ['health', '--json']);
    expect(JSON.parse(on.stdout).checks.map((c: { subject: { id: string } }) => c.subject.id)).toEqual(['web', 'cache', 'extra', 'helper']);
    const all = await berthIn(dir, { ...env, COMPOSE_PROFILES: '*' }, ['health', '--json']);
    expect(JSON.parse(all.stdout).skipped).toBeUndefined();
  });

  it('checks a service that runs on the host (or in the devcontainer) whatever its Compose profiles', async () => {
    const r = await berth('health', '--json');
    const helper = JSON.parse(r.stdout).checks.find((c: { subject: { id: string } }) => c.subject.id === 'helper');
    expect(helper).toMatchObject({ status: 'passing', reason: 'status 200' });
  });

  it('narrows to the services named; exit 0 when all pass', async () => {
    const r = await berth('health', 'web');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('cache');
  });

  it('--json gives every result as data', async () => {
    const r = await berth('health', '--json');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: false, status: 'critical' });
    expect(doc.checks.map((c: { subject: { id: string }; status: string }) => [c.subject.id, c.status])).toEqual([
      ['web', 'passing'],
      ['cache', 'critical'],
      ['helper', 'passing'],
    ]);
  });

  it('an unknown service is bad input, with a suggestion', async () => {
    const r = await berth('health', 'wbe');
    expect(r.status).toBe(2);
    expect(r.stderr + r.stdout).toContain('no service or connection "wbe" (did you mean web?)');
  });

  it('--watch off a TTY prints plain repeated blocks until Ctrl-C (exit 130)', async () => {
    const child = spawn(process.execPath, [bin, 'health', 'web', '--watch', '--interval', '0.2'], { cwd: dir, env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if ((out.match(/^SUBJECT/gm) ?? []).length >= 2) {
          clearInterval(t);
          resolve();
        }
      }, 50);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(out).not.toContain('\u001b[');
    expect((out.match(/2? ?1 check: 1 passing at /g) ?? []).length).toBeGreaterThanOrEqual(2);
  });

  it('--watch runs round after round without piling up listeners (no leak warning after many rounds)', async () => {
    const child = spawn(process.execPath, [bin, 'health', 'web', '--watch', '--interval', '0.02'], { cwd: dir, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // node warns at the eleventh listener on one signal: well past it
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if ((out.match(/^SUBJECT/gm) ?? []).length >= 15) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    child.kill('SIGINT');
    expect(await new Promise<number | null>((r) => child.on('exit', (c) => r(c)))).toBe(130);
    expect(err).not.toMatch(/MaxListenersExceededWarning|memory leak/);
  });

  const hasScript = existsSync('/usr/bin/script');
  /**
   * `berth health web --watch` on a pseudo-terminal (script(1)) with ENV, until its output so far satisfies DONE (or 20 s
   * pass: the test's assertions then say what was missing, and the process is stopped all the same); that output.
   */
  const watchOnTerminal = async (extraEnv: NodeJS.ProcessEnv, done: (out: string) => boolean): Promise<string> => {
    const cmd = `'${process.execPath}' '${bin}' health web --watch --interval 0.2`;
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: dir, env: { ...env, ...extraEnv }, detached: true });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const giveUp = Date.now() + 20_000;
    try {
      await new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (done(out) || Date.now() > giveUp) {
            clearInterval(t);
            resolve();
          }
        }, 50);
      });
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
    return out;
  };
  // eslint-disable-next-line no-control-regex -- the cursor-up-and-clear sequence is what is tested
  const REDRAW = /\u001b\[(\d+)F\u001b\[J/;
  const rounds = (out: string) => (out.match(/1 check: 1 passing at /g) ?? []).length;
  const noScript = hasScript ? '' : ' (skipped: no util-linux script(1) to give it a pseudo-terminal)';

  it.skipIf(!hasScript)(`--watch on a TTY redraws the table in place${noScript}`, async () => {
    const out = await watchOnTerminal({}, (o) => REDRAW.test(o));
    const redraw = REDRAW.exec(out)!;
    expect(Number(redraw[1])).toBe(4); // header, one row, blank, count line: moved up over exactly the last block
    expect(out).toMatch(/web\s+http :\d+\/health\s+passing/);
  });

  it.skipIf(!hasScript)(`--watch on a TTY with TERM=dumb prints plain blocks: no cursor moves a dumb terminal cannot do${noScript}`, async () => {
    const out = await watchOnTerminal({ TERM: 'dumb' }, (o) => rounds(o) >= 3);
    expect(out).not.toContain('\u001b[');
    expect(rounds(out)).toBeGreaterThanOrEqual(3);
  });
});

describe('${VAR} in checks, from the .env the command was told to read', () => {
  let varsDir = '';
  beforeAll(() => {
    varsDir = mkdtempSync(join(tmpdir(), 'berth-health-vars-cli-'));
    writeFileSync(
      join(varsDir, 'berth.yaml'),
      `berth: 1
repo: { name: health-vars-cli }
services:
  web:
    runtime: host
    checks:
      - { type: http, url: "http://127.0.0.1:${up}/\${HEALTH_PATH}", expect: { bodyContains: OK } }
`,
    );
    writeFileSync(join(varsDir, '.env'), 'HEALTH_PATH=beside-the-spec\n');
    writeFileSync(join(varsDir, 'staging.env'), 'HEALTH_PATH=health\n');
  });
  afterAll(() => rmSync(varsDir, { recursive: true, force: true }));
  const inVars = (...args: string[]) => berthIn(varsDir, env, args);
  const webCheck = (stdout: string) => JSON.parse(stdout).checks.find((c: { subject: { id: string } }) => c.subject.id === 'web');

  // --dotenv, since Node 20 takes a script's --env-file for itself (nodejs/node#54232): it would load the file into the
  // process env, and what is tested here is that berth hands the file it read to the checks
  it('berth health reads the .env beside the spec by default, and the one --dotenv (--env-file) names instead', async () => {
    const beside = await inVars('health', '--json');
    expect([beside.status, webCheck(beside.stdout)?.status, webCheck(beside.stdout)?.reason]).toEqual([1, 'critical', 'status 404, expected 200-399']);
    const named = await inVars('health', '--dotenv', 'staging.env', '--json');
    expect([named.status, webCheck(named.stdout)?.status]).toEqual([0, 'passing']);
  });

  it('berth doctor --dotenv (--env-file): its checks read the file its env section reads', async () => {
    const r = await inVars('doctor', '--dotenv', 'staging.env', '--json');
    const web = JSON.parse(r.stdout).checks.find((c: { subject: { id: string } }) => c.subject.id === 'web');
    expect([web?.status, web?.reason]).toEqual(['passing', 'status 200, body contains "OK"']);
    const beside = await inVars('doctor', '--json');
    expect(JSON.parse(beside.stdout).checks.find((c: { subject: { id: string } }) => c.subject.id === 'web')?.status).toBe('critical');
  });

  it('the secrets of a --dotenv (--env-file) file are hidden as those of the .env beside the spec are', async () => {
    const token = 'tok_9f8e7d6c5b4a3f2e';
    // a peer that quotes the credential it was sent back in its answer, as some error pages do
    const echo = http.createServer((req, res) => {
      res.writeHead(401);
      res.end(`denied ${req.headers.authorization}`);
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    try {
      const at = (echo.address() as net.AddressInfo).port;
      const secretDir = mkdtempSync(join(tmpdir(), 'berth-health-secret-cli-'));
      writeFileSync(
        join(secretDir, 'berth.yaml'),
        `berth: 1\nrepo: { name: health-secret-cli }\nservices:\n  api:\n    runtime: host\n    checks:\n      - { type: http, url: "http://127.0.0.1:${at}/", headers: { Authorization: "Bearer \${API_TOKEN}" }, expect: { status: ["4xx"], bodyContains: welcome } }\n`,
      );
      writeFileSync(join(secretDir, 'secrets.env'), `API_TOKEN=${token}\n`);
      for (const args of [['health', '--dotenv', 'secrets.env'], ['health', '--dotenv', 'secrets.env', '--json'], ['doctor', '--dotenv', 'secrets.env', '--json']]) {
        const r = await berthIn(secretDir, env, args);
        expect(`${r.stdout}${r.stderr}`, args.join(' ')).toContain('denied Bearer [redacted]');
        expect(`${r.stdout}${r.stderr}`, args.join(' ')).not.toContain(token);
      }
      rmSync(secretDir, { recursive: true, force: true });
    } finally {
      await new Promise<void>((r) => echo.close(() => r()));
    }
  });

  it("a check that prints berth serve's API token shows it [redacted], as berth serve does", async () => {
    const tokenDir = mkdtempSync(join(tmpdir(), 'berth-health-token-cli-'));
    try {
      const token = 'uLxdUWDQ7aR2-served-token-3s';
      mkdirSync(join(tokenDir, '.berth'));
      writeFileSync(join(tokenDir, '.berth', 'token'), `${token}\n`);
      writeFileSync(
        join(tokenDir, 'berth.yaml'),
        `berth: 1\nrepo: { name: health-token-cli }\nservices:\n  leak:\n    runtime: host\n    checks:\n      - { type: command, argv: [sh, -c, "echo tok=$(cat .berth/token); exit 1"] }\n`,
      );
      for (const args of [['health'], ['health', '--json'], ['doctor', '--json']]) {
        const r = await berthIn(tokenDir, env, args);
        expect(`${r.stdout}${r.stderr}`, args.join(' ')).toContain('tok=[redacted]');
        expect(`${r.stdout}${r.stderr}`, args.join(' ')).not.toContain(token);
      }
    } finally {
      rmSync(tokenDir, { recursive: true, force: true });
    }
  });

  it('a --dotenv file that is not there is one line and exit 2, checking nothing', async () => {
    const r = await inVars('health', '--dotenv', 'absent.env');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('absent.env');
  });
});
