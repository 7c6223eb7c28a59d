/** Turns socket errors into the words a person reads in a verdict. */
import { tlsFailureKind, tlsText, type TlsFailureKind } from '@berth/spec';

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
    default: {
      const tls = tlsFailure(err, where);
      if (tls) return tls;
      const msg = tlsText(e?.message ?? String(err));
      if (/socket hang up/i.test(msg)) return `connection closed by ${where} before an answer`;
      return `${msg}${e?.code && !msg.includes(e.code) ? ` (${e.code})` : ''} on ${where}`;
    }
  }
}

/** A TLS failure (read by tlsFailureKind in @berth/spec) in a check's words, with what the spec can change. */
const TLS_WORDS: Partial<Record<TlsFailureKind, (where: string) => string>> = {
  'self-signed': (w) => `TLS: self-signed certificate on ${w} (set insecure: true to accept it)`,
  expired: (w) => `TLS: the certificate of ${w} has expired`,
  'wrong-name': (w) => `TLS: the certificate does not name ${w.replace(/:\d+$/, '')}`,
  unverified: (w) => `TLS: cannot verify the certificate of ${w}`,
  'not-tls': (w) => `TLS: ${w} does not speak TLS (is it plain http?)`,
  'protocol-version': (w) => `TLS: ${w} speaks no TLS version this Node accepts (TLS 1.2 or later)`,
  handshake: (w) => `TLS: the handshake with ${w} failed (no cipher or protocol both accept)`,
  'weak-key': (w) => `TLS: the certificate of ${w} is too weak for this Node's TLS security level (Node 24 refuses RSA keys under 2048 bits); use a stronger key, or set insecure: true`,
};

function tlsFailure(err: unknown, where: string): string | undefined {
  const kind = tlsFailureKind(err);
  return kind ? TLS_WORDS[kind]?.(where) : undefined;
}
