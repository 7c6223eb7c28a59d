import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REDACTED, SecretGuard, redactDeep, secretValues } from './secret-guard.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-mcp-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secretValues', () => {
  it('takes values of secret-looking names and of names the spec declares secret, from the env and the .env file', () => {
    const values = secretValues({
      env: { GITHUB_TOKEN: 'ghp_abcdefgh1234', DB_PASSWORD: 'hunter22-long', PATH: '/usr/bin:/bin', QDRANT_URL: 'http://127.0.0.1:6333', LEGACY_DSN_VALUE: 'postgres://u:p@h/db' },
      dotenv: { STRIPE_SECRET: 'sk_live_0123456789', WEBHOOK_URL: 'https://hooks.example/abcdefgh' },
      declared: ['WEBHOOK_URL'],
    });
    expect(new Set(values)).toEqual(new Set(['ghp_abcdefgh1234', 'hunter22-long', 'postgres://u:p@h/db', 'sk_live_0123456789', 'https://hooks.example/abcdefgh']));
  });

  it('leaves values too short to be told from ordinary words', () => {
    expect(secretValues({ env: { API_KEY: 'true', AUTH_PORT: '5432' } })).toEqual([]);
  });
});

describe('redactDeep', () => {
  it('replaces a value wherever it sits in a JSON answer, keys included, longest first', () => {
    const answer = { text: 'token ghp_abcdefgh1234 and ghp_abcdefgh12345678', list: [{ ['ghp_abcdefgh1234']: 1 }], n: 3, ok: true, none: null };
    expect(redactDeep(answer, ['ghp_abcdefgh12345678', 'ghp_abcdefgh1234'])).toEqual({
      text: `token ${REDACTED} and ${REDACTED}`,
      list: [{ [REDACTED]: 1 }],
      n: 3,
      ok: true,
      none: null,
    });
  });
});

describe('SecretGuard', () => {
  it('follows the spec and the .env file as they change', async () => {
    const spec = join(dir, 'berth.yaml');
    const dotenv = join(dir, '.env');
    writeFileSync(spec, 'berth: 1\nrepo: { name: guard }\nenv:\n  WEBHOOK_URL: { secret: true }\n');
    writeFileSync(dotenv, 'WEBHOOK_URL=https://hooks.example/first-one\n');
    const guard = new SecretGuard({ env: { HOME: '/home/me' }, files: () => ({ spec, dotenv }) });
    expect(guard.redact('at https://hooks.example/first-one')).toBe(`at ${REDACTED}`);
    // A later write (another size, so the stamp differs even within the file system's time resolution).
    writeFileSync(dotenv, 'WEBHOOK_URL=https://hooks.example/the-second-one\n');
    expect(guard.redact('at https://hooks.example/the-second-one')).toBe(`at ${REDACTED}`);
    writeFileSync(spec, 'berth: 1\nrepo: { name: guard }\nenv:\n  WEBHOOK_URL: { secret: false }\n');
    expect(guard.redact('at https://hooks.example/the-second-one')).toBe('at https://hooks.example/the-second-one');
  });

  it('still guards secret-looking names when the spec does not load', () => {
    const spec = join(dir, 'broken.yaml');
    writeFileSync(spec, 'berth: [\n');
    const guard = new SecretGuard({ env: { SERVICE_TOKEN: 'tok-0123456789' }, files: () => ({ spec, dotenv: join(dir, 'missing.env') }) });
    expect(guard.redact({ said: 'tok-0123456789' })).toEqual({ said: REDACTED });
  });
});
