import { Writable } from 'node:stream';
import type { ExecCheck } from '@berth/spec';
import { MAX_OUTPUT_BYTES } from './bounded-process.js';
import { judgeCommandOutput } from './command-expect.js';
import { findServiceContainer } from './container-check.js';
import { formatDuration } from '@berth/spec';
import { resolveEngine } from './engine.js';
import type { AttemptContext, Verdict } from './types.js';

function collector() {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (size < MAX_OUTPUT_BYTES) chunks.push(chunk.subarray(0, MAX_OUTPUT_BYTES - size));
      size += chunk.length;
      done();
    },
  });
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** A program run inside a container (a service's, or a named one such as the devcontainer), judged as a command. */
export async function runExecCheck(ctx: AttemptContext): Promise<Verdict> {
  const check = ctx.target.check as ExecCheck;
  const got = await resolveEngine(ctx);
  if ('unavailable' in got) return { status: 'unknown', reason: got.unavailable };
  const docker = got.engine.docker;
  let id = check.container;
  if (!id && check.in === 'devcontainer') {
    // The editor names the devcontainer itself: find it by the labels the Dev Containers CLI gives it.
    const { devcontainerLocation, findDevcontainer } = await import('@berth/devcontainer');
    const where = devcontainerLocation(ctx.target.baseDir ?? process.cwd(), ctx.target.context?.devcontainer?.config);
    const found = await findDevcontainer((labels) => docker.listContainers({ all: true, filters: { label: labels } }), where);
    if ('missing' in found) return { status: 'critical', reason: found.missing };
    id = found.name;
  }
  if (!id) {
    const service = check.service ?? ctx.target.subject.id;
    const found = await findServiceContainer(got.engine, service, ctx.target.context?.project);
    if (!found) return { status: 'critical', reason: `no container for ${service}; it has not been started (berth up)` };
    id = found.Names?.[0]?.replace(/^\//, '') ?? found.Id;
  }
  const container = docker.getContainer(id);
  try {
    const state = (await container.inspect()).State?.Status;
    if (state !== 'running') return { status: 'critical', reason: `container ${id} is ${state ?? 'not running'}` };
  } catch {
    return { status: 'critical', reason: `no container named ${id}; start it first` };
  }
  const exec = await container.exec({ Cmd: check.argv, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = collector();
  const err = collector();
  docker.modem.demuxStream(stream, out.sink, err.sink);
  const ended = await new Promise<boolean>((resolveEnd) => {
    const onAbort = () => resolveEnd(false);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    stream.on('end', () => resolveEnd(true));
    stream.on('close', () => resolveEnd(true));
    stream.on('error', () => resolveEnd(true));
  });
  if (!ended) {
    stream.destroy?.();
    return { status: 'critical', reason: `timed out after ${formatDuration(ctx.timeoutMs)} waiting for ${check.argv[0]} in ${id}` };
  }
  const { ExitCode } = await exec.inspect();
  return judgeCommandOutput(`${check.argv[0]} in ${id}`, check.expect, {
    ...(typeof ExitCode === 'number' ? { exitCode: ExitCode } : {}),
    stdout: out.text(),
    stderr: err.text(),
  });
}
