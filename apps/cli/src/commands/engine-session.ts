import type { CliContext } from '../context.js';
import type { Progress } from '../progress.js';

export type DockerModule = typeof import('@berth/docker/runtime');
export type Engine = Awaited<ReturnType<DockerModule['connectEngine']>>;

/**
 * Loads @berth/docker, connects (exit 3 with every place tried when no engine answers), runs, and lets go.
 * Ctrl-C ends it at once, connecting included. An engine that leaves a call unanswered is said so on
 * the progress line (and, once it is known to have stopped answering, the command ends with exit 3).
 */
export async function withEngine<T>(ctx: CliContext, progress: Progress | undefined, fn: (docker: DockerModule, engine: Engine) => Promise<T>): Promise<T> {
  const docker = await import('@berth/docker/runtime');
  const engine = await docker.connectEngine({ env: ctx.env, signal: ctx.signal });
  const unwatch = engine.onSilence((s) =>
    progress?.log(s ? `… the engine at ${s.endpoint} has not answered for ${Math.round(s.silentForMs / 1000)} s (${s.waitingFor}); checking it is still there` : '✓ the engine answers again'),
  );
  try {
    return await fn(docker, engine);
  } finally {
    unwatch();
    engine.close();
  }
}

/** The line shown while another berth works on the project. */
export function waitingFor(holder: { pid: number; command: string; purpose?: string }): string {
  return `… waiting for another berth working on this project (pid ${holder.pid}, ${holder.purpose ?? holder.command}) to finish`;
}
