/** Turns socket errors into the words a person reads in a verdict. */

/** One line for a network error, such as "connection refused on 127.0.0.1:5000". */
export function describeNetError(err: unknown, where: string): string {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `connection refused on ${where}`;
    case 'ECONNRESET':
      return `connection reset by ${where}`;
    case 'EPIPE':
      return `connection closed by ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${where.replace(/:\d+$/, '')}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `host unreachable: ${where}`;
    case 'EADDRNOTAVAIL':
      return `address not available: ${where}`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return `TLS: self-signed certificate on ${where} (set insecure: true to accept it)`;
    case 'CERT_HAS_EXPIRED':
      return `TLS: the certificate of ${where} has expired`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS: the certificate does not name ${where.replace(/:\d+$/, '')}`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return `TLS: cannot verify the certificate of ${where}`;
    default: {
      const tls = tlsFailure(e?.code, e?.message ?? '', where);
      if (tls) return tls;
      const msg = tlsText(e?.message ?? String(err));
      if (/socket hang up/i.test(msg)) return `connection closed by ${where} before an answer`;
      return `${msg}${e?.code && !msg.includes(e.code) ? ` (${e.code})` : ''} on ${where}`;
    }
  }
}

/** What OpenSSL's reason (in the error's code on some Nodes, only in its message on others) means, in words. */
const TLS_FAILURES: [RegExp, (where: string) => string][] = [
  [/wrong.version.number|packet.length.too.long|http.request/i, (w) => `TLS: ${w} does not speak TLS (is it plain http?)`],
  [/unsupported.protocol|alert.protocol.version|no.protocols.available/i, (w) => `TLS: ${w} speaks no TLS version this Node accepts (TLS 1.2 or later)`],
  [/handshake.failure|no.shared.cipher/i, (w) => `TLS: the handshake with ${w} failed (no cipher or protocol both accept)`],
  [/key.too.(weak|small)|md.too.weak/i, (w) => `TLS: the certificate of ${w} is too weak for this Node's TLS security level (Node 24 refuses RSA keys under 2048 bits); use a stronger key, or set insecure: true`],
];

function tlsFailure(code: string | undefined, message: string, where: string): string | undefined {
  const reason = `${code?.startsWith('ERR_SSL_') ? code : ''} ${tlsText(message)}`;
  return TLS_FAILURES.find(([pattern]) => pattern.test(reason))?.[1](where);
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
