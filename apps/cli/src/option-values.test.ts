import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { lineCount, milliseconds, millisecondsOrZero, seconds } from './option-values.js';

describe('the values of number-valued options', () => {
  it('seconds: more than 0, a fraction allowed', () => {
    expect(seconds('120')).toBe(120);
    expect(seconds('0.5')).toBe(0.5);
    expect(seconds(' 30 ')).toBe(30);
    for (const bad of ['0', '0.0', '-5', 'abc', '', ' ', '1e3', '0x10', 'Infinity', '5s', '1.']) expect(() => seconds(bad), bad).toThrow(InvalidArgumentError);
  });

  it('milliseconds: a whole number more than 0; with zero allowed, 0 too', () => {
    expect(milliseconds('10000')).toBe(10_000);
    for (const bad of ['0', '1.5', '-1', 'soon', '']) expect(() => milliseconds(bad), bad).toThrow(/positive number of milliseconds/);
    expect(millisecondsOrZero('0')).toBe(0);
    expect(millisecondsOrZero('3000')).toBe(3000);
    for (const bad of ['-1', '2.5', 'x', '']) expect(() => millisecondsOrZero(bad), bad).toThrow(/0 or more/);
  });

  it('lineCount: a whole number of lines, or all (no limit), as Compose takes --tail', () => {
    expect(lineCount('5')).toBe(5);
    expect(lineCount('0')).toBe(0);
    expect(lineCount('all')).toBeUndefined();
    expect(lineCount('ALL')).toBeUndefined();
    for (const bad of ['-5', '-1', 'abc', '2.5', '', '99999999999999999999']) expect(() => lineCount(bad), bad).toThrow(/whole number of lines/);
  });
});
