import { describe, expect, it } from 'vitest';
import type { CheckResult } from '@berth/api/contract';
import { checkSummary } from './check-summary.js';

const c = (status: CheckResult['status'], label = 'tcp :5432'): CheckResult => ({
  id: `${label}-${status}`,
  subject: { kind: 'service', id: 'marquez' },
  type: 'tcp',
  label,
  status,
  reason: '',
  latencyMs: 1,
  checkedAt: '2026-01-01T00:00:00Z',
  attempts: 1,
});

describe('checkSummary', () => {
  it('names the checks the service status comes from, and how many pass', () => {
    expect(checkSummary({ status: 'critical', checks: [c('passing', 'http :5000/api'), c('critical', 'http :5002/admin'), c('passing')] })).toBe(
      '1 of 3 checks down: http :5002/admin (2 passing)',
    );
  });
  it('names every check of the worst status by its label and leaves out "0 passing"', () => {
    expect(checkSummary({ status: 'warning', checks: [c('warning'), c('warning', 'slow one')] })).toBe('2 of 2 checks warning: tcp :5432, slow one');
  });
  it('says all pass when they do', () => {
    expect(checkSummary({ status: 'passing', checks: [c('passing'), c('passing')] })).toBe('all 2 checks passing');
  });
});
