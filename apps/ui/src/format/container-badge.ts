import { needsAttention, type ContainerView } from '@berth/api/contract';

const stateClass: Record<ContainerView['state'], string> = {
  running: 's-passing',
  restarting: 's-warning',
  paused: 's-warning',
  created: 's-unknown',
  missing: 's-unknown',
  exited: 's-critical',
  dead: 's-critical',
};

/**
 * The badge of a container row, by the rule `berth status` exits by (needsAttention): green for one that runs as it
 * should, grey for one that is fine without running (a one-off that exited 0, a swarm service parked at 0 replicas)
 * or is not there, red for an unhealthy one or a swarm service whose tasks have a problem, even while some run.
 */
export function containerBadge(c: ContainerView): string {
  if (c.health === 'unhealthy') return 's-critical';
  if (!needsAttention(c)) return c.state === 'running' ? 's-passing' : 's-unknown';
  return c.state === 'running' ? 's-critical' : stateClass[c.state];
}
