import { describe, expect, it } from 'vitest';
import { parseSpec } from '../load/load.js';

const spec = (config: string) => parseSpec(`berth: 1\nrepo: { name: r }\ndevcontainer:\n  image: python:3.12\n  config: ${JSON.stringify(config)}\n`);

describe('devcontainer.config', () => {
  it('takes a devcontainer.json relative to the spec, wherever it is', () => {
    for (const ok of ['.devcontainer/devcontainer.json', '.devcontainer/gpu/devcontainer.json', '.devcontainer.json', '../../.devcontainer/devcontainer.json', 'tools/dc.json', './.devcontainer/devcontainer.json']) {
      expect([ok, spec(ok).problems.filter((p) => p.severity === 'error')]).toEqual([ok, []]);
    }
  });

  it('refuses what cannot be a devcontainer.json on every checkout: empty, a folder, an absolute path', () => {
    for (const bad of ['', '.', '.devcontainer', '.devcontainer/', '/', '/tmp/s1/tools/dc.json', 'C:\\\\work\\\\dc.json', '.json']) {
      const errors = spec(bad).problems.filter((p) => p.severity === 'error');
      expect([bad, errors.map((p) => p.message).join('\n')]).toEqual([bad, expect.stringContaining('must be a devcontainer.json relative to berth.yaml')]);
    }
  });
});
