import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { BerthSpecSchema } from '@berth/spec';
import type { CheckResult } from '../contract.js';
import { createMonitor } from './health.js';

/** A loopback port nothing listens on: bound, then closed. */
async function refusedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('createMonitor', () => {
  it('reports a down service whose profiles are all off as not expected, as berth doctor does; the rest as they are', async () => {
    const port = await refusedPort();
    const check = { type: 'tcp', host: '127.0.0.1', port };
    const spec = BerthSpecSchema.parse({
      berth: 1,
      repo: { name: 'monitor-test' },
      profiles: { lineage: {} },
      services: { api: { checks: [check] }, marquez: { profiles: ['lineage'], checks: [check] } },
    });
    const results = async (env: NodeJS.ProcessEnv, hasContainer?: (service: string) => boolean | undefined) => {
      const { monitor } = await createMonitor(spec, { env, ...(hasContainer ? { hasContainer } : {}) });
      const seen = new Map<string, CheckResult>();
      const all = new Promise<void>((resolve) =>
        monitor!.onResult((r) => {
          seen.set(r.subject.id, r);
          if (seen.size === 2) resolve();
        }),
      );
      monitor!.start();
      await all;
      await monitor!.stop();
      return { seen, latest: monitor!.latest() };
    };

    const off = await results({});
    expect(off.seen.get('api')).toMatchObject({ status: 'critical', reason: `connection refused on 127.0.0.1:${port}` });
    expect(off.seen.get('marquez')).toMatchObject({ status: 'unknown', reason: `not expected: profile lineage is off (connection refused on 127.0.0.1:${port})` });
    expect(off.latest.find((r) => r.subject.id === 'marquez')?.status).toBe('unknown');

    const on = await results({ COMPOSE_PROFILES: 'lineage' });
    expect(on.seen.get('marquez')).toMatchObject({ status: 'critical' });

    // Its profile is off, but it has a container (started from the dashboard, say): its failure is real.
    const started = await results({}, (service) => service === 'marquez');
    expect(started.seen.get('marquez')).toMatchObject({ status: 'critical', reason: `connection refused on 127.0.0.1:${port}` });
  });
});
