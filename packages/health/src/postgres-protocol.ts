/** The two ends of a pg_isready-style probe: the StartupMessage, and reading the first answer. Pure. */
import { printableText } from '@berth/spec';

const PROTOCOL_3_0 = 196608;

export function startupMessage(params: { user: string; database?: string }): Buffer {
  const pairs: string[] = ['user', params.user, 'application_name', 'berth-health'];
  if (params.database) pairs.push('database', params.database);
  const body = Buffer.from(`${pairs.join('\0')}\0\0`, 'utf8');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(PROTOCOL_3_0, 4);
  return Buffer.concat([head, body]);
}

/** What the first message from the server says, as pg_isready reads it. */
export type PostgresAnswer =
  | { kind: 'incomplete' }
  | { kind: 'accepting'; detail: string }
  | { kind: 'rejecting'; code: string; message: string }
  | { kind: 'foreign'; sample: string };

/** SQLSTATE 57P03 cannot_connect_now: starting up, shutting down, in recovery. pg_isready calls that "rejecting". */
const REJECTING = new Set(['57P03']);

export function readPostgresAnswer(whole: Buffer): PostgresAnswer {
  // notices (N) may come first, any number of them: skipped one after another (a loop, not a call per notice)
  let buf = whole;
  for (;;) {
    if (buf.length < 1) return { kind: 'incomplete' };
    const type = String.fromCharCode(buf[0]!);
    if (!'REvN'.includes(type)) return { kind: 'foreign', sample: printable(buf.subarray(0, 40)) };
    if (buf.length < 5) return { kind: 'incomplete' };
    const len = buf.readInt32BE(1);
    if (len < 4 || len > 1 << 20) return { kind: 'foreign', sample: printable(buf.subarray(0, 40)) };
    if (buf.length < 1 + len) return { kind: 'incomplete' };
    if (type === 'N') {
      buf = buf.subarray(1 + len);
      continue;
    }
    return answerOf(type, buf.subarray(5, 1 + len));
  }
}

/** The first message that is not a notice: an authentication request, a protocol negotiation or an error. */
function answerOf(type: string, body: Buffer): PostgresAnswer {
  if (type === 'R') return { kind: 'accepting', detail: authName(body.length >= 4 ? body.readInt32BE(0) : -1) };
  if (type === 'v') return { kind: 'accepting', detail: 'negotiated the protocol version' };
  const fields = errorFields(body);
  const code = printableText(fields.C ?? '');
  // the server's words go into a one-line reason: no control character of theirs reaches the terminal
  const message = printableText(fields.M ?? 'an error');
  // Any other error (no such user, no such database, auth) still proves the server takes connections.
  if (REJECTING.has(code)) return { kind: 'rejecting', code, message };
  return { kind: 'accepting', detail: `answered "${message}" (${code})` };
}

function errorFields(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const key = String.fromCharCode(body[i]!);
    const end = body.indexOf(0, i + 1);
    if (end < 0) break;
    out[key] = body.toString('utf8', i + 1, end);
    i = end + 1;
  }
  return out;
}

function authName(code: number): string {
  const names: Record<number, string> = { 0: 'no password needed', 3: 'asks for a password', 5: 'asks for an MD5 password', 10: 'asks for SCRAM authentication' };
  return names[code] ?? `asks for authentication (method ${code})`;
}

function printable(buf: Buffer): string {
  return buf.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
}
