import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HealthMonitor, runCheck, runChecks, worstStatus, type CheckResult } from '../src/index.js';
import { closeAll, connections, httpServer, refusedPort, target } from './loopback.js';

afterEach(closeAll);

const daemonPidFiles: string[] = [];

/** Shell text that starts `sleep 12` in a session of its own (out of the check's process group), its pid kept for afterEach. */
function daemonize(): string {
  const pidFile = join(mkdtempSync(join(tmpdir(), 'berth-daemon-')), 'pid');
  daemonPidFiles.push(pidFile);
  return `setsid sleep 12 & echo $! > ${pidFile}`;
}

// berth cannot reach a grandchild that left the group: the test ends the ones it started
afterEach(() => {
  for (const file of daemonPidFiles.splice(0)) {
    try {
      process.kill(Number(readFileSync(file, 'utf8')), 'SIGKILL');
    } catch {
      // gone already, or never started
    }
    rmSync(dirname(file), { recursive: true, force: true });
  }
});

describe('command checks run real programs, never through a shell', () => {
  it('exit code and output are judged; shell syntax is just an argument', async () => {
    const ok = await runCheck(target({ type: 'command', argv: [process.execPath, '-e', 'console.log("True")'], expect: { stdoutEquals: 'True' } }));
    expect([ok.status, ok.reason]).toEqual(['passing', `${process.execPath} exited 0 and printed "True"`]);
    const literal = await runCheck(target({ type: 'command', argv: ['echo', '$(id) && false'], expect: { stdoutEquals: '$(id) && false' } }));
    expect(literal.status).toBe('passing');
    const bad = await runCheck(target({ type: 'command', argv: [process.execPath, '-e', 'console.error("no CUDA"); process.exit(3)'] }));
    expect([bad.status, bad.reason]).toEqual(['critical', `${process.execPath} exited 3, expected 0: no CUDA`]);
  });
  it('a program that hangs is stopped at its timeout; one that does not exist is named', async () => {
    const hung = await runCheck(target({ type: 'command', argv: ['sleep', '30'], timeout: 300 }));
    expect([hung.status, hung.reason]).toEqual(['critical', 'timed out after 300 ms waiting for sleep to exit; stopped it']);
    const stubborn = await runCheck(target({ type: 'command', argv: [process.execPath, '-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], timeout: 800 }));
    expect([stubborn.status, stubborn.reason]).toEqual(['critical', `timed out after 800 ms waiting for ${process.execPath} to exit; stopped it`]);
    expect(() => process.kill(stubborn.details!.pid as number, 0)).toThrow(); // SIGKILLed and reaped inside the timeout
    const missing = await runCheck(target({ type: 'command', argv: ['berth-no-such-program'] }));
    expect(missing.reason).toBe('program not found: berth-no-such-program');
  });
  it('a program that exits while a grandchild holds its pipes is judged by its exit status, without waiting for the grandchild', async () => {
    // the grandchild stays in the group: killed with what is left of it, so the pipes close at once
    const inGroup = await runCheck(target({ type: 'command', argv: ['sh', '-c', 'sleep 666 & echo started'], timeout: 2000, expect: { stdoutContains: 'started' } }));
    expect([inGroup.status, inGroup.reason]).toEqual(['passing', 'sh exited 0']);
    expect(inGroup.latencyMs).toBeLessThan(1000);
    // setsid leaves the group: no group signal reaches it, so berth stops reading its pipes shortly after sh exits
    const daemon = await runCheck(target({ type: 'command', argv: ['sh', '-c', `${daemonize()}; echo started`], timeout: 2000, expect: { stdoutContains: 'started' } }));
    expect([daemon.status, daemon.reason]).toEqual(['passing', 'sh exited 0']);
    expect(daemon.latencyMs).toBeLessThan(1500);
    const failing = await runCheck(target({ type: 'command', argv: ['sh', '-c', `${daemonize()}; echo broken >&2; exit 4`], timeout: 2000 }));
    expect([failing.status, failing.reason]).toEqual(['critical', 'sh exited 4, expected 0: broken']);
    const hung = await runCheck(target({ type: 'command', argv: ['sh', '-c', `${daemonize()}; sleep 30`], timeout: 600 }));
    expect([hung.status, hung.reason]).toEqual(['critical', 'timed out after 600 ms waiting for sh to exit; stopped it']);
  });
  it('a daemonized grandchild does not keep the process from exiting once the check has answered', () => {
    const argv = JSON.stringify(['sh', '-c', `${daemonize()}; echo started`]);
    const script = `import { runCheck } from '@berth/health';
const r = await runCheck({ id: 'x', subject: { kind: 'service', id: 'x' }, check: { type: 'command', argv: ${argv}, timeout: 2000 } });
console.log(r.status, r.reason);`;
    const started = performance.now();
    const run = spawnSync(process.execPath, ['--conditions=@berth/source', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', timeout: 20_000 });
    expect([run.status, run.stdout]).toEqual([0, 'passing sh exited 0\n']);
    expect(performance.now() - started).toBeLessThan(8000);
  });
  it('a working directory that does not exist is named as such, not as a missing program', async () => {
    const r = await runCheck(target({ type: 'command', argv: ['sh', '-c', 'true'], cwd: 'no-such-dir' }, { baseDir: '/tmp/berth-no-such-base' }));
    expect([r.status, r.reason]).toEqual(['critical', 'working directory not found: /tmp/berth-no-such-base/no-such-dir (cwd of the check)']);
  });
  it('output is bounded', async () => {
    const r = await runCheck(target({ type: 'command', argv: [process.execPath, '-e', 'process.stdout.write("x".repeat(5e6))'], expect: { stdoutContains: 'y' } }));
    expect(r.reason).toBe(`${process.execPath} output does not contain "y"`);
  });
});

describe('retries, severity and start period', () => {
  it('retries with backoff, counting attempts', async () => {
    const port = await refusedPort();
    const r = await runCheck(target({ type: 'tcp', port, retries: 2 }));
    expect([r.status, r.attempts, r.reason]).toEqual(['critical', 3, `connection refused on 127.0.0.1:${port} (after 3 attempts)`]);
  });
  it('a failing warning-severity check is a warning; inside the start period it is starting', async () => {
    const port = await refusedPort();
    expect((await runCheck(target({ type: 'tcp', port, severity: 'warning' }))).status).toBe('warning');
    const starting = await runCheck(target({ type: 'tcp', port, startPeriod: '30s' }), { startedAt: Date.now() });
    expect(starting.status).toBe('starting');
    expect(starting.reason).toBe(`starting (within its 30 s start period): connection refused on 127.0.0.1:${port}`);
    // the start period comes first: a warning-severity check that fails while its service starts is starting too
    const both = await runCheck(target({ type: 'tcp', port, startPeriod: '30s', severity: 'warning' }), { startedAt: Date.now() });
    expect(both.status).toBe('starting');
  });
});

describe('a check kind that throws', () => {
  it('is reported as unknown with the error, not thrown at the caller', async () => {
    const bad = { ...target({ type: 'tcp', port: 1 }), check: { type: 'tcp' as const, host: '127.0.0.1', port: 70000, severity: 'critical' as const } };
    const r = await runCheck(bad);
    expect(r.status).toBe('unknown');
    expect(r.reason).toMatch(/^the check itself failed: .*70000/);
  });
});

describe('runChecks', () => {
  it('runs everything concurrently under the cap and keeps target order', async () => {
    let inFlight = 0;
    let peak = 0;
    const { port } = await httpServer((req, res) => {
      peak = Math.max(peak, ++inFlight);
      setTimeout(() => (inFlight--, res.end('ok')), 50);
    });
    const targets = Array.from({ length: 40 }, (_, i) => ({ ...target({ type: 'http', url: `http://127.0.0.1:${port}/${i}` }), id: `t${i}` }));
    const seen: string[] = [];
    const results = await runChecks(targets, { concurrency: 8, onResult: (r) => seen.push(r.id) });
    expect(results.map((r) => r.id)).toEqual(targets.map((t) => t.id));
    expect(results.every((r) => r.status === 'passing')).toBe(true);
    expect(seen.sort()).toEqual(targets.map((t) => t.id).sort());
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThan(1);
    expect(worstStatus(results)).toBe('passing');
  });
});

describe('HealthMonitor', () => {
  it('runs each check on its interval, damps a blip with failureThreshold, and stop() waits for checks in flight', async () => {
    let answer = 200;
    const { port } = await httpServer((req, res) => {
      res.writeHead(answer);
      res.end();
    });
    const monitor = new HealthMonitor([target({ type: 'http', url: `http://127.0.0.1:${port}/`, interval: 30, failureThreshold: 3 })]);
    const results: CheckResult[] = [];
    monitor.on('result', (r) => results.push(r));
    monitor.start();
    await new Promise<void>((resolve) => {
      monitor.on('result', () => {
        if (results.length === 2) answer = 503;
        if (results.length >= 6) resolve();
      });
    });
    await monitor.stop();
    const count = results.length;
    expect(results.slice(0, 2).map((r) => r.status)).toEqual(['passing', 'passing']);
    expect(results.slice(2, 4).map((r) => r.status)).toEqual(['passing', 'passing']);
    expect(results[2]!.reason).toBe('still passing (1 of 3 failures: status 503, expected 200-399)');
    expect(results[4]!.status).toBe('critical');
    expect(monitor.latest()).toHaveLength(1);
    expect(monitor.latest()[0]!.status).toBe('critical');
    await new Promise((r) => setTimeout(r, 100));
    expect(results.length).toBe(count); // nothing runs after stop()
  });
});

describe('HealthMonitor and a start period', () => {
  it('a check that passed once and then fails inside its start period is critical, not starting: the first pass ends it, as in Docker', async () => {
    let answer = 503;
    const { port } = await httpServer((req, res) => {
      res.writeHead(answer);
      res.end();
    });
    const startedAt = Date.now();
    const monitor = new HealthMonitor([target({ type: 'http', url: `http://127.0.0.1:${port}/`, interval: 20, startPeriod: '5m', expect: { status: [200] } })], { startedAt: () => startedAt });
    const results: CheckResult[] = [];
    await new Promise<void>((resolve) => {
      monitor.on('result', (r) => {
        results.push(r);
        // starting, then up, then down again (a crash right after it came up)
        if (results.length === 1) answer = 200;
        if (r.status === 'passing') answer = 500;
        if (results.some((x) => x.status === 'passing') && r.status !== 'passing') resolve();
      });
      monitor.start();
    });
    await monitor.stop();
    expect(results[0]!.status).toBe('starting');
    const afterPass = results.at(-1)!;
    expect([afterPass.status, afterPass.reason]).toEqual(['critical', 'status 500, expected 200']);
  });
});

describe('cancelling a run', () => {
  it('an abort ends every check in flight at once, as cancelled (not timed out), and leaves no socket open', async () => {
    const { server, port } = await httpServer(() => undefined); // accepts, never answers
    const targets = Array.from({ length: 200 }, (_, i) => target({ type: 'http', url: `http://127.0.0.1:${port}/h${i}`, timeout: 10_000 }, { id: `h${i}` }));
    const controller = new AbortController();
    const started = performance.now();
    const run = runChecks(targets, { signal: controller.signal });
    await vi.waitFor(async () => expect(await connections(server)).toBe(200));
    controller.abort();
    const results = await run;
    expect(performance.now() - started).toBeLessThan(5_000); // the 10 s timeouts did not run out
    expect(new Set(results.map((r) => `${r.status}: ${r.reason}`))).toEqual(new Set(['unknown: cancelled before it finished']));
    await vi.waitFor(async () => expect(await connections(server)).toBe(0));
  });
});
