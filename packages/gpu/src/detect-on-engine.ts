import { detectionFromExit } from './detect.js';
import type { GpuDetection } from './types.js';

/** How a one-shot container ran on an engine (@berth/docker's runOneShot answers this). */
export interface OneShotOutcome {
  exitCode?: number;
  stdout: string;
  stderr: string;
  /** The engine refused to create or start it, in its words. */
  refused?: string;
  timedOut?: boolean;
}

export interface EngineDetectOptions {
  /** Which engine, for messages: `engine "gpu-box"`. */
  engine: string;
  /** The image the one-shot container runs (the devcontainer's, typically): nvidia-smi is put into it by the engine's GPU runtime. */
  image: string;
  /** Runs `cmd` in a throwaway container of `image` with every GPU, on that engine. */
  run(image: string, cmd: string[]): Promise<OneShotOutcome>;
}

/**
 * GPU facts from an engine's own machine, not this one: `nvidia-smi -q -x` in a one-shot container
 * given every GPU, parsed as a local run's. An engine that cannot give a container a GPU (no NVIDIA
 * runtime or CDI device) says so in one line: that is the answer for a machine without GPUs.
 */
export async function detectGpusOnEngine(options: EngineDetectOptions): Promise<GpuDetection> {
  const command = `nvidia-smi on ${options.engine}`;
  const r = await options.run(options.image, ['nvidia-smi', '-q', '-x']);
  if (r.refused) {
    if (/could not select device driver|unknown or invalid runtime name: nvidia|nvidia-container-cli|no known GPU vendor|CDI device/i.test(r.refused)) {
      return {
        status: 'no-driver',
        message: `${options.engine} cannot give a container a GPU (${r.refused})`,
        hint: `if that machine has an NVIDIA GPU, install the NVIDIA Container Toolkit there (nvidia-ctk runtime configure --runtime=docker, then restart dockerd)`,
      };
    }
    if (/No such image|not found/i.test(r.refused)) {
      return { status: 'failed', message: `${options.engine} has no image ${options.image} to run nvidia-smi in (${r.refused})`, hint: `pull it there (docker pull ${options.image}), or name another with --image` };
    }
    return { status: 'failed', message: `${options.engine} refused the nvidia-smi container: ${r.refused}` };
  }
  if (r.timedOut) return { status: 'timeout', message: `${command} did not answer in time and its container was removed`, hint: 'a hung nvidia-smi usually means a wedged driver or GPU: check `dmesg` on that machine' };
  if (r.exitCode === 127 || /executable file not found|nvidia-smi: not found/i.test(r.stderr)) {
    return { status: 'no-binary', message: `${options.engine} started the container, but nvidia-smi is not in it: the engine gave it no NVIDIA runtime`, hint: 'install the NVIDIA Container Toolkit on that machine' };
  }
  return detectionFromExit(command, r.exitCode ?? 1, r.stdout, r.stderr, true); // engines run Linux containers
}
