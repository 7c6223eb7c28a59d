import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, ensureBuiltCli } from './support/built-cli.js';

/** A spec that keeps berth computing for seconds: 150,000 services (each with a key berth does not know, unless `valid`). */
function largeSpec(valid = false, n = 150_000): string {
  const lines = ['berth: 1', 'repo: { name: large }', 'services:'];
  for (let i = 0; i < n; i++) lines.push(valid ? `  s${i}: { purpose: x }` : `  s${i}: { purpose: x, bogus: 1 }`);
  return `${lines.join('\n')}\n`;
}

/** CPU time (user + system, ms) the process has used so far, from /proc. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks, 100 per second on Linux
}

/**
 * Runs berth, waits until it has spent `busyMs` of CPU time computing (so the signal lands while
 * JavaScript holds the CPU, not during start-up), sends `signal`, and measures how long it takes to end.
 */
async function signalWhileBusy(args: string[], cwd: string, signal: NodeJS.Signals, busyMs = 700) {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' }, stdio: 'ignore' });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig, at: Date.now() })));
  let stillRunning = true;
  void ended.then(() => (stillRunning = false));
  while (stillRunning && cpuMs(child.pid!) < busyMs) await new Promise((r) => setTimeout(r, 20));
  expect(stillRunning, 'berth finished before it could be interrupted; make the spec larger').toBe(true);
  const sent = Date.now();
  child.kill(signal);
  const end = await ended;
  return { ...end, tookMs: end.at - sent };
}

describe('a command that only computes ends at once on SIGTERM or SIGINT, even with the CPU held', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'berth-signals-'));
    writeFileSync(join(dir, 'berth.yaml'), largeSpec());
    mkdirSync(join(dir, 'valid'));
    writeFileSync(join(dir, 'valid', 'berth.yaml'), largeSpec(true));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('berth validate on a 150,000-service spec: SIGTERM ends it within a second (the shell reports 143)', async () => {
    const r = await signalWhileBusy(['validate'], dir, 'SIGTERM');
    expect(r.signal === 'SIGTERM' || r.code === 143).toBe(true);
    expect(r.tookMs).toBeLessThan(1_000);
  }, 120_000);

  it('berth validate: SIGINT (Ctrl-C) ends it within a second too (130)', async () => {
    const r = await signalWhileBusy(['validate'], dir, 'SIGINT');
    expect(r.signal === 'SIGINT' || r.code === 130).toBe(true);
    expect(r.tookMs).toBeLessThan(1_000);
  }, 120_000);

  it('berth docs --write interrupted while computing leaves no page, no temporary file and no lock behind', async () => {
    const repo = join(dir, 'valid');
    const r = await signalWhileBusy(['docs', '--write'], repo, 'SIGTERM');
    expect(r.signal === 'SIGTERM' || r.code === 143).toBe(true);
    expect(r.tookMs).toBeLessThan(1_000);
    expect(readdirSync(repo)).toEqual(['berth.yaml']);
  }, 120_000);
});
