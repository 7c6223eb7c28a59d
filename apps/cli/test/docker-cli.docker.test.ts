import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, runBuiltCli } from './support/built-cli.js';
import { dockerAvailable, dockerSkipReason, dockerSocketPath, ensureTestImage, TEST_HTTPD_COMMAND, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';

const berth = runBuiltCli;

beforeAll(() => {
  ensureBuiltCli();
}, 180_000);

describe('berth without a Docker engine', () => {
  it('exits 3 with one message naming where it looked, never a stack trace', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-cli-'));
    try {
      writeFileSync(path.join(dir, 'berth.yaml'), 'berth: 1\nrepo: { name: nodaemon }\nservices: {}\n');
      const r = await berth(['status'], { cwd: dir, env: { DOCKER_HOST: 'unix:///tmp/berth-dead-docker.sock' } });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('no Docker engine at unix:///tmp/berth-dead-docker.sock (DOCKER_HOST): no such socket\n');
      // --json: each place tried is one problem, whole, not the text's lines cut into items
      const json = await berth(['status', '--json'], { cwd: dir, env: { DOCKER_HOST: 'unix:///tmp/berth-dead-docker.sock' } });
      expect(json.code).toBe(3);
      expect(JSON.parse(json.stdout).problems).toEqual([
        { code: 'engine-unreachable', severity: 'error', message: 'no Docker engine at unix:///tmp/berth-dead-docker.sock (DOCKER_HOST): no such socket' },
      ]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('refuses a bad number for an option with one line naming it, exit 2, before it looks for the engine', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-cli-'));
    try {
      writeFileSync(path.join(dir, 'berth.yaml'), 'berth: 1\nrepo: { name: nodaemon }\nservices: {}\n');
      const bad: [string[], string][] = [
        [['up', '--timeout', 'soon'], "option '--timeout <seconds>' argument 'soon' is invalid. must be a number of seconds, more than 0"],
        [['up', '--timeout', '0'], "option '--timeout <seconds>' argument '0' is invalid"],
        [['build', '--timeout', '-5'], "option '--timeout <seconds>' argument '-5' is invalid"],
        [['logs', '--tail', 'abc'], "option '--tail <lines>' argument 'abc' is invalid. must be a whole number of lines (0 or more), or all"],
        [['health', '--watch', '--interval', '0'], "option '--interval <seconds>' argument '0' is invalid"],
        [['serve', '--wait', '-1'], "option '--wait <ms>' argument '-1' is invalid. must be a whole number of milliseconds, 0 or more"],
      ];
      for (const [args, message] of bad) {
        const r = await berth(args, { cwd: dir, env: { DOCKER_HOST: 'unix:///tmp/berth-dead-docker.sock' } });
        expect({ args, code: r.code }).toEqual({ args, code: 2 });
        expect(r.stderr.split('\n')[0]).toContain(message);
        expect(r.stderr).not.toContain('no Docker engine at');
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(!dockerAvailable())(`berth up/status/down from the command line${dockerSkipReason()}`, () => {
  const docker = new Dockerode({ socketPath: dockerSocketPath() });
  const project = uniqueProject('berth-cli');
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-cli-'));
  const env = { DOCKER_HOST: `unix://${dockerSocketPath()}` };
  const leftovers = () => docker.listContainers({ all: true, filters: { name: [`${project}-`] } });

  beforeAll(async () => {
    await ensureTestImage(docker);
    // b becomes healthy only after 3 s, so there is time to interrupt while berth waits for it.
    const slow = `sh -c 'trap "exit 0" TERM; sleep 3; httpd -f -p 8080 -h /www & wait'`;
    writeFileSync(
      path.join(dir, 'berth.yaml'),
      [
        'berth: 1',
        `repo: { name: ${project} }`,
        'profiles: { extra: {} }',
        'services:',
        `  a: { image: "${TEST_IMAGE}", command: ${JSON.stringify(TEST_HTTPD_COMMAND)}, stopGracePeriod: 2s, healthcheck: { test: "wget -q -O /dev/null http://127.0.0.1:8080/health", interval: 300ms, retries: 30 } }`,
        `  b: { image: "${TEST_IMAGE}", command: ${JSON.stringify(slow)}, stopGracePeriod: 2s, dependsOn: { a: { condition: service_healthy } }, healthcheck: { test: "wget -q -O /dev/null http://127.0.0.1:8080/health", interval: 300ms, retries: 60 } }`,
        `  c: { image: "${TEST_IMAGE}", command: ${JSON.stringify(TEST_HTTPD_COMMAND)}, stopGracePeriod: 2s, profiles: [extra] }`,
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    for (const c of await leftovers()) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    for (const n of await docker.listNetworks({ filters: { name: [`${project}_`] } })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('Ctrl-C during up stops waiting, exits 130, and leaves only labelled containers', async () => {
    let sent = false;
    const r = await berth(['up'], {
      cwd: dir,
      env,
      onStderr: (text, child) => {
        if (!sent && /waiting for b/.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted');
    const left = await leftovers();
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((c) => c.Labels['com.docker.compose.project'] === project && c.Labels['dev.berth.config-hash'])).toBe(true);
  }, 60_000);

  it('the next up converges, dry-run then shows nothing to do, and status shows them healthy', async () => {
    const r = await berth(['up'], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`project ${project}: 2 services up`);
    const dry = await berth(['up', '--dry-run'], { cwd: dir, env });
    expect(dry.stdout.split('\n').filter((l) => /^\s*[ab]\s/.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual(['a keep', 'b keep']);
    const status = await berth(['status', '--json'], { cwd: dir, env });
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout) as { services: { service: string; state: string; health: string }[] };
    expect(json.services.map((s) => `${s.service}:${s.state}:${s.health}`)).toEqual(['a:running:healthy', 'b:running:healthy']);
  }, 60_000);

  it('down (no profile given) removes every container of the project, the extra profile too', async () => {
    expect((await berth(['up', 'c', '--no-wait'], { cwd: dir, env })).code).toBe(0);
    expect(await leftovers()).toHaveLength(3);
    const r = await berth(['down'], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`removed ${project}-c-1`);
    expect(await leftovers()).toEqual([]);
  }, 60_000);
});

describe.skipIf(!dockerAvailable())(`berth up refusing what the engine would refuse${dockerSkipReason()}`, () => {
  it('names each bad field where the spec writes it (file:line:col), exit 2, and creates nothing', async () => {
    const docker = new Dockerode({ socketPath: dockerSocketPath() });
    const project = uniqueProject('berth-cli-bad');
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-cli-'));
    try {
      writeFileSync(
        path.join(dir, 'berth.yaml'),
        [`berth: 1`, `repo: { name: ${project} }`, `services:`, `  web:`, `    image: "Team/Web:1"`, `  api:`, `    image: "api:\${TAG}"`, `  ok: { image: ${TEST_IMAGE} }`, ''].join('\n'),
      );
      const env = { DOCKER_HOST: `unix://${dockerSocketPath()}`, TAG: 'two words' };
      const r = await berth(['up', '--no-wait'], { cwd: dir, env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('berth.yaml:5:12: service "web": image "Team/Web:1" is not an image reference the engine accepts: its name "Team/Web" has capitals');
      expect(r.stderr).toContain('berth.yaml:7:12: service "api": image "api:two words" is not an image reference the engine accepts: it has white space');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const json = JSON.parse((await berth(['up', '--no-wait', '--json'], { cwd: dir, env })).stdout) as { ok: boolean; problems: { file?: string; line?: number; col?: number; code: string }[] };
      expect(json.ok).toBe(false);
      expect(json.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.code}`)).toEqual(['berth.yaml:5:12 image-reference', 'berth.yaml:7:12 image-reference']);
      expect(await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } })).toEqual([]);
      // validate says the same of the one written out; the one with ${TAG} is up's to judge once resolved
      const v = await berth(['validate'], { cwd: dir, env });
      expect(v.code).toBe(2);
      expect(v.stdout + v.stderr).toContain('berth.yaml:5:12: service "web": image "Team/Web:1" is not an image reference');
      expect(v.stdout + v.stderr).not.toContain('service "api": image');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(!dockerAvailable())(`berth status and down with one declared engine out of reach${dockerSkipReason()}`, () => {
  it('show what the reachable engine holds, take it down, then name the lost engine: exit 3', async () => {
    const docker = new Dockerode({ socketPath: dockerSocketPath() });
    const project = uniqueProject('berth-cli-lost');
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-cli-'));
    const gone = path.join(dir, 'gone.sock');
    try {
      writeFileSync(
        path.join(dir, 'berth.yaml'),
        [
          'berth: 1',
          `repo: { name: ${project} }`,
          `engines: { gone: { host: "unix://${gone}" } }`,
          'profiles: { lost: { engine: gone } }',
          'services:',
          `  app: { image: ${TEST_IMAGE}, command: ${JSON.stringify(TEST_HTTPD_COMMAND)}, stopGracePeriod: 1s }`,
          `  ghost: { image: ${TEST_IMAGE}, command: ${JSON.stringify(TEST_HTTPD_COMMAND)}, profiles: [lost] }`,
          '',
        ].join('\n'),
      );
      const env = { DOCKER_HOST: `unix://${dockerSocketPath()}` };
      expect((await berth(['up', '--no-wait'], { cwd: dir, env })).code).toBe(0);
      const status = await berth(['status'], { cwd: dir, env });
      expect(status.code).toBe(3);
      expect(status.stdout).toMatch(/^SERVICE\s+ENGINE\s+STATE/);
      expect(status.stdout).toMatch(/^app\s+default\s+running/m);
      expect(status.stderr).toContain(`engine "gone" (unix://${gone})`);
      // --json: one document, with what the reachable engine holds beside the error
      const statusJson = await berth(['status', '--json'], { cwd: dir, env });
      expect(statusJson.code).toBe(3);
      const s = JSON.parse(statusJson.stdout);
      expect([s.ok, s.project, s.error.code]).toEqual([false, project, 'ERR_BERTH_ENGINE_UNREACHABLE']);
      expect(s.error.message).toContain(`engine "gone" (unix://${gone})`);
      expect(s.services.map((x: { service: string; engine: string; state: string }) => [x.service, x.engine, x.state])).toEqual([['app', 'default', 'running']]);
      // the lost engine is the failure's problem, and the engines asked are listed, the lost one marked
      expect(s.problems.map((x: { code: string; message: string }) => [x.code, x.message])).toEqual([['engine-unreachable', s.error.message]]);
      expect(s.problemCount).toBe(1);
      expect(s.engines.map((e: { name: string; unreachable?: boolean }) => [e.name, !!e.unreachable])).toEqual([
        ['default', false],
        ['gone', true],
      ]);
      // restart: what the reachable engine restarted is said before the failure, and given beside it with --json
      const restart = await berth(['restart'], { cwd: dir, env });
      expect(restart.code).toBe(3);
      expect(restart.stdout).toBe(`restarted ${project}-app-1 (engine default)\n`);
      expect(restart.stderr).toContain(`engine "gone" (unix://${gone})`);
      const restartJson = await berth(['restart', '--json'], { cwd: dir, env });
      expect(restartJson.code).toBe(3);
      const r = JSON.parse(restartJson.stdout);
      expect([r.ok, r.error.code, r.problemCount]).toEqual([false, 'ERR_BERTH_ENGINE_UNREACHABLE', 1]);
      expect(r.restarted.map((c: { name: string; engine: string }) => [c.name, c.engine])).toEqual([[`${project}-app-1`, 'default']]);
      // up of the lost engine's profile: its --json failure names the lost engine as a problem too
      const upJson = await berth(['up', '--profile', 'lost', '--no-wait', '--json'], { cwd: dir, env });
      expect(upJson.code).toBe(3);
      const u = JSON.parse(upJson.stdout);
      expect([u.ok, u.problemCount]).toEqual([false, 1]);
      expect(u.problems[0].message).toContain(`engine "gone" (unix://${gone})`);
      // and beside it what the reachable engine did (it said nothing of app, which it had kept running), the lost engine marked
      expect([u.project, u.services]).toEqual([project, ['app']]);
      expect(u.plan.steps.map((x: { service: string; engine: string; action: string }) => [x.service, x.engine, x.action])).toEqual([['app', 'default', 'keep']]);
      expect(u.engines.map((e: { name: string; unreachable?: boolean }) => [e.name, !!e.unreachable])).toEqual([
        ['default', false],
        ['gone', true],
      ]);
      const downJson = await berth(['down', '--json'], { cwd: dir, env });
      expect(downJson.code).toBe(3);
      const d = JSON.parse(downJson.stdout);
      expect([d.ok, d.error.code]).toEqual([false, 'ERR_BERTH_ENGINE_UNREACHABLE']);
      expect(d.removedContainers.map((c: { name: string }) => c.name)).toEqual([`${project}-app-1`]);
      expect((await berth(['up', '--no-wait'], { cwd: dir, env })).code).toBe(0);
      const down = await berth(['down'], { cwd: dir, env });
      expect(down.code).toBe(3);
      expect(down.stdout).toContain(`removed ${project}-app-1`);
      expect(down.stderr).toContain(`engine "gone" (unix://${gone})`);
      expect(await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } })).toEqual([]);
    } finally {
      await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } }).then((cs) => Promise.all(cs.map((c) => docker.getContainer(c.Id).remove({ force: true }))));
      // and its network, when a failure left it before down
      await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${project}`] } }).then((ns) => Promise.all(ns.map((n) => docker.getNetwork(n.Id).remove())));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
