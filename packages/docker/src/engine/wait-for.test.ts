import { describe, expect, it } from 'vitest';
import { logsSince } from './wait-for.js';

describe('logsSince: the lines of the run that failed, not the runs before it', () => {
  it('reads from a second before the run started (a process prints before the engine stamps StartedAt)', () => {
    expect(logsSince('2026-12-07T10:00:05.250Z')).toBe('1796637604.250000000');
  });

  it("never reaches back to the earlier runs' last line, however close it is, to the nanosecond", () => {
    expect(logsSince('2026-12-07T10:00:05.250000000Z', '2026-12-07T10:00:04.900123456Z')).toBe('1796637604.900123457');
    // even a line the engine logged after this run's StartedAt (a busy engine's log copier)
    expect(logsSince('2026-12-07T10:00:05.250Z', '2026-12-07T10:00:05.260000001Z')).toBe('1796637605.260000002');
  });

  it('keeps the second of slack when the earlier runs ended long ago, and reads any offset', () => {
    expect(logsSince('2026-12-07T10:00:05.250Z', '2026-12-07T09:00:00Z')).toBe('1796637604.250000000');
    expect(logsSince('2026-12-07T11:00:05.25+01:00')).toBe('1796637604.250000000');
  });

  it("ignores a container's zero StartedAt (never ran) and text that is no time", () => {
    expect(logsSince('2026-12-07T10:00:05.250Z', '0001-01-01T00:00:00Z')).toBe('1796637604.250000000');
    expect(logsSince('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(logsSince(undefined, 'soon')).toBeUndefined();
  });
});
