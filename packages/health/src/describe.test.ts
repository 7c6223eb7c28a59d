import { describe, expect, it } from 'vitest';
import { describeNetError } from './describe.js';

describe('TLS failures as words', () => {
  it('map OpenSSL reasons, whichever Node words them and wherever it puts them, to one line with what to do', () => {
    const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
    const n20 = 'write EPROTO 80ECCAAD5F7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n';
    const n22 = 'write EPROTO C08C62FC347F0000:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:../deps/openssl/openssl/ssl/record/methods/tlsany_meth.c:77:\n';
    for (const m of [n20, n22]) expect(describeNetError(err(m, 'EPROTO'), 'db:443')).toBe('TLS: db:443 does not speak TLS (is it plain http?)');
    expect(describeNetError(err('x', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), 'db:443')).toBe('TLS: the handshake with db:443 failed (no cipher or protocol both accept)');
    expect(describeNetError(err('x:error:0A000102:SSL routines::unsupported protocol:', 'EPROTO'), 'db:443')).toBe('TLS: db:443 speaks no TLS version this Node accepts (TLS 1.2 or later)');
    expect(describeNetError(err('EE certificate key too weak', 'UNSPECIFIED'), 'db:443')).toMatch(/^TLS: the certificate of db:443 is too weak .*set insecure: true$/);
  });
});
