import { describe, expect, it } from 'vitest';
import { CallQueue, QueueFullError } from './call-queue.js';

/** A task that runs until released, recording when it starts and ends. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  return {
    release,
    task: async () => {
      log.push(`start ${name}`);
      await released;
      log.push(`end ${name}`);
      return name;
    },
  };
}

const never = new AbortController().signal;

describe('CallQueue', () => {
  it('runs one call at a time, in the order they came', async () => {
    const q = new CallQueue();
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => gate(log, n));
    const results = [q.run('a', never, a!.task), q.run('b', never, b!.task), q.run('c', never, c!.task)];
    await Promise.resolve();
    expect(q.state).toEqual({ running: 'a', waiting: 2 });
    c!.release();
    b!.release();
    a!.release();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(q.state).toEqual({ waiting: 0 });
  });

  it('a failing call passes the turn on', async () => {
    const q = new CallQueue();
    const first = q.run('a', never, async () => {
      throw new Error('boom');
    });
    const second = q.run('b', never, async () => 'b');
    await expect(first).rejects.toThrow('boom');
    expect(await second).toBe('b');
  });

  it('a waiting call whose client cancels it leaves the line and never runs', async () => {
    const q = new CallQueue();
    const log: string[] = [];
    const a = gate(log, 'a');
    const cancel = new AbortController();
    const running = q.run('a', never, a.task);
    const waiting = q.run('b', cancel.signal, async () => log.push('b ran'));
    cancel.abort();
    await expect(waiting).rejects.toThrow();
    expect(q.state).toEqual({ running: 'a', waiting: 0 });
    a.release();
    await running;
    expect(log).toEqual(['start a', 'end a']);
  });

  it('past the limit a call is refused at once, saying what runs and for how long', async () => {
    let now = 1_000;
    const q = new CallQueue(1, () => now);
    const log: string[] = [];
    const a = gate(log, 'a');
    const running = q.run('health', never, a.task);
    const waiting = q.run('status', never, async () => 'status');
    now += 12_000;
    const refused = q.run('doctor', never, async () => 'doctor');
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toThrow('berth is busy: health has run for 12 s and 1 call waits; try doctor again when they are done');
    a.release();
    expect([await running, await waiting]).toEqual(['a', 'status']);
  });
});
