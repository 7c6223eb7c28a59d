import { describe, expect, it } from 'vitest';
import { PortBinding } from './service.js';

describe('a published port', () => {
  it('comes out in the long form with its container port, whatever form it was written in', () => {
    const range = (from: number, to = from) => ({ from, to });
    expect(PortBinding.parse(5000)).toMatchObject({ host: range(5000), container: range(5000) });
    expect(PortBinding.parse('5000')).toMatchObject({ host: range(5000), container: range(5000), protocol: 'tcp' });
    expect(PortBinding.parse('127.0.0.1:8080:80/udp')).toMatchObject({ host: range(8080), container: range(80), hostIp: '127.0.0.1', protocol: 'udp' });
    expect(PortBinding.parse({ host: 9000 })).toMatchObject({ host: range(9000), container: range(9000) });
    expect(PortBinding.parse({ host: '3000-3001', container: '4000-4001' })).toMatchObject({ host: range(3000, 3001), container: range(4000, 4001) });
  });

  it('says what is wrong with a number of the short form, at the port, without throwing', () => {
    const r = PortBinding.safeParse('99999:80');
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toEqual(['host port must be between 1 and 65535']);
  });
});
