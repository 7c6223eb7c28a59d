import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '../../../..');
const BIN = path.join(root, 'apps/cli/src/bin.ts');
const TSX = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI from its sources (tsx, @berth/source condition), as a real child process, with NO_COLOR
 * and no COMPOSE_* from the caller. `onStderr` sees stderr as it grows (to signal the child at a moment).
 */
export function berthFromSources(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@berth/source', '--import', TSX, BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', COMPOSE_PROJECT_NAME: '', COMPOSE_PROFILES: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
