/**
 * The engine commands (up, build, restart, logs) with a service or profile the spec does not have: a usage error
 * (exit 2, with a did-you-mean) said from the spec alone, before any engine is asked. Run with DOCKER_HOST at a
 * socket that does not exist: were the engine asked first, each would end with exit 3 instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, ensureBuiltCli } from './support/built-cli.js';

const SPEC = `berth: 1
repo: { name: names }
profiles:
  extras: { description: the extra services }
services:
  web:
    image: busybox
  worker:
    image: busybox
    profiles: [extras]
`;

let dir: string;
const NOWHERE = 'unix:///nonexistent-berth-test.sock';

function berth(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', BERTH_RESULT_CACHE: '0', DOCKER_HOST: NOWHERE, ...env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  ensureBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'berth-engine-names-'));
  writeFileSync(join(dir, 'berth.yaml'), SPEC);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('engine commands: a name the spec lacks is exit 2 before the engine', () => {
  it("takes no name of an object's prototype for a service (logs, restart, build, up)", () => {
    for (const [command, name] of [['logs', 'constructor'], ['restart', 'toString'], ['build', '__proto__'], ['up', 'hasOwnProperty']] as const) {
      const r = berth([command, name]);
      expect(r.code, `${command} ${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`berth: no service "${name}" in the spec`);
      expect(r.stderr).toContain('hint: services: web, worker');
      expect(r.stderr).not.toContain('no Docker engine at');
    }
  });

  it('says a mistyped service with a did-you-mean (up, build, restart, logs), in --json too', () => {
    for (const command of ['up', 'build', 'restart', 'logs']) {
      const r = berth([command, 'wbe']);
      expect(r.code, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe('berth: no service "wbe" in the spec (did you mean "web"?)');
    }
    const json = berth(['up', 'web', 'wrker', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_BERTH_UNKNOWN_SERVICE', message: 'no service "wrker" in the spec (did you mean "worker"?)' } });
  });

  it('refuses a --profile no service has (up, build), with a did-you-mean, before the engine', () => {
    for (const command of ['up', 'build']) {
      const r = berth([command, '--profile', 'extra']);
      expect(r.code, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe('berth: --profile extra: profile "extra" enables no service (did you mean "extras"?)');
      expect(r.stderr).toContain('hint: profiles: extras');
    }
    // comma-separated, as --profile takes them: the unknown one is named
    expect(berth(['up', '--dry-run', '--profile', 'extras,nosuch']).stderr.split('\n')[0]).toBe('berth: --profile nosuch: profile "nosuch" enables no service');
    // COMPOSE_PROFILES stays lenient, as in Compose: the engine is asked (exit 3 here)
    const r = berth(['up'], { COMPOSE_PROFILES: 'nosuch' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no Docker engine at unix:///nonexistent-berth-test.sock (DOCKER_HOST)');
    // a known --profile goes on to the engine too
    expect(berth(['build', '--profile', 'extras']).code).toBe(3);
  });
});
