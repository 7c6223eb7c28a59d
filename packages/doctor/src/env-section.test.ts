import { describe, expect, it } from 'vitest';
import { BerthSpecSchema } from '@berth/spec';
import { envSection } from './env-section.js';

describe("doctor's Environment section", () => {
  const spec = BerthSpecSchema.parse({
    berth: 1,
    repo: { name: 'doctor-env' },
    env: {
      APP_DB_URL: { type: 'url', required: true },
      LOG_LEVEL: { type: 'enum', values: ['debug', 'info'] },
    },
  });
  const input = (env: Record<string, string>, more: { envFile?: Record<string, string> } = {}) => ({
    spec,
    specFile: 'berth.yaml',
    baseDir: '.',
    env,
    ...(more.envFile ? { envFile: { file: '.env', values: more.envFile, lines: { APP_DB_URL: 1 } } } : {}),
  });

  it('counts a required variable that is set but invalid as invalid, not as unset', () => {
    const section = envSection(input({}, { envFile: { APP_DB_URL: 'notaurl' } }));
    expect(section.summary).toBe('0 of 1 required variable set and valid (1 invalid; no modules enabled; --module NAME adds one); 2 known');
    expect(section.findings.map((f) => f.message)).toEqual(['APP_DB_URL (set in .env) is not a URL (expected scheme://host..., such as http://localhost:5000)']);
    expect(envSection(input({ APP_DB_URL: 'postgres://db/app' })).summary).toBe('1 of 1 required variable set and valid (no modules enabled; --module NAME adds one); 2 known');
  });
});
