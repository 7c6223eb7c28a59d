import { describe, expect, it } from 'vitest';
import { BerthSpecSchema } from '@berth/spec';
import { Runtime } from './runtime.js';
import type { EngineSource } from './sources/engine.js';
import type { Monitor } from './sources/health.js';
import { HistoryStore } from './store/history-store.js';
import { openSqlite } from './store/sql-driver.js';

describe('Runtime.start', () => {
  it('starts the checks once the engine has answered once, so a started profile service is judged with its container known', async () => {
    const order: string[] = [];
    let answer!: () => void;
    const engine = { start: () => (order.push('engine asked'), new Promise<void>((r) => (answer = r))), stop: async () => undefined } as unknown as EngineSource;
    const monitor: Monitor = { size: 0, start: () => void order.push('checks started'), stop: async () => undefined, latest: () => [], onResult: () => undefined };
    const store = await HistoryStore.open(await openSqlite(':memory:'));
    const runtime = new Runtime({ spec: BerthSpecSchema.parse({ berth: 1, repo: { name: 'shop' }, services: {} }), specFile: 'berth.yaml', env: {}, store, monitor, engine, redact: (t) => t });
    runtime.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual(['engine asked']);
    answer();
    await new Promise((r) => setTimeout(r, 0));
    expect(order).toEqual(['engine asked', 'checks started']);
    await runtime.stop();
  });

  it('never starts the checks of a runtime stopped before the engine answered; without an engine they start at once', async () => {
    const started: string[] = [];
    let answer!: () => void;
    const engine = { start: () => new Promise<void>((r) => (answer = r)), stop: async () => undefined } as unknown as EngineSource;
    const monitorNamed = (name: string): Monitor => ({ size: 0, start: () => void started.push(name), stop: async () => undefined, latest: () => [], onResult: () => undefined });
    const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'shop' }, services: {} });
    const stopped = new Runtime({ spec, specFile: 'berth.yaml', env: {}, store: await HistoryStore.open(await openSqlite(':memory:')), monitor: monitorNamed('stopped'), engine, redact: (t) => t });
    stopped.start();
    await stopped.stop();
    answer();
    const noEngine = new Runtime({ spec, specFile: 'berth.yaml', env: {}, store: await HistoryStore.open(await openSqlite(':memory:')), monitor: monitorNamed('no engine'), redact: (t) => t });
    noEngine.start();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['no engine']);
    await noEngine.stop();
  });
});
