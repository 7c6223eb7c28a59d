import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fitLine, startProgress } from './progress.js';

/** A stderr that keeps what is written; a terminal or not. */
function stderr(isTTY: boolean) {
  const written: string[] = [];
  return { written, streams: { stdout: { write: () => true }, stderr: { isTTY, write: (s: string) => (written.push(s), true) } } as never };
}

describe('startProgress', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('not on a terminal, a wait that says nothing else prints its text once, after a second', () => {
    const { written, streams } = stderr(false);
    const p = startProgress(streams, { enabled: true, text: 'waiting for pid 7 ("berth up") to finish with the file' });
    vi.advanceTimersByTime(999);
    expect(written).toEqual([]);
    vi.advanceTimersByTime(5000);
    expect(written).toEqual(['waiting for pid 7 ("berth up") to finish with the file\n']);
    p.stop();
  });

  it('not on a terminal, a run that finished within the second, or printed lines of its own, adds nothing', () => {
    const quick = stderr(false);
    startProgress(quick.streams, { enabled: true, text: 'checking' }).stop();
    vi.advanceTimersByTime(2000);
    expect(quick.written).toEqual([]);

    const busy = stderr(false);
    const p = startProgress(busy.streams, { enabled: true, delayMs: 0, text: 'starting' });
    p.log('✓ db: healthy');
    vi.advanceTimersByTime(2000);
    p.update('waiting for web (health)');
    p.update('waiting for web (health)');
    p.stop();
    expect(busy.written).toEqual(['✓ db: healthy\n', 'waiting for web (health)\n']);
  });

  it('on a terminal, draws a spinner after the delay and clears it on stop', () => {
    const { written, streams } = stderr(true);
    const p = startProgress(streams, { enabled: true, text: 'building' });
    vi.advanceTimersByTime(999);
    expect(written).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(written.at(-1)?.startsWith('\r\u001b[2K')).toBe(true);
    expect(written.at(-1)?.endsWith(' building')).toBe(true);
    p.stop();
    expect(written.at(-1)).toBe('\r\u001b[2K');
  });

  it('on a terminal, a line wider than the terminal is cut to fit, so a redraw never leaves wrapped rows behind', () => {
    const written: string[] = [];
    const streams = { stdout: { write: () => true }, stderr: { isTTY: true, columns: 20, write: (s: string) => (written.push(s), true) } } as never;
    const p = startProgress(streams, { enabled: true, delayMs: 0, text: 'building api: step 3/7 RUN pip install -r requirements.txt' });
    vi.advanceTimersByTime(250);
    p.stop();
    const drawn = written.filter((w) => w.length > '\r\u001b[2K'.length).map((w) => w.slice('\r\u001b[2K'.length + 2));
    expect(drawn.length).toBeGreaterThan(1);
    for (const line of drawn) expect(line).toBe('building api: st…');
  });

  it('fitLine: cut with an ellipsis only when too wide, wide characters counting two columns, no cut without a width', () => {
    expect(fitLine('short', 20)).toBe('short');
    expect(fitLine('x'.repeat(17), 20)).toBe('x'.repeat(17));
    expect(fitLine('x'.repeat(18), 20)).toBe(`${'x'.repeat(16)}…`);
    expect(fitLine('構築中構築中構築中構築中', 20)).toBe('構築中構築中構築…');
    expect(fitLine('x'.repeat(300), undefined)).toBe('x'.repeat(300));
  });

  it('on a terminal where no escape sequence may be written (NO_COLOR, --no-color): the plain line, once, and no \\r or ESC', () => {
    const { written, streams } = stderr(true);
    const p = startProgress(streams, { enabled: true, text: 'building', escapes: false });
    vi.advanceTimersByTime(5000);
    p.update('building web');
    p.stop();
    expect(written).toEqual(['building\n', 'building web\n']);
  });

  it('prints nothing when disabled (--json with stderr not a terminal)', () => {
    const { written, streams } = stderr(false);
    const p = startProgress(streams, { enabled: false, text: 'waiting' });
    vi.advanceTimersByTime(5000);
    p.log('x');
    expect(written).toEqual([]);
  });
});
