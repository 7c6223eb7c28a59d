import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root. */
export const root = fileURLToPath(new URL('../../../../', import.meta.url));
/** The `berth` binary the tests run: the real launcher (the package's `bin`) over the real esbuild bundle. */
export const bin = join(root, 'apps/cli/bin/berth.cjs');
const bundle = join(root, 'apps/cli/dist/berth.mjs');
const lock = join(root, 'apps/cli/.build-lock');

/** Newest TypeScript source the bundle is built from: the CLI and every package. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(root, 'apps/cli/src'));
  for (const p of readdirSync(join(root, 'packages'))) if (existsSync(join(root, 'packages', p, 'src'))) walk(join(root, 'packages', p, 'src'));
  return newest;
}

const fresh = () => existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource();

/**
 * Makes sure the bundle is current. `npm test` builds it through Nx first, so this usually does
 * nothing; when a source is newer, one test file rebuilds it under a lock while the others wait.
 */
export function ensureBuiltCli(): string {
  if (fresh()) return bin;
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (fresh()) return bin;
      // A lock older than five minutes belongs to a build that died.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmdirSync(lock);
      if (Date.now() > deadline) throw new Error('timed out waiting for another test to build the CLI');
      spawnSync(process.execPath, ['-e', 'setTimeout(() => {}, 250)']);
    }
  }
  try {
    if (!fresh()) {
      const b = spawnSync(process.execPath, [join(root, 'apps/cli/build.mjs')], { cwd: root, encoding: 'utf8' });
      if (b.status !== 0) throw new Error(`the CLI does not build: ${b.stderr}`);
    }
  } finally {
    rmdirSync(lock);
  }
  return bin;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** When the process ended (ms since epoch). */
  endedAt: number;
}

export interface Started {
  child: ChildProcess;
  startedAt: number;
  done: Promise<Run>;
}

/**
 * Starts the built `berth` (call ensureBuiltCli() in a beforeAll first) as a real child process, with NO_COLOR and
 * no COMPOSE_* from the caller. `onStderr` sees all stderr so far at each chunk (to signal the child at a moment).
 */
export function startBuiltCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; onStderr?: (text: string, child: ChildProcess) => void }): Started {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', COMPOSE_PROJECT_NAME: '', COMPOSE_PROFILES: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    options.onStderr?.(stderr, child);
  });
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, endedAt: Date.now() }));
  });
  return { child, startedAt: Date.now(), done };
}

/** Runs the built `berth` to its end: startBuiltCli's run. */
export const runBuiltCli = (args: string[], options: Parameters<typeof startBuiltCli>[1]): Promise<Run> => startBuiltCli(args, options).done;
