import { describe, expect, it } from 'vitest';
import { lineDrift, samePage } from './drift.js';

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
  it('names each added line by where it is in the page berth would write, not all by the one place they go in', () => {
    expect(lineDrift('# P\n\nold\n', '# P\n\nnew 1\nnew 2\nnew 3\n').sample).toEqual(['line 3: + new 1', 'line 4: + new 2', 'line 5: + new 3', 'line 3: - old']);
    // a hand-kept page with nothing in common but its first lines
    expect(lineDrift('# P\n\nx\n', '# P\n\na\nb\n').sample).toEqual(['line 3: + a', 'line 4: + b', 'line 3: - x']);
  });
  it('keeps the sample short', () => {
    const d = lineDrift('', Array.from({ length: 50 }, (_, i) => `l${i}`).join('\n'), 3);
    expect(d.sample).toHaveLength(3);
    expect(d.added).toBe(50);
  });
  it('aligns only the middle between the common first and last lines, and counts a middle too large to align', () => {
    const page = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `| ${20000 + i} | ${tag}${i % 7} |`).join('\n');
    // a drifted line in a 25,000-line page: the table is one cell, the line named where it is
    const big = page(25_000, 'r');
    const one = big.replace('| 32000 | r2 |', '| 32000 | moved |');
    expect(lineDrift(big, one)).toEqual({ added: 1, removed: 1, sample: ['line 12001: + | 32000 | moved |', 'line 12001: - | 32000 | r2 |'] });
    // two unrelated pages of 20,000 lines: counted (linear), not a 400-million-cell table
    const started = performance.now();
    const d = lineDrift(page(20_000, 'a'), page(20_000, 'b'));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect([d.added, d.removed, d.sample.length]).toEqual([20_000, 20_000, 8]);
    expect(d.sample[0]).toBe('line 1: - | 20000 | a0 |');
    const added = lineDrift(page(20_000, 'a'), page(20_000, 'b'), 40_000).sample.filter((s) => s.includes(': + '));
    expect(added.slice(0, 2)).toEqual(['line 1: + | 20000 | b0 |', 'line 2: + | 20001 | b1 |']);
  });
});

describe('samePage', () => {
  it("takes a checkout's CRLF line endings for the same page, and nothing else", () => {
    expect(samePage('# Ports\r\n\r\n| a |\r\n', '# Ports\n\n| a |\n')).toBe(true);
    expect(samePage('# Ports\n\n| a |\n', '# Ports\n\n| b |\n')).toBe(false);
    expect(lineDrift('x\r\ny\r\n', 'x\ny\n')).toEqual({ added: 0, removed: 0, sample: [] });
  });
});
