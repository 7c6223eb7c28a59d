import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const bin = join(root, 'apps/cli/bin/berth.mjs');
const bundle = join(root, 'apps/cli/dist/berth.mjs');

function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const dir of ['apps/cli/src', 'packages/health/src', 'packages/spec/src']) walk(join(root, dir));
  return newest;
}

export function ensureBuilt(): void {
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) {
    const b = spawnSync(process.execPath, [join(root, 'apps/cli/build.mjs')], { cwd: root, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`the CLI does not build: ${b.stderr}`);
  }
}

/** Runs the CLI without blocking this process: the servers it checks live here. */
export function berthIn(cwd: string, childEnv: NodeJS.ProcessEnv, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
