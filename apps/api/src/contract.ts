/**
 * The wire contract of the berth API: one zod schema per route response (and request).
 * The server validates against these; the dashboard imports them (`@berth/api/contract`, a declared
 * dependency) and parses what it receives. The shapes the packages own are theirs, not copies: a check's
 * result and the order of statuses (@berth/health/result), problems, port bindings and conflicts, env
 * var states (@berth/spec/reports), a service's container (@berth/docker/status).
 *
 * Browser-safe: this module and everything it imports are zod only, written with `zod/mini` (tree-shakable:
 * the dashboard pays a few kB for parsing, not the ~90 kB of zod's classic API). Nothing here may import
 * Node code; apps/api/test/contract-browser.test.ts bundles it for the browser to hold that.
 *
 * Values of environment variables never appear in any of these shapes.
 */
import * as z from 'zod/mini';
import * as HealthResult from '@berth/health/result';
import * as Reports from '@berth/spec/reports';
import { ServiceStatus } from '@berth/docker/status';

/** Whether a container row needs someone's attention: `berth status`'s exit rule, for the dashboard to paint by. */
export { needsAttention } from '@berth/docker/status';

// ---- shared pieces ----------------------------------------------------------

export const HealthStatus = HealthResult.HealthStatus;
export type HealthStatus = z.infer<typeof HealthStatus>;
/** The one order of statuses (@berth/health's): the dashboard ranks with these, as the API does. */
export const { worstStatus, STATUS_ORDER } = HealthResult;

export const Subject = HealthResult.CheckSubject;
export type Subject = z.infer<typeof Subject>;

/** One check run, as @berth/health reports it. */
export const CheckResult = HealthResult.CheckResult;
export type CheckResult = z.infer<typeof CheckResult>;

/** A source that could not answer (no Docker engine, no nvidia-smi, a package not built yet). */
export const Unavailable = z.object({ available: z.literal(false), reason: z.string() });
export type Unavailable = z.infer<typeof Unavailable>;

/** A problem as the API shows it: @berth/spec's, without the path into the document. */
export const ProblemView = z.omit(Reports.Problem, { path: true });
export type ProblemView = z.infer<typeof ProblemView>;

export const ErrorBody = z.object({ statusCode: z.number(), error: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;

const describe = <T extends z.ZodMiniType>(schema: T, text: string): T => schema.check(z.describe(text));

// ---- GET /health --------------------------------------------------------------
// 200 when every check passes, 429 when the worst is a warning, 503 when any is critical.

export const HealthCounts = z.object({ passing: z.number(), warning: z.number(), critical: z.number(), starting: z.number(), unknown: z.number() });
export const HealthResponse = z.object({
  status: HealthStatus,
  counts: HealthCounts,
  checkedAt: describe(z.nullable(z.string()), 'When the newest result came in; null before the first round.'),
  checks: z.array(z.object({ id: z.string(), subject: z.string(), status: HealthStatus, reason: z.string() })),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

// ---- GET /api/spec --------------------------------------------------------------

/**
 * Whether the files the server loaded at start (the spec, its registry, its `.env`) still hold what it loaded. The
 * server runs what it loaded; an edit is applied when `berth serve` starts again.
 */
export const SpecOnDisk = z.discriminatedUnion('changed', [
  z.object({ changed: z.literal(false) }),
  z.object({
    changed: z.literal(true),
    /** When the change was seen (ISO 8601). */
    at: z.string(),
    /** The files that differ from what was loaded. */
    files: z.array(z.string()),
    /** Whether they load as they are now (a restart would serve them). */
    loads: z.boolean(),
    /** What stops them loading, one line per problem with file:line:col, as `berth validate` says it. */
    problems: z.array(z.string()),
  }),
]);
export type SpecOnDisk = z.infer<typeof SpecOnDisk>;

export const SpecResponse = z.object({
  file: z.string(),
  repo: z.object({ name: z.string(), description: z.optional(z.string()), owner: z.optional(z.string()), status: z.optional(z.string()) }),
  project: z.string(),
  profiles: z.array(z.string()),
  /** The spec as loaded (the file's content after defaults); it is in the repo already. */
  spec: z.record(z.string(), z.unknown()),
  /** Whether the files on disk still say what was loaded (absent: not followed, as for a spec given in code). */
  onDisk: z.optional(SpecOnDisk),
});
export type SpecResponse = z.infer<typeof SpecResponse>;

// ---- GET /api/services ----------------------------------------------------------

export const LatencyStats = z.object({ p50: z.number(), p95: z.number(), p99: z.number(), samples: z.number() });
export type LatencyStats = z.infer<typeof LatencyStats>;

export const ServiceView = z.object({
  id: describe(z.string(), 'The subject id: the service, connection or devcontainer key of the spec.'),
  kind: Subject.shape.kind,
  name: z.string(),
  purpose: z.optional(z.string()),
  profiles: z.array(z.string()),
  ports: z.array(z.object({ host: z.number(), container: z.optional(z.number()), protocol: z.string(), name: z.optional(z.string()) })),
  status: describe(HealthStatus, 'The worst of its checks; unknown before the first result.'),
  reason: describe(z.string(), 'Why: the reason of its worst check.'),
  checks: z.array(CheckResult),
  /** Fractions 0..1 of passing results, from the history store; null when no history. */
  uptime24h: z.nullable(z.number()),
  uptime7d: z.nullable(z.number()),
  latency: describe(z.nullable(LatencyStats), 'Over the last 24 hours.'),
});
export type ServiceView = z.infer<typeof ServiceView>;
export const ServicesResponse = z.object({
  services: z.array(ServiceView),
  status: describe(HealthStatus, "The stack's status, as GET /health and the event stream's hello and status events say it."),
  checkedAt: z.nullable(z.string()),
});
export type ServicesResponse = z.infer<typeof ServicesResponse>;

// ---- GET /api/services/:id/history?window=1h|24h|7d -------------------------------------

const Window = z.enum(['1h', '24h', '7d']);
export const HistoryQuery = z.object({ window: z._default(Window, '24h') });
export const HistoryPoint = z.object({ t: z.string(), status: HealthStatus, latencyMs: z.number(), checkId: z.string() });
export const HistoryResponse = z.object({ id: z.string(), window: Window, points: z.array(HistoryPoint) });
export type HistoryResponse = z.infer<typeof HistoryResponse>;

// ---- GET /api/registry ----------------------------------------------------------

export const PortBindingInfo = Reports.PortBindingInfo;
export const PortConflict = Reports.PortConflict;
export const RegistryResponse = z.union([
  z.object({
    available: z.literal(true),
    file: describe(z.nullable(z.string()), 'The registry file; null when the spec names none.'),
    bindings: z.array(PortBindingInfo),
    conflicts: z.array(PortConflict),
    problems: z.array(ProblemView),
  }),
  Unavailable,
]);
export type RegistryResponse = z.infer<typeof RegistryResponse>;

// ---- GET /api/ecosystem -----------------------------------------------------------
// The ecosystem the served spec belongs to (the ecosystem.yaml beside its registry), checked with the spec as served:
// every member repo with its published ports, the shared services, who uses whom on which port, and the findings.

/** tcp or udp, as @berth/spec's reports say it. */
const Protocol = PortConflict.shape.protocol;
export const EcosystemMember = z.object({
  repo: z.string(),
  file: describe(z.string(), 'Where its berth.yaml was read, as the server shows it (a git member: clone@ref:file).'),
  source: z.object({ kind: z.enum(['path', 'package', 'git', 'argument']), text: z.string() }),
  role: z.enum(['owner', 'consumer']),
  services: z.array(z.object({ id: z.string(), name: z.optional(z.string()), ports: z.array(z.object({ port: z.string(), protocol: Protocol, name: z.optional(z.string()), env: z.optional(z.string()) })) })),
  consumedBy: describe(z.array(z.object({ repo: z.string(), services: z.array(z.string()) })), 'Who uses its services, derived from the other members\' connections.'),
  errors: z.number(),
  warnings: z.number(),
});
export type EcosystemMember = z.infer<typeof EcosystemMember>;
export const EcosystemEdge = z.object({
  from: z.object({ repo: z.string(), connection: z.string(), name: z.optional(z.string()) }),
  to: z.object({ kind: z.enum(['member', 'registry', 'shared']), repo: z.optional(z.string()), service: z.string(), name: z.optional(z.string()) }),
  host: z.string(),
  port: z.number(),
});
export type EcosystemEdge = z.infer<typeof EcosystemEdge>;
export const EcosystemProblem = z.extend(ProblemView, { repos: describe(z.array(z.string()), 'The repos the problem concerns.') });
export type EcosystemProblem = z.infer<typeof EcosystemProblem>;
export const EcosystemResponse = z.union([
  z.object({
    available: z.literal(true),
    name: z.nullable(z.string()),
    manifest: z.string(),
    registry: z.string(),
    repo: describe(z.string(), 'The served spec\'s repo.'),
    member: describe(z.boolean(), 'Whether the manifest names the served repo (a repo that only uses its registry is checked as if it did).'),
    members: z.array(EcosystemMember),
    unloaded: describe(z.array(z.string()), 'Members whose spec could not be loaded.'),
    shared: z.array(z.object({ service: z.string(), port: z.string(), protocol: Protocol, repo: z.optional(z.string()), description: z.optional(z.string()), usedBy: z.array(z.string()) })),
    edges: z.array(EcosystemEdge),
    conflicts: z.array(PortConflict),
    problems: z.array(EcosystemProblem),
  }),
  Unavailable,
]);
export type EcosystemResponse = z.infer<typeof EcosystemResponse>;

// ---- GET /api/env ---------------------------------------------------------------
// Names and states only: never a value, secret or not.

export const EnvVarStatus = Reports.EnvVarStatus;
export type EnvVarStatus = z.infer<typeof EnvVarStatus>;
export const EnvModuleView = z.object({
  module: describe(z.string(), 'A module of the spec, or "core" for variables no module needs.'),
  description: z.optional(z.string()),
  ok: describe(z.boolean(), 'Every required var is set and every set var is valid.'),
  vars: z.array(EnvVarStatus),
});
export const EnvResponse = z.union([z.object({ available: z.literal(true), modules: z.array(EnvModuleView), problems: z.array(ProblemView) }), Unavailable]);
export type EnvResponse = z.infer<typeof EnvResponse>;

// ---- GET /api/containers and /api/profiles ----------------------------------------------

/** @berth/docker's ServiceStatus without the last health output: a container's output may print anything. */
export const ContainerView = z.omit(ServiceStatus, { lastHealthOutput: true });
export type ContainerView = z.infer<typeof ContainerView>;
export const ContainersResponse = z.union([
  z.object({
    available: z.literal(true),
    /** The first engine's endpoint (the default one's when a service runs there). */
    endpoint: z.string(),
    /** Every engine asked, by name, with its endpoint. */
    engines: z.optional(z.array(z.object({ name: z.string(), endpoint: z.string() }))),
    project: z.string(),
    containers: z.array(ContainerView),
    checkedAt: z.string(),
  }),
  Unavailable,
]);
export type ContainersResponse = z.infer<typeof ContainersResponse>;

export const ProfileView = z.object({
  name: z.string(),
  description: z.optional(z.string()),
  services: describe(z.array(z.string()), 'What `up --profile NAME` starts beyond the default selection, dependencies first (@berth/spec profileServices).'),
  /** running: every service of it runs; partial: some; stopped: none; unknown: no engine. */
  state: z.enum(['running', 'partial', 'stopped', 'unknown']),
});
export type ProfileView = z.infer<typeof ProfileView>;
export const ProfilesResponse = z.object({ profiles: z.array(ProfileView), engine: z.union([z.object({ available: z.literal(true) }), Unavailable]) });
export type ProfilesResponse = z.infer<typeof ProfilesResponse>;

// ---- GET /api/gpu ----------------------------------------------------------------

export const GpuView = z.object({
  index: z.number(),
  name: z.string(),
  uuid: z.optional(z.string()),
  memoryTotalMiB: z.optional(z.number()),
  memoryUsedMiB: z.optional(z.number()),
  utilizationPct: z.optional(z.number()),
  temperatureC: z.optional(z.number()),
});
export const GpuResponse = z.union([
  z.object({
    available: z.literal(true),
    detection: describe(z.string(), 'ok, no-binary, no-driver, no-gpu, timeout, failed, unparseable'),
    message: z.optional(z.string()),
    driverVersion: z.optional(z.string()),
    cudaVersion: z.optional(z.string()),
    gpus: z.array(GpuView),
    verdict: z.nullable(z.object({ status: z.string(), reason: z.string(), minimumDriver: z.optional(z.string()) })),
    report: describe(z.record(z.string(), z.unknown()), 'The full report of @berth/gpu.'),
  }),
  Unavailable,
]);
export type GpuResponse = z.infer<typeof GpuResponse>;

// ---- write routes (Authorization: Bearer TOKEN) ------------------------------------------
// POST /api/profiles/:name/up, POST /api/profiles/:name/down, POST /api/services/:id/restart

/** A profile or service name: every name a spec can hold (@berth/spec's Identifier pattern). */
export const ProfileParams = z.object({ name: z.string().check(z.regex(Reports.IDENTIFIER_PATTERN, 'must be a profile name')) });
export const ServiceParams = z.object({ id: z.string().check(z.regex(Reports.IDENTIFIER_PATTERN, 'must be a service id')) });
/** Optional: a POST with no body is the same as `{}`. */
export const UpBody = z.nullish(z.strictObject({ wait: describe(z._default(z.boolean(), false), 'Wait until its services are healthy') }));
export const ActionResponse = z.object({
  ok: z.boolean(),
  action: z.enum(['up', 'down', 'restart']),
  target: z.string(),
  message: z.string(),
  services: z.array(z.string()),
});
export type ActionResponse = z.infer<typeof ActionResponse>;

// ---- GET /api/events (text/event-stream) ------------------------------------------------
// Each SSE message's `event:` is the type below and its `data:` the JSON of the matching shape.

export const EventHello = z.object({ type: z.literal('hello'), status: HealthStatus, results: z.array(CheckResult) });
export const EventResult = z.object({ type: z.literal('result'), result: CheckResult, previous: z.nullable(HealthStatus) });
export const EventStatus = z.object({ type: z.literal('status'), status: HealthStatus, previous: HealthStatus });
/** The spec's files changed on disk (or went back to what was loaded): SpecOnDisk as /api/spec answers it. */
export const EventSpec = z.object({ type: z.literal('spec'), onDisk: SpecOnDisk });
export const ServerEvent = z.discriminatedUnion('type', [EventHello, EventResult, EventStatus, EventSpec]);
export type ServerEvent = z.infer<typeof ServerEvent>;

/** Every route and its response schema, for clients that want one table. */
export const routes = {
  'GET /health': HealthResponse,
  'GET /api/spec': SpecResponse,
  'GET /api/services': ServicesResponse,
  'GET /api/services/:id/history': HistoryResponse,
  'GET /api/registry': RegistryResponse,
  'GET /api/env': EnvResponse,
  'GET /api/ecosystem': EcosystemResponse,
  'GET /api/containers': ContainersResponse,
  'GET /api/profiles': ProfilesResponse,
  'GET /api/gpu': GpuResponse,
  'POST /api/profiles/:name/up': ActionResponse,
  'POST /api/profiles/:name/down': ActionResponse,
  'POST /api/services/:id/restart': ActionResponse,
} as const;
