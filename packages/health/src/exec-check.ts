import type { ExecCheck } from '@berth/spec';
import { MAX_OUTPUT_BYTES } from './bounded-process.js';
import { judgeCommandOutput } from './command-expect.js';
import { findServiceContainer } from './container-check.js';
import { formatDuration } from '@berth/spec';
import { resolveEngine, withEngineCalls } from './engine.js';
import type { AttemptContext, Verdict } from './types.js';

/** A program run inside a container (a service's, or a named one such as the devcontainer), judged as a command. */
export async function runExecCheck(ctx: AttemptContext): Promise<Verdict> {
  const check = ctx.target.check as ExecCheck;
  const got = await resolveEngine(ctx);
  if ('unavailable' in got) return { status: 'unknown', reason: got.unavailable };
  const api = got.engine.api.withSignal(ctx.signal);
  const exec = api.exec?.bind(api);
  if (!exec) return { status: 'unknown', reason: `the engine at ${got.engine.endpoint} is reached through a client that cannot exec` };
  return withEngineCalls(ctx, async () => {
    let id = check.container;
    if (!id && check.in === 'devcontainer') {
      // The editor names the devcontainer itself: find it by the labels the Dev Containers CLI gives it.
      const { devcontainerLocation, findDevcontainer } = await import('@berth/devcontainer');
      const where = devcontainerLocation(ctx.target.baseDir ?? process.cwd(), ctx.target.context?.devcontainer?.config);
      const found = await findDevcontainer((labels) => api.listContainers({ all: true, filters: { label: labels } }), where);
      if ('missing' in found) return { status: 'critical', reason: found.missing };
      id = found.name;
    }
    if (!id) {
      const service = check.service ?? ctx.target.subject.id;
      const found = await findServiceContainer(api, service, ctx.target.context?.project);
      if (!found) return { status: 'critical', reason: `no container for ${service}; it has not been started (berth up)` };
      id = found.Names?.[0]?.replace(/^\//, '') ?? found.Id;
    }
    const state = await api
      .getContainer(id)
      .inspect()
      .then((i) => i.State?.Status, (err: { statusCode?: number }) => {
        if (err.statusCode === 404) return undefined;
        throw err;
      });
    if (state === undefined) return { status: 'critical', reason: `no container named ${id}; start it first` };
    if (state !== 'running') return { status: 'critical', reason: `container ${id} is ${state}` };
    const r = await exec(id, check.argv, { timeoutMs: ctx.timeoutMs, signal: ctx.signal, output: true, maxOutputBytes: MAX_OUTPUT_BYTES });
    if (r.timedOut) return { status: 'critical', reason: `timed out after ${formatDuration(ctx.timeoutMs)} waiting for ${check.argv[0]} in ${id}` };
    return judgeCommandOutput(`${check.argv[0]} in ${id}`, check.expect, {
      ...(typeof r.exitCode === 'number' ? { exitCode: r.exitCode } : {}),
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
    });
  });
}
