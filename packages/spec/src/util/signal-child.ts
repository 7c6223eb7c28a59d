/** What signalChild needs of a child process (node:child_process's ChildProcess). */
export interface SignalledChild {
  readonly pid?: number | undefined;
  kill(signal?: NodeJS.Signals | number): boolean;
}

/**
 * Sends `signal` to a child berth started, and with `group` (a child spawned `detached: true`, the leader of its
 * own process group) to every process in that group. Nothing at all when the child never started (no pid): Node's
 * `child.kill()` then signals pid 0, which is berth's own process group: a failed `nvidia-smi` spawn followed by a
 * kill took berth, the MCP client that ran it and the shell's other jobs down with SIGKILL. Windows has no
 * process groups: the child alone. A child that is gone already is no error.
 */
export function signalChild(child: SignalledChild, signal: NodeJS.Signals, options: { group?: boolean } = {}): void {
  const pid = child.pid;
  if (!pid || pid <= 0) return;
  try {
    if (options.group && process.platform !== 'win32') process.kill(-pid, signal);
    else child.kill(signal);
  } catch {
    // gone already
  }
}

/**
 * How long berth reads a child's output pipes once the child itself is gone or killed. A grandchild that left
 * the process group (`setsid`, a daemon) keeps them open and no group signal reaches it: past this, berth stops
 * reading, or the command that ran the child (a health check, nvidia-smi detection) would wait for it to exit.
 */
export const PIPE_GRACE_MS = 500;

/** What abandonPipes needs of a child process: its output streams. */
export interface PipedChild {
  readonly stdout?: { destroy(): unknown } | null;
  readonly stderr?: { destroy(): unknown } | null;
}

/**
 * Stops reading a child's stdout and stderr `afterMs` from now (PIPE_GRACE_MS by default; 0: at once), so a
 * grandchild holding them open cannot keep berth waiting. Returns the timer, for the caller to clear when the
 * pipes close by themselves first.
 */
export function abandonPipes(child: PipedChild, afterMs: number = PIPE_GRACE_MS): NodeJS.Timeout | undefined {
  const drop = () => {
    child.stdout?.destroy();
    child.stderr?.destroy();
  };
  if (afterMs <= 0) {
    drop();
    return undefined;
  }
  const timer = setTimeout(drop, afterMs);
  timer.unref();
  return timer;
}

/** How a child ended, as its 'exit' event tells it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What endOnExit needs of a child process (node:child_process's ChildProcess, spawned `detached`). */
export interface ExitingChild extends SignalledChild, PipedChild {
  once(event: 'exit' | 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}

/** The run of a child that endOnExit watches. */
export interface ChildEnd {
  /** Its own exit status, once it has exited. */
  readonly exited: ExitStatus | undefined;
  /** Stop reading its pipes as soon as it has exited (at once, if it has): the caller's time is up, or it was killed. */
  hurry(): void;
}

/**
 * Ends a child's run when the child itself exits ('exit'), not when its pipes close: 'close' waits for every
 * process that holds them, so a grandchild left behind (`sleep 600 &`, a daemon) made a program that answered at
 * once look hung until the caller's timeout. At the exit, what is left of its process group is SIGKILLed and its
 * pipes are read for PIPE_GRACE_MS more, for what it wrote just before exiting (abandonPipes); then `onEnd` gets
 * the status the exit gave (for a child that never started, what 'close' says after its 'error').
 */
export function endOnExit(child: ExitingChild, onEnd: (status: ExitStatus) => void): ChildEnd {
  let exited: ExitStatus | undefined;
  let hurried = false;
  let pipeTimer: NodeJS.Timeout | undefined;
  child.once('exit', (code, signal) => {
    exited = { code, signal };
    signalChild(child, 'SIGKILL', { group: true });
    pipeTimer = abandonPipes(child, hurried ? 0 : PIPE_GRACE_MS);
  });
  child.once('close', (code, signal) => {
    clearTimeout(pipeTimer);
    onEnd(exited ?? { code, signal });
  });
  return {
    get exited() {
      return exited;
    },
    hurry() {
      hurried = true;
      if (exited) abandonPipes(child, 0);
    },
  };
}
