import type { EngineApi } from '../engine/engine-api.js';
import { engineMessage, isEngineAnswer } from '../engine/engine-errors.js';
import { FrameSplitter } from '../engine/frames.js';

/** How a one-shot container ended: its exit code and output, or why it could not run (in the engine's words). */
export interface OneShotResult {
  exitCode?: number;
  stdout: string;
  stderr: string;
  /** The engine refused to create or start it (no such image, no GPU runtime, ...). */
  refused?: string;
  timedOut?: boolean;
}

/** A label on berth's one-shot containers, so one left behind by a killed berth is recognisable. */
export const BERTH_ONE_SHOT = 'dev.berth.one-shot';

/**
 * Runs `cmd` in a throwaway container of `image` on an engine (with every GPU when `gpus`), waits for
 * it to exit within `timeoutMs`, keeps its output and removes it, whatever happened. Used where a fact
 * must come from the engine's machine, not this one (nvidia-smi on a remote GPU box).
 */
export async function runOneShot(api: EngineApi, options: { image: string; cmd: string[]; gpus?: boolean; timeoutMs: number; signal?: AbortSignal }): Promise<OneShotResult> {
  const docker = api.withSignal(options.signal);
  let id: string;
  try {
    ({ id } = await docker.createContainer({
      Image: options.image,
      Cmd: options.cmd,
      Entrypoint: [],
      Labels: { [BERTH_ONE_SHOT]: 'true' },
      HostConfig: { NetworkMode: 'none', ...(options.gpus ? { DeviceRequests: [{ Count: -1, Capabilities: [['gpu']] }] } : {}) },
    }));
  } catch (err) {
    if (isEngineAnswer(err)) return { stdout: '', stderr: '', refused: engineMessage(err) };
    throw err;
  }
  const container = docker.getContainer(id);
  try {
    try {
      await container.start();
    } catch (err) {
      if (isEngineAnswer(err)) return { stdout: '', stderr: '', refused: engineMessage(err) };
      throw err;
    }
    const until = Date.now() + options.timeoutMs;
    let exitCode: number | undefined;
    for (let wait = 20; Date.now() < until; wait = Math.min(wait * 2, 250)) {
      const state = (await container.inspect()).State;
      if (!state.Running) {
        exitCode = state.ExitCode;
        break;
      }
      await new Promise((r) => setTimeout(r, wait));
    }
    const out = { stdout: '', stderr: '' };
    const frames = new FrameSplitter((stream, chunk) => (out[stream] += chunk.toString('utf8')));
    frames.push(await container.logs({ stdout: true, stderr: true, follow: false }));
    return { ...out, ...(exitCode === undefined ? { timedOut: true } : { exitCode }) };
  } finally {
    await api.getContainer(id).remove({ force: true }).catch(() => undefined);
  }
}
