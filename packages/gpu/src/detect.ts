import { spawn } from 'node:child_process';
import { endOnExit, formatDuration, signalChild } from '@berth/spec';
import type { GpuDetection, GpuDetectionFailure } from './types.js';
import { parseNvidiaSmiXml } from './parse-xml.js';
import { firstLine } from './parse-output.js';

export interface DetectOptions {
  /** Kill nvidia-smi after this long (default 10 s): it can hang on a wedged driver. */
  timeoutMs?: number;
  /** The program to run (default `nvidia-smi`, looked up on PATH). */
  command?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Stop reading after this many bytes of output (default 32 MiB). */
  maxOutputBytes?: number;
}

/** nvidia-smi's documented exit codes that mean something specific (gpu-facts.md #7). */
const EXIT_VERDICTS: Record<number, Omit<GpuDetectionFailure, 'exitCode' | 'message'> & { what: string; unlessItPrintedGpus?: boolean }> = {
  9: { status: 'no-driver', what: 'the NVIDIA driver is not loaded', hint: 'load the driver (`sudo modprobe nvidia`) or install it; inside a container, start it with --gpus' },
  18: { status: 'driver-mismatch', what: 'the NVIDIA driver and its user-space library are different versions', hint: 'reboot after the driver upgrade (or reload the nvidia kernel modules)' },
  6: {
    status: 'no-gpu',
    what: 'the NVIDIA driver is loaded but sees no GPU',
    hint: 'check that the GPU shows in `lspci | grep -i nvidia` and is not bound to another driver (vfio-pci); in a VM or container, that it is passed through (--gpus); on WSL, that it is not in TCC mode (WSL sees WDDM GPUs only)',
    // exit 6 is also "a device asked for was not found": a document that lists GPUs says more
    unlessItPrintedGpus: true,
  },
  15: { status: 'gpu-lost', what: 'a GPU has fallen off the bus', hint: 'check `dmesg` for Xid 79; the machine usually needs a reboot or the GPU reseating' },
};

/**
 * Runs `nvidia-smi -q -x` and parses it. Never throws and never leaves a process behind: nvidia-smi runs
 * in its own process group, which is killed whole on timeout, abort or runaway output, and when nvidia-smi exits
 * (what it left behind). Its own exit is the verdict, whatever still holds its pipes.
 */
export function detectGpus(options: DetectOptions = {}): Promise<GpuDetection> {
  const command = options.command ?? 'nvidia-smi';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxOutputBytes ?? 32 * 1024 * 1024;
  // Asked to stop before it starts (a doctor cancelled mid-way): nothing is run.
  if (options.signal?.aborted) return Promise.resolve({ status: 'failed', message: `${command} was interrupted` });
  return new Promise((resolvePromise) => {
    let settled = false;
    const timer = setTimeout(() => killGroup('timeout'), timeoutMs);
    const finish = (d: GpuDetection) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolvePromise(d);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, ['-q', '-x'], {
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: process.platform !== 'win32', // its own process group, so a hung child and its children die together
        windowsHide: true,
      });
    } catch (err) {
      return finish(spawnFailure(command, err));
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let bytes = 0;
    let killedFor: 'timeout' | 'abort' | 'too-much' | undefined;
    const killGroup = (why: NonNullable<typeof killedFor>) => {
      if (killedFor) return;
      // it has answered already (exited): its exit decides; only stop reading what a grandchild still holds
      run.hurry();
      if (run.exited && why !== 'too-much') return;
      killedFor = why;
      signalChild(child, 'SIGKILL', { group: true });
    };
    const onAbort = () => killGroup('abort');
    child.stdout!.on('data', (b: Buffer) => {
      bytes += b.length;
      if (bytes > maxBytes) killGroup('too-much');
      else out.push(b);
    });
    child.stderr!.on('data', (b: Buffer) => {
      if (errOut.reduce((n, x) => n + x.length, 0) < 64 * 1024) errOut.push(b);
    });
    child.on('error', (err) => finish(spawnFailure(command, err)));
    // Its own exit decides, not its pipes closing: a grandchild left holding them (`sleep &`) is killed with the
    // rest of its group, and one that left the group only costs PIPE_GRACE_MS more reading.
    const run = endOnExit(child, ({ code, signal }) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(errOut).toString('utf8');
      if (killedFor === 'timeout') {
        return finish({ status: 'timeout', message: `${command} did not answer within ${formatDuration(timeoutMs)} and was killed`, hint: 'a hung nvidia-smi usually means a wedged driver or GPU: check `dmesg` for Xid errors' });
      }
      if (killedFor === 'abort') return finish({ status: 'failed', message: `${command} was interrupted` });
      if (killedFor === 'too-much') return finish({ status: 'unparseable', message: `${command} printed more than ${maxBytes} bytes and was stopped` });
      if (code === null) return finish({ status: 'failed', message: `${command} was killed by ${signal ?? 'a signal'} (${firstLine(stderr.trim() ? stderr : stdout)})` });
      finish(detectionFromExit(command, code, stdout, stderr));
    });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
  });
}

/**
 * What nvidia-smi's exit code and output say: its document when it exited 0 (or printed one anyway), else the failure
 * in one line. `linux`: nvidia-smi ran on Linux (this machine, or a container), where a Windows driver model means WSL2.
 */
export function detectionFromExit(command: string, code: number, stdout: string, stderr: string, linux = process.platform !== 'win32'): GpuDetection {
  if (code === 0) return markWsl(parseNvidiaSmiXml(stdout), linux);
  const said = firstLine(stderr.trim() ? stderr : stdout);
  const known = EXIT_VERDICTS[code];
  const verdict = known && ({ status: known.status, message: `${command} exited ${code}: ${known.what} (${said})`, exitCode: code, ...(known.hint ? { hint: known.hint } : {}) } as const);
  if (verdict && !known.unlessItPrintedGpus) return verdict;
  // Some failures still print a usable document (one GPU in error, the others fine): keep it, say so.
  const parsed = stdout.trimStart().startsWith('<') ? parseNvidiaSmiXml(stdout) : undefined;
  if (parsed?.status === 'ok' && (!verdict || parsed.gpus.length > 0)) return { ...markWsl(parsed, linux), warnings: [`${command} exited ${code} (${said}) but printed usable output`, ...parsed.warnings] };
  if (verdict) return verdict;
  return { status: 'failed', message: `${command} exited ${code}: ${said}`, exitCode: code, hint: 'run `nvidia-smi` by hand to see the whole message' };
}

function markWsl<D extends GpuDetection>(d: D, linux: boolean): D {
  return d.status === 'ok' && linux && d.driverOs === 'windows' ? { ...d, wsl: true } : d;
}

function spawnFailure(command: string, err: unknown): GpuDetectionFailure {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return { status: 'no-binary', message: `${command} is not on PATH: no NVIDIA driver is installed here (or its tools are not on PATH)`, hint: 'install the NVIDIA driver, or run berth on the machine that has the GPU' };
  }
  if (code === 'EACCES') return { status: 'failed', message: `${command} is on PATH but cannot be executed (permission denied)` };
  return { status: 'failed', message: `${command} could not be started: ${(err as Error | undefined)?.message ?? String(err)}` };
}
