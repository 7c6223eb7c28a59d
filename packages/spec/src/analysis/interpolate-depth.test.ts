import { describe, expect, it } from 'vitest';
import { interpolate } from './interpolate.js';

// ${A:-${A:-...}} nested thousands deep (the CLI audit's finding 4): each level was a recursion, so a few kilobytes
// of text overflowed the stack (exit 70 from import compose); past 64 levels it is now invalid, at the $ too deep.
describe('interpolation', () => {
  it('defaults nested thousands deep are invalid, not a stack overflow', () => {
    const r = interpolate(`${'${A:-'.repeat(5000)}x${'}'.repeat(5000)}`, () => undefined);
    expect(r.tooDeep).toBe(true);
    expect(r.invalidAt).toBe(64 * 5);
  });
  it('64 levels are read', () => {
    const r = interpolate(`${'${A:-'.repeat(64)}x${'}'.repeat(64)}`, () => undefined);
    expect(r).toEqual({ value: 'x', unset: [], required: [] });
  });
});
