import { describe, expect, it } from 'vitest';
import { editLostEntries } from './registry-edit-file.js';

const entry = (i: number) => ({ port: 20000 + (i % 40000), repo: `big${i}`, service: 's', description: `filler ${i}` });
const entries = (n: number) => Array.from({ length: n }, (_, i) => entry(i));

describe('editLostEntries: the check that a registration only added entries', () => {
  it('passes an edit that kept every entry in its order and added the planned ones', () => {
    const before = entries(5);
    expect(editLostEntries(before, [...before, entry(99)], 1)).toBeUndefined();
    expect(editLostEntries(before, [before[0], entry(99), ...before.slice(1)], 1)).toBeUndefined();
  });

  it('catches an entry dropped, changed or moved, and a count of additions that is not the plan', () => {
    const before = entries(5);
    expect(editLostEntries(before, [...before.slice(1), entry(99)], 1)).toBe('5 + 1 expected, 5 found');
    expect(editLostEntries(before, [{ ...before[0]!, port: 1 }, ...before.slice(1), entry(99)], 1)).toBe('5 + 1 expected, 6 found');
    expect(editLostEntries(before, [before[1], before[0], ...before.slice(2), entry(99)], 1)).toBe('5 + 1 expected, 6 found');
    expect(editLostEntries(before, [...before, entry(98), entry(99)], 1)).toBe('5 + 1 expected, 7 found');
  });

  it('is linear: 100,000 entries checked in seconds at most (a scan per entry took minutes, under the registry lock)', () => {
    const before = entries(100_000);
    const after = [...before, entry(100_001)];
    const started = performance.now();
    expect(editLostEntries(before, after, 1)).toBeUndefined();
    expect(editLostEntries(before, [...before.slice(0, 50_000), ...before.slice(50_001), entry(100_001)], 1)).toBe('100000 + 1 expected, 100000 found');
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
