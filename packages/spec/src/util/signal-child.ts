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
