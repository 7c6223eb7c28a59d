import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { downsample, latencyStats, percentile, uptimeRatio, type Point } from './stats.js';

describe('percentile (nearest rank)', () => {
  it('picks ranks as defined', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(v, 50)).toBe(5);
    expect(percentile(v, 95)).toBe(10);
    expect(percentile(v, 10)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
  it('is always one of the values and monotone in p', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1 }), (values) => {
        const s = latencyStats(values)!;
        expect(s.samples).toBe(values.length);
        expect(s.p50).toBeLessThanOrEqual(s.p95);
        expect(s.p95).toBeLessThanOrEqual(s.p99);
      }),
    );
  });
});

describe('uptime', () => {
  it('counts warning as up and ignores no data', () => {
    expect(uptimeRatio(3, 1)).toBe(0.75);
    expect(uptimeRatio(0, 0)).toBeNull();
  });
});

describe('downsample', () => {
  it('keeps at most max points, the worst status of each bucket (in @berth/health\'s order), and the time order', () => {
    const points: Point[] = Array.from({ length: 1000 }, (_, i) => ({ t: i * 1000, status: i === 517 ? 'critical' : 'passing', latencyMs: i % 10, checkId: 'a' }));
    const out = downsample(points, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out.filter((p) => p.status === 'critical')).toHaveLength(1);
    expect(out.map((p) => p.t)).toEqual([...out.map((p) => p.t)].sort((a, b) => a - b));
    expect(downsample(points.slice(0, 5), 100)).toHaveLength(5);
  });
});
