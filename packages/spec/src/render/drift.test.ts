import { describe, expect, it } from 'vitest';
import { lineDrift } from './drift.js';

describe('lineDrift', () => {
  it('counts nothing for equal texts', () => {
    expect(lineDrift('a\nb\n', 'a\nb\n')).toEqual({ added: 0, removed: 0, sample: [] });
  });
  it('names changed lines with their line numbers', () => {
    const d = lineDrift('a\nb\nc', 'a\nB\nc\nd');
    expect(d.added).toBe(2);
    expect(d.removed).toBe(1);
    expect(d.sample).toEqual(['line 2: + B', 'line 2: - b', 'line 4: + d']);
  });
  it('keeps the sample short', () => {
    const d = lineDrift('', Array.from({ length: 50 }, (_, i) => `l${i}`).join('\n'), 3);
    expect(d.sample).toHaveLength(3);
    expect(d.added).toBe(50);
  });
});
