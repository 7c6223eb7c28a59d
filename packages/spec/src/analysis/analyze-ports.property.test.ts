import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BerthSpecSchema } from '../schema/spec.js';
import { analyzePorts } from './analyze-ports.js';
import { hostIpsOverlap } from './host-ip.js';

const binding = fc.record({
  from: fc.integer({ min: 5000, max: 5040 }),
  width: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 30 })),
  protocol: fc.constantFrom('tcp', 'udp'),
  hostIp: fc.constantFrom(undefined, '0.0.0.0', '127.0.0.1', '10.0.0.2'),
});

describe('analyzePorts against a full pairwise scan', () => {
  it('marks exactly the bindings that overlap another one, and no other', () => {
    fc.assert(
      fc.property(fc.array(fc.array(binding, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 4 }), (services, repoCount) => {
        const specs = Array.from({ length: repoCount }, (_, r) => ({ berth: 1, repo: { name: `r${r}` }, services: {} as Record<string, unknown> }));
        services.forEach((ports, i) => {
          specs[i % repoCount]!.services[`s${i}`] = { ports: ports.map((p) => ({ host: p.width ? `${p.from}-${p.from + p.width}` : p.from, protocol: p.protocol, ...(p.hostIp ? { hostIp: p.hostIp } : {}) })) };
        });
        const report = analyzePorts({ specs: specs.map((s, i) => ({ spec: BerthSpecSchema.parse(s), file: `${i}.yaml` })) });
        const b = report.bindings;
        const overlaps = b.map((x, i) => b.some((y, j) => i !== j && x.protocol === y.protocol && x.from <= y.to && y.from <= x.to && hostIpsOverlap(x.hostIp, y.hostIp)));
        expect(b.map((x) => x.status === 'conflict')).toEqual(overlaps);
        const inConflicts = new Set(report.conflicts.flatMap((c) => c.holders.map((h) => `${h.repo}/${h.service}`)));
        expect(new Set(b.filter((_, i) => overlaps[i]).map((x) => `${x.repo}/${x.service}`))).toEqual(inConflicts);
      }),
      { numRuns: 200 },
    );
  });
});
