import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { planBuilds, runBuilds } from '../build/build-images.js';
import { buildTargets } from '../build/build-targets.js';
import { HttpEngineApi } from './api-client.js';
import { EngineApiError, EngineStalledError } from './engine-errors.js';
import { EngineTransport } from './transport.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-build-upload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A loopback "engine" on a unix socket whose handler is the test's: what `POST /build` and `GET /_ping` see. */
async function fakeEngine(handler: http.RequestListener) {
  const socketPath = path.join(dir, `e${Math.random().toString(36).slice(2)}.sock`);
  const sockets = new Set<Socket>();
  const server = http.createServer(handler);
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(socketPath, r));
  return {
    socketPath,
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

const quick = { callMs: 10_000, suspectMs: 300, pingMs: 300 };
const read = (stream: Readable) =>
  new Promise<string>((resolve, reject) => {
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });

async function withApi<T>(handler: http.RequestListener, fn: (api: HttpEngineApi) => Promise<T>): Promise<T> {
  const engine = await fakeEngine(handler);
  const transport = new EngineTransport({ socketPath: engine.socketPath }, 'unix:///fake.sock', quick);
  try {
    return await fn(new HttpEngineApi(transport));
  } finally {
    transport.close();
    await engine.close();
  }
}

describe('builds through berth\'s own engine client', () => {
  it('streams the context in, and resolves with the progress stream; /_ping\'s headers say the builder', async () => {
    const seen: { url?: string; type?: string; body?: string } = {};
    await withApi(
      (req, res) => {
        if (req.url === '/_ping') {
          res.setHeader('Builder-Version', '2');
          res.setHeader('OSType', 'linux');
          return res.end('OK');
        }
        seen.url = req.url;
        seen.type = req.headers['content-type'];
        void read(req).then((body) => {
          seen.body = body;
          res.write('{"stream":"Step 1/1 : FROM x"}\n');
          res.end('{"aux":{"ID":"sha256:abc"}}\n');
        });
      },
      async (api) => {
        expect(await api.pingHeaders()).toMatchObject({ 'builder-version': '2', ostype: 'linux' });
        const context = Readable.from([Buffer.from('part one, '), Buffer.from('part two')]);
        const progress = await api.build(context, new URLSearchParams([['t', 'one'], ['t', 'two'], ['version', '2']]));
        expect(await read(progress)).toBe('{"stream":"Step 1/1 : FROM x"}\n{"aux":{"ID":"sha256:abc"}}\n');
        expect(seen).toEqual({ url: '/build?t=one&t=two&version=2', type: 'application/x-tar', body: 'part one, part two' });
      },
    );
  });

  it('an engine refusing the build at once ends the upload and fails with its message', async () => {
    await withApi(
      (_req, res) => {
        res.statusCode = 400;
        res.setHeader('content-type', 'application/json');
        res.end('{"message":"invalid reference format"}');
      },
      async (api) => {
        const context = new PassThrough(); // never ends: only the refusal can end the call
        context.write('some tar');
        const err = await api.build(context, new URLSearchParams({ t: 'Bad Name' })).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(EngineApiError);
        expect((err as EngineApiError).json?.message).toBe('invalid reference format');
        expect(context.destroyed).toBe(true);
      },
    );
  });

  it('aborting the signal after the engine answered ends the progress stream and the request, so the engine ends the build', async () => {
    let closedOnEngine!: () => void;
    const requestClosed = new Promise<void>((r) => (closedOnEngine = r));
    await withApi(
      (req, res) => {
        req.resume();
        req.on('end', () => res.write('{"stream":"Step 1/2 : RUN sleep 600"}\n'));
        res.on('close', () => closedOnEngine());
      },
      async (api) => {
        const controller = new AbortController();
        const progress = await api.build(Readable.from([Buffer.from('tar')]), new URLSearchParams(), { signal: controller.signal });
        const ended = read(progress).then(
          () => undefined,
          (e: unknown) => e,
        );
        controller.abort();
        expect(await ended).toMatchObject({ name: 'AbortError' });
        await requestClosed;
      },
    );
  });

  it('a context that fails to read fails the build before the engine answers', async () => {
    await withApi(
      (req) => req.resume(), // reads, never answers
      async (api) => {
        const context = new PassThrough();
        context.write('half a tar');
        setTimeout(() => context.destroy(new Error('file changed as it was read')), 50);
        await expect(api.build(context, new URLSearchParams())).rejects.toThrow('file changed as it was read');
      },
    );
  });

  it('an engine that freezes while the context is uploaded is found stalled, as for any call', async () => {
    await withApi(
      () => undefined, // reads nothing, answers nothing, pings included
      async (api) => {
        const started = Date.now();
        const context = new PassThrough();
        context.write('tar');
        await expect(api.build(context, new URLSearchParams())).rejects.toBeInstanceOf(EngineStalledError);
        expect(Date.now() - started).toBeLessThan(5000);
      },
    );
  });

  it('runs at most `parallel` builds at once (--parallel), every one with no limit, each to its end', async () => {
    const projectDir = path.join(dir, 'parallel');
    const services = ['a', 'b', 'c', 'd'];
    for (const s of services) {
      mkdirSync(path.join(projectDir, s), { recursive: true });
      writeFileSync(path.join(projectDir, s, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
    }
    const targets = buildTargets(services.map((s) => ({ service: s, image: `p-${s}`, build: { context: s } })), [], { projectDir, vars: {} }, []);
    /** The most builds the engine had at once; it answers them once `expected` (or all that are left) are in, after a moment in which one too many would show, or after 3 s. */
    const peak = async (parallel: number | undefined, expected: number) => {
      let most = 0;
      let built = 0;
      const waiting: (() => void)[] = [];
      let timer: NodeJS.Timeout | undefined;
      const release = () => {
        clearTimeout(timer);
        timer = undefined;
        waiting.splice(0).forEach((answer) => answer());
      };
      const reports = await withApi(
        (req, res) => {
          if (req.url === '/_ping') return res.setHeader('Builder-Version', '1'), res.end('OK');
          if (req.url?.startsWith('/images/')) return (res.statusCode = 404), res.end('{"message":"no such image"}');
          void read(req).then(() => {
            waiting.push(() => res.end(`{"stream":"Step 1/2 : FROM scratch"}\n{"aux":{"ID":"sha256:${++built}"}}\n`));
            most = Math.max(most, waiting.length);
            clearTimeout(timer);
            timer = setTimeout(release, waiting.length >= Math.min(expected, services.length - built) ? 150 : 3000);
          });
        },
        async (api) => {
          const planned = await planBuilds(api, targets, { mode: 'auto', env: {} });
          return runBuilds(api, planned.builds, { project: 'p', pull: () => Promise.resolve(), ...(parallel ? { parallel } : {}) });
        },
      );
      expect(reports.map((r) => r.action)).toEqual(['built', 'built', 'built', 'built']);
      return most;
    };
    expect(await peak(1, 1)).toBe(1);
    expect(await peak(undefined, 2)).toBe(2); // the default
    expect(await peak(3, 3)).toBe(3);
    expect(await peak(Number.POSITIVE_INFINITY, 4)).toBe(4);
  });
});
