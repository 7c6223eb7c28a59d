/**
 * The wire contract of the berth API: one zod schema per route response (and request).
 * The server validates against these; the dashboard imports them (`@berth/api/contract`)
 * and parses what it receives. Only zod here (and @berth/health/result, zod only too), so it loads in a browser.
 *
 * Values of environment variables never appear in any of these shapes.
 */
import { z } from 'zod';
import * as HealthResultSchemas from '@berth/health/result';

// ---- shared pieces ----------------------------------------------------------

// A check's result and its status are @berth/health's own schemas (its pure `result` entry), not a copy.
export const HealthStatus = HealthResultSchemas.HealthStatus;
export type HealthStatus = z.infer<typeof HealthStatus>;

export const Subject = HealthResultSchemas.CheckSubject;
export type Subject = z.infer<typeof Subject>;

/** One check run, as @berth/health reports it. */
export const CheckResult = HealthResultSchemas.CheckResult;
export type CheckResult = z.infer<typeof CheckResult>;

/** A source that could not answer (no Docker engine, no nvidia-smi, a package not built yet). */
export const Unavailable = z.object({ available: z.literal(false), reason: z.string() });
export type Unavailable = z.infer<typeof Unavailable>;

export const ProblemView = z.object({
  severity: z.enum(['error', 'warning', 'info']).or(z.string()),
  code: z.string().optional(),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().optional(),
  col: z.number().optional(),
  hint: z.string().optional(),
});

export const ErrorBody = z.object({ statusCode: z.number(), error: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---- GET /health --------------------------------------------------------------
// 200 when every check passes, 429 when the worst is a warning, 503 when any is critical.

export const HealthCounts = z.object({ passing: z.number(), warning: z.number(), critical: z.number(), starting: z.number(), unknown: z.number() });
export const HealthResponse = z.object({
  status: HealthStatus,
  counts: HealthCounts,
  checkedAt: z.string().nullable().describe('When the newest result came in; null before the first round.'),
  checks: z.array(z.object({ id: z.string(), subject: z.string(), status: HealthStatus, reason: z.string() })),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

// ---- GET /api/spec --------------------------------------------------------------

export const SpecResponse = z.object({
  file: z.string(),
  repo: z.object({ name: z.string(), description: z.string().optional(), owner: z.string().optional(), status: z.string().optional() }),
  project: z.string(),
  profiles: z.array(z.string()),
  /** The spec as loaded (the file's content after defaults); it is in the repo already. */
  spec: z.record(z.string(), z.unknown()),
});
export type SpecResponse = z.infer<typeof SpecResponse>;

// ---- GET /api/services ----------------------------------------------------------

export const LatencyStats = z.object({ p50: z.number(), p95: z.number(), p99: z.number(), samples: z.number() });
export type LatencyStats = z.infer<typeof LatencyStats>;

export const ServiceView = z.object({
  id: z.string().describe('The subject id: the service, connection or devcontainer key of the spec.'),
  kind: Subject.shape.kind,
  name: z.string(),
  purpose: z.string().optional(),
  profiles: z.array(z.string()),
  ports: z.array(z.object({ host: z.number(), container: z.number().optional(), protocol: z.string(), name: z.string().optional() })),
  status: HealthStatus.describe('The worst of its checks; unknown before the first result.'),
  reason: z.string().describe('Why: the reason of its worst check.'),
  checks: z.array(CheckResult),
  /** Fractions 0..1 of passing results, from the history store; null when no history. */
  uptime24h: z.number().nullable(),
  uptime7d: z.number().nullable(),
  latency: LatencyStats.nullable().describe('Over the last 24 hours.'),
});
export type ServiceView = z.infer<typeof ServiceView>;
export const ServicesResponse = z.object({ services: z.array(ServiceView), checkedAt: z.string().nullable() });
export type ServicesResponse = z.infer<typeof ServicesResponse>;

// ---- GET /api/services/:id/history?window=1h|24h|7d -------------------------------------

export const HistoryQuery = z.object({ window: z.enum(['1h', '24h', '7d']).default('24h') });
export const HistoryPoint = z.object({ t: z.string(), status: HealthStatus, latencyMs: z.number(), checkId: z.string() });
export const HistoryResponse = z.object({ id: z.string(), window: HistoryQuery.shape.window, points: z.array(HistoryPoint) });
export type HistoryResponse = z.infer<typeof HistoryResponse>;

// ---- GET /api/registry ----------------------------------------------------------

export const PortBindingInfo = z.object({
  repo: z.string(),
  service: z.string(),
  name: z.string().optional(),
  hostIp: z.string().optional(),
  protocol: z.enum(['tcp', 'udp']),
  from: z.number(),
  to: z.number(),
  env: z.string().optional(),
  registered: z.boolean(),
  exclusiveWith: z.array(z.string()),
});
export const PortConflict = z.object({
  port: z.number(),
  protocol: z.enum(['tcp', 'udp']),
  holders: z.array(z.object({ repo: z.string().optional(), service: z.string() })),
  exclusive: z.boolean().describe('Declared exclusive: shown as a warning, not an error.'),
});
export const RegistryResponse = z.union([
  z.object({
    available: z.literal(true),
    file: z.string().nullable().describe('The registry file; null when the spec names none.'),
    bindings: z.array(PortBindingInfo),
    conflicts: z.array(PortConflict),
    problems: z.array(ProblemView),
  }),
  Unavailable,
]);
export type RegistryResponse = z.infer<typeof RegistryResponse>;

// ---- GET /api/env ---------------------------------------------------------------
// Names and states only: never a value, secret or not.

export const EnvVarStatus = z.object({
  name: z.string(),
  required: z.boolean(),
  secret: z.boolean(),
  set: z.boolean(),
  valid: z.boolean(),
  source: z.enum(['env', 'env-file', 'default']).optional(),
  reason: z.string().optional(),
});
export type EnvVarStatus = z.infer<typeof EnvVarStatus>;
export const EnvModuleView = z.object({
  module: z.string().describe('A module of the spec, or "core" for variables no module needs.'),
  description: z.string().optional(),
  ok: z.boolean().describe('Every required var is set and every set var is valid.'),
  vars: z.array(EnvVarStatus),
});
export const EnvResponse = z.union([
  z.object({ available: z.literal(true), modules: z.array(EnvModuleView), problems: z.array(ProblemView) }),
  Unavailable,
]);
export type EnvResponse = z.infer<typeof EnvResponse>;

// ---- GET /api/containers and /api/profiles ----------------------------------------------

export const ContainerView = z.object({
  service: z.string(),
  container: z.string().optional(),
  state: z.enum(['running', 'exited', 'created', 'restarting', 'paused', 'dead', 'missing']),
  health: z.enum(['healthy', 'unhealthy', 'starting', 'none']).optional(),
  exitCode: z.number().optional(),
  ports: z.array(z.object({ host: z.number(), container: z.number(), protocol: z.string(), hostIp: z.string().optional() })),
  image: z.string().optional(),
  startedAt: z.string().optional(),
  uptimeMs: z.number().optional(),
});
export type ContainerView = z.infer<typeof ContainerView>;
export const ContainersResponse = z.union([
  z.object({ available: z.literal(true), endpoint: z.string(), project: z.string(), containers: z.array(ContainerView), checkedAt: z.string() }),
  Unavailable,
]);
export type ContainersResponse = z.infer<typeof ContainersResponse>;

export const ProfileView = z.object({
  name: z.string(),
  description: z.string().optional(),
  services: z.array(z.string()),
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
  uuid: z.string().optional(),
  memoryTotalMiB: z.number().optional(),
  memoryUsedMiB: z.number().optional(),
  utilizationPct: z.number().optional(),
  temperatureC: z.number().optional(),
});
export const GpuResponse = z.union([
  z.object({
    available: z.literal(true),
    detection: z.string().describe('ok, no-binary, no-driver, timeout, failed, unparseable'),
    message: z.string().optional(),
    driverVersion: z.string().optional(),
    cudaVersion: z.string().optional(),
    gpus: z.array(GpuView),
    verdict: z.object({ status: z.string(), reason: z.string(), minimumDriver: z.string().optional() }).nullable(),
    report: z.record(z.string(), z.unknown()).describe('The full report of @berth/gpu.'),
  }),
  Unavailable,
]);
export type GpuResponse = z.infer<typeof GpuResponse>;

// ---- write routes (Authorization: Bearer TOKEN) ------------------------------------------
// POST /api/profiles/:name/up, POST /api/profiles/:name/down, POST /api/services/:id/restart

export const ProfileParams = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'must be a profile name') });
export const ServiceParams = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/i, 'must be a service id') });
/** Optional: a POST with no body is the same as `{}`. */
export const UpBody = z.object({ wait: z.boolean().default(false).describe('Wait until its services are healthy') }).strict().nullish();
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
export const EventResult = z.object({ type: z.literal('result'), result: CheckResult, previous: HealthStatus.nullable() });
export const EventStatus = z.object({ type: z.literal('status'), status: HealthStatus, previous: HealthStatus });
export const ServerEvent = z.discriminatedUnion('type', [EventHello, EventResult, EventStatus]);
export type ServerEvent = z.infer<typeof ServerEvent>;

/** Every route and its response schema, for clients that want one table. */
export const routes = {
  'GET /health': HealthResponse,
  'GET /api/spec': SpecResponse,
  'GET /api/services': ServicesResponse,
  'GET /api/services/:id/history': HistoryResponse,
  'GET /api/registry': RegistryResponse,
  'GET /api/env': EnvResponse,
  'GET /api/containers': ContainersResponse,
  'GET /api/profiles': ProfilesResponse,
  'GET /api/gpu': GpuResponse,
  'POST /api/profiles/:name/up': ActionResponse,
  'POST /api/profiles/:name/down': ActionResponse,
  'POST /api/services/:id/restart': ActionResponse,
} as const;
