import type { DockerInfoLike } from './docker-gpu.js';

/** The engine calls the GPU report's inputs come from (@berth/docker's `EngineApi` has both). */
export interface GpuEngineApi {
  info(): Promise<Record<string, unknown>>;
  getImage(name: string): { inspect(): Promise<{ Config?: { Env?: string[] | null | undefined } | null | undefined }> };
}

export interface GpuEngineInputs {
  /** `docker info`, for the Docker GPU verdict. */
  dockerInfo?: DockerInfoLike;
  /** The devcontainer image's Config.Env: its NVIDIA_REQUIRE_CUDA is what the NVIDIA container runtime enforces. */
  imageEnv?: string[];
  /** Why `docker info` could not be read, in one line. */
  dockerUnreachable?: string;
}

/**
 * What `gpuReport` reads from the engine, the one way every caller (`berth gpu`, `berth doctor`, on this machine or
 * another engine's) gets it, so their verdicts cannot differ: `docker info` (unless the caller has it already) and
 * the devcontainer image's environment. An image the engine does not have is no environment, not a failure; this
 * never throws.
 */
export async function gpuEngineInputs(image: string | undefined, api: GpuEngineApi, known: { dockerInfo?: DockerInfoLike | undefined } = {}): Promise<GpuEngineInputs> {
  const [info, env] = await Promise.all([
    known.dockerInfo ? { info: known.dockerInfo } : api.info().then((i) => ({ info: i as DockerInfoLike }), (err: unknown) => ({ error: firstLine(err) })),
    image ? api.getImage(image).inspect().then((i) => i.Config?.Env ?? undefined, () => undefined) : undefined,
  ]);
  return { ...('info' in info ? { dockerInfo: info.info } : { dockerUnreachable: info.error }), ...(env ? { imageEnv: env } : {}) };
}

function firstLine(err: unknown): string {
  return ((err as Error | undefined)?.message ?? String(err)).split('\n')[0] ?? String(err);
}
