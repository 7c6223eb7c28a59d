import { describe, expect, it } from 'vitest';
import { parseProcNet } from './proc-net.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41234 1 0000000000000000 100 0 0 10 0
   1: 0100007F:9C40 0100007F:1388 01 00000000:00000000 00:00000000 00000000  1000        0 41299 1 0000000000000000 20 4 30 10 -1
   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1389 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:138A 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 100 0 0 10 0`;

describe('parseProcNet', () => {
  it('keeps listening TCP sockets with address, port and inode', () => {
    expect(parseProcNet(TCP, 'tcp')).toEqual([
      { protocol: 'tcp', address: '127.0.0.1', port: 5000, inode: 41234 },
      { protocol: 'tcp', address: '0.0.0.0', port: 8080, inode: 1111 },
    ]);
  });
  it('decodes IPv6 addresses', () => {
    expect(parseProcNet(TCP6, 'tcp').map((s) => [s.address, s.port])).toEqual([
      ['::', 5001],
      ['::1', 5002],
    ]);
  });
  it('keeps every UDP socket: bound (07) or connected (01), each holds its local port', () => {
    const udp = TCP.replace(/ 0A /g, ' 07 ');
    expect(parseProcNet(udp, 'udp').map((s) => s.port)).toEqual([5000, 40000, 8080]);
  });
});
