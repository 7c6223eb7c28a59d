import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REDACTED, SecretGuard } from './secret-guard.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-mcp-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SecretGuard: @berth/spec\'s redactor over the spec and .env as they are', () => {
  it('hides values of secret-looking names and of names the spec declares secret, from the env and the .env file, keys included', () => {
    // The .env is the one beside the spec, as the CLI reads it.
    const own = mkdtempSync(join(dir, 'values-'));
    const spec = join(own, 'berth.yaml');
    const dotenv = join(own, '.env');
    writeFileSync(spec, 'berth: 1\nrepo: { name: values }\nenv:\n  WEBHOOK_URL: { secret: true }\n');
    writeFileSync(dotenv, 'STRIPE_SECRET=sk_live_0123456789\nWEBHOOK_URL=https://hooks.example/abcdefgh\n');
    const guard = new SecretGuard({ env: { GITHUB_TOKEN: 'ghp_abcdefgh1234', DB_PASSWORD: 'hunter22-long', PATH: '/usr/bin:/bin', QDRANT_URL: 'http://127.0.0.1:6333' }, files: () => ({ spec, dotenv }) });
    const answer = { text: 'ghp_abcdefgh1234 hunter22-long sk_live_0123456789 https://hooks.example/abcdefgh', list: [{ ['ghp_abcdefgh1234']: 1 }], path: '/usr/bin:/bin', url: 'http://127.0.0.1:6333', n: 3, none: null };
    expect(guard.redact(answer)).toEqual({ text: `${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED}`, list: [{ [REDACTED]: 1 }], path: '/usr/bin:/bin', url: 'http://127.0.0.1:6333', n: 3, none: null });
  });

  it('leaves values too short to be told from ordinary words', () => {
    const guard = new SecretGuard({ env: { API_KEY: 'true', DB_PASSWORD: '5432' }, files: () => ({ spec: join(dir, 'none.yaml'), dotenv: join(dir, 'none.env') }) });
    expect(guard.redact('true 5432')).toBe('true 5432');
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

  it('hides what the services pass into their containers from their env files, and follows those files too', () => {
    const own = mkdtempSync(join(dir, 'env-files-'));
    const spec = join(own, 'berth.yaml');
    writeFileSync(spec, 'berth: 1\nrepo: { name: leaky }\nservices:\n  leaky:\n    image: busybox\n    envFile: [svc.env]\n');
    writeFileSync(join(own, 'svc.env'), 'APP_SECRET=EnvFileSecretValue777\nAPP_MODE=production-mode\n');
    const guard = new SecretGuard({ env: {}, files: () => ({ spec, dotenv: join(own, '.env') }) });
    expect(guard.redact('leaky | APP_SECRET=EnvFileSecretValue777 APP_MODE=production-mode')).toBe(`leaky | APP_SECRET=${REDACTED} APP_MODE=production-mode`);
    writeFileSync(join(own, 'svc.env'), 'APP_SECRET=TheSecondEnvFileSecret\n');
    expect(guard.redact('APP_SECRET=TheSecondEnvFileSecret')).toBe(`APP_SECRET=${REDACTED}`);
  });

  it('never reads a spec that is a pipe: it answers at once, hiding the environment\'s secrets still', () => {
    const own = mkdtempSync(join(dir, 'pipe-'));
    const spec = join(own, 'berth.yaml');
    expect(spawnSync('mkfifo', [spec]).status).toBe(0);
    // A writer that holds the pipe open for 5 s and writes nothing: a read of it waits that long.
    const writer = spawn('sh', ['-c', `exec sleep 5 > '${spec}'`], { stdio: 'ignore' });
    try {
      const started = Date.now();
      const guard = new SecretGuard({ env: { SERVICE_TOKEN: 'tok-0123456789' }, files: () => ({ spec, dotenv: join(own, '.env') }) });
      expect(guard.redact('said tok-0123456789')).toBe(`said ${REDACTED}`);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      writer.kill();
    }
  });
});
