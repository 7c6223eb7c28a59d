/** How long one git command may take: reading a file at a ref is milliseconds; a hung filesystem is not. */
export const GIT_TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 16 * 1024 * 1024;

export type GitResult = { ok: true; stdout: string } | { ok: false; reason: string };

/**
 * Runs git with `args` in `dir`: no shell, bounded time and output, no prompt, English messages.
 * Never throws; a failure says why in one line (git missing, timeout, git's own first error line).
 */
export function git(dir: string, args: string[], signal?: AbortSignal): Promise<GitResult> {
  return new Promise((resolve) => {
    // node:child_process loads when git first runs: `berth validate` in an ecosystem whose members are plain paths
    // never needs it, and it drags in net and dgram (bench/cli-cold-start.mjs).
    process.getBuiltinModule('node:child_process').execFile(
      'git',
      ['-C', dir, ...args],
      {
        timeout: GIT_TIMEOUT_MS,
        maxBuffer: MAX_OUTPUT,
        encoding: 'utf8',
        windowsHide: true,
        ...(signal ? { signal } : {}),
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', LANGUAGE: 'C' },
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ ok: true, stdout });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
        if (e.code === 'ENOENT') return resolve({ ok: false, reason: 'git is not installed (it is needed to read a member at a git ref)' });
        if (e.name === 'AbortError') return resolve({ ok: false, reason: 'interrupted' });
        if (e.killed || e.signal === 'SIGTERM') return resolve({ ok: false, reason: `git did not answer within ${GIT_TIMEOUT_MS / 1000} s` });
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return resolve({ ok: false, reason: `the file is larger than ${MAX_OUTPUT / 1024 / 1024} MB` });
        const line = stderr.split('\n').find((l) => l.trim()) ?? '';
        resolve({ ok: false, reason: line.replace(/^(fatal|error): /, '').trim() });
      },
    );
  });
}
