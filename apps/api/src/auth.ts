import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { BerthError, MIN_SECRET_LENGTH, notAFile, unreadableReason, unwritableReason, writeFileAtomic } from '@berth/spec';
import { dirname } from 'node:path';
import { ensureStateDir } from './state-dir.js';

export interface TokenSource {
  token: string;
  /** env: from BERTH_TOKEN; file: read from the token file; created: generated now (print it once). */
  from: 'env' | 'file' | 'created';
  file?: string;
}

/**
 * The bearer token for write routes: BERTH_TOKEN when set, else the token file (created on
 * first start with 0600, in a 0700 directory, so only the user can read it). The file is created whole or not at
 * all, and only if it is not there: of several servers starting at once, one writes it and the others read it back,
 * so each enforces the token the file holds. A file berth cannot read or write is one line naming it (exit 2).
 */
export function resolveToken(options: { env: NodeJS.ProcessEnv; file: string }): TokenSource {
  const fromEnv = options.env.BERTH_TOKEN?.trim();
  if (fromEnv) {
    // `Authorization: Bearer <token>` carries no whitespace: such a token could never be presented
    if (/\s/.test(fromEnv)) throw new BerthError('ERR_BERTH_USAGE', 'BERTH_TOKEN holds whitespace, which no Authorization header can carry: use one word (letters, digits, -._~+/=)');
    refuseShort(fromEnv, 'BERTH_TOKEN', 'unset it and berth serve makes a random one');
    return { token: fromEnv, from: 'env' };
  }
  const { file } = options;
  try {
    const there = existsSync(file);
    const kept = there ? readTokenFile(file) : undefined;
    if (kept) return kept;
    ensureStateDir(dirname(file));
    const token = randomBytes(32).toString('base64url');
    try {
      // an empty file found above is replaced; otherwise only a file that is still not there is made (link semantics)
      writeFileAtomic(file, `${token}\n`, { overwrite: there, mode: 0o600 });
      return { token, from: 'created', file };
    } catch (err) {
      const theirs = (err as NodeJS.ErrnoException).code === 'EEXIST' ? readTokenFile(file) : undefined;
      if (theirs) return theirs; // another server made it first: its token is the one
      throw err;
    }
  } catch (err) {
    if (err instanceof BerthError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reading = code === 'EISDIR' || code === 'ENOENT';
    throw new BerthError(reading ? 'ERR_BERTH_UNREADABLE' : 'ERR_BERTH_WRITE', `${file}: ${reading ? unreadableReason(err) : unwritableReason(err)}`, {
      cause: err,
      hint: 'berth serve keeps its API token there: make the folder yours (an earlier sudo berth serve may own it), or set BERTH_TOKEN',
    });
  }
}

/** The token the file, which is there, holds (tightened to 0600 if others could read it); undefined when it is empty. */
function readTokenFile(file: string): TokenSource | undefined {
  const not = notAFile(file, { pipe: false });
  if (not) throw new BerthError('ERR_BERTH_UNREADABLE', `${file}: is ${not}, not the API token file`);
  const token = readFileSync(file, 'utf8').trim();
  // A token file others can read is tightened, not trusted as is.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  if (token) refuseShort(token, file, 'empty the file and berth serve writes a random one there');
  return token ? { token, from: 'file', file } : undefined;
}

/**
 * A token shorter than the redactor's floor (MIN_SECRET_LENGTH) could not be hidden where berth prints or serves
 * what peers say (a check's output, an MCP answer), and is guessed in few tries: refused, never quoted.
 */
function refuseShort(token: string, from: string, instead: string): void {
  if (token.length >= MIN_SECRET_LENGTH) return;
  throw new BerthError('ERR_BERTH_USAGE', `${from}: the API token is ${token.length} character${token.length === 1 ? '' : 's'}; berth needs ${MIN_SECRET_LENGTH} or more (it hides the token wherever it prints or serves, which a shorter one could not be, and a short one is easily guessed): use a longer one, or ${instead}`);
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Compares a presented `Authorization` header with the token in constant time (equal-length digests). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // Compare even when absent, so timing says nothing about which part was wrong.
  return timingSafeEqual(digest(m?.[1] ?? ''), digest(token)) && !!m;
}

/**
 * The onRequest hook of every route that needs the token (writes, /mcp): 401 with a `WWW-Authenticate`
 * challenge, checked before the body is read, so an unauthenticated client cannot make the server parse anything.
 */
export function requireBearer(token: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!bearerMatches(req.headers.authorization, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="berth"')
        .send({ statusCode: 401, error: 'Unauthorized', message: 'this route needs Authorization: Bearer <token> (BERTH_TOKEN, or the token file berth serve printed)' });
    }
  };
}
