/**
 * `berth logs` shows progress while it waits for the engine, as `status` does: against an "engine" that takes the
 * connection and never answers, the progress line comes first, then the engine's failure (exit 3).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, ensureBuiltCli } from './support/built-cli.js';

let dir: string;
let silent: Server;
const held: Socket[] = [];

beforeAll(async () => {
  ensureBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'berth-logs-progress-'));
  writeFileSync(join(dir, 'berth.yaml'), 'berth: 1\nrepo: { name: logs-progress }\nservices:\n  web: { image: busybox }\n');
  silent = createServer((s) => held.push(s));
  await new Promise<void>((r) => silent.listen(join(dir, 'silent.sock'), r));
});
afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((r) => silent.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** stderr as it comes, chunk by chunk. */
function run(args: string[]): Promise<{ code: number | null; chunks: { text: string }[] }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', DOCKER_HOST: `unix://${join(dir, 'silent.sock')}` } });
  const chunks: { text: string }[] = [];
  child.stderr.on('data', (c: Buffer) => chunks.push({ text: c.toString() }));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, chunks })));
}

describe('berth logs on an engine that does not answer', () => {
  it('says it is reading logs at once, as status says it asks the engine, before the failure', async () => {
    const [logs, status] = await Promise.all([run(['logs']), run(['status'])]);
    expect(status.chunks[0]!.text).toMatch(/^asking the engine\n/);
    expect(logs.code).toBe(3);
    expect(logs.chunks[0]!.text).toMatch(/^reading logs\n/);
    expect(logs.chunks.map((c) => c.text).join('')).toMatch(/no Docker engine at unix:\/\/\/.*silent\.sock \(DOCKER_HOST\): no answer within /);
  }, 30_000);
});
