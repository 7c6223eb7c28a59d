import { describe, expect, it } from 'vitest';
import { labelValue, renderMetrics } from './metrics.js';

describe('renderMetrics', () => {
  it('writes the text exposition format: HELP/TYPE, one-hot status, up, latency in seconds', () => {
    const text = renderMetrics(
      [{ id: 'web/"http"', subject: { kind: 'service', id: 'web' }, type: 'http', label: 'http :8080/health', status: 'warning', reason: 'slow', latencyMs: 250, checkedAt: '2026-11-26T00:00:00.000Z', attempts: 1 }],
      'warning',
      { sseClients: 2, checks: 1, uptime: new Map([['web', { uptime24h: 0.5, uptime7d: null }]]) },
    );
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('berth_check_status{check="web/\\"http\\"",subject="web",kind="service",type="http",status="warning"} 1');
    expect(text).toContain('status="passing"} 0');
    expect(text).toContain('berth_check_up{check="web/\\"http\\"",subject="web",kind="service",type="http"} 1');
    expect(text).toContain('berth_check_latency_seconds{check="web/\\"http\\"",subject="web",kind="service",type="http"} 0.25');
    expect(text).toContain('berth_health_status{status="warning"} 1');
    expect(text).toContain('berth_sse_clients 2');
    expect(text).toContain('berth_subject_uptime_ratio{subject="web",window="24h"} 0.5');
    expect(text).not.toContain('window="7d"');
    // every sample line is NAME{labels} VALUE or NAME VALUE
    for (const line of text.trim().split('\n').filter((l) => !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{.*\})? -?[\d.e+-]+$/);
  });
  it('escapes label values', () => {
    expect(labelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });
});
