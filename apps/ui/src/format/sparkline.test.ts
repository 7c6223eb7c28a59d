import { describe, expect, it } from 'vitest';
import { downsample, isFailed, sparkGeometry, type LatencySample } from './sparkline.js';

const sample = (t: number, latencyMs: number, ok = true): LatencySample => ({ t, latencyMs, ok });

describe('downsample', () => {
  it('keeps short series as they are, in time order', () => {
    const out = downsample([sample(3, 30), sample(1, 10), sample(2, 20)], 10);
    expect(out.map((s) => s.t)).toEqual([1, 2, 3]);
  });
  it('averages long series into at most the bucket count, and a bucket with a failure fails', () => {
    const many = Array.from({ length: 100 }, (_, i) => sample(i, i % 2 ? 20 : 10, i !== 42));
    const out = downsample(many, 10);
    expect(out).toHaveLength(10);
    expect(out.every((s) => s.latencyMs === 15)).toBe(true);
    expect(out.filter((s) => !s.ok)).toHaveLength(1);
    expect(out[4]!.ok).toBe(false);
    expect(out.at(-1)!.t).toBe(99);
  });
});

describe('sparkGeometry', () => {
  it('draws nothing for no samples', () => {
    expect(sparkGeometry([], 100, 20)).toEqual({ line: '', fails: [], max: 0 });
  });
  it('puts the slowest sample at the top edge and the first and last at the sides', () => {
    const g = sparkGeometry([sample(1, 0), sample(2, 50), sample(3, 100)], 104, 24, 2);
    expect(g.max).toBe(100);
    expect(g.line).toBe('M2 22 L52 12 L102 2');
  });
  it('marks where failed samples sit', () => {
    const g = sparkGeometry([sample(1, 10), sample(2, 10, false)], 104, 24, 2);
    expect(g.fails).toEqual([{ x: 102, y: 2 }]);
  });
  it('centres a single sample and keeps all-zero latencies on the baseline', () => {
    const g = sparkGeometry([sample(1, 0)], 100, 20, 2);
    expect(g.line).toBe('M50 18');
  });
});

describe('isFailed', () => {
  it('marks only critical runs as failures; unknown, starting and warning are not', () => {
    expect(isFailed('critical')).toBe(true);
    for (const s of ['passing', 'warning', 'starting', 'unknown']) expect(isFailed(s)).toBe(false);
  });
});
