import { describe, expect, it } from 'vitest';
import type { EngineApi, ExecResult } from './engine-api.js';
import { healthTestArgv, probeHealthTest } from './health-probe.js';
import { waitFor } from './wait-for.js';

describe('healthTestArgv: the health test as the engine runs it', () => {
  it('runs CMD as given and CMD-SHELL through /bin/sh -c, with the timeout in ms', () => {
    expect(healthTestArgv({ Config: { Healthcheck: { Test: ['CMD', 'pg_isready', '-U', 'postgres'], Timeout: 2e9 } } })).toEqual({ argv: ['pg_isready', '-U', 'postgres'], timeoutMs: 2000 });
    expect(healthTestArgv({ Config: { Healthcheck: { Test: ['CMD-SHELL', 'curl -f localhost || exit 1'] } } })).toEqual({ argv: ['/bin/sh', '-c', 'curl -f localhost || exit 1'], timeoutMs: 30_000 });
  });

  it("uses the image's SHELL for CMD-SHELL", () => {
    expect(healthTestArgv({ Config: { Shell: ['/bin/bash', '-o', 'pipefail', '-c'], Healthcheck: { Test: ['CMD-SHELL', 'true'] } } })?.argv).toEqual(['/bin/bash', '-o', 'pipefail', '-c', 'true']);
  });

  it('has nothing to run for NONE, an empty test or no health check', () => {
    expect(healthTestArgv({ Config: { Healthcheck: { Test: ['NONE'] } } })).toBeUndefined();
    expect(healthTestArgv({ Config: { Healthcheck: { Test: ['CMD'] } } })).toBeUndefined();
    expect(healthTestArgv({ Config: { Healthcheck: null } })).toBeUndefined();
    expect(healthTestArgv({})).toBeUndefined();
  });
});

describe('early probes that outlive their timeout', () => {
  /** An engine whose container runs with its health still starting, and whose execs answer from `results`. */
  const engine = (results: ExecResult[]) => {
    const calls: string[][] = [];
    const state = { State: { Status: 'running', Running: true, StartedAt: new Date().toISOString(), Health: { Status: 'starting', Log: [] } }, Config: { Healthcheck: { Test: ['CMD', 'probe'], Timeout: 1e6 } } };
    const api = {
      getContainer: () => ({ inspect: async () => state }),
      exec: async (_id: string, cmd: string[]) => {
        calls.push(cmd);
        return results.shift() ?? { timedOut: true };
      },
    } as unknown as EngineApi;
    return { api, calls };
  };

  it('says timed-out, not unavailable, for a run past the timeout', async () => {
    expect(await probeHealthTest(engine([{ timedOut: true }]).api, 'c', { Config: { Healthcheck: { Test: ['CMD', 'probe'] } } })).toBe('timed-out');
  });

  it('a slow run is tried again, and the next one that passes releases the wait', async () => {
    const { api, calls } = engine([{ timedOut: true }, { exitCode: 1 }, { exitCode: 0 }]);
    expect(await waitFor(api, { service: 'db', containerId: 'c' }, 'service_healthy', { deadline: Date.now() + 10_000, probe: true })).toBe('probe');
    expect(calls).toHaveLength(3);
  });

  it('after three runs past the timeout, probing stops: the wait is the engine\'s until the deadline', async () => {
    const { api, calls } = engine([]);
    const err = await waitFor(api, { service: 'db', containerId: 'c' }, 'service_healthy', { deadline: Date.now() + 1_500, probe: true }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^timed out waiting for service "db" to be healthy \(health: starting\)/);
    expect(calls).toHaveLength(3);
  });
});
