import { rmSync } from 'node:fs';
import type { SecondEngine } from '@berth/docker/testing';
import { runBuiltCli } from './built-cli.js';

/** A test's end on a second engine of its own: berth down in the project's folder, the engine stopped, the folder removed. */
export async function downAndStop(dir: string, env: NodeJS.ProcessEnv, second: SecondEngine | undefined): Promise<void> {
  await runBuiltCli(['down'], { cwd: dir, env }).catch(() => undefined);
  await second?.stop();
  rmSync(dir, { recursive: true, force: true });
}
