import { z } from 'zod';
import { Duration, EnvVarName, HostIp, Identifier, PortNumber, PortOrRange, Protocol, Size } from './common.js';
import { HealthCheck } from './check.js';
import { DevcontainerRuntimeFields, onlyOnDevcontainer } from './devcontainer.js';
import { FileObjectReference, ServiceDeploy } from './deploy.js';
import { strictWithExtensions } from './strict-with-extensions.js';
import { deferred } from './deferred.js';
import { ExtraHosts } from './extra-hosts.js';
import { alsoInJsonSchema } from './json-schema-extra.js';
import { IMAGE_REFERENCE_PATTERN } from '../analysis/image-reference.js';

/** Said of every field whose text may hold Compose references (`${VAR}`, `${VAR:-default}`), resolved when berth runs the service. */
const TEXT_NOTE = 'Compose text: `${VAR}` references are resolved when berth runs it (the environment, then the .env beside the spec); `$$` is a literal `$`.';

const SHORT_PORT_RE = /^(?:(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):)?(\d{1,5}(?:-\d{1,5})?)(?::(\d{1,5}(?:-\d{1,5})?))?(?:\/(tcp|udp))?$/;

/** The long form of a published port. */
export const PortBindingObject = z.strictObject({
  host: PortOrRange.describe('Port (or range) on the host.'),
  container: PortOrRange.optional().describe('Port (or range) in the container; defaults to the host port.'),
  hostIp: HostIp.describe('Host address to bind, an IP address (default: every interface, as Compose does).').optional(),
  protocol: Protocol,
  name: z.string().optional().describe('What this port is for within the service, such as "api" or "admin".'),
  description: z.string().optional().describe('Shown in the rendered docs, for example "Data lineage admin".'),
  env: EnvVarName.describe('The env var that carries this port, such as MLFLOW_PORT; `berth compose` writes the port as `${MLFLOW_PORT:-5000}`.').optional(),
  containerEnv: EnvVarName.describe('The env var that carries the container port, as Compose\'s `"${API_PORT}:${API_PORT}"` writes it.').optional(),
  hostIpEnv: EnvVarName.describe('The env var that carries the host address, as in `"${HOST_IP:-127.0.0.1}:5432:5432"`.').optional(),
  envDefault: z
    .boolean()
    .optional()
    .describe('false when the Compose file gave these variables no default (`${API_PORT}`): `berth compose` writes them so, and the numbers here are what `.env` held at import.'),
  appProtocol: z.enum(['http', 'https', 'tcp', 'postgres', 'grpc']).optional().describe('What speaks on this port; chooses the default health check.'),
});

/**
 * A published port: `5000` (same port on host and container), a Compose short form
 * (`"127.0.0.1:5000:5000/tcp"`, `"3000-3005:3000-3005"`), or the long form.
 */
export const PortBinding = z
  .union([
    PortNumber,
    z.string().regex(SHORT_PORT_RE, 'must be a port such as 5000, "127.0.0.1:5000:5000" or "3000-3005:3000-3005/udp"'),
    PortBindingObject,
  ])
  .transform((v, ctx) => {
    // every form comes out the same: the long form, with the container port always there (the host port by default)
    const withContainer = (b: z.output<typeof PortBindingObject>) => ({ ...b, container: b.container ?? b.host });
    if (typeof v === 'object') return withContainer(v);
    const m = typeof v === 'string' ? SHORT_PORT_RE.exec(v)! : undefined;
    const [, ip6, ip4, first, second, proto] = m ?? [];
    // the short form's numbers are checked here ("99999:80" matches the pattern): a problem of the port, never a throw
    const long = PortBindingObject.safeParse(m ? { host: first, container: second ?? first, hostIp: ip6 ?? ip4, protocol: proto ?? 'tcp' } : { host: v });
    if (long.success) return withContainer(long.data);
    const what: Record<string, string> = { host: 'host port', container: 'container port', hostIp: 'host address' };
    for (const issue of long.error.issues) ctx.addIssue({ code: 'custom', message: `${what[String(issue.path[0])] ?? 'port'} ${issue.message}` });
    return z.NEVER;
  })
  .describe('A published port: 5000, "127.0.0.1:5000:5000/tcp", or { host, container, hostIp, protocol, name, env }.');
export type PortBinding = z.output<typeof PortBinding>;

export const DependencyCondition = z.enum(['service_started', 'service_healthy', 'service_completed_successfully']);
export const Dependency = z.strictObject({
  condition: DependencyCondition.default('service_started'),
  required: z.boolean().default(true).describe('A disabled required dependency is an error; otherwise a warning.'),
  restart: z.boolean().default(false).describe('Restart this service when the dependency is restarted.'),
});
export type Dependency = z.output<typeof Dependency>;

/** `depends_on` as Compose writes it: a list of service names, or a map with conditions. */
export const DependsOn = z
  .union([z.array(Identifier), z.record(Identifier, Dependency)])
  .transform((v): Record<string, Dependency> =>
    Array.isArray(v)
      ? Object.fromEntries(v.map((name) => [name, { condition: 'service_started', required: true, restart: false } as const]))
      : v,
  );

/** A container health check with Compose's fields; runs inside the container. */
export const ContainerHealthcheck = deferred(
  () =>
    z.strictObject({
      test: z
        .union([z.string(), z.array(z.string()).min(1)])
        .optional()
        .describe(`A string runs through the shell (CMD-SHELL); a list starts with NONE, CMD or CMD-SHELL. ${TEXT_NOTE}`),
      interval: Duration.optional(),
      timeout: Duration.optional(),
      retries: z.number().int().min(0).optional(),
      startPeriod: Duration.optional(),
      startInterval: Duration.optional(),
      disable: z.boolean().optional(),
    }),
);
export type ContainerHealthcheck = z.output<typeof ContainerHealthcheck>;

export const GpuRequest = deferred(
  () =>
    z
      .union([
        z.literal(true),
        alsoInJsonSchema(
          z.strictObject({
            count: z.union([z.number().int().min(1), z.literal('all')]).optional().describe('GPUs to give; all when neither count nor deviceIds is set.'),
            deviceIds: z.array(z.string()).optional(),
            capabilities: z.array(z.string()).default(['gpu']),
            driver: z.string().optional(),
            options: z.record(z.string(), z.string()).optional(),
          }),
          { not: { required: ['count', 'deviceIds'] } },
        ),
      ])
      .transform((v) => (v === true ? { capabilities: ['gpu'] as string[] } : v))
      .refine((v) => !(v.count !== undefined && v.deviceIds !== undefined), 'count and deviceIds cannot both be set'),
);
export type GpuRequest = z.output<typeof GpuRequest>;

export const VolumeMount = z.union([
  z.string().describe('Compose short syntax: "SOURCE:TARGET[:ro]" or a bare TARGET for an anonymous volume.'),
  z.strictObject({
    type: z.enum(['volume', 'bind', 'tmpfs']).default('volume'),
    source: z.string().optional(),
    target: z.string(),
    readOnly: z.boolean().default(false),
  }),
]);
export type VolumeMount = z.output<typeof VolumeMount>;

/** Where a service runs: inside Compose (via berth's engine driver), in the devcontainer, or as a host command. */
export const Runtime = z
  .union([
    z.enum(['compose', 'devcontainer', 'host']),
    z.strictObject({
      kind: z.enum(['compose', 'devcontainer', 'host']),
      command: z.string().optional().describe('How to start it there, such as `mlflow ui --host 0.0.0.0 --port 5000`.'),
      network: z.string().optional().describe('A network of the top-level `networks` this runtime runs on, such as the host network; for kind: compose, a mode: host network puts the container on the host network.'),
      ...DevcontainerRuntimeFields,
    }).refine(onlyOnDevcontainer, { message: 'onAutoForward, requireLocalPort and composeService are for kind: devcontainer', path: ['kind'] }),
  ])
  .transform((v) => (typeof v === 'string' ? { kind: v } : v));
export type Runtime = z.output<typeof Runtime>;

/** Build arguments and labels: a map; a `null` argument takes its value from the environment, as in Compose. */
const BuildArgs = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

/**
 * How a service's image is built, with Compose's fields (camelCase): a context path or URL, or the
 * long form. `berth up` and `berth build` build it through the engine's API (docs/builds.md); what
 * needs a BuildKit session (additionalContexts, a URL context, several platforms) is refused there.
 */
export const ServiceBuild = deferred(
  () =>
    z
      .union([
        z.string().describe('The build context: a directory relative to the spec, or a Git URL (kept for Compose; berth builds from a directory).'),
        alsoInJsonSchema(
          z.strictObject({
            context: z.string().default('.').describe('The build context: a directory relative to the spec, or a Git URL (kept for Compose; berth builds from a directory).'),
            dockerfile: z.string().optional().describe('The Dockerfile, relative to the context (default Dockerfile).'),
            dockerfileInline: z.string().optional().describe('The Dockerfile itself, instead of a file.'),
            target: z.string().optional().describe('The stage of a multi-stage Dockerfile to build.'),
            args: BuildArgs.optional().describe(`Build arguments (ARG); null takes the value from the environment. ${TEXT_NOTE}`),
            labels: z.record(z.string(), z.string()).optional().describe('Labels on the built image.'),
            cacheFrom: z.array(z.string()).optional().describe('Images to use as a build cache.'),
            additionalContexts: z
              .record(z.string(), z.string())
              .optional()
              .describe('Named extra contexts (`name: path`, `docker-image://...`, a URL), for `COPY --from=name`; they need a BuildKit session, so berth refuses to build them (docker compose build does).'),
            network: z.string().optional().describe('Network for RUN steps (host, none, ...).'),
            shmSize: z.union([z.string(), z.number().int().nonnegative()]).optional().describe('Size of /dev/shm during the build ("2gb" or bytes).'),
            extraHosts: ExtraHosts.optional().describe('Extra /etc/hosts entries during the build: `host: address` (an IP address, `[::1]`, or host-gateway), or a list of addresses.'),
            noCache: z.boolean().optional().describe('Build without the cache.'),
            pull: z.boolean().optional().describe('Always pull the base images.'),
            platforms: z.array(z.string()).optional().describe('Target platforms, such as linux/amd64; berth builds for one, several need buildx.'),
            tags: z.array(z.string()).optional().describe('More tags for the built image, besides `image`.'),
          }),
          { not: { required: ['dockerfile', 'dockerfileInline'] } },
        ),
      ])
      .transform((v) => (typeof v === 'string' ? { context: v } : v))
      .refine((v) => !('dockerfile' in v && v.dockerfile !== undefined && 'dockerfileInline' in v && v.dockerfileInline !== undefined), 'dockerfile and dockerfileInline cannot both be set')
      .describe(`Build the image from a Dockerfile: a context, or { context, dockerfile, target, args, ... } as in Compose. ${TEXT_NOTE}`),
);
export type ServiceBuild = z.output<typeof ServiceBuild>;

const RestartPolicy = z.enum(['no', 'always', 'on-failure', 'unless-stopped']);

export const Service = strictWithExtensions({
  name: z.string().optional().describe('Display name, such as "Marquez API".'),
  purpose: z.string().optional().describe('One line on what it is for.'),
  runtime: z
    .union([Runtime, z.array(Runtime)])
    .optional()
    .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]))
    .describe('Where it runs: compose (default), devcontainer, host, or several.'),
  profiles: z.array(Identifier).optional().describe('Compose profiles that enable it; none means always enabled.'),
  engine: Identifier.describe("The engine (a name under `engines`) it runs on; default: its profiles' engine, else the default engine.").optional(),
  image: alsoInJsonSchema(z.string(), { pattern: IMAGE_REFERENCE_PATTERN }).optional().describe(`The image to run; with build, the name the built image gets (default <project>-<service>, as in Compose). berth validate refuses a reference the engine would refuse (capitals in the name, white space, a bad tag or digest). ${TEXT_NOTE}`),
  build: ServiceBuild.optional(),
  command: z.union([z.string(), z.array(z.string())]).optional().describe(TEXT_NOTE),
  entrypoint: z.union([z.string(), z.array(z.string())]).optional().describe(TEXT_NOTE),
  workingDir: z.string().optional().describe(TEXT_NOTE),
  user: z.string().optional().describe(TEXT_NOTE),
  ports: z.array(PortBinding).optional(),
  expose: z.array(z.union([PortNumber, z.string()])).optional().describe('Container ports reachable from other services, not published.'),
  environment: z
    .record(EnvVarName, z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .optional()
    .describe(`Variables in the container; null passes the variable through from the environment. ${TEXT_NOTE}`),
  envFile: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]))
    .describe(`Files of KEY=VALUE lines passed into the container. ${TEXT_NOTE}`),
  volumes: z.array(VolumeMount).optional().describe(TEXT_NOTE),
  dependsOn: DependsOn.optional(),
  restart: RestartPolicy.optional(),
  healthcheck: ContainerHealthcheck.optional(),
  networkMode: z.string().optional().describe('Compose network_mode: host, none, bridge, service:NAME, container:NAME.'),
  networks: z.array(z.string()).optional(),
  hostname: z.string().optional().describe(`The container's host name (Compose hostname). ${TEXT_NOTE}`),
  init: z.boolean().optional().describe('Run an init process as PID 1, which reaps zombies and passes signals on (Compose init).'),
  tty: z.boolean().optional().describe('Give the container a terminal (Compose tty).'),
  stdinOpen: z.boolean().optional().describe('Keep the container\'s stdin open (Compose stdin_open).'),
  readOnly: z.boolean().optional().describe('Mount the container\'s root file system read-only (Compose read_only).'),
  privileged: z.boolean().optional().describe('Give the container every capability and the host\'s devices (Compose privileged); a swarm does not.'),
  capAdd: z.array(z.string().min(1)).optional().describe('Linux capabilities to add, such as NET_ADMIN or SYS_PTRACE (Compose cap_add).'),
  capDrop: z.array(z.string().min(1)).optional().describe('Linux capabilities to drop, such as ALL (Compose cap_drop).'),
  shmSize: Size.optional().describe('Size of /dev/shm: bytes, or 64m, 2gb (Compose shm_size; PostgreSQL and PyTorch data loaders want more than the 64m default); a swarm does not set it.'),
  tmpfs: z
    .union([z.string().min(1), z.array(z.string().min(1))])
    .optional()
    .describe(`tmpfs mounts: a path, or a list, each \`/path\` or \`/path:options\` (\`/run:size=64m,mode=1777\`) (Compose tmpfs). ${TEXT_NOTE}`),
  extraHosts: ExtraHosts.optional().describe(`Extra /etc/hosts entries in the container, as Compose's extra_hosts: \`host: address\` (an IP address, \`[::1]\`, or host-gateway for the host itself, such as \`host.docker.internal: host-gateway\` to reach an Ollama on the host), or a list of addresses. ${TEXT_NOTE}`),
  gpu: GpuRequest.optional().describe('GPU devices to request; true means every GPU.'),
  deploy: ServiceDeploy.optional(),
  secrets: z.array(FileObjectReference).optional().describe('Secrets of the top-level `secrets` this service reads (under /run/secrets).'),
  configs: z.array(FileObjectReference).optional().describe('Configs of the top-level `configs` mounted in this service.'),
  labels: z.record(z.string(), z.string()).optional().describe(TEXT_NOTE),
  stopGracePeriod: Duration.optional(),
  exclusiveWith: z.array(Identifier).optional().describe('Services that cannot run together with this one, such as two on the same port.'),
  checks: z.array(HealthCheck).optional().describe('How berth checks this service from outside; a default is derived from its ports when absent.'),
});
export type Service = z.output<typeof Service>;
