import { describe, expect, it } from 'vitest';
import { allowedHosts, foreignOrigin, hostOf } from './host-check.js';

describe('hostOf', () => {
  it('takes the name out of a Host header: no port, no brackets, lower case', () => {
    expect(hostOf('LocalHost:7420')).toBe('localhost');
    expect(hostOf('[::1]:7420')).toBe('::1');
    expect(hostOf('127.0.0.1')).toBe('127.0.0.1');
    expect(hostOf('evil.example.:80')).toBe('evil.example');
    expect(hostOf(undefined)).toBeUndefined();
  });
});

describe('allowedHosts', () => {
  const machine = { addresses: ['127.0.0.1', '10.0.0.5', 'fe80::1'], name: 'Workstation' };
  it('is the loopback names by default', () => {
    expect([...allowedHosts(undefined, machine)]).toEqual(['127.0.0.1', 'localhost', '::1']);
  });
  it('adds what --host names', () => {
    expect([...allowedHosts('berth.lan', machine)]).toEqual(['127.0.0.1', 'localhost', '::1', 'berth.lan']);
    expect(allowedHosts('fd00::7', machine).has('fd00::7')).toBe(true);
  });
  it("listening everywhere, adds this machine's addresses and name, and nothing else", () => {
    const all = allowedHosts('0.0.0.0', machine);
    expect([...all].sort()).toEqual(['0.0.0.0', '127.0.0.1', '::1', '10.0.0.5', 'fe80::1', 'localhost', 'workstation'].sort());
    expect(allowedHosts('::', machine).has('evil.example')).toBe(false);
  });
});

describe('foreignOrigin', () => {
  const allowed = allowedHosts(undefined, { addresses: [], name: 'x' });
  it("takes no Origin (not a browser) and berth's own: a name it answers as, at the port the request came in on", () => {
    for (const origin of [undefined, 'http://127.0.0.1:7420', 'http://localhost:7420', 'http://LOCALHOST:7420', 'http://[::1]:7420']) expect(foreignOrigin(origin, allowed, 7420), origin).toBeUndefined();
  });
  it('refuses any other in one line: another host, another port, another scheme, "null", garbage', () => {
    for (const origin of ['http://evil.example', 'http://evil.example:7420', 'http://localhost:7421', 'http://127.0.0.1', 'file://localhost:7420', 'null', 'not a url']) {
      const body = foreignOrigin(origin, allowed, 7420);
      expect(body, origin).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      expect(body!.message).not.toContain('\n');
    }
    expect(foreignOrigin('http://evil.example', allowed, 7420)!.message).toBe('berth serve does not take this route from pages of "http://evil.example": only from its own origin, or from a client that is not a browser');
  });
});
