// The worker's script for walk-ahead.test.ts: the TypeScript source through tsx (a worker's --import does not load
// hooks for its own script on Node 20). The CLI bundles its own worker script, apps/cli/src/walk-ahead.ts.
import { register } from 'tsx/esm/api';

register();
const { runWalkAheadWorker } = await import('./walk-ahead.ts');
runWalkAheadWorker();
