import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthSpecSchema, type BerthSpec } from '@berth/spec';
import { dockerAvailable, ensureTestImage, secondEngineSkipReason, startSecondEngine, TEST_IMAGE, uniqueProject, type SecondEngine } from '@berth/docker/testing';
import { connectEngine, logs, up, type Engine, type LogLine } from '@berth/docker';

// `berth logs -f` against a dockerd of the test's own: interrupted, it ends with an AbortError (exit 130); with its
// engine killed mid-follow, it fails "went away" (exit 3), never as if every container had ended.
const skip = !dockerAvailable() ? 'no Docker engine' : secondEngineSkipReason();

describe.skipIf(!!skip)(`berth logs -f when it is interrupted or its engine dies${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let second: SecondEngine | undefined;
  let engine: Engine | undefined;
  let spec: BerthSpec;
  const follow = (signal?: AbortSignal) => {
    const lines: LogLine[] = [];
    const following = logs(engine!, spec, { follow: true, tail: 0, env: {}, onLine: (l) => lines.push(l), ...(signal ? { signal } : {}) });
    following.catch(() => undefined); // awaited below; not unhandled meanwhile
    return { lines, following };
  };
  const firstLine = async (lines: LogLine[]) => {
    const until = Date.now() + 15_000;
    while (!lines.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(lines[0]).toMatchObject({ service: 'chatty', stream: 'stdout', line: 'tick' });
  };

  beforeAll(async () => {
    await ensureTestImage();
    second = await startSecondEngine({ images: [TEST_IMAGE] });
    engine = await connectEngine({ env: second.env });
    spec = BerthSpecSchema.parse({
      berth: 1,
      repo: { name: uniqueProject('logs-lost') },
      services: { chatty: { image: TEST_IMAGE, command: ['sh', '-c', 'trap "exit 0" TERM; while true; do echo tick; sleep 0.2; done'], stopGracePeriod: '1s' } },
    });
    await up(engine, spec, { env: {}, timeoutMs: 30_000 });
  }, 180_000);
  afterAll(async () => {
    engine?.close();
    await second?.stop(); // a killed engine's containers and shims go with it
  }, 60_000);

  it('interrupted (Ctrl-C, SIGTERM), it rejects with an AbortError, as every engine command does (exit 130)', async () => {
    const stop = new AbortController();
    const { lines, following } = follow(stop.signal);
    await firstLine(lines);
    stop.abort();
    await expect(following).rejects.toMatchObject({ name: 'AbortError' });
  }, 30_000);

  it('with its engine killed mid-follow, it fails "the engine at ... went away" (exit 3) with the lines so far printed', async () => {
    const { lines, following } = follow();
    await firstLine(lines);
    await second!.kill();
    const err = await following.then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(err?.code).toBe('ERR_BERTH_ENGINE_STALLED');
    expect(err?.message).toMatch(new RegExp(`^the engine at ${second!.endpoint} went away \\((connection reset|connection closed) during GET /containers/[0-9a-f]+/logs\\)$`));
  }, 30_000);
});
