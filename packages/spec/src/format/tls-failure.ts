/**
 * What a TLS failure means, read from the error node gives (its code, or OpenSSL's reason in its message): the one
 * reading of it, for every place that says it in words (a health check's verdict, an engine that did not answer).
 * Each caller words the kind for what it reaches and what the user can change there.
 */
export type TlsFailureKind =
  /** The peer answered in plain text: it does not speak TLS (an http:// server, an engine without TLS). */
  | 'not-tls'
  /** No TLS version both sides accept. */
  | 'protocol-version'
  /** The handshake failed (no cipher or protocol both accept). */
  | 'handshake'
  /** The certificate's key is too weak for this Node's security level. */
  | 'weak-key'
  /** The peer refused this side's client certificate, or wants one and got none. */
  | 'client-cert-refused'
  /** The certificate is self-signed, or its chain ends in a CA this side does not trust. */
  | 'self-signed'
  /** The certificate's issuer is not one this side trusts. */
  | 'unverified'
  | 'expired'
  /** The certificate does not name the host asked for. */
  | 'wrong-name';

const BY_CODE: Record<string, TlsFailureKind> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed',
  CERT_HAS_EXPIRED: 'expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'wrong-name',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unverified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unverified',
};

/** OpenSSL's reason (in the error's code on some Nodes, only in its message on others). */
const BY_REASON: [RegExp, TlsFailureKind][] = [
  [/wrong.version.number|packet.length.too.long|http.request/i, 'not-tls'],
  [/unsupported.protocol|alert.protocol.version|no.protocols.available/i, 'protocol-version'],
  [/alert.certificate.required|alert.bad.certificate|alert.unknown.ca|alert.certificate.unknown/i, 'client-cert-refused'],
  [/handshake.failure|no.shared.cipher/i, 'handshake'],
  [/key.too.(weak|small)|md.too.weak/i, 'weak-key'],
];

/** The kind of TLS failure an error is, or undefined when it is none (a refused connection, a timeout). */
export function tlsFailureKind(err: unknown): TlsFailureKind | undefined {
  const e = err as { code?: string; message?: string } | undefined;
  const byCode = e?.code ? BY_CODE[e.code] : undefined;
  if (byCode) return byCode;
  const reason = `${e?.code?.startsWith('ERR_SSL_') ? e.code : ''} ${tlsText(e?.message ?? String(err))}`;
  return BY_REASON.find(([pattern]) => pattern.test(reason))?.[1];
}

/**
 * An OpenSSL message as one stable line: `write EPROTO 80ECCAAD5F7F0000:error:0A00010B:SSL routines:fn:reason:file.c:350:`
 * becomes `TLS: reason` (the per-run address, the library's function and source place dropped: they change with
 * every run and every Node). Anything else: its first line.
 */
export function tlsText(message: string): string {
  const ssl = /[0-9A-F]{8,}:error:[0-9A-F]+:SSL routines:[^:]*:([^:\n]+)/.exec(message);
  if (ssl) return `TLS: ${ssl[1]!.trim()}`;
  return message.split('\n')[0]!.trim();
}
