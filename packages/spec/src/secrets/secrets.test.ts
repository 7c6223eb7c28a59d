import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BerthSpecSchema } from '../schema/spec.js';
import { looksSecret } from './names.js';
import { makeRedactor, MIN_SECRET_LENGTH, REDACTED, redactValue } from './redactor.js';
import { redactorFor, secretValues } from './known-secrets.js';

describe('looksSecret', () => {
  it('is a name ending in a secret word, unless it names something public or a place', () => {
    for (const name of ['OPENAI_API_KEY', 'STRIPE_KEY', 'GITHUB_TOKEN', 'POSTGRES_PASSWORD', 'DB_PASS', 'JWT_SECRET', 'AWS_SECRET_ACCESS_KEY', 'SENTRY_DSN', 'GCP_CREDENTIALS', 'github_token']) {
      expect(looksSecret(name), name).toBe(true);
    }
    for (const name of ['SSH_PUBLIC_KEY', 'DB_PASSWORD_FILE', 'AWS_ACCESS_KEY_ID', 'TOKEN_PATH', 'DATABASE_URL', 'PASSWORD_POLICY', 'HOME', 'KEYBOARD']) {
      expect(looksSecret(name), name).toBe(false);
    }
  });
});

describe('makeRedactor', () => {
  it('hides every occurrence, longest value first, in JSON-escaped and URL-encoded forms too', () => {
    const redact = makeRedactor(['s3cr3t-token-1', 's3cr3t-token-12345', 'p@ss"w\\rd-xyz']);
    expect(redact('a s3cr3t-token-12345 b s3cr3t-token-1 c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
    expect(redact(JSON.stringify({ out: 'pw=p@ss"w\\rd-xyz' }))).toBe(`{"out":"pw=${REDACTED}"}`);
    expect(redact(`postgres://u:${encodeURIComponent('p@ss"w\\rd-xyz')}@db/x`)).toBe(`postgres://u:${REDACTED}@db/x`);
  });
  it(`leaves values shorter than ${MIN_SECRET_LENGTH} characters alone, so "true" or "5432" do not vanish everywhere`, () => {
    const redact = makeRedactor(['true', '5432', 'admin', 'a']);
    expect(redact.values).toEqual([]);
    expect(redact('admin connected on 5432: true')).toBe('admin connected on 5432: true');
  });
  it('redactValue hides strings deep in a JSON value, keys included, and keeps the rest', () => {
    const redact = makeRedactor(['hunter2hunter2']);
    expect(redactValue({ a: ['x hunter2hunter2'], n: 3, ok: true, none: null, nested: { s: 'hunter2hunter2', hunter2hunter2: 1 } }, redact)).toEqual({
      a: [`x ${REDACTED}`],
      n: 3,
      ok: true,
      none: null,
      nested: { s: REDACTED, [REDACTED]: 1 },
    });
  });
});

describe('secretValues', () => {
  const spec = BerthSpecSchema.parse({
    berth: 1,
    repo: { name: 'x' },
    env: { OPENAI_KEY_VALUE: { secret: true }, SHOP_REGION: {} },
    services: {
      db: { image: 'pg', environment: { POSTGRES_PASSWORD: '${DB_PASS_PLAIN_NAME}', GRAFANA_ADMIN: 'not-a-secret-name', API_TOKEN: 'literal-token-in-spec', APP_MODE: '${SHOP_REGION}' } },
    },
  });
  it('takes values of spec-marked and secret-looking names from env and .env, what services pass under secret names, and URL passwords', () => {
    const values = secretValues({
      spec,
      env: { OPENAI_KEY_VALUE: 'from-process-env', HOME: '/root/home/dir', SHOP_REGION: 'europe-west-1', DATABASE_URL: 'postgres://app:url-password-1@db:5432/app' },
      envFile: { DB_PASS_PLAIN_NAME: 'from-dotenv-file', STRIPE_KEY: 'sk_live_abcdef12' },
      extra: ['the-api-token'],
    });
    expect(values.sort()).toEqual(['from-dotenv-file', 'from-process-env', 'literal-token-in-spec', 'sk_live_abcdef12', 'the-api-token', 'url-password-1'].sort());
  });
  it('redactorFor reads the .env beside the spec and the services\' env files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-secrets-'));
    try {
      writeFileSync(join(dir, '.env'), 'DB_PASS_PLAIN_NAME=only-in-dotenv-1\n');
      writeFileSync(join(dir, 'db.env'), 'MINIO_ROOT_PASSWORD=only-in-envfile-2\nMINIO_REGION=eu-central-1\n');
      const withFile = BerthSpecSchema.parse({ berth: 1, repo: { name: 'x' }, services: { db: { image: 'pg', envFile: 'db.env', environment: { POSTGRES_PASSWORD: '${DB_PASS_PLAIN_NAME}' } } } });
      const redact = redactorFor({ spec: withFile, specDir: dir, env: {} });
      expect(redact('only-in-dotenv-1 only-in-envfile-2 eu-central-1')).toBe(`${REDACTED} ${REDACTED} eu-central-1`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
