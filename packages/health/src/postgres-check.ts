import type { PostgresCheck } from '@berth/spec';
import { readPostgresAnswer, startupMessage } from './postgres-protocol.js';
import { withSocket } from './socket-probe.js';
import type { AttemptContext, Verdict } from './types.js';

/**
 * PostgreSQL at the protocol level, as pg_isready: send a StartupMessage and read the first answer.
 * An authentication request (or any error but "cannot connect now") means accepting; no credentials are sent.
 */
export function runPostgresCheck(ctx: AttemptContext): Promise<Verdict> {
  const check = ctx.target.check as PostgresCheck;
  const user = check.user ?? 'postgres';
  return withSocket<Verdict>(
    check.host,
    check.port,
    ctx,
    (reason) => ({ status: 'critical', reason: reason.startsWith('no answer') ? `${reason} (no startup answer, as pg_isready's "no response")` : reason }),
    (socket, settle, where) => {
      let buf = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]).subarray(0, 64 * 1024);
        const answer = readPostgresAnswer(buf);
        if (answer.kind === 'incomplete') {
          // all it keeps is full and still no answer (notices without end): no PostgreSQL server talks so long first
          if (buf.length >= 64 * 1024) settle({ status: 'critical', reason: `${where} sent 64 KiB without a PostgreSQL answer (notices only)` });
          return;
        }
        if (answer.kind === 'accepting') return settle({ status: 'passing', reason: `accepting connections on ${where}; ${answer.detail}` });
        if (answer.kind === 'rejecting') {
          // on its way up: starting, recovering after a crash, or a standby not yet consistent (PostgreSQL 14 and later
          // say "not yet accepting connections" there); shutting down, or a standby without hot_standby, is not
          const starting = /starting up|recovery|not yet accepting/i.test(answer.message);
          return settle({ status: starting ? 'starting' : 'critical', reason: `rejecting connections on ${where}: ${answer.message}`, details: { sqlstate: answer.code } });
        }
        settle({ status: 'critical', reason: `${where} answered but not as PostgreSQL: "${answer.sample}"` });
      });
      socket.on('end', () => settle({ status: 'critical', reason: `${where} closed the connection without a PostgreSQL answer` }));
      socket.write(startupMessage({ user, ...(check.database ? { database: check.database } : {}) }));
    },
  );
}
