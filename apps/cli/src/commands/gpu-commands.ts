import { dirname } from 'node:path';
import type { Command } from 'commander';
import { BerthError, printableText } from '@berth/spec';
import type { ActionFactory } from '../command.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { milliseconds } from '../option-values.js';

type GpuModule = typeof import('@berth/gpu');
type GpuReport = Awaited<ReturnType<GpuModule['gpuReport']>>;

type Engine = Awaited<ReturnType<(typeof import('@berth/docker/runtime'))['connectEngine']>>;

/** What the spec's devcontainer.json sets over the image's environment (an NVIDIA_DISABLE_REQUIRE there counts); none without a devcontainer. */
async function containerEnvOf(ctx: CliContext): Promise<{ containerEnv?: string[] }> {
  const ws = ctx.load();
  if (!ws.spec.devcontainer) return {};
  const { specDevcontainerEnv } = await import('@berth/devcontainer');
  const env = specDevcontainerEnv(dirname(ws.specPath), ws.spec.devcontainer);
  return env ? { containerEnv: env } : {};
}

/** This machine's engine, or why there is none. Never fails the command: Docker is an extra. */
async function localEngine(ctx: CliContext, timeoutMs: number): Promise<{ engine: Engine } | { unreachable: string }> {
  try {
    const { connectEngine } = await import('@berth/docker/runtime');
    return { engine: await connectEngine({ env: ctx.env, timeoutMs, signal: ctx.signal }) };
  } catch (err) {
    return { unreachable: (err as Error).message.split('\n')[0] ?? String(err) };
  }
}

/**
 * The GPU of an engine of the spec (`--engine NAME`), on that engine's machine: nvidia-smi in a one-shot container
 * given every GPU, and the report (which reads that engine's info and the image's env there, as gpuReport always
 * does). An engine that cannot be reached ends the command (exit 3); one without a GPU runtime is the detection's answer.
 */
async function remoteReport(ctx: CliContext, name: string, image: string | undefined, timeoutMs: number): Promise<GpuReport> {
  const [docker, gpu] = await Promise.all([import('@berth/docker/runtime'), import('@berth/gpu')]);
  const spec = ctx.load().spec;
  const { engine } = await docker.connectSpecEngine(spec, name, { env: ctx.env, signal: ctx.signal });
  try {
    const api = engine.api.withSignal(ctx.signal);
    const detection = image
      ? await gpu.detectGpusOnEngine({ engine: `engine "${name}"`, image, run: (img, cmd) => docker.runOneShot(engine.api, { image: img, cmd, gpus: true, timeoutMs, signal: ctx.signal }) })
      : ({ status: 'failed', message: `no image to run nvidia-smi in on engine "${name}"`, hint: 'name one with --image (one the NVIDIA runtime can inject nvidia-smi into, such as the devcontainer image)' } as const);
    return await gpu.gpuReport(spec, { detection, engine: api, ...(await containerEnvOf(ctx)) });
  } finally {
    engine.close();
  }
}

/** gpu: the GPUs, the driver, and the compatibility verdict for the spec's devcontainer. */
export function registerGpuCommands(program: Command, action: ActionFactory): void {
  program
    .command('gpu')
    .description("the NVIDIA GPUs, the driver and the CUDA it supports, and whether they fit the spec's devcontainer")
    .option('--timeout <ms>', 'how long nvidia-smi may take before it counts as hung', milliseconds, 10_000)
    .option('--no-docker', "skip asking the Docker engine whether containers can get GPUs")
    .option('--engine <name>', "the GPUs of that engine's machine (a name under engines): its info, and nvidia-smi in a one-shot container there")
    .option('--image <image>', 'with --engine NAME (not default): the image nvidia-smi runs in (default: the devcontainer image); refused without it')
    .action(
      action(async (ctx, opts: { timeout: number; docker: boolean; engine?: string; image?: string }) => {
        const remote = opts.engine && opts.engine !== 'default' ? opts.engine : undefined;
        // listed, so never silently ignored: without another engine nvidia-smi runs on this machine, in no image
        if (opts.image !== undefined && !remote) throw new BerthError('ERR_BERTH_USAGE', '--image needs --engine NAME (an engine other than default): here nvidia-smi runs on this machine, in no container');
        const ws = ctx.load();
        const gpu = await import('@berth/gpu');
        const progress = ctx.progress(remote ? `asking engine "${remote}" about its GPUs` : 'asking nvidia-smi about the GPUs');
        let connection: Promise<{ engine: Engine } | { unreachable: string }> | undefined;
        const report = await (
          remote
            ? remoteReport(ctx, remote, opts.image ?? ws.spec.devcontainer?.image, opts.timeout)
            : gpu.gpuReport(ws.spec, {
                ...(await containerEnvOf(ctx)),
                timeoutMs: opts.timeout,
                env: ctx.env,
                signal: ctx.signal,
                ...(opts.docker
                  ? { engine: (connection = localEngine(ctx, 2000)).then((c) => ('engine' in c ? c.engine.api.withSignal(AbortSignal.any([ctx.signal, AbortSignal.timeout(2000)])) : undefined)) }
                  : {}),
              })
        ).finally(() => {
          progress.stop();
          void connection?.then((c) => 'engine' in c && c.engine.close());
        });
        if (ctx.signal.aborted) return ExitCode.Interrupted;
        const got = await connection;
        const unreachable = got && 'unreachable' in got ? got.unreachable : report.dockerUnreachable;
        if (ctx.json) ctx.out.writeJson({ ...report, ...(remote ? { engine: remote } : {}), ...(unreachable ? { dockerUnreachable: unreachable } : {}) });
        else printReport(ctx, report, unreachable);
        return report.fits ? ExitCode.Ok : ExitCode.Findings;
      }),
    );
}

const CUDA_WORDS = {
  full: 'supported with every feature',
  'minor-version': 'runs under minor version compatibility (limited features)',
  incompatible: 'the driver is too old',
  unknown: 'cannot tell',
} as const;

const RUNTIME_WORDS = {
  satisfied: 'starts the image (its NVIDIA_REQUIRE_CUDA is met)',
  'forward-compatibility': "starts the image for this GPU's brand and driver branch (forward compatibility)",
  refused: 'refuses to start the image (NVIDIA_REQUIRE_CUDA not met)',
  unknown: 'cannot tell whether it starts the image',
  disabled: 'does not check the image (NVIDIA_DISABLE_REQUIRE)',
} as const;

const dash = (v: number | string | undefined, unit = '') => (v === undefined ? '-' : `${v}${unit}`);

function printReport(ctx: CliContext, report: GpuReport, dockerUnreachable: string | undefined): void {
  const { out } = ctx;
  const { detection, requirement } = report;
  if (detection.status === 'ok') {
    if (detection.gpus.length > 0) {
      out.table(
        ['GPU', 'NAME', 'MEMORY', 'UTIL', 'TEMP', 'POWER', 'MIG', 'PROCESSES'],
        detection.gpus.map((g) => [
          String(g.index),
          // nvidia-smi's words in a table cell: no escape of its reaches the terminal (--json keeps the name as data)
          printableText(g.name),
          g.memoryTotalMiB === undefined ? '-' : `${dash(g.memoryUsedMiB)} / ${g.memoryTotalMiB} MiB`,
          dash(g.utilizationPct, '%'),
          dash(g.temperatureC, ' C'),
          dash(g.powerW, ' W'),
          g.migMode === 'enabled' ? `on (${g.migDevices.length} devices)` : g.migMode === 'disabled' ? 'off' : '-',
          String(g.processes.length),
        ]),
      );
    } else out.line('nvidia-smi answered, but lists no GPU');
    out.line(`driver ${detection.driverVersion ?? 'unknown'}${detection.wsl ? " (the Windows host's, through WSL: judged against NVIDIA's Windows driver column)" : ''}, supports CUDA up to ${detection.cudaVersion ?? 'unknown'}`);
  } // a failed detection is the first problem below
  if (requirement.cuda) {
    const from = {
      'image-tag': `read off ${requirement.image}`,
      'image-env': `declared in ${requirement.image}'s environment`,
      spec: 'devcontainer.gpu.cuda',
      caller: 'asked for',
    }[requirement.cudaSource ?? 'caller'];
    out.line(`devcontainer needs CUDA ${requirement.cuda} (${from})${report.cuda ? `: ${CUDA_WORDS[report.cuda.status]}` : ''}`);
  }
  if (report.runtime) {
    const byDevcontainer = report.runtime.status === 'disabled' && report.requirement.runtimeRequirements?.disabledBy === 'devcontainer';
    out.line(`NVIDIA container runtime: ${byDevcontainer ? "does not check the image (NVIDIA_DISABLE_REQUIRE, set in devcontainer.json's environment)" : RUNTIME_WORDS[report.runtime.status]}`);
  }
  if (report.hostCuda) out.line(`hostCudaAtLeast ${requirement.hostCudaAtLeast}: ${report.hostCuda.status}`);
  if (report.docker?.status === 'likely-works') out.line(`Docker: ${report.docker.reason}`); // other verdicts are problems below
  else if (dockerUnreachable) out.line(`Docker: not asked (${dockerUnreachable})`);
  for (const p of report.problems) {
    const mark = p.severity === 'error' ? out.paint.red('error') : out.paint.yellow('warning');
    out.line(`${mark}: ${p.message}${p.hint ? `\n  -> ${p.hint}` : ''}`);
  }
  const verdict = report.status === 'does-not-fit' ? out.paint.red(report.summary) : out.paint.green(report.summary);
  out.line(verdict);
}
