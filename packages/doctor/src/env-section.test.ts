import { describe, expect, it } from 'vitest';
import { BerthSpecSchema } from '@berth/spec';
import { envSection } from './env-section.js';

describe("doctor's Environment section", () => {
  const spec = BerthSpecSchema.parse({
    berth: 1,
    repo: { name: 'doctor-env' },
    profiles: { preview: {} },
    env: {
      APP_DB_URL: { type: 'url', required: true },
      PREVIEW_TOKEN: { secret: true, required: { profile: 'preview' } },
    },
  });
  const input = (env: Record<string, string>, more: { profiles?: string[]; envFile?: Record<string, string> } = {}) => ({
    spec,
    specFile: 'berth.yaml',
    baseDir: '.',
    env,
    ...(more.profiles ? { profiles: more.profiles } : {}),
    ...(more.envFile ? { envFile: { file: '.env', values: more.envFile, lines: { APP_DB_URL: 1 } } } : {}),
  });

  it('counts a required variable that is set but invalid as invalid, not as unset', () => {
    const section = envSection(input({}, { envFile: { APP_DB_URL: 'notaurl' } }));
    expect(section.summary).toBe('0 of 1 required variable set and valid (1 invalid; no modules enabled; --module NAME adds one); 2 known');
    expect(section.findings.map((f) => f.message)).toEqual(['APP_DB_URL (set in .env) is not a URL (expected scheme://host..., such as http://localhost:5000)']);
    expect(envSection(input({ APP_DB_URL: 'postgres://db/app' })).summary).toBe('1 of 1 required variable set and valid (no modules enabled; --module NAME adds one); 2 known');
  });

  it("requires a profile's variables while the profile is on: --profile, else COMPOSE_PROFILES, as up takes them", () => {
    const good = { APP_DB_URL: 'postgres://db/app' };
    const missing = 'PREVIEW_TOKEN is required by profile preview but not set';
    expect(envSection(input(good)).findings).toEqual([]);
    for (const on of [input(good, { profiles: ['preview'] }), input({ ...good, COMPOSE_PROFILES: 'preview' }), input({ ...good, COMPOSE_PROFILES: '*' })]) {
      const section = envSection(on);
      expect(section.status).toBe('critical');
      expect(section.findings.map((f) => f.message)).toEqual([missing]);
      expect(section.summary).toMatch(/^1 of 2 required variables set and valid \(no modules enabled; --module NAME adds one; profiles (preview|\*)\); 2 known$/);
    }
  });
});
