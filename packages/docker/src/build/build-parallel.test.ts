import { describe, expect, it } from 'vitest';
import { BerthError } from '@berth/spec';
import { buildParallelFromEnv, DEFAULT_BUILD_PARALLEL, parseBuildParallel } from './build-parallel.js';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { code: (err as BerthError).code, message: (err as Error).message };
  }
  return undefined;
};

describe('--parallel and COMPOSE_PARALLEL_LIMIT', () => {
  it('take a whole number of builds from 1 up, or -1 for no limit', () => {
    expect(parseBuildParallel('1')).toBe(1);
    expect(parseBuildParallel('8')).toBe(8);
    expect(parseBuildParallel(' 3 ')).toBe(3);
    expect(parseBuildParallel('-1')).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuse anything else in one line naming the flag and the value (ERR_BERTH_USAGE: exit 2)', () => {
    expect(refusal(() => parseBuildParallel('0'))).toEqual({ code: 'ERR_BERTH_USAGE', message: '--parallel 0: not a number of builds at once (give 1 or more, or -1 for no limit)' });
    for (const bad of ['-2', '1.5', 'two', '', '1e3', '0x2', '99999999999999999999']) {
      expect(refusal(() => parseBuildParallel(bad))?.code, bad).toBe('ERR_BERTH_USAGE');
    }
    expect(refusal(() => parseBuildParallel(''))?.message).toMatch(/^--parallel "": not a number/);
  });

  it('without --parallel, COMPOSE_PARALLEL_LIMIT sets the cap as Compose reads it, checked the same way', () => {
    expect(buildParallelFromEnv({})).toBe(DEFAULT_BUILD_PARALLEL);
    expect(buildParallelFromEnv({ COMPOSE_PARALLEL_LIMIT: '' })).toBe(DEFAULT_BUILD_PARALLEL);
    expect(buildParallelFromEnv({ COMPOSE_PARALLEL_LIMIT: '1' })).toBe(1);
    expect(buildParallelFromEnv({ COMPOSE_PARALLEL_LIMIT: '-1' })).toBe(Number.POSITIVE_INFINITY);
    expect(refusal(() => buildParallelFromEnv({ COMPOSE_PARALLEL_LIMIT: 'lots' }))?.message).toBe('COMPOSE_PARALLEL_LIMIT=lots: not a number of builds at once (give 1 or more, or -1 for no limit)');
  });
});
