import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem, parseSpec } from '@berth/spec';
import { envPreflightProblems, type EnvPreflightInput } from './env-preflight.js';

describe('envPreflightProblems: the environment `up` needs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-env-preflight-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { value: spec, source } = parseSpec(
    [
      'berth: 1',
      'repo: { name: app }',
      'profiles: { preview: {} }',
      'services:',
      '  web: { image: web, ports: [{ host: 8080, env: WEB_PORT }] }',
      '  preview: { image: preview, profiles: [preview], ports: [{ host: 8090, env: PREVIEW_PORT }] }',
      'env:',
      '  PREVIEW_TOKEN: { secret: true, required: { profile: preview } }',
      '  WORKERS: { type: int }',
      '',
    ].join('\n'),
  );
  const check = (dotEnv: string, more: Partial<EnvPreflightInput> = {}) => {
    writeFileSync(join(dir, '.env'), dotEnv);
    return envPreflightProblems(spec!, { profiles: [], services: ['web'], env: {}, projectDir: dir, specFile: 'berth.yaml', ...(source ? { specSource: source } : {}), ...more }).map(formatProblem);
  };

  it('reads the .env as up does, interpolated: a port given as ${VAR:-default} is the port it resolves to', () => {
    expect(check('WEB_PORT=${WEB_PORT_OVERRIDE:-8080}\n')).toEqual([]);
    expect(check('WEB_PORT=${WEB_PORT_OVERRIDE:-8080}\n', { env: { WEB_PORT_OVERRIDE: '9090' } })).toEqual([
      '.env:1:1: WEB_PORT (set in .env) disagrees with the spec, which gives app/web port 8080 (set WEB_PORT=8080, or register the port you use)',
    ]);
  });

  it("judges only what the selection needs: another service's port variable, an optional variable and a profile that is off are not its concern", () => {
    expect(check('PREVIEW_PORT=1\nWORKERS=many\n')).toEqual([]);
    expect(check('PREVIEW_PORT=1\n', { profiles: ['preview'], services: ['web', 'preview'] })).toEqual([
      'berth.yaml:8:3: PREVIEW_TOKEN is required by profile preview but not set (set it in the environment or in .env)',
      '.env:1:1: PREVIEW_PORT (set in .env) disagrees with the spec, which gives app/preview port 8090 (set PREVIEW_PORT=8090, or register the port you use)',
    ]);
  });
});
