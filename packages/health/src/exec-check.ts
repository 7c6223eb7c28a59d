import type { ExecCheck } from '@berth/spec';
import { MAX_OUTPUT_BYTES } from './bounded-process.js';
import { judgeCommandOutput } from './command-expect.js';
import { findServiceContainer } from './container-check.js';
import { formatDuration, makeRedactor, secretValues } from '@berth/spec';
import { resolveEngine, withEngineCalls } from './engine.js';
import type { AttemptContext, Verdict } from './types.js';

type ExecResult = { exitCode?: number; stdout?: string; stderr?: string };

/**
 * Containers (by their engine id, new for a recreated one) found to have no usable `timeout`: their checks run the
 * program bare at once, instead of trying the wrapper first on every run of a check that repeats on an interval.
 */
const withoutTimeout = new Set<string>();

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
    const inDevcontainer = !id && check.in === 'devcontainer';
    if (inDevcontainer) {
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
    const inspected = await api
      .getContainer(id)
      .inspect()
      .then((i) => i, (err: { statusCode?: number }) => {
        if (err.statusCode === 404) return undefined;
        throw err;
      });
    const state = inspected?.State?.Status;
    if (state === undefined) return { status: 'critical', reason: `no container named ${id}; start it first` };
    if (state !== 'running') return { status: 'critical', reason: `container ${id} is ${state}` };
    const { envMap, remoteExecOf } = await import('@berth/devcontainer');
    // In the devcontainer, as `devcontainer exec` runs it: as remoteUser, with remoteEnv, in the workspace folder.
    const remote = inDevcontainer ? remoteExecOf(inspected as Parameters<typeof remoteExecOf>[0]) : undefined;
    // What the container's own environment (and remoteEnv) holds under a secret-looking name is as secret as the
    // host's: @berth/spec's one rule (secretValues) picks it out, and it never reaches a reason.
    const hide = makeRedactor(secretValues({ env: { ...envMap((inspected as { Config?: { Env?: string[] } }).Config?.Env), ...remote?.env } }));
    const options = {
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      output: true,
      maxOutputBytes: MAX_OUTPUT_BYTES,
      ...(remote?.user ? { user: remote.user } : {}),
      ...(remote?.workingDir ? { workingDir: remote.workingDir } : {}),
      ...(remote && Object.keys(remote.env).length ? { env: Object.entries(remote.env).map(([k, v]) => `${k}=${v}`) } : {}),
    };
    // The engine cannot stop an exec: the program runs under the container's `timeout`, which kills it a second after
    // berth stops waiting; a container without one runs it bare, and a program that outlives the wait is left there.
    const bound = String(Math.ceil(ctx.timeoutMs / 1000) + 1);
    const known = inspected?.Id;
    let bounded = !(known && withoutTimeout.has(known));
    let r = await exec(id, bounded ? ['timeout', '-s', 'KILL', bound, ...check.argv] : check.argv, options);
    if (bounded && !r.timedOut && noTimeoutThere(r)) {
      bounded = false;
      if (known) withoutTimeout.add(known);
      r = await exec(id, check.argv, options);
    }
    const verdict: Verdict = r.timedOut
      ? {
          status: 'critical',
          reason: `timed out after ${formatDuration(ctx.timeoutMs)} waiting for ${check.argv[0]} in ${id}${bounded ? '; its timeout kills it there' : `; it may still run there (${id} has no timeout command to bound it, and the engine cannot stop an exec)`}`,
        }
      : judgeCommandOutput(`${check.argv[0]} in ${id}`, check.expect, {
          ...(typeof r.exitCode === 'number' ? { exitCode: r.exitCode } : {}),
          stdout: r.stdout ?? '',
          stderr: r.stderr ?? '',
        });
    return { ...verdict, reason: hide(verdict.reason), ...(verdict.details ? { details: JSON.parse(hide(JSON.stringify(verdict.details))) as Record<string, unknown> } : {}) };
  });
}

/**
 * The `timeout` wrapper could not run: the container has none (the engine could not start it), or an old busybox
 * one that wants `-t SECS` (it took the seconds for the program). The program itself never ran.
 */
function noTimeoutThere(r: ExecResult): boolean {
  if (r.exitCode !== 126 && r.exitCode !== 127 && r.exitCode !== 1) return false;
  const said = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  return /exec: "timeout": executable file not found|"timeout": (no such file|not found)|timeout: can't execute '\d+'|timeout: (invalid|unrecognized) option/i.test(said);
}
