import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
 * first start with 0600, in a 0700 directory, so only the user can read it).
 */
export function resolveToken(options: { env: NodeJS.ProcessEnv; file: string }): TokenSource {
  const fromEnv = options.env.BERTH_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, from: 'env' };
  if (existsSync(options.file)) {
    const token = readFileSync(options.file, 'utf8').trim();
    // A token file others can read is tightened, not trusted as is.
    if ((statSync(options.file).mode & 0o077) !== 0) chmodSync(options.file, 0o600);
    if (token) return { token, from: 'file', file: options.file };
  }
  ensureStateDir(dirname(options.file));
  const token = randomBytes(32).toString('base64url');
  writeFileSync(options.file, `${token}\n`, { mode: 0o600 });
  chmodSync(options.file, 0o600);
  return { token, from: 'created', file: options.file };
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
