import { z } from 'zod';
import { Duration, EnvVarName, Identifier, PortNumber, PositiveDuration } from './common.js';
import { deferred, once } from './deferred.js';
import { alsoInJsonSchema } from './json-schema-extra.js';

/** Options every check kind shares: timing, retries and flap damping (built with the first kind a spec uses). */
const CheckTiming = once(() => ({
  name: z.string().optional().describe('A label for this check; defaults to its kind and target.'),
  severity: z.enum(['critical', 'warning']).default('critical').describe('What a failure of this check means for the stack: critical, or only a warning.'),
  timeout: PositiveDuration.optional().describe('Total time the check may take (default 2s).'),
  connectTimeout: PositiveDuration.optional().describe('Time allowed to connect (default: the total timeout).'),
  interval: PositiveDuration.optional().describe('How often `berth serve` runs this check (default 10s).'),
  retries: z.number().int().min(0).max(10).optional().describe('Extra attempts, with backoff, before a run counts as failed (default 0).'),
  startPeriod: Duration.optional().describe('After the service starts, failures within this period report "starting" instead of critical.'),
  failureThreshold: z.number().int().min(1).optional().describe('Consecutive failed runs before the check turns critical (default 1).'),
  successThreshold: z.number().int().min(1).optional().describe('Consecutive passing runs before a failed check passes again (default 1).'),
}));

/** A kind of check, built the first time a spec uses it: its tag, said once, is both its `type` and what the union looks up. */
function checkKind<const K extends string, T extends z.ZodType>(tag: K, build: (type: z.ZodLiteral<K>) => T) {
  return deferred(() => build(z.literal(tag)), { discriminator: { type: [tag] } });
}

/** An HTTP status matcher: a code (200), a class ("2xx") or a range ("200-399"). */
const statusMatcher = () =>
  z.union([
    z.number().int().min(100).max(599),
    z.string().regex(/^([1-5]xx|\d{3}-\d{3})$/, 'must be a status code, a class such as "2xx", or a range such as "200-399"'),
  ]);

/**
 * Whether a check's url can be a URL once its `${VAR}`s are filled in: each stands for a value that fits anywhere
 * (a host, a port, a path), and one that starts the url (`${BASE_URL}/health`) is judged when the check runs.
 */
function urlOnceResolved(url: string): boolean {
  if (url.startsWith('${')) return true;
  return URL.canParse(url.replace(/\$\{[^}]*\}/g, '1'));
}

export const HttpCheck = checkKind('http', (type) =>
  z
    .strictObject({
      type,
      url: z
        .string()
        .regex(/^(https?:\/\/|\$\{)/, { message: 'must be an http:// or https:// URL (or start with a ${VARIABLE} holding one)', abort: true })
        .refine(urlOnceResolved, 'is not a URL (its host or port cannot be read)')
        .describe('The URL to request. Compose text: `${VAR}` and `${VAR:-default}` are filled in from the environment, then the .env beside the spec, when the check runs (a token stays out of the spec).'),
      method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS']).default('GET'),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.string().optional().describe('Request body, for POST and PUT.'),
      expect: z
        .strictObject({
          status: z.array(statusMatcher()).optional().describe('Accepted statuses (default 200-399).'),
          bodyContains: z.string().optional().describe('A substring the body must contain.'),
          json: z
            .strictObject({
              path: z.string().describe('A dotted path into the JSON body, such as "status" or "data.0.ok".'),
              equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
            })
            .optional()
            .describe('A field of a JSON body, and optionally the value it must equal.'),
          maxLatency: Duration.optional().describe('A slower answer is a warning.'),
          unauthorizedIsUp: z.boolean().optional().describe('401 and 403 mean "up, wants credentials" (Jupyter without a token).'),
        })
        .default({}),
      maxRedirects: z.number().int().min(0).max(20).default(5),
      insecure: z.boolean().default(false).describe('Accept self-signed TLS certificates.'),
      ...CheckTiming(),
    })
    .describe('An HTTP(S) request and what its answer must be.'),
);

export const TcpCheck = checkKind('tcp', (type) =>
  z
    .strictObject({
      type,
      host: z.string().default('127.0.0.1'),
      port: PortNumber,
      ...CheckTiming(),
    })
    .describe('A TCP connect.'),
);

export const PostgresCheck = checkKind('postgres', (type) =>
  z
    .strictObject({
      type,
      host: z.string().default('127.0.0.1'),
      port: PortNumber.default(5432),
      database: z.string().optional(),
      user: z.string().optional(),
      ...CheckTiming(),
    })
    .describe('A PostgreSQL startup handshake, as pg_isready does: accepting, rejecting or no answer; no credentials needed.'),
);

const CommandExpect = once(() =>
  z
    .strictObject({
      exitCode: z.number().int().default(0),
      stdoutContains: z.string().optional(),
      stdoutEquals: z.string().optional().describe('The whole of stdout, trimmed, must equal this.'),
    })
    .default({ exitCode: 0 }),
);

export const CommandCheck = checkKind('command', (type) =>
  z
    .strictObject({
      type,
      argv: z.array(z.string()).min(1, 'needs at least the program to run').describe('Program and arguments; never run through a shell.'),
      cwd: z.string().optional(),
      env: z.record(EnvVarName, z.string()).optional(),
      expect: CommandExpect(),
      ...CheckTiming(),
    })
    .describe('Run a program on the host and check its exit code and output.'),
);

export const ContainerCheck = checkKind('container', (type) =>
  z
    .strictObject({
      type,
      service: Identifier.optional().describe('The service whose container is checked (default: the service the check belongs to).'),
      ...CheckTiming(),
    })
    .describe("The Docker health status and exit state of a service's container."),
);

export const ExecCheck = checkKind('exec', (type) =>
  alsoInJsonSchema(z
    .strictObject({
      type,
      service: Identifier.optional().describe('The service whose container runs the command (default: the owning service).'),
      container: z.string().optional().describe('A container name, for a container berth does not manage that has a fixed name.'),
      in: z
        .literal('devcontainer')
        .optional()
        .describe("Run it in the devcontainer, found by the labels the Dev Containers CLI gives it (devcontainer.local_folder, devcontainer.config_file); the default for the devcontainer's own checks."),
      argv: z.array(z.string()).min(1),
      expect: CommandExpect(),
      ...CheckTiming(),
    })
    .refine((c) => [c.service, c.container, c.in].filter((v) => v !== undefined).length <= 1, { message: 'name one of service, container and in', path: ['in'] })
    .describe("Run a program inside a container: a service's, or the devcontainer, such as the real torch.cuda.is_available()."), {
    not: { anyOf: [{ required: ['service', 'container'] }, { required: ['service', 'in'] }, { required: ['container', 'in'] }] },
  }),
);

export const McpCheck = checkKind('mcp', (type) =>
  z
    .strictObject({
      type,
      server: z.string().optional().describe('The server\'s name in .mcp.json or ~/.claude.json.'),
      command: z.string().optional().describe('The program to start, when the server is not looked up by name.'),
      args: z.array(z.string()).default([]),
      env: z.record(EnvVarName, z.string()).optional(),
      configFiles: z.array(z.string()).default(['.mcp.json', '~/.claude.json']).describe('Where the server is registered, first match wins.'),
      expectTools: z.array(z.string()).optional().describe('Tools the server must list.'),
      ...CheckTiming(),
    })
    .describe('Start an MCP server over stdio, complete the handshake and list its tools.'),
);

export const GpuCheck = checkKind('gpu', (type) =>
  z
    .strictObject({
      type,
      minCount: z.number().int().min(1).default(1),
      cuda: z.string().regex(/^\d+\.\d+$/).optional().describe('The CUDA version the workload needs (default: the devcontainer\'s).'),
      ...CheckTiming(),
    })
    .describe('NVIDIA GPUs present through nvidia-smi, and a driver new enough for the CUDA version needed.'),
);

export const HealthCheck = z.discriminatedUnion('type', [
  HttpCheck,
  TcpCheck,
  PostgresCheck,
  CommandCheck,
  ContainerCheck,
  ExecCheck,
  McpCheck,
  GpuCheck,
]);
export type HealthCheck = z.infer<typeof HealthCheck>;
export type HttpCheck = z.infer<typeof HttpCheck>;
export type TcpCheck = z.infer<typeof TcpCheck>;
export type PostgresCheck = z.infer<typeof PostgresCheck>;
export type CommandCheck = z.infer<typeof CommandCheck>;
export type ContainerCheck = z.infer<typeof ContainerCheck>;
export type ExecCheck = z.infer<typeof ExecCheck>;
export type McpCheck = z.infer<typeof McpCheck>;
export type GpuCheck = z.infer<typeof GpuCheck>;
export type HealthCheckType = HealthCheck['type'];
