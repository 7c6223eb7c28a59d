import { describe, expect, it } from 'vitest';
import { tlsFailureKind, tlsText } from './tls-failure.js';

describe('tlsFailureKind: what a TLS failure means, whichever Node words it', () => {
  const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
  it('reads node\'s certificate codes and OpenSSL\'s reasons', () => {
    expect(tlsFailureKind(err('write EPROTO 80ECCAAD5F7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:f.c:350:\n', 'EPROTO'))).toBe('not-tls');
    expect(tlsFailureKind(err('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'))).toBe('self-signed');
    expect(tlsFailureKind(err('unable to get local issuer certificate', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'))).toBe('unverified');
    expect(tlsFailureKind(err('x', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'))).toBe('client-cert-refused');
    expect(tlsFailureKind(err('x', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'))).toBe('handshake');
    expect(tlsFailureKind(err('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'))).toBeUndefined();
  });
  it('tlsText keeps OpenSSL\'s reason alone, or a message\'s first line', () => {
    expect(tlsText('write EPROTO 0123456789ABCDEF:error:0A0000F4:SSL routines:fn:some new reason:f.c:1:\n')).toBe('TLS: some new reason');
    expect(tlsText('first line\nsecond')).toBe('first line');
  });
});
