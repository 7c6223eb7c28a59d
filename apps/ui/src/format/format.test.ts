import { describe, expect, it } from 'vitest';
import { formatAgo, formatDuration, formatLatency, formatMiB, formatPorts, formatUptime, statusLook } from './format.js';

describe('statusLook', () => {
  it('gives every status a distinct word and mark, so colour is never the only cue', () => {
    const looks = Object.values(statusLook);
    expect(new Set(looks.map((l) => l.word)).size).toBe(looks.length);
    expect(new Set(looks.map((l) => l.mark)).size).toBe(looks.length);
    expect(statusLook.critical.word).toBe('down');
  });
});

describe('formatLatency', () => {
  it.each([
    [0.4, '<1 ms'],
    [3.6, '4 ms'],
    [999, '999 ms'],
    [1234, '1.2 s'],
    [12_345, '12 s'],
  ])('%s ms reads %s', (ms, text) => expect(formatLatency(ms)).toBe(text));
  it('shows a dash for no number', () => {
    expect(formatLatency(null)).toBe('—');
    expect(formatLatency(Number.NaN)).toBe('—');
  });
});

describe('formatUptime', () => {
  it('never rounds a failure up to 100%', () => {
    expect(formatUptime(0.99999)).toBe('99.99%');
    expect(formatUptime(0.9995)).toBe('99.95%');
    expect(formatUptime(1)).toBe('100%');
  });
  it('shows one decimal below 99.9% and clamps out-of-range fractions', () => {
    expect(formatUptime(0.5)).toBe('50.0%');
    expect(formatUptime(0.87654)).toBe('87.6%');
    expect(formatUptime(-0.2)).toBe('0.0%');
  });
  it('says there is no data rather than showing 0%', () => {
    expect(formatUptime(null)).toBe('no data');
  });
});

describe('formatAgo', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  it.each([
    ['2026-01-01T12:00:00Z', 'just now'],
    ['2026-01-01T11:59:48Z', '12 s ago'],
    ['2026-01-01T11:55:00Z', '5 min ago'],
    ['2026-01-01T09:00:00Z', '3 h ago'],
    ['2025-12-30T12:00:00Z', '2 d ago'],
  ])('%s is %s', (iso, text) => expect(formatAgo(iso, now)).toBe(text));
  it('says never for nothing or garbage, and does not go negative for clock skew', () => {
    expect(formatAgo(null, now)).toBe('never');
    expect(formatAgo('not a date', now)).toBe('never');
    expect(formatAgo('2026-01-01T12:00:30Z', now)).toBe('just now');
  });
});

describe('formatDuration, formatPorts, formatMiB', () => {
  it('formats container uptimes', () => {
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(90_000)).toBe('1 min');
    expect(formatDuration((3 * 60 + 20) * 60_000)).toBe('3 h 20 min');
    expect(formatDuration(2 * 3600_000)).toBe('2 h');
    expect(formatDuration(72 * 3600_000)).toBe('3 d');
    expect(formatDuration(undefined)).toBe('—');
  });
  it('formats port ranges and marks udp', () => {
    expect(formatPorts(5000, 5000, 'tcp')).toBe('5000');
    expect(formatPorts(8000, 8010, 'tcp')).toBe('8000-8010');
    expect(formatPorts(53, 53, 'udp')).toBe('53/udp');
  });
  it('formats GPU memory', () => {
    expect(formatMiB(512)).toBe('512 MiB');
    expect(formatMiB(81_920)).toBe('80.0 GiB');
    expect(formatMiB(undefined)).toBe('—');
  });
});
