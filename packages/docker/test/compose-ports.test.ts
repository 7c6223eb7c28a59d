import { describe, expect, it } from 'vitest';
import { parseComposePorts } from '@berth/docker';
import { collectPortEnv, type PortEnv } from '../src/compose/port-env.js';

const one = (entry: unknown) => {
  const r = parseComposePorts(entry);
  if (!r.ok) throw new Error(r.reason);
  return r.ports[0];
};

describe('parseComposePorts', () => {
  it('reads the short syntax', () => {
    expect(one('8080:80')).toEqual({ published: { from: 8080, to: 8080 }, target: { from: 80, to: 80 }, protocol: 'tcp' });
    expect(one('127.0.0.1:5432:5432/tcp')).toMatchObject({ hostIp: '127.0.0.1', published: { from: 5432, to: 5432 } });
    expect(one('50000:50000/udp')).toMatchObject({ protocol: 'udp' });
    expect(one(80)).toEqual({ target: { from: 80, to: 80 }, protocol: 'tcp' });
    expect(one('127.0.0.1::80')).toEqual({ hostIp: '127.0.0.1', target: { from: 80, to: 80 }, protocol: 'tcp' });
  });

  it('reads IPv6 host addresses in brackets', () => {
    expect(one('[::1]:6001:6001')).toMatchObject({ hostIp: '::1', published: { from: 6001, to: 6001 } });
    expect(one('[2001:db8::1]:80:8080/udp')).toMatchObject({ hostIp: '2001:db8::1', target: { from: 8080, to: 8080 }, protocol: 'udp' });
  });

  it('keeps ranges as one entry', () => {
    expect(one('30000-30009:30000-30009')).toMatchObject({ published: { from: 30000, to: 30009 }, target: { from: 30000, to: 30009 } });
    expect(one('8000-9000:80')).toMatchObject({ published: { from: 8000, to: 9000 }, target: { from: 80, to: 80 } });
    expect(one('3000-3005')).toEqual({ target: { from: 3000, to: 3005 }, protocol: 'tcp' });
  });

  it('reads the long syntax', () => {
    expect(one({ target: 80, published: '8080', host_ip: '0.0.0.0', protocol: 'UDP', app_protocol: 'http', mode: 'host', name: 'web' })).toEqual({
      hostIp: '0.0.0.0',
      published: { from: 8080, to: 8080 },
      target: { from: 80, to: 80 },
      protocol: 'udp',
      appProtocol: 'http',
      mode: 'host',
      name: 'web',
    });
    expect(one({ target: 80, published: '7000-7010' })).toMatchObject({ published: { from: 7000, to: 7010 } });
    expect(one({ target: '80', published: '' })).toEqual({ target: { from: 80, to: 80 }, protocol: 'tcp' });
  });

  it.each([['80:abc'], ['70000:80'], ['1-3:1-2'], ['[::1:80:80'], [{ published: 80 }], [true]])('refuses %j with a reason', (entry) => {
    const r = parseComposePorts(entry);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
  });
});

describe('collectPortEnv (the variable behind a host port)', () => {
  it('names the variable that alone sets the host side, in short and long syntax', () => {
    const raw = {
      services: {
        web: { ports: ['${WEB_PORT}:80', '127.0.0.1:${PG_PORT:-5432}:5432/tcp', '${HOST_IP:-0.0.0.0}:8000:8000', '${A}${B}:90', { target: 91, published: '${API_PORT}' }, '7000:7000'] },
      },
    };
    const interpolated = { services: { web: { ports: ['8080:80', '127.0.0.1:5432:5432/tcp', '0.0.0.0:8000:8000', '12:90', { target: 91, published: '9100' }, '7000:7000'] } } };
    const found: PortEnv = new Map();
    collectPortEnv(raw, interpolated, found);
    expect([...found.entries()].map(([k, v]) => [k.split('\u0000')[1], v])).toEqual([
      ['8080:80', 'WEB_PORT'],
      ['127.0.0.1:5432:5432/tcp', 'PG_PORT'],
      ['published:9100', 'API_PORT'],
    ]);
  });
});
