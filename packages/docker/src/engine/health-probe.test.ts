import { describe, expect, it } from 'vitest';
import { healthTestArgv } from './health-probe.js';

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
