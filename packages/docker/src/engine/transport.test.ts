import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { HttpEngineApi } from './api-client.js';
import { EngineStalledError, isOutOfReach } from './engine-errors.js';
import { connectEngine, engineTrace } from './connect.js';
import { EngineTransport, type TracedCall } from './transport.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-transport-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A loopback "engine" on a unix socket: `answer` decides per request (null: never answer, like a frozen dockerd). */
async function fakeEngine(answer: (req: http.IncomingMessage) => { delayMs?: number; body?: unknown } | null) {
  const socketPath = path.join(dir, `e${Math.random().toString(36).slice(2)}.sock`);
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const a = answer(req);
    if (!a) return; // frozen: the request is read and never answered
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(a.body ?? {}));
    }, a.delayMs ?? 0);
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(socketPath, r));
  return {
    socketPath,
    /** Connections the client still holds open. */
    open: () => sockets.size,
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

const quick = { callMs: 10_000, suspectMs: 300, pingMs: 300 };

describe('EngineTransport', () => {
  it('fails every call of an engine that stops answering, within suspect + ping, naming the endpoint and the call', async () => {
    const engine = await fakeEngine(() => null);
    const transport = new EngineTransport({ socketPath: engine.socketPath }, 'unix:///frozen.sock', quick);
    const api = new HttpEngineApi(transport);
    const silences: unknown[] = [];
    transport.onSilence((s) => silences.push(s));
    const started = Date.now();
    try {
      const err = await api.getContainer('abc').inspect().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(EngineStalledError);
      expect((err as EngineStalledError).code).toBe('ERR_BERTH_ENGINE_STALLED');
      expect((err as Error).message).toMatch(/^the engine at unix:\/\/\/frozen\.sock stopped answering \(no answer to GET \/containers\/abc\/json for \d+\.\d s\)$/);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(silences[0]).toMatchObject({ endpoint: 'unix:///frozen.sock', waitingFor: 'GET /containers/abc/json' });
      // Later calls fail at once: nothing waits on an engine known to be stalled.
      const again = Date.now();
      await expect(api.listContainers()).rejects.toBeInstanceOf(EngineStalledError);
      expect(Date.now() - again).toBeLessThan(100);
    } finally {
      transport.close();
      await engine.close();
    }
  });

  it('leaves a slow call of a live engine to its own bound: the ping answers', async () => {
    const engine = await fakeEngine((req) => (req.url === '/_ping' ? { body: 'OK' } : { delayMs: 1500, body: { Id: 'abc' } }));
    const transport = new EngineTransport({ socketPath: engine.socketPath }, 'unix:///slow.sock', quick);
    try {
      const info = await new HttpEngineApi(transport).getContainer('abc').inspect();
      expect(info).toEqual({ Id: 'abc' });
    } finally {
      transport.close();
      await engine.close();
    }
  });

  it('hangs up a ping when its signal aborts or the transport closes: no connection is left to keep a process alive', async () => {
    const engine = await fakeEngine(() => null);
    const transport = new EngineTransport({ socketPath: engine.socketPath }, 'unix:///frozen.sock', quick);
    try {
      const stop = new AbortController();
      const aborted = transport.ping(60_000, stop.signal);
      await vi.waitFor(() => expect(engine.open()).toBe(1));
      stop.abort();
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
      await vi.waitFor(() => expect(engine.open()).toBe(0));

      const unanswered = transport.ping(60_000).catch((e: unknown) => e);
      await vi.waitFor(() => expect(engine.open()).toBe(1));
      transport.close();
      await vi.waitFor(() => expect(engine.open()).toBe(0));
      expect(await unanswered).toBeInstanceOf(Error);
    } finally {
      transport.close();
      await engine.close();
    }
  });

  it('connects abortably: an abort while the engine has not answered its first ping ends the attempt and its connection at once', async () => {
    const engine = await fakeEngine(() => null);
    const stop = new AbortController();
    try {
      const connecting = connectEngine({ env: { DOCKER_HOST: `unix://${engine.socketPath}` }, timeoutMs: 60_000, signal: stop.signal }).catch((e: unknown) => e);
      await vi.waitFor(() => expect(engine.open()).toBe(1));
      stop.abort();
      expect(await connecting).toMatchObject({ name: 'AbortError' });
      // before, the ping's own connection stayed open for the rest of its bound, and with it the process
      await vi.waitFor(() => expect(engine.open()).toBe(0));
    } finally {
      await engine.close();
    }
  });

  it('bounds a call even when the engine answers pings (a deadlocked call)', async () => {
    const engine = await fakeEngine((req) => (req.url === '/_ping' ? { body: 'OK' } : null));
    const transport = new EngineTransport({ socketPath: engine.socketPath }, 'unix:///stuck.sock', { callMs: 800, suspectMs: 200, pingMs: 200 });
    try {
      await expect(new HttpEngineApi(transport).info()).rejects.toThrow(/stopped answering \(no answer to GET \/info for 0\.\d s\)/);
    } finally {
      transport.close();
      await engine.close();
    }
  });

  it('ends a call at once when its signal aborts, and refuses calls on an aborted signal', async () => {
    const engine = await fakeEngine(() => null);
    const transport = new EngineTransport({ socketPath: engine.socketPath }, 'unix:///frozen.sock', { ...quick, suspectMs: 60_000 });
    const controller = new AbortController();
    const api = new HttpEngineApi(transport).withSignal(controller.signal);
    try {
      const pending = api.listContainers();
      setTimeout(() => controller.abort(), 50);
      const started = Date.now();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      expect(Date.now() - started).toBeLessThan(500);
      await expect(api.info()).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      transport.close();
      await engine.close();
    }
  });

  it('at a deadline, blames a silent engine rather than the work', async () => {
    const engine = await fakeEngine(() => null);
    const transport = new EngineTransport({ socketPath: engine.socketPath }, 'unix:///frozen.sock', { callMs: 10_000, suspectMs: 300, pingMs: 5_000 });
    try {
      const err = await new HttpEngineApi(transport).withSignal(AbortSignal.timeout(700)).info().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(EngineStalledError);
    } finally {
      transport.close();
      await engine.close();
    }
  });

  it('tells its trace of every call once it settles: what, the status or the failure, when it began and how long it took', async () => {
    const engine = await fakeEngine((req) => (req.url === '/info' ? { delayMs: 50, body: {} } : null));
    const calls: TracedCall[] = [];
    const transport = new EngineTransport({ socketPath: engine.socketPath }, 'unix:///traced.sock', quick, (c) => calls.push(c));
    try {
      const api = new HttpEngineApi(transport);
      await api.info();
      await api.withSignal(AbortSignal.timeout(100)).version().catch(() => undefined);
      expect(calls.map((c) => [c.what, c.status, c.error === undefined])).toEqual([
        ['GET /info', 200, true],
        ['GET /version', undefined, false],
      ]);
      expect(calls[0]!.ms).toBeGreaterThanOrEqual(40);
      expect(calls[1]!.startedMs).toBeGreaterThan(calls[0]!.startedMs);
    } finally {
      transport.close();
      await engine.close();
    }
    expect(engineTrace({})).toBeUndefined();
    expect(engineTrace({ BERTH_DEBUG: '1' })).toBeUndefined();
    expect(engineTrace({ BERTH_DEBUG: 'engine' })).toBeTypeOf('function');
    expect(engineTrace({ BERTH_DEBUG: 'stack, engine' })).toBeTypeOf('function');
  });

  it('names no TLS server on a socket without TLS: node\'s agent then never asks whether the host is an IP address (its IPv6 pattern costs ~10 ms to compile)', async () => {
    const engine = await fakeEngine(() => ({ body: { Id: 'abc' } }));
    const transport = new EngineTransport({ socketPath: engine.socketPath }, 'unix:///quick.sock', quick);
    const isIP = vi.spyOn(net, 'isIP');
    try {
      const api = new HttpEngineApi(transport);
      await api.ping();
      await api.getContainer('abc').inspect();
      expect(isIP).not.toHaveBeenCalled();
    } finally {
      isIP.mockRestore();
      transport.close();
      await engine.close();
    }
  });

  it('says the engine went away when it hangs up a call (dockerd killed mid-call): exit 3, one line, not the socket error', async () => {
    // Reads each request, then drops the connection without an answer, as a killed dockerd does.
    const socketPath = path.join(dir, `hangup${Math.random().toString(36).slice(2)}.sock`);
    const server = net.createServer((s) => s.once('data', () => s.destroy()));
    await new Promise<void>((r) => server.listen(socketPath, r));
    const transport = new EngineTransport({ socketPath }, 'unix:///hangup.sock', quick);
    try {
      const err = await new HttpEngineApi(transport).getContainer('abc').start().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(EngineStalledError);
      expect(isOutOfReach(err)).toBe(true);
      expect((err as Error).message).toBe('the engine at unix:///hangup.sock went away (connection reset during POST /containers/abc/start)');
    } finally {
      transport.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('says the engine went away once its socket stops listening, and fails every later call the same way at once', async () => {
    const engine = await fakeEngine(() => ({ body: [] }));
    const transport = new EngineTransport({ socketPath: engine.socketPath }, 'unix:///gone.sock', quick);
    const api = new HttpEngineApi(transport);
    try {
      await api.listContainers();
      await engine.close(); // the server stops listening and its socket file goes with it
      transport.close(); // no kept-alive connection left: the next call dials again
      const err = await api.listContainers().then(() => undefined, (e: unknown) => e);
      expect(isOutOfReach(err)).toBe(true);
      expect((err as Error).message).toMatch(/^the engine at unix:\/\/\/gone\.sock went away \((its socket is gone|connection refused) during GET \/containers\/json\)$/);
      const again = Date.now();
      await expect(api.getContainer('abc').inspect()).rejects.toBe(err);
      expect(Date.now() - again).toBeLessThan(100);
    } finally {
      transport.close();
    }
  });
});
