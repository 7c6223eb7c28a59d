import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureBuiltCli, runBuiltCli } from './support/built-cli.js';
import { downAndStop } from './support/engine-teardown.js';
import { dockerAvailable, ensureTestImage, freePort, secondEngineSkipReason, startSecondEngine, SWARM_TURN_TIMEOUT_MS, TEST_HTTPD_COMMAND, TEST_IMAGE, uniqueProject, type SecondEngine } from '@berth/docker/testing';

const berth = runBuiltCli;

// A spec whose service runs on a single-node swarm (a dockerd of the test's own, `mode: swarm`), from the command line:
// two replicas of a service publishing a host-mode port, of which the one node can run only one.
const skip = !dockerAvailable() ? 'no Docker engine' : secondEngineSkipReason();

describe.skipIf(!!skip)(`berth on a swarm engine, from the command line${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const project = uniqueProject('berth-swarm-cli');
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-swarm-cli-'));
  let second: SecondEngine | undefined;
  const env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    ensureBuiltCli();
    await ensureTestImage();
    second = await startSecondEngine({ images: [TEST_IMAGE], swarm: true });
    const port = await freePort();
    writeFileSync(path.join(dir, 'tok.txt'), 'sesame');
    writeFileSync(path.join(dir, 'motd.txt'), 'hello');
    const spec = `berth: 1
repo: { name: ${project} }
engines: { sw: { host: "${second.endpoint}", mode: swarm } }
profiles: { other: {} }
secrets: { tok: { file: ./tok.txt } }
configs: { motd: { file: ./motd.txt } }
services:
  api:
    image: ${TEST_IMAGE}
    command: ${JSON.stringify(TEST_HTTPD_COMMAND)}
    engine: sw
    ports: ["${port}:8080"]
    deploy: { replicas: 2 }
    secrets: [tok]
    configs: [motd]
  hostnet: { image: ${TEST_IMAGE}, command: ${JSON.stringify(TEST_HTTPD_COMMAND)}, engine: sw, networkMode: host, ports: ["${port + 1}:8080"], profiles: [other] }
`;
    writeFileSync(path.join(dir, 'berth.yaml'), spec);
  }, 240_000 + SWARM_TURN_TIMEOUT_MS); // its own start, after the test swarms ahead of it
  afterAll(() => downAndStop(dir, env, second), 180_000);

  it('a replica the swarm can never place: up warns of it before, and its failure says what to do', async () => {
    const dry = await berth(['up', '--dry-run'], { cwd: dir, env });
    const up = await berth(['up', '--timeout', '60'], { cwd: dir, env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('service "api": its 2 replicas publish host port');
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/no suitable node/);
    expect(up.stderr).toContain('hint: each replica publishes host port');
  }, 180_000);

  it('status reads that replica as failing with the reason, never starting: exit 1, ok: false', async () => {

    const status = await berth(['status'], { cwd: dir, env });
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(new RegExp(`^api\\s+sw\\s+running 1/2 tasks .*; ${project}_api\\.\\d pending: no suitable node`, 'm'));
    expect(status.stdout).not.toContain('starting');
    const json = await berth(['status', '--json'], { cwd: dir, env });
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout) as { ok: boolean; services: { service: string; health?: string; tasks: { desired: number; running: number; problem?: string } }[] };
    expect(doc.ok).toBe(false);
    const api = doc.services.find((s) => s.service === 'api')!;
    expect(api.health).toBeUndefined();
    expect(api.tasks).toMatchObject({ desired: 2, running: 1, problem: expect.stringMatching(/pending: no suitable node \(.*host-mode port/) });
  }, 60_000);

  it('down names the stack\'s secrets and configs it removed, in --json and in text', async () => {

    const down = await berth(['down', '--json'], { cwd: dir, env });
    expect(down.code, down.stderr).toBe(0);
    const removed = JSON.parse(down.stdout) as { removedSecrets: string[]; removedConfigs: string[] };
    expect([removed.removedSecrets, removed.removedConfigs]).toEqual([[`${project}_tok`], [`${project}_motd`]]);
    expect((await second!.docker(['secret', 'ls', '-q'])).trim()).toBe('');
    // in text too: up again, then down
    await berth(['up', '--no-wait'], { cwd: dir, env });
    const text = await berth(['down'], { cwd: dir, env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`removed secret ${project}_tok\n`);
    expect(text.stdout).toContain(`removed config ${project}_motd\n`);
  }, 180_000);

  it('compose --swarm writes a host-network service without ports, with the warning up gives', async () => {
    const r = await berth(['compose', '--swarm', '--profile', 'other'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`service "hostnet": on the host network its ports are the process's own; nothing is published`);
    const stack = parse(r.stdout) as { services: Record<string, { ports?: unknown; networks?: string[] }> };
    expect(stack.services.hostnet).toMatchObject({ networks: ['hostnet'] });
    expect(stack.services.hostnet!.ports).toBeUndefined();
  }, 60_000);
});
