import { describe, expect, it } from 'vitest';
import { parseSpec } from '../load/load.js';

const spec = (gpu: string) => parseSpec(`berth: 1\nrepo: { name: r }\ndevcontainer:\n  image: python:3.12\n  gpu: ${gpu}\n`);
const errors = (gpu: string) => spec(gpu).problems.filter((p) => p.severity === 'error').map((p) => p.message);

describe('devcontainer.gpu', () => {
  it('takes a count, or devices by index or UUID, and false for no GPU', () => {
    expect(spec('{ count: 2 }').value?.devcontainer?.gpu).toEqual({ vendor: 'nvidia', count: 2 });
    expect(spec('{ devices: ["0", "1"] }').value?.devcontainer?.gpu).toEqual({ vendor: 'nvidia', devices: ['0', '1'] });
    expect(spec('{ devices: [GPU-5a3c0d7e-1b2f-4c3d-8e9f-0a1b2c3d4e5f, MIG-GPU-5a3c0d7e/1/0] }').problems).toEqual([]);
    expect(spec('false').value?.devcontainer?.gpu).toBe(false);
  });

  it('refuses a count that is not a whole number from 1, an empty or malformed device list, and both at once', () => {
    expect(errors('{ count: 0 }')).toEqual([expect.stringMatching(/^devcontainer\.gpu\.count: /)]);
    expect(errors('{ count: 1.5 }')).toEqual([expect.stringMatching(/^devcontainer\.gpu\.count: /)]);
    expect(errors('{ devices: [] }')).toEqual([expect.stringMatching(/^devcontainer\.gpu\.devices: /)]);
    expect(errors('{ devices: ["0,1"] }')).toEqual([expect.stringContaining('must be a GPU index such as "0" or a UUID')]);
    expect(errors('{ devices: [0] }')).toEqual(['devcontainer.gpu.devices[0]: expected a string, got 0']);
    expect(errors('{ count: 2, devices: ["0"] }')).toEqual(['devcontainer.gpu.devices: count and devices cannot both be set: docker gives a container either a number of GPUs or the GPUs named']);
  });

  it('refuses optional with a count or devices: only runArgs says them, and runArgs makes the GPU required', () => {
    const why = 'devcontainer.gpu.optional: optional cannot go with count or devices: they are said with `--gpus` in runArgs, which fails without a GPU';
    expect(errors('{ optional: true, count: 2 }')).toEqual([why]);
    expect(errors('{ optional: true, devices: ["1"] }')).toEqual([why]);
    expect(errors('true')).toEqual(['devcontainer.gpu: expected a map, got true']);
  });
});
