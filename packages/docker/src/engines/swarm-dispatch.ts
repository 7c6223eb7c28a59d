import { BerthError } from '@berth/spec';
import type { SpecEngine } from './engine-set.js';

/**
 * The one place where a command meets an engine with `mode: swarm`: there, the profile is to be deployed
 * as the services of one swarm stack (packages/docker/src/swarm), not as plain containers. Until that is
 * wired in, it says so in one line instead of running containers on a swarm manager.
 */
export function swarmNotYet(engine: SpecEngine, command: string): BerthError {
  return new BerthError('ERR_BERTH_SWARM_NOT_YET', `engine "${engine.name}" has mode: swarm, and berth ${command} cannot deploy to a swarm yet`, {
    hint: 'drop `mode: swarm` to run plain containers on that engine, or deploy with `docker stack deploy` meanwhile',
  });
}
