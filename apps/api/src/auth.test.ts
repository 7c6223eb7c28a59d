import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerMatches, resolveToken } from './auth.js';

describe('bearerMatches', () => {
  it('accepts only the exact token with the Bearer scheme', () => {
    expect(bearerMatches('Bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(bearerMatches('bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(bearerMatches('Bearer s3cret-tokens', 's3cret-token')).toBe(false);
    expect(bearerMatches('Basic s3cret-token', 's3cret-token')).toBe(false);
    expect(bearerMatches(undefined, 's3cret-token')).toBe(false);
    expect(bearerMatches('Bearer ', '')).toBe(false);
  });
});

describe('resolveToken', () => {
  it('prefers BERTH_TOKEN, else creates a 0600 file once and reads it back, tightening loose modes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-token-'));
    try {
      const file = join(dir, '.berth', 'token');
      expect(resolveToken({ env: { BERTH_TOKEN: 'from-env-123' }, file })).toEqual({ token: 'from-env-123', from: 'env' });
      const created = resolveToken({ env: {}, file });
      expect(created.from).toBe('created');
      expect(created.token.length).toBeGreaterThanOrEqual(40);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(resolveToken({ env: {}, file })).toEqual({ token: created.token, from: 'file', file });
      writeFileSync(file, 'loose-token-value\n');
      chmodSync(file, 0o644);
      expect(resolveToken({ env: {}, file }).token).toBe('loose-token-value');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
