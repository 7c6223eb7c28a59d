import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthError, type BerthSpec } from '@berth/spec';
import { freePort, TEST_HTTPD_COMMAND, TEST_IMAGE, uniqueProject, type SecondEngine } from '@berth/docker/testing';
import { connectEngine, deployStack, exportStack, removeStack, resolveProfiles, stackLogs, stackStatus, type Engine, type LogLine, type SwarmEvent } from '@berth/docker';
import { makeSpec } from './helpers.js';

function get(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Busybox's wget crashes with -T here; a check leaves the timeout to the healthcheck's own. */
const check = (cmd: string) => ({ test: cmd, interval: '300ms', timeout: '3s', retries: 20 });
const HTTPD_CHECK = check('wget -q -O /dev/null http://127.0.0.1:8080/health');

/**
 * A single-node swarm on a second dockerd of the test's own (never the shared engine): its services
 * run on the engine's own bridge and overlay networks; the routing mesh (ingress, VIPs through IPVS)
 * does not route in these VMs, so the services find each other by DNS round robin (endpointMode: dnsrr)
 * and publish in host mode. Registered on the engine that `startedEngine` gives once swarm.docker.test.ts has started it.
 */
export function describeSwarmStack(startedEngine: () => SecondEngine): void {
  describe('a profile deployed as a swarm stack', () => {
    let second: SecondEngine | undefined;
    let engine: Engine | undefined;
    let dir = '';
    let port = 0;
    const stack = uniqueProject('berth-swarm');
    let spec: BerthSpec;
    const env = { API_TOKEN: 'not-a-real-token-4711' };

    beforeAll(async () => {
      second = startedEngine();
      engine = await connectEngine({ env: second.env });
      dir = mkdtempSync(path.join(tmpdir(), 'berth-swarm-'));
      writeFileSync(path.join(dir, 'motd.txt'), 'hello from a config file\n');
      port = await freePort('tcp');
      spec = makeSpec(
        stack,
        {
          db: {
            image: TEST_IMAGE,
            command: TEST_HTTPD_COMMAND,
            healthcheck: HTTPD_CHECK,
            ports: [{ host: port, container: 8080 }],
            stopGracePeriod: '2s',
            deploy: { endpointMode: 'dnsrr' },
          },
          api: {
            image: TEST_IMAGE,
            command: ['sh', '-c', "trap 'exit 0' TERM; echo api started with $$MODE; echo second line; echo third line; sleep 100000 & wait"],
            environment: { MODE: 'first' },
            // Its health needs the dependency by name over the stack's overlay network, its secret and its config.
            healthcheck: check('wget -q -O /dev/null http://db:8080/health && test -s /run/secrets/token && grep -q hello /etc/motd'),
            dependsOn: { db: { condition: 'service_healthy' } },
            secrets: ['token'],
            configs: [{ source: 'motd', target: '/etc/motd' }],
            stopGracePeriod: '2s',
            deploy: { replicas: 2, endpointMode: 'dnsrr', updateConfig: { parallelism: 2, order: 'start-first' } },
          },
          trainer: { image: TEST_IMAGE, command: ['sh', '-c', "trap 'exit 0' TERM; sleep 100000 & wait"], gpu: { count: 1 }, profiles: ['gpu'], stopGracePeriod: '1s' },
          notebook: { image: TEST_IMAGE, command: TEST_HTTPD_COMMAND, profiles: ['other'] },
        },
        { profiles: { gpu: {}, other: {} }, secrets: { token: { environment: 'API_TOKEN' } }, configs: { motd: { file: 'motd.txt' } } },
      );
    }, 60_000);

    afterAll(async () => {
      if (engine) await removeStack(engine, stack).catch(() => undefined);
      engine?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }, 120_000);

    const deploy = (s: BerthSpec, profiles: string[] = [], extra: Parameters<typeof deployStack>[3] = {}) =>
      deployStack(engine!, s, resolveProfiles(s, { profiles, env }), { env, projectDir: dir, timeoutMs: 120_000, ...extra });

    it('creates the dependency first, then its dependent once the dependency\'s task runs healthy, and waits for every task', async () => {
      const events: SwarmEvent[] = [];
      const result = await deploy(spec, [], { onEvent: (e) => events.push(e) });
      expect(result.services).toEqual([
        { service: 'db', name: `${stack}_db`, action: 'create' },
        { service: 'api', name: `${stack}_api`, action: 'create' },
      ]);
      const at = (service: string, phase: string) => events.findIndex((e) => e.service === service && e.phase === phase);
      expect(at('db', 'ready')).toBeGreaterThan(-1);
      expect(at('api', 'creating')).toBeGreaterThan(at('db', 'ready'));
      expect(at('api', 'ready')).toBeGreaterThan(at('api', 'creating'));
      // The secret's value is nowhere in what berth says.
      expect(JSON.stringify({ result, events })).not.toContain(env.API_TOKEN);

      const status = await stackStatus(engine!, stack);
      expect(status.services.map((s) => [s.service, s.desired, s.running])).toEqual([
        ['api', 2, 2],
        ['db', 1, 1],
      ]);
      const api = status.services.find((s) => s.service === 'api')!;
      expect(api.nodes).toHaveLength(1);
      expect(api.nodes[0]).toMatchObject({ desired: 2, running: 2 });
      expect(api.nodes[0]!.tasks.map((t) => t.state)).toEqual(['running', 'running']);
      expect(status.services.find((s) => s.service === 'db')!.ports).toEqual([{ published: port, target: 8080, protocol: 'tcp', mode: 'host' }]);
      // Published in host mode on the node that runs it: here, this machine.
      expect(await get(port, '/health')).toEqual({ status: 200, body: 'ok\n' });
      // The secret's content reached the task, and only there.
      const container = (await second!.docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${stack}_api`])).trim().split('\n')[0]!;
      expect(await second!.docker(['exec', container, 'cat', '/run/secrets/token'])).toBe(env.API_TOKEN);
      // What `docker stack` sees is the same stack.
      expect((await second!.docker(['stack', 'services', stack, '--format', '{{.Name}} {{.Replicas}}'])).trim().split('\n').sort()).toEqual([`${stack}_api 2/2`, `${stack}_db 1/1`]);
    }, 150_000);

    it('leaves an unchanged stack as it is', async () => {
      const before = await second!.docker(['service', 'ps', '-q', `${stack}_api`]);
      const result = await deploy(spec);
      expect(result.services.map((s) => s.action)).toEqual(['unchanged', 'unchanged']);
      expect(await second!.docker(['service', 'ps', '-q', `${stack}_api`])).toBe(before);
    }, 60_000);

    it('updates a changed service at its version and waits for its new tasks', async () => {
      const changed = structuredClone(spec);
      changed.services.api!.environment = { MODE: 'second' };
      const result = await deploy(changed);
      expect(result.services.map((s) => s.action)).toEqual(['unchanged', 'update']);
      const api = (await stackStatus(engine!, stack)).services.find((s) => s.service === 'api')!;
      expect([api.desired, api.running, api.update]).toEqual([2, 2, undefined]);
      const lines: LogLine[] = [];
      await stackLogs(engine!, stack, { services: ['api'], onLine: (l) => lines.push(l) });
      expect(lines.filter((l) => l.line.includes('api started with second'))).toHaveLength(2);
      expect(lines.every((l) => l.service === 'api')).toBe(true);
    }, 120_000);

    it('follows service logs from a bounded tail until interrupted', async () => {
      const stop = new AbortController();
      const lines: LogLine[] = [];
      const following = stackLogs(engine!, stack, { services: ['api'], follow: true, tail: 1, signal: stop.signal, onLine: (l) => lines.push(l) });
      const until = Date.now() + 20_000;
      while (!lines.length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1000));
      stop.abort();
      // interrupted, it ends as every engine command does on Ctrl-C: an AbortError (exit 130), not a clean end
      await expect(following).rejects.toMatchObject({ name: 'AbortError' });
      // The last line of each task's log (the updated service's old tasks too), not its three.
      const tasks = (await second!.docker(['service', 'ps', '-q', `${stack}_api`])).trim().split('\n').length;
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(tasks);
      expect(lines.every((l) => l.line === 'third line')).toBe(true);
    }, 30_000);

    it('places a GPU service on a node that advertises NVIDIA-GPU, and refuses one that asks for more than any node has', async () => {
      const result = await deploy(spec, ['gpu']);
      expect(result.services.find((s) => s.service === 'trainer')!.action).toBe('create');
      const trainer = (await stackStatus(engine!, stack)).services.find((s) => s.service === 'trainer')!;
      expect([trainer.desired, trainer.running]).toEqual([1, 1]);
      const greedy = structuredClone(spec);
      greedy.services.trainer!.gpu = { count: 2, capabilities: ['gpu'] };
      const err = await deploy(greedy, ['gpu']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BerthError);
      expect((err as BerthError).code).toBe('ERR_BERTH_SWARM_RESOURCES');
      expect((err as BerthError).problems?.map((p) => p.message)).toEqual(['service "trainer" reserves 2 NVIDIA-GPU, and no ready node of the swarm advertises that many']);
    }, 120_000);

    it('names the task that failed and its error: a process that exits, a container that stays unhealthy', async () => {
      const exits = makeSpec(stack, { crash: { image: TEST_IMAGE, command: ['sh', '-c', 'echo starting; exit 3'] } });
      const err = (await deploy(exits).catch((e: unknown) => e)) as BerthError;
      expect(err, String(err)).toBeInstanceOf(BerthError);
      expect(err.message).toMatch(new RegExp(`^service "crash": task ${stack}_crash\\.1 on node \\S+ failed: task: non-zero exit \\(3\\)`));
      const sick = makeSpec(stack, {
        sick: { image: TEST_IMAGE, command: TEST_HTTPD_COMMAND, healthcheck: { test: 'echo no database here; exit 1', interval: '300ms', retries: 2 }, stopGracePeriod: '1s' },
      });
      const err2 = (await deploy(sick).catch((e: unknown) => e)) as BerthError;
      expect(err2, String(err2)).toBeInstanceOf(BerthError);
      expect(err2.message).toMatch(new RegExp(`^service "sick": task ${stack}_sick\\.1 on node \\S+ failed: .*unhealthy after \\d+ failed checks in a row; its last check exited 1: no database here`));
    }, 120_000);

    it('stops at once when interrupted: the dependent of a dependency still starting is never created', async () => {
      const slow = makeSpec(`${stack}-slow`, {
        base: { image: TEST_IMAGE, command: TEST_HTTPD_COMMAND, healthcheck: { test: 'sleep 30', interval: '30s', timeout: '40s' } },
        top: { image: TEST_IMAGE, command: TEST_HTTPD_COMMAND, dependsOn: ['base'] },
      });
      const stop = new AbortController();
      const started = Date.now();
      const pending = deploy(slow, [], { signal: stop.signal, onEvent: (e) => e.service === 'base' && e.phase === 'waiting' && stop.abort() });
      const err = await pending.catch((e: unknown) => e);
      expect((err as Error).name).toBe('AbortError');
      expect(Date.now() - started).toBeLessThan(15_000);
      expect((await second!.docker(['service', 'ls', '--format', '{{.Name}}'])).split('\n')).not.toContain(`${stack}-slow_top`);
      await removeStack(engine!, `${stack}-slow`);
    }, 60_000);

    it('refuses an engine that is not a swarm manager before doing anything (the shared engine, only read)', async () => {
      const shared = await connectEngine({ env: {} });
      try {
        const err = await deployStack(shared, spec, resolveProfiles(spec, {}), { dryRun: true, env }).catch((e: unknown) => e);
        expect((err as BerthError).code).toBe('ERR_BERTH_NOT_SWARM_MANAGER');
        expect((err as BerthError).message).toBe(`the engine at ${shared.endpoint} is not part of a swarm`);
      } finally {
        shared.close();
      }
    });

    it('removes the stack\'s services, networks, secrets and configs, and leaves nothing running', async () => {
      const removed = await removeStack(engine!, stack);
      // The failed deployments' services are the stack's too.
      expect(removed.services).toEqual(['api', 'crash', 'db', 'sick', 'trainer'].map((s) => `${stack}_${s}`));
      expect(removed.networks).toEqual([`${stack}_default`]);
      expect(removed.secrets).toEqual([`${stack}_token`]);
      expect(removed.configs).toEqual([`${stack}_motd`]);
      const label = `label=com.docker.stack.namespace=${stack}`;
      for (const what of [['service', 'ls'], ['network', 'ls'], ['secret', 'ls'], ['config', 'ls'], ['ps', '-a']]) {
        expect(await second!.docker([...what, '-q', '--filter', label])).toBe('');
      }
      // Idempotent: a second removal finds nothing to do.
      expect(await removeStack(engine!, stack)).toEqual({ stack, services: [], networks: [], secrets: [], configs: [], volumes: [], kept: [] });
    }, 90_000);

    it('writes a stack file that docker stack deploy accepts, whose services come up healthy as berth\'s do', async () => {
      const file = path.join(dir, 'stack.yaml');
      const exported = exportStack(spec, { env, specDir: dir, outDir: dir });
      writeFileSync(file, exported.yaml);
      expect(exported.problems.filter((p) => p.severity === 'error')).toEqual([]);
      // The one thing a stack file cannot say: a secret from a variable is created first, as the warning says.
      const hint = exported.problems.find((p) => p.code === 'stack-export' && p.path?.join('.') === 'secrets.token')?.hint;
      expect(hint).toBe(`create it before docker stack deploy: printf %s "$API_TOKEN" | docker secret create ${stack}_token -`);
      expect(readFileSync(file, 'utf8')).not.toContain(env.API_TOKEN);
      // the secret's value goes in through stdin, as the hint writes it
      await new Promise<void>((resolve, reject) => {
        const child = spawn('docker', ['-H', second!.endpoint, 'secret', 'create', `${stack}_token`, '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
        child.stdin.end(env.API_TOKEN);
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker secret create exited ${code}`))));
      });
      // docker CLI 26+ waits for the stack unless --detach; older CLIs (Debian's 20.10) always return at once and know no such flag
      const detach = (await second!.docker(['stack', 'deploy', '--help'])).includes('--detach') ? ['--detach=true'] : [];
      await second!.docker(['stack', 'deploy', ...detach, '--resolve-image', 'never', '-c', file, stack]);
      const until = Date.now() + 90_000;
      let status = await stackStatus(engine!, stack);
      while (Date.now() < until && !(status.services.length === 2 && status.services.every((s) => s.desired > 0 && s.running === s.desired))) {
        await new Promise((r) => setTimeout(r, 500));
        status = await stackStatus(engine!, stack);
      }
      expect(status.services.map((s) => [s.service, s.desired, s.running])).toEqual([
        ['api', 2, 2],
        ['db', 1, 1],
      ]);
      expect(await get(port, '/health')).toEqual({ status: 200, body: 'ok\n' });
      // berth removes what docker stack deploy made (the secret made by hand is not the stack's).
      const removed = await removeStack(engine!, stack);
      expect([removed.services, removed.networks, removed.configs]).toEqual([[`${stack}_api`, `${stack}_db`], [`${stack}_default`], [`${stack}_motd`]]);
      await second!.docker(['secret', 'rm', `${stack}_token`]);
    }, 150_000);
  });
}
