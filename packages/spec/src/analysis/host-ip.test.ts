import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PortAllocation } from '../schema/registry.js';
import { PortBindingObject } from '../schema/service.js';
import { canonicalIp, hostIpsOverlap, isWildcardIp, normalizeHostIp } from './host-ip.js';

/** The pairs berth must judge as Linux does (net.ipv6.bindv6only = 0), whatever the spelling. */
const CASES: [string | undefined, string, boolean][] = [
  [undefined, '127.0.0.1', true], // absent: Docker binds 0.0.0.0 and ::
  [undefined, '::1', true],
  ['0.0.0.0', '127.0.0.1', true],
  ['0.0.0.0', '::', true], // a dual-stack :: takes IPv4 too
  ['0.0.0.0', '::1', false],
  ['0.0.0.0', '::ffff:127.0.0.1', true],
  ['::ffff:0.0.0.0', '127.0.0.1', true],
  ['::ffff:0.0.0.0', '::1', false],
  ['127.0.0.1', '127.0.0.1', true],
  ['127.0.0.1', '::ffff:127.0.0.1', true],
  ['127.0.0.1', '::ffff:7f00:1', true],
  ['127.0.0.1', '127.0.0.2', false],
  ['127.0.0.1', '::', true],
  ['127.0.0.1', '0:0:0:0:0:0:0:0', true],
  ['127.0.0.1', '::1', false],
  ['::1', '::', true],
  ['::1', '0:0:0:0:0:0:0:1', true],
  ['[::1]', '::1', true],
  ['::1', '0.0.0.0', false],
];

describe('host addresses: one spelling, one clash rule', () => {
  it('spells an address one way, whatever the input spelling', () => {
    expect(['::', '0:0::0', '[::1]', '0:0:0:0:0:0:0:1', '::FFFF:127.0.0.1', '::ffff:7f00:1', 'fe80::1%eth0', '2001:db8:0:0:1:0:0:1', '10.0.0.1', ' LocalHost '].map(canonicalIp)).toEqual([
      '::',
      '::',
      '::1',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:127.0.0.1',
      'fe80::1',
      '2001:db8::1:0:0:1',
      '10.0.0.1',
      'localhost',
    ]);
  });

  it('compares in one form: every interface as undefined, an IPv4-mapped address as its IPv4 one, 0.0.0.0 kept (IPv4 only)', () => {
    expect([undefined, '', '::', '[::]', '0:0:0:0:0:0:0:0'].map(normalizeHostIp)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(['0.0.0.0', '::ffff:7f00:1', 'localhost', '0:0:0:0:0:0:0:1'].map(normalizeHostIp)).toEqual(['0.0.0.0', '127.0.0.1', '127.0.0.1', '::1']);
  });

  it('names every interface one way: absent, :: and 0.0.0.0 however spelt, and nothing else', () => {
    expect([undefined, '', '::', '[::]', '0:0:0:0:0:0:0:0', '0.0.0.0', '::ffff:0.0.0.0'].map(isWildcardIp)).toEqual([true, true, true, true, true, true, true]);
    expect(['127.0.0.1', '::1', '192.168.1.10', '::ffff:7f00:1'].map(isWildcardIp)).toEqual([false, false, false, false]);
  });

  it('decides who clashes with whom as Linux does, either way round', () => {
    expect(CASES.map(([a, b]) => hostIpsOverlap(a, b))).toEqual(CASES.map((c) => c[2]));
    expect(CASES.map(([a, b]) => hostIpsOverlap(b, a))).toEqual(CASES.map((c) => c[2]));
  });

  // The rule above, asked of the kernel: bind the first address, then try the second on the same port.
  const dualStack = (() => {
    try {
      return readFileSync('/proc/sys/net/ipv6/bindv6only', 'utf8').trim() === '0';
    } catch {
      return false;
    }
  })();
  it.skipIf(!dualStack)('agrees with this Linux host, binding real sockets', async () => {
    const listen = (host: string, port: number) =>
      new Promise<Server | undefined>((resolve) => {
        const server = createServer();
        server.once('error', () => resolve(undefined));
        server.listen({ host, port, exclusive: true }, () => resolve(server));
      });
    const bare = (ip: string) => ip.replace(/^\[(.*)\]$/, '$1');
    const close = (s: Server | undefined) => new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
    const seen: boolean[] = [];
    for (const [a, b] of CASES) {
      // a port free on every address (the dual-stack wildcard had it), so only the first binding can refuse the second
      const probe = (await listen('::', 0))!;
      const port = (probe.address() as AddressInfo).port;
      await close(probe);
      const first = await listen(bare(a ?? '::'), port);
      expect(first).toBeDefined();
      const second = await listen(bare(b), port);
      seen.push(!second);
      await Promise.all([close(first), close(second)]);
    }
    expect(seen).toEqual(CASES.map((c) => c[2]));
  });

  it('accepts as a host address every form Docker accepts, in a spec and in the registry, and no other', () => {
    for (const hostIp of ['::ffff:7f00:1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1', '::1.2.3.4']) {
      expect(PortBindingObject.safeParse({ host: 8080, hostIp }).success).toBe(true);
      expect(PortAllocation.safeParse({ port: 8080, service: 's', hostIp }).success).toBe(true);
    }
    for (const hostIp of ['[::1]', 'fe80::1%eth0', 'localhost', '127.0.0.01', '1::2::3']) expect(PortBindingObject.safeParse({ host: 8080, hostIp }).success).toBe(false);
  });
});
