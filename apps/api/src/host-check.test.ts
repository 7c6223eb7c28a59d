import { describe, expect, it } from 'vitest';
import { allowedHosts, hostOf } from './host-check.js';

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
