import { describe, expect, it } from 'vitest';
import { HealthStatus, STATUS_ORDER, worstStatus } from './result.js';

describe('worstStatus: the one order of health statuses', () => {
  it('ranks passing < starting < unknown < warning < critical, every status once', () => {
    expect(STATUS_ORDER).toEqual(['passing', 'starting', 'unknown', 'warning', 'critical']);
    expect([...STATUS_ORDER].sort()).toEqual([...HealthStatus.options].sort());
    // Every pair, both ways round: the worse one wins.
    STATUS_ORDER.forEach((better, i) => {
      for (const worse of STATUS_ORDER.slice(i)) {
        expect(worstStatus([better, worse])).toBe(worse);
        expect(worstStatus([worse, better])).toBe(worse);
      }
    });
  });
  it('takes statuses or things that have one, and says ifNone for nothing (passing unless told)', () => {
    expect(worstStatus([{ status: 'starting' }, { status: 'unknown' }, { status: 'passing' }])).toBe('unknown');
    expect(worstStatus([])).toBe('passing');
    expect(worstStatus([], 'unknown')).toBe('unknown');
    expect(worstStatus(new Set(['warning', 'starting'] as const), 'unknown')).toBe('warning');
  });
});
