import { spawn } from 'node:child_process';
import { bin } from './support/built-cli.js';

export { bin, ensureBuiltCli as ensureBuilt } from './support/built-cli.js';

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
