import type { DevcontainerGpu } from '@berth/spec';
import type { DevcontainerJson, HostGpuRequirement } from './config-schema.js';

/** What a devcontainer asks of the GPU, as the spec's `devcontainer.gpu` says it (without the CUDA facts). */
export interface GpuAsk {
  optional?: boolean;
  cores?: number;
  memory?: string;
}

/**
 * The runArgs entries that give the container GPUs: `--gpus all`, `--gpus=all`, `--gpus "device=0"`,
 * `--device nvidia.com/gpu=all` and `--device=nvidia.com/gpu=0` (CDI). Indices into runArgs, values included.
 */
export function gpuRunArgIndices(runArgs: readonly string[] = []): number[] {
  const out: number[] = [];
  for (let i = 0; i < runArgs.length; i++) {
    const a = runArgs[i]!;
    if (a.startsWith('--gpus=') || /^--device=nvidia\.com\/gpu=/.test(a)) out.push(i);
    else if (a === '--gpus' && i + 1 < runArgs.length) out.push(i, ++i);
    else if (a === '--device' && /^nvidia\.com\/gpu=/.test(runArgs[i + 1] ?? '')) out.push(i, ++i);
  }
  return out;
}

/**
 * The GPU a devcontainer.json asks for: `hostRequirements.gpu` (true, "optional", {cores, memory}), or a GPU
 * flag in `runArgs`, which makes the GPU required whatever hostRequirements says. Undefined: no GPU.
 */
export function gpuAskOf(config: DevcontainerJson): { ask?: GpuAsk; warning?: string } {
  const host = config.hostRequirements?.gpu;
  const flags = gpuRunArgIndices(config.runArgs).length > 0;
  if (host === 'optional') {
    return flags ? { ask: {}, warning: 'hostRequirements.gpu says "optional", but runArgs gives the container GPUs, which fails without one: the GPU is required' } : { ask: { optional: true } };
  }
  if (typeof host === 'object') return { ask: { ...(host.cores !== undefined ? { cores: host.cores } : {}), ...(host.memory !== undefined ? { memory: host.memory } : {}) } };
  if (host === true || flags) return { ask: {} };
  return {};
}

/** The `hostRequirements.gpu` value that says `ask`. */
export function hostGpuValue(ask: GpuAsk): HostGpuRequirement {
  if (ask.optional) return 'optional';
  if (ask.cores !== undefined || ask.memory !== undefined) return { ...(ask.cores !== undefined ? { cores: ask.cores } : {}), ...(ask.memory !== undefined ? { memory: ask.memory } : {}) };
  return true;
}

/** The ask of the spec's devcontainer.gpu. */
export function gpuAskOfSpec(gpu: DevcontainerGpu | undefined): GpuAsk | undefined {
  if (!gpu) return undefined;
  return { ...(gpu.optional ? { optional: true } : {}), ...(gpu.cores !== undefined ? { cores: gpu.cores } : {}), ...(gpu.memory !== undefined ? { memory: gpu.memory } : {}) };
}

/** Does the file already ask for what the spec asks? A plain ask is met by `true` or by a GPU flag in runArgs. */
export function gpuAskMet(config: DevcontainerJson, want: GpuAsk | undefined): boolean {
  const { ask } = gpuAskOf(config);
  if (!want || !ask) return !want && !ask;
  const host = config.hostRequirements?.gpu;
  if (want.optional) return host === 'optional' && gpuRunArgIndices(config.runArgs).length === 0;
  if (want.cores !== undefined || want.memory !== undefined) return typeof host === 'object' && host.cores === want.cores && host.memory === want.memory;
  return host === true || ((host === undefined || host === false) && gpuRunArgIndices(config.runArgs).length > 0);
}
