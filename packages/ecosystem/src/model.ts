import type { Conventions, EcosystemManifest, EcosystemMember as ManifestMember, Problem, RegistryInput, RelatedDoc, SourceDocument, SpecInput } from '@berth/spec';

/** A place in a file: what every problem and every edge of the graph points at. */
export type Where = Pick<Problem, 'file' | 'line' | 'col' | 'path'>;

/** How a member's berth.yaml was found: as written in the manifest, or named on the command line. */
export interface MemberSource {
  kind: 'path' | 'package' | 'git' | 'argument';
  /** The source as a person reads it: `../semops-data/berth.yaml`, `@org/infra (berth.yaml)`, `../semops@v1.3.0:berth.yaml`. */
  text: string;
}

/** A repo of the ecosystem with its loaded spec. */
export interface EcosystemMember extends SpecInput {
  repo: string;
  /** Absolute path of the spec; for a git member, where it lies in the clone (relative paths resolve from there). */
  path: string;
  /** How its berth.yaml was found. */
  origin: MemberSource;
  /** Where the manifest names it, and the entry as written (absent for specs named on the command line). */
  declaredAt?: Where;
  entry?: ManifestMember;
}

/** A manifest that was read: the ecosystem's own, or one it includes. */
export interface ManifestDocument {
  file: string;
  /** Where relative paths in it resolve from. */
  dir: string;
  /** The real path, or `git:<clone>@<commit>:<file>` for one read from a git ref. */
  identity: string;
  value: EcosystemManifest;
  source: SourceDocument;
}

/** The conventions in force for the ecosystem, and where each env prefix was declared. */
export interface EcosystemConventions extends Conventions {
  /** Prefix -> where it is declared (the manifest, or an included one). */
  origins: Map<string, Where>;
}

/** Everything loaded for the cross-repo checks: the registry, every member's spec once, the conventions. */
export interface Ecosystem {
  /** The manifest's name; absent when the ecosystem is the specs named on the command line. */
  name?: string;
  description?: string;
  owner?: string;
  /** The manifest and the ones it includes, the ecosystem's own first; empty without a manifest. */
  manifests: ManifestDocument[];
  registry: RegistryInput & { path: string };
  members: EcosystemMember[];
  /** Repos the manifest names whose spec could not be loaded: their registry entries are not judged. */
  unloaded: string[];
  conventions: EcosystemConventions;
  docs: RelatedDoc[];
}

/** A problem of the ecosystem, with the repos it concerns (so each repo can be shown its own). */
export interface EcosystemProblem extends Problem {
  repos: string[];
}

/** What a connection reaches: a member's service, a registry entry of a repo, or a shared service. */
export interface ConnectionTarget {
  kind: 'member' | 'registry' | 'shared';
  /** The repo that runs it, when known. */
  repo?: string;
  service: string;
  /** Which of the service's ports, such as "api". */
  name?: string;
  where: Where;
}

/** One repo's connection using another repo's service (or a shared one), on one port. */
export interface GraphEdge {
  from: { repo: string; connection: string; name?: string } & Where;
  to: ConnectionTarget;
  host: string;
  port: number;
  protocol: 'tcp';
}

/**
 * A stdio (MCP) connection that names its owner: a use of that repo, and of `service` (the owner's service that
 * runs the server) when it names one. No port: it is no edge.
 */
export interface StdioUse {
  from: GraphEdge['from'];
  owner: string;
  service?: string;
  server?: string;
}

/** A member's published ports, by service. */
export interface GraphRepo {
  repo: string;
  file: string;
  origin: MemberSource;
  role: 'owner' | 'consumer';
  services: { id: string; name?: string; ports: { port: string; protocol: 'tcp' | 'udp'; name?: string; env?: string }[] }[];
}

/** A registry entry for shared infrastructure. */
export interface GraphShared {
  service: string;
  port: string;
  protocol: 'tcp' | 'udp';
  repo?: string;
  description?: string;
  /** The repos whose connections reach it. */
  usedBy: string[];
}

/** Which repo's connection uses which repo's service (or which shared service), on which port. */
export interface EcosystemGraph {
  repos: GraphRepo[];
  shared: GraphShared[];
  edges: GraphEdge[];
  /** stdio (MCP) connections that name their owner. */
  stdio: StdioUse[];
  /** TCP connections to hosts other than this machine: not resolved through the registry. */
  external: { repo: string; connection: string; host: string; port: number }[];
}
