/**
 * The engine commands at their edges, as real processes of the built CLI: signals at any moment,
 * two commands on one project at once, and an engine that stops answering (a second dockerd of the
 * test's own, frozen with SIGSTOP: never the shared one).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { readdir, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dockerAvailable,
  dockerSkipReason,
  dockerSocketPath,
  ensureTestImage,
  secondEngineSkipReason,
  startSecondEngine,
  TEST_HTTPD_COMMAND,
  TEST_IMAGE,
  uniqueProject,
  type SecondEngine,
} from '@berth/docker/testing';
import { ensureBuiltCli, startBuiltCli, type Run } from './support/built-cli.js';

/** Starts the built `berth` in `cwd`, on the shared engine unless `env` names another. */
const start = (args: string[], options: Parameters<typeof startBuiltCli>[1]) =>
  startBuiltCli(args, { ...options, env: { DOCKER_HOST: `unix://${dockerSocketPath()}`, ...options.env } });
const berth = (args: string[], options: Parameters<typeof start>[1]) => start(args, options).done;

/** A project folder with a berth.yaml. */
function projectDir(project: string, services: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-edges-'));
  writeFileSync(path.join(dir, 'berth.yaml'), ['berth: 1', `repo: { name: ${project} }`, 'services:', ...services.map((s) => `  ${s}`), ''].join('\n'));
  return dir;
}

const HEALTH = `healthcheck: { test: "wget -q -O /dev/null http://127.0.0.1:8080/health", interval: 300ms, retries: 60 }`;
const httpd = (name: string, extra = '') => `${name}: { image: "${TEST_IMAGE}", command: ${JSON.stringify(TEST_HTTPD_COMMAND)}, stopGracePeriod: 2s, ${HEALTH}${extra} }`;
/** Becomes healthy only after 3 s: time to interrupt berth while it waits. */
const SLOW = `sh -c 'trap "exit 0" TERM; sleep 3; httpd -f -p 8080 -h /www & wait'`;
const slowHttpd = (name: string, extra = '') => `${name}: { image: "${TEST_IMAGE}", command: ${JSON.stringify(SLOW)}, stopGracePeriod: 2s, ${HEALTH}${extra} }`;

const docker = new Dockerode({ socketPath: dockerSocketPath() });
const containersOf = (project: string) => docker.listContainers({ all: true, filters: { name: [`${project}-`] } });
const networksOf = async (project: string) => (await docker.listNetworks({ filters: { name: [`${project}_`] } })).filter((n) => n.Name === `${project}_default`);

async function removeProject(project: string): Promise<void> {
  for (const c of await containersOf(project)) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  for (const n of await networksOf(project)) await docker.getNetwork(n.Id).remove().catch(() => undefined);
}

/** Every container left carries the project's labels and berth's hash: nothing half-made. */
async function onlyLabelled(project: string): Promise<void> {
  const left = await containersOf(project);
  expect(left.every((c) => c.Labels['com.docker.compose.project'] === project && c.Labels['dev.berth.config-hash'])).toBe(true);
}

/** After an interrupt: the next up converges and takes everything down again. */
async function convergesThenDown(dir: string, services: number): Promise<void> {
  const again = await berth(['up'], { cwd: dir });
  expect(again.stderr).not.toContain('internal error');
  expect(again.code).toBe(0);
  const down = await berth(['down'], { cwd: dir });
  expect(down.code).toBe(0);
  expect(down.stdout.split('\n').filter((l) => l.startsWith('removed ') && !l.startsWith('removed network'))).toHaveLength(services);
}

/**
 * Resolves once the process has a socket open (its first connection to the engine): berth has parsed its
 * command and loaded the spec, its signal handlers are in place, and nothing has been created yet.
 */
async function whenTalkingToEngine(pid: number): Promise<void> {
  for (;;) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => undefined);
    if (!fds) throw new Error(`process ${pid} is gone`);
    // 0-2 are sockets too when the parent gives pipes (libuv's socketpairs): only what the process opened counts.
    const links = await Promise.all(fds.filter((fd) => Number(fd) > 2).map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
    if (links.some((l) => l.startsWith('socket:'))) return;
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Watches the engine's events from now on; the returned function resolves at the first that matches `filters`. */
async function watchEngineEvent(filters: Record<string, string[]>): Promise<() => Promise<void>> {
  const stream = (await docker.getEvents({ filters })) as NodeJS.ReadableStream & { destroy(): void };
  const seen = new Promise<void>((resolve, reject) => {
    stream.once('data', () => resolve());
    stream.once('error', reject);
  }).finally(() => stream.destroy());
  return () => seen;
}

/** An interrupted berth ends by itself with 130, or (a signal before its handlers were in place) by the signal. */
/** Ended by SIGNAL: berth's own exit code for it (130 for SIGINT, 143 for SIGTERM), or the signal's default action. */
function interrupted(r: Run, signal: NodeJS.Signals): boolean {
  return r.code === (signal === 'SIGTERM' ? 143 : 130) || r.signal === signal;
}

describe.skipIf(!dockerAvailable())(`signals to the engine commands${dockerSkipReason()}`, () => {
  const dirs: string[] = [];
  const projects: string[] = [];
  beforeAll(async () => {
    ensureBuiltCli();
    await ensureTestImage(docker);
  }, 180_000);
  afterAll(async () => {
    for (const p of projects) await removeProject(p);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const fresh = () => {
    const project = uniqueProject('berth-sig');
    const dir = projectDir(project, [httpd('a'), slowHttpd('b', ', dependsOn: { a: { condition: service_healthy } }'), httpd('c', ', dependsOn: [a]')]);
    projects.push(project);
    dirs.push(dir);
    return { project, dir };
  };

  for (const [signal, at] of [
    ['SIGINT', 100],
    ['SIGTERM', 100],
    ['SIGINT', 300],
    ['SIGTERM', 300],
  ] as const) {
    it(`${signal} ${at} ms into up ends it within a second; the next up converges`, async () => {
      const { project, dir } = fresh();
      const run = start(['up'], { cwd: dir });
      await new Promise((r) => setTimeout(r, at - (Date.now() - run.startedAt)));
      const sentAt = Date.now();
      run.child.kill(signal);
      const r = await run.done;
      expect(interrupted(r, signal)).toBe(true);
      expect(r.endedAt - sentAt).toBeLessThan(1000);
      expect(r.stderr).not.toContain('internal error');
      await onlyLabelled(project);
      await convergesThenDown(dir, 3);
    }, 90_000);
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} as up first reaches the engine (its handlers in place, nothing made yet) ends it at once, with nothing created`, async () => {
      const { project, dir } = fresh();
      const run = start(['up'], { cwd: dir });
      await whenTalkingToEngine(run.child.pid!);
      const sentAt = Date.now();
      run.child.kill(signal);
      const r = await run.done;
      expect(r.code).toBe(signal === 'SIGTERM' ? 143 : 130);
      expect(r.endedAt - sentAt).toBeLessThan(1000);
      expect(r.stderr).toContain('interrupted');
      expect(await containersOf(project)).toEqual([]);
      await convergesThenDown(dir, 3);
    }, 90_000);
  }

  it('SIGINT while the engine has not yet answered berth\'s first ping ends it at once: the ping is hung up, not left to run out its 3 s', async () => {
    // An engine that reads every request and answers none: a dockerd too busy to answer yet, made certain.
    const socketDir = mkdtempSync(path.join(tmpdir(), 'berth-silent-'));
    dirs.push(socketDir);
    const socketPath = path.join(socketDir, 'docker.sock');
    const held = new Set<Socket>();
    let asked!: () => void;
    const requested = new Promise<void>((resolve) => (asked = resolve));
    const silent = createServer((socket) => {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
      socket.once('data', () => asked());
    });
    await new Promise<void>((resolve) => silent.listen(socketPath, resolve));
    try {
      const { project, dir } = fresh();
      const run = start(['up'], { cwd: dir, env: { DOCKER_HOST: `unix://${socketPath}` } });
      await requested;
      const sentAt = Date.now();
      run.child.kill('SIGINT');
      const r = await run.done;
      expect(r.code).toBe(130);
      expect(r.stderr).toContain('interrupted');
      // before, the process lived on until the ping's bound ran out: 3 s after it was sent
      expect(r.endedAt - sentAt).toBeLessThan(2000);
      expect(await containersOf(project)).toEqual([]);
    } finally {
      held.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 30_000);

  /** Runs `up` and sends `signal` when its progress first matches `when`. */
  async function upInterrupted(dir: string, when: RegExp, signal: NodeJS.Signals): Promise<{ r: Run; sentAt: number }> {
    let sentAt = 0;
    const run = start(['up'], {
      cwd: dir,
      onStderr: (text) => {
        if (!sentAt && when.test(text)) {
          sentAt = Date.now();
          run.child.kill(signal);
        }
      },
    });
    const r = await run.done;
    expect(sentAt).toBeGreaterThan(0);
    return { r, sentAt };
  }

  it('SIGTERM while up creates and starts ends it within a second, leaving only labelled containers', async () => {
    const { project, dir } = fresh();
    const { r, sentAt } = await upInterrupted(dir, /a: starting/, 'SIGTERM');
    expect(r.code).toBe(143);
    expect(r.endedAt - sentAt).toBeLessThan(1000);
    expect(r.stderr).toContain('interrupted');
    await onlyLabelled(project);
    await convergesThenDown(dir, 3);
  }, 90_000);

  it('SIGINT while up waits for health ends it within a second; a second Ctrl-C is not needed', async () => {
    const { project, dir } = fresh();
    const { r, sentAt } = await upInterrupted(dir, /waiting for b/, 'SIGINT');
    expect(r.code).toBe(130);
    expect(r.endedAt - sentAt).toBeLessThan(1000);
    await onlyLabelled(project);
    await convergesThenDown(dir, 3);
  }, 90_000);

  it('SIGINT during down ends it within a second, even while a container takes its grace period to stop', async () => {
    const project = uniqueProject('berth-sig');
    projects.push(project);
    // Ignores SIGTERM, so its stop lasts the whole grace period (20 s).
    const stubborn = `sh -c 'trap "" TERM; while true; do sleep 1; done'`;
    const dir = projectDir(project, [`stubborn: { image: "${TEST_IMAGE}", command: ${JSON.stringify(stubborn)}, stopGracePeriod: 20s }`]);
    dirs.push(dir);
    expect((await berth(['up'], { cwd: dir })).code).toBe(0);
    // Interrupt once the engine has sent the container its stop signal: down is then inside the grace period
    // (a fixed delay raced berth's own start on a loaded machine, and a signal before its handlers is the default action).
    const stopSignalled = await watchEngineEvent({ container: [`${project}-stubborn-1`], event: ['kill'] });
    const run = start(['down'], { cwd: dir });
    await stopSignalled();
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.endedAt - sentAt).toBeLessThan(1000);
    expect(r.stderr).toContain('interrupted');
  }, 90_000);
});

describe.skipIf(!dockerAvailable())(`two engine commands on one project at once${dockerSkipReason()}`, () => {
  const dirs: string[] = [];
  const projects: string[] = [];
  beforeAll(async () => {
    ensureBuiltCli();
    await ensureTestImage(docker);
  }, 180_000);
  afterAll(async () => {
    for (const p of projects) await removeProject(p);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('two up of a fresh project both succeed, with one network and one container per service', async () => {
    const project = uniqueProject('berth-two');
    projects.push(project);
    const dir = projectDir(project, [httpd('a'), httpd('b', ', dependsOn: { a: { condition: service_healthy } }'), httpd('c')]);
    dirs.push(dir);
    const [one, two] = await Promise.all([berth(['up'], { cwd: dir }), berth(['up'], { cwd: dir })]);
    expect([one.code, two.code, one.stderr + two.stderr]).toEqual([0, 0, expect.not.stringContaining('ambiguous')]);
    expect(await networksOf(project)).toHaveLength(1);
    expect((await containersOf(project)).map((c) => c.Labels['com.docker.compose.service']).sort()).toEqual(['a', 'b', 'c']);
    // Whichever came second waited for the first (and said so), then found everything up.
    expect(`${one.stderr}${two.stderr}`).toContain('waiting for another berth working on this project');
    const third = await berth(['up', '--dry-run'], { cwd: dir });
    expect(third.stdout).not.toMatch(/\b(create|recreate|start)\b/);
  }, 120_000);

  it('up racing down never ends in an internal error: down waits for up, then takes everything down', async () => {
    const project = uniqueProject('berth-race');
    projects.push(project);
    const dir = projectDir(project, [httpd('a'), slowHttpd('b', ', dependsOn: [a]')]);
    dirs.push(dir);
    let downRun: Promise<Run> | undefined;
    const upRun = berth(['up'], {
      cwd: dir,
      onStderr: (text) => {
        if (!downRun && /a: creating/.test(text)) downRun = berth(['down'], { cwd: dir });
      },
    });
    const u = await upRun;
    expect(downRun).toBeDefined();
    const d = await downRun!;
    for (const r of [u, d]) expect(r.stderr).not.toContain('internal error');
    expect(u.code).toBe(0);
    expect(d.code).toBe(0);
    expect(d.stderr).toContain('waiting for another berth working on this project');
    expect(await containersOf(project)).toEqual([]);
    expect(await networksOf(project)).toEqual([]);
  }, 120_000);
});

const secondSkip = dockerAvailable() ? secondEngineSkipReason() : 'no Docker engine';

describe.skipIf(!!secondSkip)(`an engine that stops answering${secondSkip ? ` (skipped: ${secondSkip})` : ''}`, () => {
  let second: SecondEngine | undefined;
  const dirs: string[] = [];
  beforeAll(async () => {
    ensureBuiltCli();
    await ensureTestImage(docker);
    second = await startSecondEngine({ images: [TEST_IMAGE] });
  }, 180_000);
  afterAll(async () => {
    second?.thaw();
    await second?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 60_000);

  /** A project of one service on the second engine, on the host's network (no bridge network to create there). */
  const frozenProject = (command: string, extra: string) => {
    const project = uniqueProject('berth-stall');
    const dir = projectDir(project, [`box: { image: "${TEST_IMAGE}", command: ${JSON.stringify(command)}, networkMode: host${extra} }`]);
    dirs.push(dir);
    return dir;
  };
  const IDLE = `sh -c 'trap "exit 0" TERM; sleep 600 & wait'`;
  /** Ignores SIGTERM: its stop lasts the whole grace period. */
  const STUBBORN = `sh -c 'trap "" TERM; while true; do sleep 1; done'`;

  it('up --timeout 8, the engine frozen while berth waits: exit 3 "stopped answering" within the deadline, not a health verdict', async () => {
    // Never healthy: berth is waiting on the engine's health status when the engine freezes.
    const dir = frozenProject(IDLE, ', stopGracePeriod: 1s, healthcheck: { test: "test -f /tmp/never", interval: 1s, retries: 100 }');
    let frozeAt = 0;
    const run = start(['up', '--timeout', '8'], {
      cwd: dir,
      env: second!.env,
      onStderr: (text) => {
        if (!frozeAt && /waiting for box/.test(text)) {
          frozeAt = Date.now();
          void second!.freeze();
        }
      },
    });
    try {
      const r = await run.done;
      expect(frozeAt).toBeGreaterThan(0);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`the engine at ${second!.endpoint} stopped answering`);
      expect(r.stderr).toContain(`the engine at ${second!.endpoint} has not answered for`);
      expect(r.stderr).not.toMatch(/timed out waiting for service|unhealthy/);
      // Within the deadline: 8 s from the start of up, which began before the freeze.
      expect(r.endedAt - frozeAt).toBeLessThan(8000);
    } finally {
      second!.thaw();
    }
    expect((await berth(['down'], { cwd: dir, env: second!.env })).code).toBe(0);
  }, 90_000);

  it('down with the engine frozen, before it connects or while it stops a container: exit 3 in seconds; a down after the thaw cleans up', async () => {
    // Its stop lasts 10 s, so down is waiting on the engine when the engine freezes.
    const dir = frozenProject(STUBBORN, ', stopGracePeriod: 10s');
    expect((await berth(['up', '--no-wait'], { cwd: dir, env: second!.env })).code).toBe(0);
    await second!.freeze();
    try {
      const before = await berth(['down'], { cwd: dir, env: second!.env });
      expect(before.code).toBe(3);
      expect(before.stderr).toContain(`${second!.endpoint} (DOCKER_HOST): no answer within 3000 ms`);
    } finally {
      second!.thaw();
    }
    // Frozen once down has listed the project's containers (its engine trace says so), so the freeze meets it
    // stopping one, however long the CLI took to start on a busy machine.
    let frozeAt = 0;
    let frozen: Promise<void> | undefined;
    const run = start(['down'], {
      cwd: dir,
      env: { ...second!.env, BERTH_DEBUG: 'engine' },
      onStderr: (text) => {
        if (!frozeAt && /berth: engine GET \S*\/containers\/json\S* 200 /.test(text)) {
          frozeAt = Date.now();
          frozen = second!.freeze();
        }
      },
    });
    try {
      const r = await run.done;
      await frozen;
      expect(frozeAt).toBeGreaterThan(0);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`the engine at ${second!.endpoint} stopped answering`);
      expect(r.endedAt - frozeAt).toBeLessThan(8000);
    } finally {
      second!.thaw();
    }
    const after = await berth(['down'], { cwd: dir, env: second!.env });
    expect(after.code).toBe(0);
    expect(await second!.docker(['ps', '-aq'])).toBe('');
  }, 120_000);
});
