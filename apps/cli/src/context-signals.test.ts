import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileLocked } from '@berth/spec';
import { CliContext } from './context.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-context-signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A context whose catchSignals records when signals are caught and given back. */
function context(controller = new AbortController()) {
  const events: string[] = [];
  const run = {
    cwd: dir,
    env: {},
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    signal: controller.signal,
    catchSignals: () => {
      events.push('caught');
      let released = false;
      // as start.ts's: giving them back twice is once
      return () => {
        if (!released) events.push('released');
        released = true;
      };
    },
  };
  return { ctx: new CliContext(run as never, {}), events, controller };
}

describe('a write under a berth lock and the signals', () => {
  it('catches SIGINT/SIGTERM only while waiting for the lock: once it is held they end the command at once, whatever it computes', async () => {
    const { ctx, events } = context();
    await ctx.waitingForLock(async (lock) => {
      await writeFileLocked(join(dir, 'a.txt'), 'x', {
        ...lock,
        onLocked: () => {
          lock.onLocked();
          events.push('writing');
        },
      });
    });
    expect(events).toEqual(['caught', 'released', 'writing']);
  });

  it('a signal that came while waiting ends the run once the lock is held, and nothing is written', async () => {
    const { ctx, controller } = context();
    controller.abort();
    const target = join(dir, 'b.txt');
    await expect(ctx.waitingForLock((lock) => writeFileLocked(target, 'x', { ...lock, signal: new AbortController().signal }))).rejects.toMatchObject({ name: 'AbortError' });
    expect(() => rmSync(target)).toThrow();
  });
});
