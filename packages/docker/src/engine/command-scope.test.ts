import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { commandScope } from './command-scope.js';

describe('commandScope', () => {
  it('ends at its deadline, as a deadline', async () => {
    const scope = commandScope(undefined, 50);
    await sleep(120);
    expect(scope.signal.aborted).toBe(true);
    expect(scope.expired()).toBe(true);
  });

  it('stops its clock while held (a build): the time held is added to the deadline', async () => {
    const scope = commandScope(undefined, 150);
    const before = scope.deadline;
    await scope.hold(() => sleep(300));
    expect(scope.signal.aborted).toBe(false);
    expect(scope.deadline - before).toBeGreaterThanOrEqual(290);
    await sleep(250);
    expect(scope.expired()).toBe(true);
  });

  it('is ended by the caller\'s signal while held, and that is no deadline', async () => {
    const controller = new AbortController();
    const scope = commandScope(controller.signal, 10_000);
    const held = scope.hold(() => new Promise((_, reject) => scope.signal.addEventListener('abort', () => reject(new Error('ended')), { once: true })));
    controller.abort();
    await expect(held).rejects.toThrow('ended');
    expect(scope.signal.aborted).toBe(true);
    expect(scope.expired()).toBe(false);
  });
});
