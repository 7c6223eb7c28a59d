import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeTrace, encodeTrace } from './buildkit-trace.js';
import { followBuild } from './build-progress.js';

const lines = (...messages: object[]) => Readable.from(messages.map((m) => `${JSON.stringify(m)}\r\n`).join('').match(/[\s\S]{1,37}/g)!.map((s) => Buffer.from(s)));
const trace = (status: Parameters<typeof encodeTrace>[0]) => ({ id: 'moby.buildkit.trace', aux: encodeTrace(status) });

describe('the classic builder’s progress', () => {
  it('tells each step, and the image id', async () => {
    const steps: string[] = [];
    const outcome = await followBuild(
      lines({ stream: 'Step 1/2 : FROM busybox' }, { stream: '\n' }, { stream: ' ---> 0d308d2f028a\n' }, { stream: 'Step 2/2 : RUN echo hi' }, { stream: '\n' }, { stream: ' ---> Running in b1c371272320\n' }, { stream: 'hi\n' }, { aux: { ID: 'sha256:79dafe30b455' } }, { stream: 'Successfully built 79dafe30b455\n' }),
      (s) => steps.push(s),
    );
    expect(steps).toEqual(['Step 1/2 : FROM busybox', 'Step 2/2 : RUN echo hi']);
    expect(outcome).toEqual({ imageId: 'sha256:79dafe30b455', layers: ['0d308d2f028a'] });
  });

  it('says which step failed, the engine’s message and the step’s last lines', async () => {
    const outcome = await followBuild(
      lines(
        { stream: 'Step 3/6 : RUN make' },
        { stream: '\n' },
        { stream: ' ---> Running in ca34b3fb2662\n' },
        { stream: 'cc -c main.c\nmain.c:1: error: ' },
        { stream: 'expected ;\n' },
        { errorDetail: { code: 1, message: "The command '/bin/sh -c make' returned a non-zero code: 2" }, error: "The command '/bin/sh -c make' returned a non-zero code: 2" },
      ),
    );
    expect(outcome.failure).toEqual({ step: 'Step 3/6 : RUN make', message: "The command '/bin/sh -c make' returned a non-zero code: 2", output: ['cc -c main.c', 'main.c:1: error: expected ;'] });
    expect(outcome.imageId).toBeUndefined();
  });

  it('a stream that ends without an image id is a failure, not a success', async () => {
    expect((await followBuild(lines({ stream: 'Step 1/1 : FROM x' }))).failure?.message).toBe('the engine ended the build without an image id');
  });
});

describe('BuildKit’s progress (moby.buildkit.trace)', () => {
  it('decodes what it encodes', () => {
    const status = decodeTrace(encodeTrace({ vertexes: [{ digest: 'sha256:1', name: '[2/3] RUN make', started: true, error: 'boom' }], logs: [{ vertex: 'sha256:1', msg: 'out\n' }] }));
    expect(status?.vertexes).toEqual([{ digest: 'sha256:1', name: '[2/3] RUN make', cached: false, started: true, completed: false, error: 'boom' }]);
    expect(status?.logs.map((l) => [l.vertex, l.msg.toString()])).toEqual([['sha256:1', 'out\n']]);
    // a truncated message is skipped, never thrown
    expect(decodeTrace(Buffer.from([0x0a, 0x10, 0x0a]).toString('base64'))).toBeUndefined();
  });

  it('reads a real engine message (Docker 20.10.24)', () => {
    // a trace message as dockerd 20.10.24 sent it for `FROM berth-test/busybox:1` + `RUN echo hello 1`
    const aux =
      'CqIBCkdzaGEyNTY6YzViYTIwN2E3Yjg5M2Q5YTY3NTlmZGNmZjE2MmVmOTFhN2NhNzAzYjhhMTYyZDllZTBjOTFjNzczYzBiNDg4YRo7W2ludGVybmFsXSBsb2FkIG1ldGFkYXRhIGZvciBkb2NrZXIuaW8vYmVydGgtdGVzdC9idXN5Ym94OjEqDAjQu8/YBhCv9PnDAjIMCNC7z9gGEMC5lMQCCnQKR3NoYTI1NjoyYmRiMDc1YTdhYzBiYzY5ZTkyZTNhOTY4ZjRkNzc1ZjFkNGM0MWEzYmJhZmEzY2E5ZmIxNmFkYWE0NTQ5OGJjGilbMS8yXSBGUk9NIGRvY2tlci5pby9iZXJ0aC10ZXN0L2J1c3lib3g6MQqqAQpHc2hhMjU2OjU1NDYwNjczOGU5NzY5ODc4MjUyY2Y1ZjIxZDhhNWI5NDFlMjllNzI1MDVlYjQ1MTk1ZmE4ZTU2MTU5ZDZmYTQSR3NoYTI1NjoyYmRiMDc1YTdhYzBiYzY5ZTkyZTNhOTY4ZjRkNzc1ZjFkNGM0MWEzYmJhZmEzY2E5ZmIxNmFkYWE0NTQ5OGJjGhZbMi8yXSBSVU4gZWNobyBoZWxsbyAx';
    const status = decodeTrace(aux)!;
    expect(status.vertexes.map((v) => [v.name, v.started, v.completed])).toEqual([
      ['[internal] load metadata for docker.io/berth-test/busybox:1', true, true],
      ['[1/2] FROM docker.io/berth-test/busybox:1', false, false],
      ['[2/2] RUN echo hello 1', false, false],
    ]);
  });

  it('tells each step as it starts, and the image id', async () => {
    const steps: string[] = [];
    const outcome = await followBuild(
      lines(
        trace({ vertexes: [{ digest: 'a', name: '[internal] load build context', started: true }] }),
        trace({ vertexes: [{ digest: 'a', name: '[internal] load build context', started: true, completed: true }, { digest: 'b', name: '[1/2] FROM base', started: true, cached: true, completed: true }] }),
        trace({ vertexes: [{ digest: 'c', name: '[2/2] RUN make', started: true }] }),
        trace({ vertexes: [{ digest: 'c', name: '[2/2] RUN make', started: true, completed: true }] }),
        { id: 'moby.image.id', aux: { ID: 'sha256:feed' } },
      ),
      (s) => steps.push(s),
    );
    expect(steps).toEqual(['[internal] load build context', '[1/2] FROM base (cached)', '[2/2] RUN make']);
    expect(outcome).toEqual({ imageId: 'sha256:feed', layers: [] });
  });

  it('says which vertex failed, with its output and the engine’s message', async () => {
    const outcome = await followBuild(
      lines(
        trace({ vertexes: [{ digest: 'c', name: '[final 2/3] RUN make', started: true }] }),
        trace({ logs: [{ vertex: 'c', msg: 'compiling\n' }, { vertex: 'c', msg: 'error: nope\n' }] }),
        trace({ vertexes: [{ digest: 'c', name: '[final 2/3] RUN make', started: true, completed: true, error: 'exit code: 2' }] }),
        { errorDetail: { message: 'executor failed running [/bin/sh -c make]: exit code: 2' }, error: 'executor failed running [/bin/sh -c make]: exit code: 2' },
      ),
    );
    expect(outcome.failure).toEqual({ step: '[final 2/3] RUN make', message: 'executor failed running [/bin/sh -c make]: exit code: 2', output: ['compiling', 'error: nope'] });
  });
});
