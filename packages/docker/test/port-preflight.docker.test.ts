import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthError } from '@berth/spec';
import { dockerAvailable, dockerSkipReason, ensureTestImage, uniqueProject } from '@berth/docker/testing';
import { findPortHolders, up, type Engine } from '@berth/docker';
import { cleanup, engine, httpd, leftovers, makeSpec } from './helpers.js';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function upError(e: Engine, ...args: Parameters<typeof up> extends [Engine, ...infer R] ? R : never): Promise<BerthError> {
  try {
    await up(e, ...args);
  } catch (err) {
    if (err instanceof BerthError) return err;
    throw err;
  }
  throw new Error('up succeeded but should have failed');
}

describe.skipIf(!dockerAvailable())(`port preflight on a real engine${dockerSkipReason()}`, () => {
  let e: Engine | undefined;
  const holderProject = uniqueProject('berth-holder');
  const victimProject = uniqueProject('berth-victim');
  let port = 0;
  const holder = () => makeSpec(holderProject, { web: httpd({ ports: [`${port}:8080`] }) });
  const victim = (p: number) => makeSpec(victimProject, { first: httpd(), web: httpd({ ports: [`${p}:8080`], dependsOn: ['first'] }) });

  beforeAll(async () => {
    e = await engine();
    await ensureTestImage();
    port = await freePort();
  });
  afterAll(async () => {
    await cleanup(e, holder());
    await cleanup(e, victim(port));
  });

  it('names the container (and its project) that holds a port, before creating anything', async () => {
    await up(e!, holder(), { env: {} });
    const holders = await findPortHolders(e!.api, [{ port, protocol: 'tcp' }]);
    expect(holders).toContainEqual(expect.objectContaining({ kind: 'container', project: holderProject, service: 'web', container: `${holderProject}-web-1` }));
    const err = await upError(e!, victim(port), { env: {} });
    expect(err.code).toBe('ERR_BERTH_PORTS');
    expect(err.problems[0]!.message).toBe(`service "web": host port ${port}/tcp is held by container ${holderProject}-web-1 (project ${holderProject}, service web)`);
    expect(err.problems[0]!.hint).toMatch(new RegExp(`^stop ${holderProject}-web-1, or publish web on free port \\d+$`));
    const left = await leftovers(victimProject);
    expect(left.containers).toEqual([]); // not even "first", which has no port of its own
    expect(left.networks).toEqual([]);
  }, 60_000);

  it('names the host process (PID and command line) that holds a port', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    const busy = (server.address() as net.AddressInfo).port;
    try {
      const err = await upError(e!, victim(busy), { env: {} });
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]!.message).toContain(`host port ${busy}/tcp is held by PID ${process.pid} (`);
      expect(err.problems[0]!.message).toContain(process.argv0.split('/').pop()!);
      expect((await leftovers(victimProject)).containers).toEqual([]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);

  it('for an engine on another machine, checks its containers only and says a host process there cannot be seen', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    const busy = (server.address() as net.AddressInfo).port;
    try {
      // This machine's sockets say nothing about the other one: the listener here is not taken for a holder there.
      expect(await findPortHolders(e!.api, [{ port: busy, protocol: 'tcp' }], { hostSockets: false })).toEqual([]);
      expect(await findPortHolders(e!.api, [{ port, protocol: 'tcp' }], { hostSockets: false })).toContainEqual(expect.objectContaining({ kind: 'container', service: 'web' }));
      const result = await up(e!, victim(busy), { env: {}, dryRun: true, remoteHost: 'gpu-box' });
      expect(result.warnings.map((w) => w.message)).toContain('host ports on gpu-box were checked against its containers only: a process of that machine holding one cannot be seen from here');
      expect(result.warnings.some((w) => w.code === 'port-held')).toBe(false);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);

  it('for an engine on another machine, a port a process there holds fails the start as such, and the warning stays', async () => {
    // The engine's machine is this one here, told to up as another: the process holding the port is one up cannot see.
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    const busy = (server.address() as net.AddressInfo).port;
    try {
      const err = await upError(e!, victim(busy), { env: {}, remoteHost: 'gpu-box', timeoutMs: 60_000 });
      expect(err.code).toBe('ERR_BERTH_PORT_TAKEN');
      expect(err.message).toMatch(new RegExp(`^service "web": host port ${busy} is held on gpu-box by something berth cannot see from here, not a container \\(`));
      expect(err.message).not.toContain('after the preflight');
      expect(err.hint).toBe(`free it on gpu-box (ss -ltnp 'sport = :${busy}' there names the process), or move web to a free port: berth ports suggest`);
      // printed on a failing run as on a successful one: the error's own line first, then the warning
      expect(err.problems.map((p) => [p.severity, p.code])).toEqual([
        ['error', 'ERR_BERTH_PORT_TAKEN'],
        ['warning', 'remote-ports-unseen'],
      ]);
      expect(err.problems[0]!.message).toBe(err.message);
      expect(err.problems[1]!.message).toBe('host ports on gpu-box were checked against its containers only: a process of that machine holding one cannot be seen from here');
    } finally {
      await new Promise((r) => server.close(r));
      await cleanup(e, victim(busy));
    }
  }, 90_000);
});
