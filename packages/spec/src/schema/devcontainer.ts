import { z } from 'zod';
import { HealthCheck } from './check.js';
import { Identifier } from './common.js';
import { deferred } from './deferred.js';
import { alsoInJsonSchema } from './json-schema-extra.js';
import { IMAGE_REFERENCE_PATTERN } from '../analysis/image-reference.js';

const CudaVersion = z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'must be a CUDA version such as "12.1"');
/** A size as devcontainer.json writes it: bytes, or a number with tb, gb, mb or kb (binary units). */
const ByteSize = z.string().regex(/^\d+([tgmk]b)?$/, 'must be a size such as "8gb", "512mb" or a number of bytes');

/** A GPU as docker's `--gpus device=` names it: an index, or a UUID (`GPU-…`, `MIG-…`) as `nvidia-smi -L` lists it. */
export const GPU_DEVICE = /^(?:\d+|(?:GPU|MIG)-[0-9A-Za-z/-]+)$/;

/**
 * devcontainer.json's place, relative to the spec: a `.json` file (not a folder, not `.`), never absolute, since every
 * checkout of the repo reads the same spec (the Dev Containers CLI labels the container with the path on each machine).
 */
const DevcontainerConfigPath = z
  .string()
  .regex(/^(?![/\\])(?![A-Za-z]:)(?:[^/\\]*[/\\])*[^/\\]+\.json$/, 'must be a devcontainer.json relative to berth.yaml, such as ".devcontainer/gpu/devcontainer.json" (a .json file; not a folder, not an absolute path)');

export const DevcontainerGpu = alsoInJsonSchema(
  z
    .strictObject({
      vendor: z.literal('nvidia').default('nvidia'),
      cuda: CudaVersion.optional().describe('CUDA version the image is built for; read off the image tag when absent.'),
      hostCudaAtLeast: CudaVersion.optional().describe('The "CUDA Version" the host driver must report at least, as the team states it.'),
      optional: z.boolean().optional().describe('The devcontainer opens without a GPU too (devcontainer.json `hostRequirements.gpu: "optional"`).'),
      cores: z.number().int().min(1).optional().describe('GPU cores it needs (`hostRequirements.gpu.cores`).'),
      memory: ByteSize.optional().describe('GPU memory it needs, such as "8gb" (`hostRequirements.gpu.memory`).'),
      count: z.number().int().min(1).optional().describe('How many GPUs it gets (`--gpus 2` in `runArgs`, `count` of its Compose service\'s GPU reservation); default: every GPU.'),
      devices: z
        .array(z.string().regex(GPU_DEVICE, 'must be a GPU index such as "0" or a UUID such as "GPU-5a3c…" (as `nvidia-smi -L` lists them)'))
        .min(1)
        .optional()
        .describe('The GPUs it gets, by index or UUID (`--gpus "device=0,1"` in `runArgs`, `device_ids` of its Compose service\'s GPU reservation).'),
    })
    .refine((g) => !(g.optional && (g.cores !== undefined || g.memory !== undefined)), {
      message: 'optional cannot go with cores or memory: devcontainer.json says either "optional" or what the GPU must have',
      path: ['optional'],
    })
    .refine((g) => !(g.count !== undefined && g.devices !== undefined), {
      message: 'count and devices cannot both be set: docker gives a container either a number of GPUs or the GPUs named',
      path: ['devices'],
    })
    .refine((g) => !(g.optional && (g.count !== undefined || g.devices !== undefined)), {
      message: 'optional cannot go with count or devices: they are said with `--gpus` in runArgs, which fails without a GPU',
      path: ['optional'],
    })
    .describe('An NVIDIA GPU the devcontainer asks for (`hostRequirements.gpu`, `--gpus` in `runArgs`, or its Compose service\'s GPU reservation).'),
  {
    allOf: [
      { not: { required: ['count', 'devices'] } },
      { if: { properties: { optional: { const: true } }, required: ['optional'] }, then: { not: { anyOf: ['cores', 'memory', 'count', 'devices'].map((k) => ({ required: [k] })) } } },
    ],
  },
);
export type DevcontainerGpu = z.output<typeof DevcontainerGpu>;
/**
 * `gpu: false`, typed as what it reads as: a GPU ask with every field absent (`false?.memory` is undefined), so a
 * reader that asks `dc.gpu?.memory` needs no case for it, and `if (dc.gpu)` still means "a GPU is asked for".
 */
export type NoGpu = false & { readonly [K in keyof DevcontainerGpu]?: undefined };

export const DevcontainerBuild = deferred(
  () =>
    z
      .strictObject({
        dockerfile: z.string().describe("The Dockerfile, relative to devcontainer.json's folder."),
        context: z.string().optional().describe("The build context, relative to devcontainer.json's folder (default: that folder)."),
        args: z.record(z.string(), z.string()).optional().describe('Build arguments (ARG).'),
        target: z.string().optional().describe('The stage of a multi-stage Dockerfile to build.'),
      })
      .describe('The devcontainer is built from a Dockerfile (devcontainer.json `build`).'),
);
export type DevcontainerBuild = z.output<typeof DevcontainerBuild>;

export const DevcontainerCompose = deferred(
  () =>
    z
      .strictObject({
        files: z
          .union([z.string(), z.array(z.string()).min(1)])
          .transform((v) => (Array.isArray(v) ? v : [v]))
          .describe("The Compose files, relative to devcontainer.json's folder (`dockerComposeFile`)."),
        service: z.string().describe('The Compose service the editor attaches to: the devcontainer itself.'),
        runServices: z.array(z.string()).optional().describe('The Compose services started with it (default: all of them).'),
      })
      .describe('The devcontainer is a service of a Compose setup (devcontainer.json `dockerComposeFile`, `service`, `runServices`).'),
);
export type DevcontainerCompose = z.output<typeof DevcontainerCompose>;

const CommandLine = z.union([z.string(), z.array(z.string()).min(1)]);
/** A lifecycle command as devcontainer.json writes it: a shell line, an argv, or named commands run in parallel. */
export const LifecycleCommand = z
  .union([CommandLine, z.record(z.string(), CommandLine)])
  .describe('A shell line, an argv list, or a map of named commands run in parallel.');
export type LifecycleCommand = z.output<typeof LifecycleCommand>;

const FeatureOptions = z.union([z.string(), z.boolean(), z.record(z.string(), z.union([z.string(), z.boolean(), z.number()]))]);

export const ON_AUTO_FORWARD = ['notify', 'openBrowser', 'openBrowserOnce', 'openPreview', 'silent', 'ignore'] as const;

/**
 * What a `kind: devcontainer` runtime adds to a service (spread into the service's runtime): how the
 * devcontainer forwards the service's ports (devcontainer.json `forwardPorts` and `portsAttributes`).
 */
export const DevcontainerRuntimeFields = {
  onAutoForward: z.enum(ON_AUTO_FORWARD).optional().describe("Devcontainer only: what the editor does when it forwards this service's ports (`portsAttributes.onAutoForward`)."),
  requireLocalPort: z.boolean().optional().describe('Devcontainer only: refuse another local port when this one is taken, instead of moving silently (`portsAttributes.requireLocalPort`).'),
  composeService: Identifier.optional().describe('Devcontainer only: the Compose service of the devcontainer\'s Compose setup this runs in, when not the devcontainer itself; forwarded as "SERVICE:PORT".'),
};

/** The fields of DevcontainerRuntimeFields appear only on a `kind: devcontainer` runtime. */
export function onlyOnDevcontainer(r: { kind: string; onAutoForward?: unknown; requireLocalPort?: unknown; composeService?: unknown }): boolean {
  return r.kind === 'devcontainer' || (r.onAutoForward === undefined && r.requireLocalPort === undefined && r.composeService === undefined);
}

export const Devcontainer = alsoInJsonSchema(z
  .strictObject({
    config: DevcontainerConfigPath.optional().describe('Where devcontainer.json is, relative to this file (default: .devcontainer/devcontainer.json): a .json file, never an absolute path (the spec is shared).'),
    image: alsoInJsonSchema(z.string(), { pattern: IMAGE_REFERENCE_PATTERN }).optional().describe("Base image, such as pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime: devcontainer.json's `image`, or the FROM of its Dockerfile."),
    build: DevcontainerBuild.optional(),
    compose: DevcontainerCompose.optional(),
    gpu: (z.union([DevcontainerGpu, z.literal(false)]) as unknown as z.ZodType<DevcontainerGpu | NoGpu, z.input<typeof DevcontainerGpu> | false>)
      .optional()
      .describe('The GPU it asks for; `false`: none, and berth takes GPU flags out of devcontainer.json. Absent: berth leaves the GPU request of devcontainer.json as it is.'),
    python: z.string().optional().describe('Python version the image provides.'),
    postCreateCommand: LifecycleCommand.optional(),
    features: z.record(z.string(), FeatureOptions).optional().describe('Dev Container Features by id, with their options.'),
    decision: z.string().optional().describe('The decision record behind it.'),
    checks: z.array(HealthCheck).optional().describe('Checks of the devcontainer; an exec check runs inside it, found by its labels.'),
  })
  .refine((d) => d.image !== undefined || d.build !== undefined || d.compose !== undefined, { message: 'needs an image, a build or a compose setup', path: ['image'] })
  .refine((d) => !(d.build && d.compose), { message: 'build and compose cannot both be set: devcontainer.json has one or the other', path: ['compose'] }), {
  anyOf: [{ required: ['image'] }, { required: ['build'] }, { required: ['compose'] }],
  not: { required: ['build', 'compose'] },
});
export type Devcontainer = z.output<typeof Devcontainer>;
