import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devcontainerEnv, specDevcontainerEnv } from './container-env.js';

describe('devcontainerEnv: what a devcontainer sets over its image\'s environment', () => {
  it('takes containerEnv, then every spelling of --env in runArgs, in the order docker applies them', () => {
    expect(
      devcontainerEnv({
        containerEnv: { A: '1', NVIDIA_DISABLE_REQUIRE: 'true' },
        runArgs: ['--gpus', 'all', '-e', 'B=2', '--env', 'C=x=y', '--env=D=4', '-e=E=5', '-eF=6', '--env', 'FROM_HOST', '--env-file', '.env', '--name', 'dev', '--entrypoint', 'sh'],
      }),
    ).toEqual(['A=1', 'NVIDIA_DISABLE_REQUIRE=true', 'B=2', 'C=x=y', 'D=4', 'E=5', 'F=6']);
  });
  it('is empty for a devcontainer that sets nothing', () => {
    expect(devcontainerEnv({})).toEqual([]);
    expect(devcontainerEnv({ runArgs: ['-e'] })).toEqual([]);
  });
});

describe('specDevcontainerEnv', () => {
  it("reads the spec's devcontainer.json where the spec says it is, and gives nothing for one it cannot read", () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-dc-env-'));
    try {
      expect(specDevcontainerEnv(dir, undefined)).toBeUndefined();
      expect(specDevcontainerEnv(dir, {})).toBeUndefined(); // no devcontainer.json
      mkdirSync(join(dir, '.devcontainer/gpu'), { recursive: true });
      writeFileSync(join(dir, '.devcontainer/devcontainer.json'), '{ "image": "x", "containerEnv": { "X": "1" } }');
      writeFileSync(join(dir, '.devcontainer/gpu/devcontainer.json'), '{ "image": "x", /* jsonc */ "runArgs": ["-e", "Y=2"], }');
      expect(specDevcontainerEnv(dir, {})).toEqual(['X=1']);
      expect(specDevcontainerEnv(dir, { config: '.devcontainer/gpu/devcontainer.json' })).toEqual(['Y=2']);
      writeFileSync(join(dir, '.devcontainer/devcontainer.json'), '{ "image": ');
      expect(specDevcontainerEnv(dir, {})).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
