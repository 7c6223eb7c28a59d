/** Turns socket errors into the words a person reads in a verdict. */
import { isIPv6 } from 'node:net';
import { tlsFailureKind, tlsText, type TlsFailureKind } from '@berth/spec';

/** `host:port` as a reason says it: an IPv6 address in brackets (`[::1]:5432`), so the port reads as the port. */
export function hostPort(host: string, port: number | string): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return `${isIPv6(bare) ? `[${bare}]` : bare}:${port}`;
}

/** The host of a `host:port` (`[::1]:80` gives `::1`'s bracketed form back, as written). */
const hostOf = (where: string) => where.replace(/:\d+$/, '');

/** One line for a network error, such as "connection refused on 127.0.0.1:5000". */
export function describeNetError(err: unknown, where: string): string {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  // node says "socket hang up" (code ECONNRESET) when the peer closed the connection before any answer, gracefully
  // or not: a server that reads the request and hangs up is "closed", not "reset"
  if (/socket hang up/i.test(e?.message ?? '')) return `connection closed by ${where} before an answer`;
  // node's HTTP parser refused what came back: something answered there, but not in HTTP
  if (typeof e?.code === 'string' && e.code.startsWith('HPE_')) return notHttp(e.code, where);
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `connection refused on ${where}`;
    case 'ECONNRESET':
      return `connection reset by ${where}`;
    case 'EPIPE':
      return `connection closed by ${where}`;
    case 'ENOTFOUND':
      return `host not found: ${hostOf(where)}`;
    case 'EAI_AGAIN':
      return `host not found: ${hostOf(where)} (the DNS lookup failed for now: EAI_AGAIN; is the network or DNS server up?)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `host unreachable: ${where}`;
    case 'EADDRNOTAVAIL':
      return `address not available: ${where}`;
    default: {
      const tls = tlsFailure(err, where);
      if (tls) return tls;
      const msg = tlsText(e?.message ?? String(err));
      return `${msg}${e?.code && !msg.includes(e.code) ? ` (${e.code})` : ''} on ${where}`;
    }
  }
}

/** What node's HTTP parser refusing an answer means, said as what to look at. */
function notHttp(code: string, where: string): string {
  if (code === 'HPE_HEADER_OVERFLOW') return `${where} answered with headers too large to read (over 64 KiB)`;
  return `${where} answered, but not in HTTP (${code}): is another program on that port, or does it want https?`;
}

/** The names a certificate holds (its subjectAltName's DNS names and addresses, else its CN), for a wrong-name failure. */
function certificateNames(err: unknown): string | undefined {
  const cert = (err as { cert?: { subjectaltname?: string; subject?: { CN?: string | string[] } } })?.cert;
  const names = (cert?.subjectaltname ?? '')
    .split(/,\s*/)
    .map((n) => n.replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
  const cn = cert?.subject?.CN;
  const all = names.length ? names : cn ? [cn].flat() : [];
  if (!all.length) return undefined;
  return all.length > 3 ? `${all.slice(0, 3).join(', ')} and ${all.length - 3} more` : all.join(', ');
}

/** A TLS failure (read by tlsFailureKind in @berth/spec) in a check's words, with what the spec can change. */
const TLS_WORDS: Partial<Record<TlsFailureKind, (where: string, err: unknown) => string>> = {
  'self-signed': (w) => `TLS: self-signed certificate on ${w} (set insecure: true to accept it)`,
  expired: (w) => `TLS: the certificate of ${w} has expired (renew it, or set insecure: true to accept it)`,
  'wrong-name': (w, err) => {
    const names = certificateNames(err);
    return `TLS: the certificate of ${w} does not name ${hostOf(w)}${names ? ` (it names ${names}; use one of those in the url, or set insecure: true)` : ' (set insecure: true to accept it)'}`;
  },
  unverified: (w) => `TLS: the certificate of ${w} is signed by a CA this machine does not trust (give node its CA with NODE_EXTRA_CA_CERTS=/path/ca.pem, or set insecure: true)`,
  'not-tls': (w) => `TLS: ${w} does not speak TLS (is it plain http?)`,
  'protocol-version': (w) => `TLS: ${w} speaks no TLS version this Node accepts (TLS 1.2 or later)`,
  handshake: (w) => `TLS: the handshake with ${w} failed (no cipher or protocol both accept)`,
  'weak-key': (w) => `TLS: the certificate of ${w} is too weak for this Node's TLS security level (Node 24 refuses RSA keys under 2048 bits); use a stronger key, or set insecure: true`,
  'client-cert-refused': (w) => `TLS: ${w} wants a client certificate, and an http check sends none`,
};

function tlsFailure(err: unknown, where: string): string | undefined {
  const kind = tlsFailureKind(err);
  return kind ? TLS_WORDS[kind]?.(where, err) : undefined;
}
