import type { BerthSpec } from '@berth/spec';
import type { CliContext } from '../context.js';
import type { Progress } from '../progress.js';

export type DockerModule = typeof import('@berth/docker/runtime');
export type Engines = Awaited<ReturnType<DockerModule['connectSpecEngines']>>;

/**
 * Loads @berth/docker, connects the engines named at once, runs, and lets go. An engine that cannot be
 * reached does not stop the others: the command acts on those it reaches, and its docker functions
 * (up/down/status/logs/restart/build across engines) end with the unreachable ones, exit 3 naming each;
 * when none can be reached, nothing runs. Ctrl-C ends it at once, connecting included. An engine that leaves a
 * call unanswered is said so on the progress line (and, once it is known to have stopped answering,
 * the command ends with exit 3).
 */
export async function withEngines<T>(
  ctx: CliContext,
  progress: Progress | undefined,
  spec: BerthSpec,
  names: (docker: DockerModule) => string[],
  fn: (docker: DockerModule, engines: Engines) => Promise<T>,
): Promise<T> {
  const docker = await import('@berth/docker/runtime');
  const engines = await docker.connectSpecEngines(spec, names(docker), { env: ctx.env, signal: ctx.signal, partial: true });
  const unwatch = engines.engines.map(({ engine }) =>
    engine.onSilence((s) =>
      progress?.log(s ? `… the engine at ${s.endpoint} has not answered for ${Math.round(s.silentForMs / 1000)} s (${s.waitingFor}); checking it is still there` : `✓ the engine at ${engine.endpoint} answers again`),
    ),
  );
  try {
    return await fn(docker, engines);
  } finally {
    unwatch.forEach((u) => u());
    engines.close();
  }
}

/** Whether results name their engine: when the spec declares engines besides the default one. */
export const manyEngines = (spec: BerthSpec) => Object.keys(spec.engines).length > 0;

/** The line shown while another berth works on the project. */
export function waitingFor(holder: { pid: number; command: string; purpose?: string }): string {
  return `… waiting for another berth working on this project (pid ${holder.pid}, ${holder.purpose ?? holder.command}) to finish`;
}
