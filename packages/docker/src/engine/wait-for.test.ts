import { describe, expect, it } from 'vitest';
import { logsSince } from './wait-for.js';

describe('logsSince: the lines of the run that failed, not the runs before it', () => {
  it('reads from a second before the run started (a process prints before the engine stamps StartedAt)', () => {
    expect(logsSince('2026-12-07T10:00:05.250Z')).toBe('1796637604.250');
  });

  it('never reaches back into the run before, however close it ended (an up run twice in a row)', () => {
    const since = logsSince('2026-12-07T10:00:05.250Z', '2026-12-07T10:00:04.900123456Z');
    expect(since).toBe('1796637604.901');
    expect(Number(since)).toBeGreaterThan(Date.parse('2026-12-07T10:00:04.900Z') / 1000);
  });

  it('keeps the second of slack when the run before ended long ago', () => {
    expect(logsSince('2026-12-07T10:00:05.250Z', '2026-12-07T09:00:00Z')).toBe('1796637604.250');
  });

  it("ignores a container's zero FinishedAt and StartedAt (never ran) and text that is no time", () => {
    expect(logsSince('2026-12-07T10:00:05.250Z', '0001-01-01T00:00:00Z')).toBe('1796637604.250');
    expect(logsSince('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(logsSince(undefined, 'soon')).toBeUndefined();
  });
});
