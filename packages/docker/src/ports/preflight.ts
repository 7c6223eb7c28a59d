import { bindsClash, PortIndex, type BerthSpec, type Problem, type RegistryInput } from '@berth/spec';
import type { HostPort } from '../up/desired.js';
import type { HostPortCheck } from './host-ports.js';
import { describeHolder, type PortHolder } from './port-holders.js';
import { suggestPorts } from './suggest-ports.js';

export interface PreflightInput {
  spec: BerthSpec;
  project: string;
  /** Services this up will start, with the host ports they publish. */
  starting: { service: string; hostPorts: HostPort[] }[];
  /** Services of this project running now (kept or not). */
  running: string[];
  holders: PortHolder[];
  /** The port registry the spec names: a free port a hint offers is one it leaves free. */
  registry?: RegistryInput;
  /** The host the ports are published on, for the free port a hint offers (hostPortProbe for this one). */
  host: HostPortCheck;
}

/**
 * The port a hint offers instead of a held one: the first `berth ports suggest` would offer (suggestPorts: free
 * in the registry and the spec, not reserved for another repo, not ephemeral, free on the host), nearest first.
 */
async function freePortFor(hp: HostPort, input: PreflightInput): Promise<number | undefined> {
  const { spec, registry, host } = input;
  const { free } = await suggestPorts({ specs: [{ spec }], registry, repo: spec.repo.name, near: hp.port, protocol: hp.protocol, hostIp: hp.hostIp, count: 1 }, host);
  return free[0];
}

function sharedPorts(spec: BerthSpec, a: string, b: string): number[] {
  const of = (s: string) => new Set((spec.services[s]?.ports ?? []).map((p) => p.host.from));
  const pb = of(b);
  return [...of(a)].filter((p) => pb.has(p));
}

/** One host port a starting service publishes, as the port index holds it. */
type Published = HostPort & { from: number; to: number };

/**
 * Two services about to start that publish one host port (number and protocol) on overlapping addresses: the engine
 * would refuse the second start, after the first had started. The rule is `berth validate`'s own (`bindsClash`: on
 * one engine, one machine). A pair already refused as exclusive is not said twice.
 */
function clashesAmongStarting(starting: PreflightInput['starting'], refusedPairs: Set<string>): Problem[] {
  const index = { tcp: new PortIndex<Published>(), udp: new PortIndex<Published>() };
  const problems: Problem[] = [];
  const said = new Set<string>();
  for (const s of starting) {
    for (const hp of s.hostPorts) {
      const published: Published = { ...hp, service: s.service, from: hp.port, to: hp.port };
      const first = index[hp.protocol].overlapping(hp.port, hp.port).find((o) => o.service !== s.service && bindsClash(o, published));
      index[hp.protocol].add(published);
      if (!first) continue;
      const pair = [first.service, s.service].sort().join('|');
      const clash = `${pair}|${hp.port}/${hp.protocol}`;
      if (!refusedPairs.has(pair) && !said.has(clash)) {
        said.add(clash);
        problems.push({
          code: 'port-clash',
          severity: 'error',
          message: `services "${first.service}" and "${s.service}" both publish host port ${hp.port}/${hp.protocol}`,
          path: ['services', s.service, 'ports'],
          hint: `give one of them another port, or start only one of them (berth validate says the same)`,
        });
      }
    }
  }
  return problems;
}

/**
 * Everything that would make a start fail on ports, found before anything is created: exclusive
 * services selected together or already running, two starting services publishing one host port, and
 * host ports held by a container (other than this service's own, which is about to be replaced) or by
 * a host process. One problem per finding.
 */
export async function preflightProblems(input: PreflightInput): Promise<Problem[]> {
  const { spec, project } = input;
  const problems: Problem[] = [];
  const starting = new Set(input.starting.map((s) => s.service));
  const reported = new Set<string>();
  for (const name of starting) {
    for (const other of spec.services[name]?.exclusiveWith ?? []) {
      const pair = [name, other].sort().join('|');
      if (reported.has(pair)) continue;
      const ports = sharedPorts(spec, name, other);
      const why = ports.length ? ` (both use port ${ports.join(', ')})` : '';
      if (starting.has(other) || input.running.includes(other)) {
        reported.add(pair);
        problems.push({
          code: 'exclusive-services',
          severity: 'error',
          message: `"${name}" and "${other}" are exclusive and cannot run together${why}`,
          path: ['services', name, 'exclusiveWith'],
          hint: input.running.includes(other) ? `stop ${other} first (berth down), or leave ${name} out` : `start only one of them: leave ${other} or ${name} out of the profiles`,
        });
      }
    }
  }
  problems.push(...clashesAmongStarting(input.starting, reported));
  for (const s of input.starting) {
    for (const hp of s.hostPorts) {
      const held = input.holders.filter((h) => h.port === hp.port && h.protocol === hp.protocol && !(h.kind === 'container' && h.project === project && h.service === s.service));
      for (const h of held) {
        const exclusive = (spec.services[s.service]?.exclusiveWith ?? []).filter((o) => sharedPorts(spec, s.service, o).includes(hp.port));
        const free = await freePortFor(hp, input);
        const stop = h.kind === 'container' ? `stop ${h.container}` : h.kind === 'process' ? `stop PID ${h.pid}` : `free port ${hp.port}`;
        const hintParts = [
          exclusive.length ? `${exclusive.join(', ')} (exclusive with ${s.service}) uses ${hp.port}: ${stop}` : stop,
          free ? `or publish ${s.service} on free port ${free}` : undefined,
        ].filter(Boolean);
        problems.push({
          code: 'port-held',
          severity: 'error',
          message: `service "${s.service}": host port ${hp.port}/${hp.protocol} is held by ${describeHolder(h)}`,
          path: ['services', s.service, 'ports'],
          hint: hintParts.join(', '),
        });
      }
    }
  }
  return problems;
}
