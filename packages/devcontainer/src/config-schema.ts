import { z } from 'zod';
import { DevcontainerGpu, LifecycleCommand, ON_AUTO_FORWARD } from '@berth/spec';

/** "db:5432": a port of another service the devcontainer reaches (a service of its Compose setup). */
export const HOST_PORT_RE = /^([a-z0-9-]+):(\d{1,5})$/;

const NOT_A_PORT = 'is not a port: forwardPorts takes a number from 1 to 65535 or "service:port"';

/** One `forwardPorts` entry, as the Dev Containers spec allows it (numbers 1-65535, or "host:port"). */
export const ForwardPort = z.union([z.number(), z.string()]).superRefine((v, ctx) => {
  const port = typeof v === 'number' ? v : Number(HOST_PORT_RE.exec(v)?.[2] ?? NaN);
  if (!Number.isInteger(port) || port < 1 || port > 65535) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} ${NOT_A_PORT}` });
});
export type ForwardPort = z.output<typeof ForwardPort>;

export const PortAttributes = z.looseObject({
  label: z.string().optional(),
  protocol: z.enum(['http', 'https']).optional(),
  onAutoForward: z.enum(ON_AUTO_FORWARD).optional(),
  requireLocalPort: z.boolean().optional(),
  elevateIfNeeded: z.boolean().optional(),
});
export type PortAttributes = z.output<typeof PortAttributes>;

const GpuObject = z.strictObject({ cores: DevcontainerGpu.shape.cores, memory: DevcontainerGpu.shape.memory });
export const HostGpuRequirement = z.union([z.boolean(), z.literal('optional'), GpuObject]);
export type HostGpuRequirement = z.output<typeof HostGpuRequirement>;

const BuildOptions = z.looseObject({
  dockerfile: z.string().optional(),
  context: z.string().optional(),
  args: z.record(z.string(), z.string()).optional(),
  target: z.string().optional(),
});

/**
 * The part of devcontainer.json berth reads (the Dev Containers spec's `devContainer.base.schema.json`);
 * every other field is kept as it is and never looked at.
 */
export const DevcontainerJson = z.looseObject({
  name: z.string().optional(),
  image: z.string().optional(),
  build: BuildOptions.optional(),
  /** The legacy spelling of build.dockerfile, still read by the Dev Containers CLI. */
  dockerFile: z.string().optional(),
  context: z.string().optional(),
  dockerComposeFile: z.union([z.string(), z.array(z.string())]).optional(),
  service: z.string().optional(),
  runServices: z.array(z.string()).optional(),
  forwardPorts: z.array(ForwardPort).optional(),
  portsAttributes: z.record(z.string(), PortAttributes).optional(),
  hostRequirements: z.looseObject({ gpu: HostGpuRequirement.optional() }).optional(),
  runArgs: z.array(z.string()).optional(),
  containerEnv: z.record(z.string(), z.string()).optional(),
  postCreateCommand: LifecycleCommand.optional(),
  features: z.record(z.string(), z.union([z.string(), z.boolean(), z.record(z.string(), z.union([z.string(), z.boolean(), z.number()]))])).optional(),
});
export type DevcontainerJson = z.output<typeof DevcontainerJson>;
