import { bindsClash, closest, holderName, isLocalHost, type Connection, type PortBindingInfo, type Problem, type RegistryEntryInfo, type TcpConnection } from '@berth/spec';
import type { ConnectionTarget, EcosystemGraph, EcosystemMember, GraphEdge, StdioUse } from '../model.js';
import { ref, whereIn } from '../where.js';
import { chooseService, publishesNow, unknownService } from './connection-service.js';
import type { PortMap } from './port-map.js';

export interface ConnectionFindings {
  edges: GraphEdge[];
  stdio: StdioUse[];
  external: EcosystemGraph['external'];
  /** Registry entries some member's connection reaches, with the repos that reach them. */
  reached: Map<RegistryEntryInfo, Set<string>>;
  problems: (Problem & { repos: string[] })[];
}

/** Where a connection to this machine lands: a port published on 127.0.0.1 of this machine (no other machine). */
const LOOPBACK = { hostIp: '127.0.0.1' };

/**
 * Resolves every member's TCP connection to this machine (localhost, 127.0.0.1, ::1) through the ports: a
 * member's service that publishes the port (another repo's first), else the registry's entry for it, else
 * nothing, which is an error. A connection's `owner` must be the repo that publishes the port, or the one the
 * registry gives it to; with neither known (a shared entry no member runs) it must at least be a member. A
 * connection that names its owner's service (`service:`) reaches only that service. A stdio (MCP) connection has
 * no port: its owner must be a member, and its `service` (the one that runs the server) one of the owner's; it is
 * a use of that owner (and service) as a TCP edge is.
 * Connections to other hosts are kept as external: the registry says nothing about them.
 */
export function resolveConnections(map: PortMap): ConnectionFindings {
  const out: ConnectionFindings = { edges: [], stdio: [], external: [], reached: new Map(), problems: [] };
  const registryRepos = new Set(map.report.entries.map((e) => e.repo).filter((r): r is string => !!r));
  // 40,000 connections name a handful of hosts and host IPs: each is judged once.
  const local = memo(isLocalHost);
  const loopbackIp = memo((hostIp: string | undefined) => bindsClash({ hostIp }, LOOPBACK));
  const loopback = (p: { hostIp?: string | undefined; machine?: string | undefined }) => (p.machine ? bindsClash(p, LOOPBACK) : loopbackIp(p.hostIp));
  // ... and reach some thousands of ports, each several times: what is on a port, and the targets it gives, are found once.
  const memberTarget = memo((b: PortBindingInfo): ConnectionTarget => ({ kind: 'member', repo: b.repo, service: b.service, ...(b.name ? { name: b.name } : {}), where: { file: map.members.get(b.repo)?.file, path: ['services', b.service] } }));
  const registryTarget = memo((e: RegistryEntryInfo): ConnectionTarget => ({ kind: e.repo && !e.shared ? 'registry' : 'shared', ...(e.repo ? { repo: e.repo } : {}), service: e.service, ...(e.name ? { name: e.name } : {}), where: { file: map.eco.registry.file, path: ['ports', e.index] } }));
  const onPort = memo((port: number): PortOnThisMachine => {
    const bindings = map.bindingsAt('tcp', port).filter(loopback);
    const entries = map.entriesAt('tcp', port).filter(loopback);
    return { bindings, entries, targets: bindings.length ? bindings.map(memberTarget) : entries.map(registryTarget) };
  });
  for (const m of map.eco.members) {
    const connections = m.spec.connections;
    const own = (b: PortBindingInfo) => b.repo === m.repo;
    const notOwn = (b: PortBindingInfo) => b.repo !== m.repo;
    for (const id of Object.keys(connections)) {
      const c = connections[id]!;
      if (c.transport !== 'tcp') {
        // A stdio (MCP) server has no port: its owner can only be checked to be a repo of the ecosystem, its service to be the owner's.
        if (c.owner === undefined || checkOwnerKnown(map, m, id, c, registryRepos, out.problems)) continue;
        const wrong = c.service !== undefined ? unknownService(map, m, id, c, label(id, c)) : undefined;
        if (wrong) out.problems.push(wrong);
        out.stdio.push({ from: fromOf(m, id, c), owner: c.owner, ...(c.service !== undefined && !wrong ? { service: c.service } : {}), ...(c.server ? { server: c.server } : {}) });
        continue;
      }
      if (!local(c.host)) {
        out.external.push({ repo: m.repo, connection: id, host: c.host, port: c.port });
        continue;
      }
      const here = onPort(c.port);
      // A member's own service on the port counts only when no other repo publishes it.
      const others = here.bindings.some(own) ? here.bindings.filter(notOwn) : undefined;
      const published = others?.length ? others : here.bindings;
      let targets = others?.length ? others.map(memberTarget) : here.targets;
      for (const e of here.entries) {
        const repos = out.reached.get(e);
        if (repos) repos.add(m.repo);
        else out.reached.set(e, new Set([m.repo]));
      }
      if (!targets.length) {
        out.problems.push({
          code: 'connection-unresolved',
          severity: 'error',
          ...whereIn(m, ['connections', id, 'port']),
          repos: [m.repo],
          message: `${label(id, c)} reaches nothing: no registry entry and no member publishes port ${c.port}/tcp`,
          hint: `register it in ${map.eco.registry.file} (a shared entry if no member runs it), or fix the port`,
        });
      }
      const ownerWrong = c.owner !== undefined && checkOwner(map, m, id, c, targets, published, registryRepos, out.problems);
      let said = ownerWrong;
      if (c.service !== undefined && c.owner !== undefined && !ownerWrong && targets.length) {
        // The connection says which of the services on its port it uses: only that one is its target.
        const choice = chooseService(map, m, id, c, label(id, c), targets, here.bindings, memberTarget);
        targets = choice.targets;
        if (choice.problem) out.problems.push(choice.problem);
        said = !!choice.problem;
      }
      if (!said) checkUnpublished(map, m, id, c, targets, out.problems);
      const from = fromOf(m, id, c);
      for (const to of targets) out.edges.push({ from, to, host: c.host, port: c.port, protocol: 'tcp' });
    }
  }
  return out;
}

/** What a connection to a port of this machine finds there: the members' bindings, the registry's entries, and the targets they give. */
interface PortOnThisMachine {
  bindings: PortBindingInfo[];
  entries: RegistryEntryInfo[];
  targets: ConnectionTarget[];
}

/** Where an edge or a stdio use starts: the member's connection. */
function fromOf(m: EcosystemMember, id: string, c: Connection): GraphEdge['from'] {
  const path = ['connections', id];
  return c.name ? { repo: m.repo, connection: id, name: c.name, file: m.file, path } : { repo: m.repo, connection: id, file: m.file, path };
}

/** How a message names a connection. */
function label(id: string, c: Connection): string {
  return `connection ${id} (${c.transport === 'tcp' ? `${c.host}:${c.port}` : 'stdio'})`;
}

/** `fn` remembering its answer for each argument. */
function memo<A, R>(fn: (a: A) => R): (a: A) => R {
  const known = new Map<A, R>();
  return (a) => {
    let r = known.get(a);
    if (r === undefined && !known.has(a)) known.set(a, (r = fn(a)));
    return r as R;
  };
}

/** The owner a connection names against who publishes the port, or whom the registry gives it to; true when it said a problem. */
function checkOwner(map: PortMap, m: EcosystemMember, id: string, c: TcpConnection, targets: ConnectionTarget[], published: PortBindingInfo[], registryRepos: Set<string>, problems: ConnectionFindings['problems']): boolean {
  const owner = c.owner!;
  const where = whereIn(m, ['connections', id, 'owner']);
  const known = targets.filter((t) => t.repo !== undefined);
  if (known.length && !known.some((t) => t.repo === owner)) {
    const t = known[0]!;
    // The port's own line, for a member's service (the graph points at the service, which costs no search).
    const b = t.kind === 'member' ? published.find((p) => p.repo === t.repo && p.service === t.service) : undefined;
    const who = `${holderName({ repo: t.repo, service: t.service, ...(t.name ? { name: t.name } : {}) })} (${ref(map.locate(b ? map.bindingPath(b) : t.where))})`;
    const fact = t.kind === 'member' ? `port ${c.port}/tcp is published by ${who}` : `the registry gives port ${c.port}/tcp to ${who}`;
    problems.push({ code: 'connection-owner-mismatch', severity: 'error', ...where, repos: [...new Set([m.repo, t.repo!, ...(map.members.has(owner) ? [owner] : [])])], message: `${label(id, c)} names owner ${owner}, but ${fact}`, hint: `owner: ${t.repo}` });
    return true;
  }
  return !known.length && checkOwnerKnown(map, m, id, c, registryRepos, problems);
}

/**
 * A connection that reaches its port only through the registry, whose entry's repo is a member that no longer
 * publishes it (a stale allocation): nothing will answer there. Said at the connection, with what that service
 * publishes now.
 */
function checkUnpublished(map: PortMap, m: EcosystemMember, id: string, c: TcpConnection, targets: ConnectionTarget[], problems: ConnectionFindings['problems']): void {
  const t = targets[0];
  const owner = t?.kind === 'registry' && t.repo !== undefined ? map.members.get(t.repo) : undefined;
  if (!owner || !targets.every((x) => x.kind === 'registry' && x.repo === t!.repo)) return;
  const holder = holderName({ repo: owner.repo, service: t!.service, ...(t!.name ? { name: t!.name } : {}) });
  problems.push({
    code: 'connection-unpublished',
    severity: 'error',
    ...whereIn(m, ['connections', id, 'port']),
    repos: [...new Set([m.repo, owner.repo])],
    message: `${label(id, c)} reaches ${holder} only through the registry (${ref(map.locate(t!.where))}), but ${owner.repo} no longer publishes port ${c.port}/tcp${publishesNow(owner, t!.service)}`,
    hint: `connect to the port ${owner.repo} publishes now, or publish ${c.port} again in its spec`,
  });
}

/** A connection's owner, where nothing on a port says who runs it: a member, or at least a repo the registry knows. */
function checkOwnerKnown(map: PortMap, m: EcosystemMember, id: string, c: Connection, registryRepos: Set<string>, problems: ConnectionFindings['problems']): boolean {
  const owner = c.owner!;
  if (map.members.has(owner) || map.eco.unloaded.includes(owner) || registryRepos.has(owner)) return false;
  const where = whereIn(m, ['connections', id, 'owner']);
  const names = [...map.members.keys()];
  const guess = closest(owner, names);
  problems.push({
    code: 'connection-owner-unknown',
    severity: 'error',
    ...where,
    repos: [m.repo],
    message: `${label(id, c)} names owner ${owner}, which ${map.outsider}${guess ? ` (did you mean "${guess}"?)` : ''}`,
    ...(guess || names.length > 8 ? {} : { hint: `members: ${names.join(', ')}` }),
  });
  return true;
}
