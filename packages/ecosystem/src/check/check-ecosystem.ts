import { analyzePorts, checkSpecOnItsOwn, sortProblems, type PortReport, type Problem } from '@berth/spec';
import type { Ecosystem, EcosystemGraph, EcosystemProblem } from '../model.js';
import { concernedRepos } from './attribution.js';
import { resolveConnections } from './connections.js';
import { checkConsumers, usesByTarget } from './consumers.js';
import { checkEnvMeaning, checkEnvNaming, memberEnvVars } from './env.js';
import { buildGraph } from './graph.js';
import { PortMap } from './port-map.js';
import { staleEntries } from './stale.js';

/** What the cross-repo checks found: the problems (each with the repos it concerns), the graph, the port analysis. */
export interface EcosystemReport {
  problems: EcosystemProblem[];
  graph: EcosystemGraph;
  ports: PortReport;
}

/**
 * Every cross-repo check of a loaded ecosystem, pure: the port analysis of @berth/spec over every member at once
 * (conflicts between repos, ownership, unused entries of members, ranges), stale registry entries, connections
 * resolved through the ports (with their owners), hand-written consumers against the derived graph, env naming
 * with the inherited conventions, and env names that mean different things in two repos.
 * Problems in a member's spec start with the member's name; they are sorted by file, then position.
 */
export function checkEcosystem(eco: Ecosystem): EcosystemReport {
  // A connection to a port the registry lacks is said by the connection check, which also looks at the members' ports.
  const ports = analyzePorts({ specs: eco.members, registry: eco.registry, connections: false });
  const map = new PortMap(eco, ports);
  const connections = resolveConnections(map);
  const vars = memberEnvVars(eco.members);
  const problems: EcosystemProblem[] = [
    ...ports.problems.map((p) => ({ ...p, repos: concernedRepos(p, map) })),
    ...staleEntries(map, connections.reached),
    ...connections.problems,
    ...checkConsumers(map, usesByTarget(connections), usesByTarget(connections, 'registry')),
    ...checkEnvNaming(map, vars).map((p) => ({ ...p, repos: concernedRepos(p, map) })),
    // each member's spec on its own, as its berth validate judges it: devcontainer forwards, images, env schema and
    // secrets written into it (an orchestrator's gate that passed a member committing a token would be no gate);
    // ports and naming run above, across the members
    ...eco.members.flatMap((m) => checkSpecOnItsOwn(m)).map((p) => ({ ...p, repos: concernedRepos(p, map) })),
    ...checkEnvMeaning(map, vars),
  ].map((p) => named(p, map));
  const order = [...eco.manifests.map((m) => m.file), eco.registry.file, ...eco.members.map((m) => m.file)];
  return { problems: sortProblems(problems, order) as EcosystemProblem[], graph: buildGraph(map, connections.edges, connections.stdio, connections.external, connections.reached), ports };
}

/** A problem in a member's spec says whose spec it is, as a member's load problems do. */
function named<P extends Problem>(p: P, map: PortMap): P {
  const m = map.memberAt(p.file);
  return m && !p.message.startsWith(`${m.repo}: `) ? { ...p, message: `${m.repo}: ${p.message}` } : p;
}
