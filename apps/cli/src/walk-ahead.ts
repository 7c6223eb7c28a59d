/**
 * The launcher's head start for `up` and `build` (bin/berth.cjs): bundled on its own as dist/fast/walk-ahead.cjs,
 * small enough to load before the CLI does. On the main thread it starts the walk; the same file is the worker's
 * script, which walks (see WalkAhead in @berth/docker).
 */
import { isMainThread } from 'node:worker_threads';
import { defaultCacheDir, runWalkAheadWorker, WalkAhead } from '@berth/docker/walk-ahead';

if (!isMainThread) runWalkAheadWorker();

/**
 * Starts walking the build contexts the last `up` or `build` from `cwd` walked (none remembered, or too few entries
 * to be worth a worker: no worker). BERTH_WALK_AHEAD=1 starts one whatever their size (the launcher reads `0`: none).
 */
export function startWalkAhead(cwd: string, env: NodeJS.ProcessEnv): WalkAhead {
  return WalkAhead.start({ workerFile: __filename, cwd, cacheDir: defaultCacheDir(env), env, ...(env['BERTH_WALK_AHEAD'] === '1' ? { minEntries: 0 } : {}) });
}
