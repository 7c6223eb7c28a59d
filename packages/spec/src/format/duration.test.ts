import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [0.4, '<1 ms'],
    [3.6, '4 ms'],
    [999, '999 ms'],
    [1000, '1 s'],
    [1234, '1.2 s'],
    [1500, '1.5 s'],
    [9_960, '10 s'],
    [12_345, '12 s'],
    [59_999, '59 s'],
    [90_000, '1 min'],
    [(3 * 60 + 20) * 60_000, '3 h 20 min'],
    [2 * 3600_000, '2 h'],
    [72 * 3600_000, '3 d'],
  ])('%s ms reads %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
  it('says ? for what is not a duration', () => {
    expect(formatDuration(Number.NaN)).toBe('?');
    expect(formatDuration(-5)).toBe('?');
  });
});
