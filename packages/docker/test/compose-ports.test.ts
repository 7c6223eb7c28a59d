import { describe, expect, it } from 'vitest';
import { parseComposePorts } from '@berth/docker';
import { portReferences } from '../src/compose/port-refs.js';

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

describe('portReferences (the variables behind a port)', () => {
  const refs = (written: unknown, resolved: unknown) => portReferences(written, one(resolved)!);

  it('names the variable of each part, and takes the Compose default as the number', () => {
    expect(refs('${WEB_PORT}:80', '8080:80').fields).toEqual({ env: 'WEB_PORT', envDefault: false });
    expect(refs('${API_PORT}:${API_PORT}', '5000:5000').fields).toEqual({ env: 'API_PORT', containerEnv: 'API_PORT', envDefault: false });
    expect(refs('127.0.0.1:${PG_PORT:-5432}:5432/tcp', '127.0.0.1:5432:5432/tcp').fields).toEqual({ env: 'PG_PORT', host: 5432 });
    expect(refs('${HOST_IP:-127.0.0.1}:${CH_PORT:-8123}:8123', '127.0.0.1:8123:8123').fields).toEqual({ hostIpEnv: 'HOST_IP', hostIp: '127.0.0.1', env: 'CH_PORT', host: 8123 });
    expect(refs('${HOST_PORT:-7860}:${CONTAINER_PORT:-7860}', '7860:7860').fields).toEqual({ env: 'HOST_PORT', host: 7860, containerEnv: 'CONTAINER_PORT', container: 7860 });
    expect(refs({ target: 91, published: '${API_PORT}' }, { target: 91, published: '9100' }).fields).toEqual({ env: 'API_PORT', envDefault: false });
    expect(refs('7000:7000', '7000:7000')).toEqual({ fields: {}, notes: [] });
  });

  it('keeps the default when .env gives another port, and says so', () => {
    const r = refs('${WEB_PORT:-8080}:80', '8088:80');
    expect(r.fields).toEqual({ env: 'WEB_PORT', host: 8080 });
    expect(r.notes.map((n) => n.code)).toEqual(['compose-port-env']);
    expect(r.notes[0]!.message).toBe('WEB_PORT gives host port 8088 here; the spec keeps the Compose default 8080 (berth validate reports the difference)');
  });

  it('carries a part that is more than one variable as its value, with a note', () => {
    const r = refs('${A}${B}:90', '12:90');
    expect(r.fields).toEqual({});
    expect(r.notes[0]!.message).toBe('the host port "${A}${B}" is more than one variable; it is carried as its value');
    expect(refs('${P:?set P}:80', '81:80').notes.map((n) => n.message)).toEqual(['the message of ${P:?...} is not carried; berth compose writes ${P}']);
  });
});
