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
      const msg = e?.message ?? String(err);
      if (/socket hang up/i.test(msg)) return `connection closed by ${where} before an answer`;
      return `${msg}${e?.code && !msg.includes(e.code) ? ` (${e.code})` : ''} on ${where}`;
    }
  }
}
