import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, runBuiltCli } from './support/built-cli.js';
import { dockerAvailable, ensureTestImage, freePort, secondEngineSkipReason, startSecondEngine, TEST_HTTPD_COMMAND, TEST_IMAGE, uniqueProject, type SecondEngine } from '@berth/docker/testing';

const berth = runBuiltCli;

/** This machine's first non-loopback IPv4 address: berth takes an engine reached there for one on another machine. */
function otherAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

/** A plain TCP forwarder on `host` (port 0) to 127.0.0.1:`to`, as a network between two machines would carry it. */
async function forwarder(host: string, to: number): Promise<net.Server & { port: number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: to });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const close = server.close.bind(server);
  return Object.assign(server, {
    port: (server.address() as net.AddressInfo).port,
    close: (cb?: (err?: Error) => void) => (sockets.forEach((s) => s.destroy()), close(cb)),
  });
}

const closed = (s: net.Server | undefined) => new Promise((r) => (s ? s.close(r) : r(undefined)));

/** Runs `work` while a process of this machine (this test) listens on host:port. */
async function whileListening(host: string, port: number, work: () => Promise<void>): Promise<void> {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((r, reject) => (server.once('error', reject), server.listen(port, host, r)));
  try {
    await work();
  } finally {
    await closed(server);
  }
}

const address = otherAddress();
const skip = !dockerAvailable() ? 'no Docker engine' : secondEngineSkipReason() || (address ? '' : 'no non-loopback IPv4 address to reach an engine at');

// The default engine (DOCKER_HOST, no `engines` in the spec) on "another machine": a second dockerd of the test's own,
// reached through a forwarder on this machine's non-loopback address. A process of this machine on 127.0.0.1 holds
// the service's port: health must not take it for the service, doctor must not tell the user to kill it.
describe.skipIf(!!skip)(`the default engine on another machine (DOCKER_HOST=tcp://<not loopback>)${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const project = uniqueProject('berth-remote-default');
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-remote-default-'));
  let second: SecondEngine | undefined;
  let forward: (net.Server & { port: number }) | undefined;
  let env: NodeJS.ProcessEnv = {};
  let port = 0;

  beforeAll(async () => {
    ensureBuiltCli();
    await ensureTestImage();
    const enginePort = await freePort();
    second = await startSecondEngine({ images: [TEST_IMAGE], args: ['-H', `tcp://127.0.0.1:${enginePort}`] });
    forward = await forwarder(address!, enginePort);
    env = { DOCKER_HOST: `tcp://${address}:${forward.port}` };
    port = await freePort();
    writeFileSync(
      path.join(dir, 'berth.yaml'),
      ['berth: 1', `repo: { name: ${project} }`, 'services:', '  web:', `    image: ${TEST_IMAGE}`, `    command: ${JSON.stringify(TEST_HTTPD_COMMAND)}`, `    ports: ["${port}:8080"]`, '    stopGracePeriod: 1s', ''].join('\n'),
    );
  }, 180_000);
  afterAll(async () => {
    await berth(['down'], { cwd: dir, env }).catch(() => undefined);
    await closed(forward);
    await second?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("health probes the engine's host, not this machine's loopback where a local process holds the port", async () => {
    await whileListening('127.0.0.1', port, async () => {
      const status = await berth(['status', '--json'], { cwd: dir, env });
      expect((JSON.parse(status.stdout) as { services: { service: string; state: string }[] }).services.map((s) => [s.service, s.state])).toEqual([['web', 'missing']]);
      const r = await berth(['health', '--json'], { cwd: dir, env });
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const doc = JSON.parse(r.stdout) as { status: string; checks: { subject: { id: string }; status: string; reason: string }[] };
      const web = doc.checks.find((c) => c.subject.id === 'web')!;
      expect(web.status, web.reason).not.toBe('passing');
      expect(web.reason).toContain(address!);
      expect(web.reason).not.toContain('127.0.0.1');
      expect(r.code).toBe(1);
    });
  }, 120_000);

  it("doctor does not read this machine's processes for a port the engine binds on its own machine, and says where it is", async () => {
    await whileListening('127.0.0.1', port, async () => {
      const r = await berth(['doctor', '--json'], { cwd: dir, env });
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const doc = JSON.parse(r.stdout) as { sections: { id: string; summary: string; findings: { status: string; message: string; next?: string }[] }[] };
      const ports = doc.sections.find((s) => s.id === 'ports')!;
      expect(JSON.stringify(ports)).not.toContain(`PID ${process.pid}`);
      expect(ports.findings.some((f) => f.status === 'critical' || /kill/.test(f.next ?? ''))).toBe(false);
      expect(ports.findings).toContainEqual(
        expect.objectContaining({ status: 'unknown', message: `port ${port} is published on ${address}, the engine's machine: whether a process there holds it cannot be seen from here` }),
      );
      expect(ports.summary).toBe(`1 port on ${address}, not seen from here`);
      const health = doc.sections.find((s) => s.id === 'health')!;
      expect(health.summary).toBe('0 of 1 checks passing');
    });
  }, 120_000);

  it('up with the port held by a process of that machine says so (not "taken after the preflight") and keeps the warning', async () => {
    // That machine is this one: a listener on all its addresses is what the second engine's port would bind.
    await whileListening('0.0.0.0', port, async () => {
      const r = await berth(['up', '--timeout', '60'], { cwd: dir, env });
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toContain(`service "web": host port ${port} is held on ${address} by something berth cannot see from here, not a container`);
      expect(r.stderr).not.toContain('after the preflight');
      expect(r.stderr).toContain(`warning: host ports on ${address} were checked against its containers only: a process of that machine holding one cannot be seen from here`);
      expect(r.stderr).toContain(`hint: free it on ${address} (ss -ltnp 'sport = :${port}' there names the process), or move web to a free port: berth ports suggest`);
    });
  }, 120_000);
});
