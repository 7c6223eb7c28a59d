import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stillAlive } from '@berth/spec/testing';

/**
 * A temp dir holding a fake `nvidia-smi` shell script, for putting first on PATH.
 * The script checks it was called as `nvidia-smi -q -x` (the only call berth makes).
 */
export class FakeNvidiaSmi {
  readonly dir = mkdtempSync(join(tmpdir(), 'berth-fake-nvidia-smi-'));
  readonly pidFile = join(this.dir, 'pids');

  /** Writes the script body (after the shebang and argument check). */
  script(body: string, options: { checkArgs?: boolean; mode?: number } = {}): this {
    const check = options.checkArgs === false ? '' : `[ "$*" = "-q -x" ] || { echo "fake nvidia-smi: unexpected arguments: $*" >&2; exit 2; }\n`;
    const path = join(this.dir, 'nvidia-smi');
    writeFileSync(path, `#!/bin/sh\n${check}${body}\n`);
    chmodSync(path, options.mode ?? 0o755);
    return this;
  }

  /** Prints a file verbatim and exits 0 (or `exitCode`). */
  printing(file: string, exitCode = 0): this {
    return this.script(`cat '${file.replace(/'/g, `'\\''`)}'\nexit ${exitCode}`);
  }

  /** Records its own pid and a child's, then hangs. */
  hanging(partialOutput = ''): this {
    return this.script(`echo $$ > '${this.pidFile}'\nprintf '%s' '${partialOutput}'\nsleep 600 &\necho $! >> '${this.pidFile}'\nwait`);
  }

  pids(): number[] {
    try {
      return readFileSync(this.pidFile, 'utf8').split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /** PATH with the fake first, then the system dirs the script needs (sh, cat, sleep). */
  env(): NodeJS.ProcessEnv {
    return { ...process.env, PATH: `${this.dir}:/usr/local/bin:/usr/bin:/bin` };
  }

  cleanup(): void {
    for (const pid of this.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Waits (bounded) until every pid is gone; returns those still alive (@berth/spec/testing's, here for the GPU tests). */
export { stillAlive };
