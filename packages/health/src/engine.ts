import type { AttemptContext } from './types.js';

/** The slice of @berth/docker's Engine the container and exec checks use (Dockerode underneath). */
export interface EngineLike {
  endpoint?: string;
  docker: {
    listContainers(options: { all?: boolean; filters?: Record<string, string[]> }): Promise<Array<{ Id: string; Names?: string[]; State?: string; Labels?: Record<string, string> }>>;
    getContainer(id: string): {
      inspect(): Promise<{ Name?: string; State?: { Status?: string; ExitCode?: number; Health?: { Status?: string; Log?: Array<{ Output?: string; ExitCode?: number }> } } }>;
      exec(options: Record<string, unknown>): Promise<{
        start(options: Record<string, unknown>): Promise<NodeJS.ReadableStream & { destroy?: () => void }>;
        inspect(): Promise<{ ExitCode?: number | null; Running?: boolean }>;
      }>;
    };
    modem: { demuxStream(stream: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): void };
  };
}

export type EngineOutcome = { engine: EngineLike } | { unavailable: string };

/**
 * The engine a check should use: the one the caller passed (or its promise), else @berth/docker's
 * connectEngine, imported lazily so nothing loads Docker code until a container check runs.
 */
export async function resolveEngine(ctx: Pick<AttemptContext, 'engine' | 'connectTimeoutMs'>): Promise<EngineOutcome> {
  try {
    const given = await (ctx.engine as Promise<unknown> | unknown);
    if (given && typeof given === 'object') {
      if ('docker' in given) return { engine: given as EngineLike };
      if ('engine' in given || 'unavailable' in given) return given as EngineOutcome;
    }
  } catch {
    return { unavailable: 'Docker engine not reachable' };
  }
  return connectEngineLazily(ctx.connectTimeoutMs);
}

export async function connectEngineLazily(timeoutMs: number): Promise<EngineOutcome> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import('@berth/docker')) as Record<string, unknown>;
  } catch {
    return { unavailable: 'Docker engine not reachable (@berth/docker not available)' };
  }
  if (typeof mod.connectEngine !== 'function') return { unavailable: 'Docker engine not reachable (@berth/docker not available)' };
  try {
    const engine = await (mod.connectEngine as (o: { timeoutMs: number }) => Promise<EngineLike>)({ timeoutMs });
    return { engine };
  } catch {
    return { unavailable: 'Docker engine not reachable' };
  }
}
