import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthSpecSchema } from '@berth/spec';
import { portsSection } from './ports-section.js';

// A process of this machine (this test) listens on the port the spec gives `web`, on loopback.
describe("doctor's Ports section and where the engine is", () => {
  let server: net.Server;
  let port = 0;
  beforeAll(async () => {
    server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const input = (env: Record<string, string>, engines: Record<string, unknown> = {}, engine?: string) => ({
    spec: BerthSpecSchema.parse({ berth: 1, repo: { name: 'ports-where' }, engines, services: { web: { image: 'web', ports: [port], ...(engine ? { engine } : {}) } } }),
    specFile: 'berth.yaml',
    baseDir: '.',
    env,
  });

  it("reads this machine's sockets for a port of an engine of this machine", async () => {
    const section = await portsSection(input({ DOCKER_HOST: 'unix:///var/run/docker.sock' }), Promise.resolve(undefined));
    expect(section.summary).toBe('1 port: 0 free, 0 held by their service, 1 held by something else');
    expect(section.findings.map((f) => f.status)).toEqual(['critical']);
    expect(section.findings[0]!.message).toContain(`held by PID ${process.pid} `);
  });

  it('a host service with no command: a process on its port may be it, so it is a warning that says why, not another holder', async () => {
    const hostSpec = (runtime: Record<string, unknown>) => ({
      spec: BerthSpecSchema.parse({ berth: 1, repo: { name: 'ports-host' }, services: { api: { runtime: [runtime], ports: [port] } } }),
      specFile: 'berth.yaml',
      baseDir: '.',
      env: {},
    });
    const unsure = await portsSection(hostSpec({ kind: 'host' }), Promise.resolve(undefined));
    expect(unsure.summary).toBe('1 port: 0 free, 0 held by their service, 1 held by a process berth cannot match to its service');
    expect(unsure.findings).toEqual([
      expect.objectContaining({
        status: 'warning',
        message: expect.stringMatching(new RegExp(`^port ${port} is held by PID ${process.pid} .*; berth cannot tell whether that is api, whose host runtime names no command$`)),
        next: expect.stringMatching(/^give api its command in berth\.yaml/),
      }),
    ]);
    // with a command that names another program, the process is someone else's
    const named = await portsSection(hostSpec({ kind: 'host', command: 'uvicorn app:main' }), Promise.resolve(undefined));
    expect(named.findings.map((f) => f.status)).toEqual(['critical']);
  });

  it('does not take a local process for the holder of a port the default engine binds on another machine (DOCKER_HOST)', async () => {
    const section = await portsSection(input({ DOCKER_HOST: 'tcp://192.0.2.2:23994' }), Promise.resolve(undefined));
    expect(section.summary).toBe('1 port on 192.0.2.2, not seen from here');
    expect(section.findings).toEqual([
      {
        status: 'unknown',
        subject: `port ${port}`,
        message: `port ${port} is published on 192.0.2.2, the engine's machine: whether a process there holds it cannot be seen from here`,
        next: 'see who holds it on 192.0.2.2: ss -ltnp',
      },
    ]);
    expect(section.status).toBe('unknown');
  });

  it('the same for an ssh:// default engine, and for a declared engine on another machine', async () => {
    const ssh = await portsSection(input({ DOCKER_HOST: 'ssh://deploy@build-box' }), Promise.resolve(undefined));
    expect(ssh.summary).toBe('1 port on build-box, not seen from here');
    const declared = await portsSection(input({ DOCKER_HOST: 'unix:///var/run/docker.sock' }, { far: { host: 'tcp://192.0.2.9:2376' } }, 'far'), Promise.resolve(undefined));
    expect(declared.summary).toBe('1 port on 192.0.2.9, not seen from here');
  });
});
