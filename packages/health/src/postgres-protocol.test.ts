import { describe, expect, it } from 'vitest';
import { readPostgresAnswer, startupMessage } from './postgres-protocol.js';

const message = (type: string, body: Buffer) => {
  const head = Buffer.alloc(5);
  head.write(type, 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
};

describe('startupMessage', () => {
  it('is protocol 3.0 with the user, length-prefixed and double-NUL terminated', () => {
    const m = startupMessage({ user: 'postgres', database: 'app' });
    expect(m.readInt32BE(0)).toBe(m.length);
    expect(m.readInt32BE(4)).toBe(196608);
    expect(m.subarray(8).toString()).toBe('user\0postgres\0application_name\0berth-health\0database\0app\0\0');
  });
});

describe('readPostgresAnswer', () => {
  it('an authentication request means accepting', () => {
    const body = Buffer.alloc(4);
    body.writeInt32BE(10);
    expect(readPostgresAnswer(message('R', Buffer.concat([body, Buffer.from('SCRAM-SHA-256\0\0')])))).toEqual({ kind: 'accepting', detail: 'asks for SCRAM authentication' });
  });
  it('57P03 is rejecting; other errors still mean the server takes connections', () => {
    expect(readPostgresAnswer(message('E', Buffer.from('SFATAL\0C57P03\0Mthe database system is starting up\0\0')))).toEqual({ kind: 'rejecting', code: '57P03', message: 'the database system is starting up' });
    expect(readPostgresAnswer(message('E', Buffer.from('SFATAL\0C3D000\0Mdatabase "x" does not exist\0\0'))).kind).toBe('accepting');
  });
  it('skips any number of notices before the answer, in a loop (a peer sending thousands overflowed the stack)', () => {
    const notices = Buffer.concat(Array.from({ length: 20_000 }, () => message('N', Buffer.alloc(0))));
    const auth = Buffer.alloc(4);
    expect(readPostgresAnswer(Buffer.concat([notices, message('R', auth)]))).toEqual({ kind: 'accepting', detail: 'no password needed' });
    expect(readPostgresAnswer(notices)).toEqual({ kind: 'incomplete' });
  });
  it("removes the server's escape sequences and shows its other control characters as dots: its words go into a one-line reason", () => {
    const answer = readPostgresAnswer(message('E', Buffer.from('SFATAL\0C57P03\0Mstarting up\n\u001b[2J\u001b[31mFAKE: fine\r\0\0')));
    expect(answer).toEqual({ kind: 'rejecting', code: '57P03', message: 'starting up.FAKE: fine.' });
  });
  it('waits for a whole message, and names a foreign answer', () => {
    expect(readPostgresAnswer(Buffer.from('R\0\0'))).toEqual({ kind: 'incomplete' });
    expect(readPostgresAnswer(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'))).toEqual({ kind: 'foreign', sample: 'SSH-2.0-OpenSSH_9.2..' });
  });
});
