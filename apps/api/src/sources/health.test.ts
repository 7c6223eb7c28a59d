import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../contract.js';
import { IntervalMonitor, type TargetLike } from './health.js';

const target = (id: string, interval: number): TargetLike => ({ id, subject: { kind: 'service', id }, check: { type: 'tcp', interval } });

describe('IntervalMonitor (the fallback scheduler)', () => {
  it('runs each check at once and then on its own interval, never overlapping itself, and stop waits for runs in flight', async () => {
    const runs: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let settled = 0;
    const run = async (t: TargetLike): Promise<CheckResult> => {
      runs.push(t.id);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, t.id === 'slow' ? 120 : 5));
      inFlight--;
      settled++;
      return { id: t.id, subject: t.subject, type: 'tcp', status: t.id === 'slow' ? 'critical' : 'passing', reason: 'r', latencyMs: 1, checkedAt: new Date().toISOString(), attempts: 1 };
    };
    const m = new IntervalMonitor([target('fast', 20), target('slow', 20)], run);
    const seen: CheckResult[] = [];
    m.onResult((r) => seen.push(r));
    m.start();
    await new Promise((r) => setTimeout(r, 300));
    await m.stop();
    const afterStop = runs.length;
    expect(settled).toBe(afterStop); // nothing left running
    await new Promise((r) => setTimeout(r, 60));
    expect(runs.length).toBe(afterStop); // nothing scheduled after stop
    const fast = runs.filter((id) => id === 'fast').length;
    const slow = runs.filter((id) => id === 'slow').length;
    expect(fast).toBeGreaterThan(slow); // each on its own pace: the slow one never overlaps itself
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(m.latest().map((r) => r.id).sort()).toEqual(['fast', 'slow']);
    expect(seen.length).toBeGreaterThanOrEqual(fast + slow - 2);
  });

  it('turns a check that throws into an unknown result with the reason', async () => {
    const m = new IntervalMonitor([target('boom', 1000)], async () => {
      throw new Error('no such kind\nstack');
    });
    const got = new Promise<CheckResult>((resolve) => m.onResult(resolve));
    m.start();
    const r = await got;
    await m.stop();
    expect(r).toMatchObject({ id: 'boom', status: 'unknown', reason: 'the check failed to run: no such kind' });
  });
});
