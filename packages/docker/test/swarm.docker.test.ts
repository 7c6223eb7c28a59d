import { afterAll, beforeAll, describe } from 'vitest';
import { dockerAvailable, ensureTestImage, secondEngineSkipReason, SWARM_TURN_TIMEOUT_MS, startSecondEngine, TEST_IMAGE, type SecondEngine } from '@berth/docker/testing';
import { describeSwarmConverge } from './swarm-converge.suite.js';
import { describeSwarmEngine } from './swarm-engine.suite.js';
import { describeSwarmStack } from './swarm-stack.suite.js';

// Every test of the package that needs a swarm, on one single-node swarm of this file's own: a second dockerd (never
// the shared engine) that advertises one NVIDIA-GPU generic resource, as a GPU node does. Swarm engines take turns
// on a host (second-engine.ts, swarmTurn), so the tests that were three files each held a test worker while they
// waited for the others' turns (both workers, for the first 55 s of the suite); in one file they hold one worker and
// start one engine, and the other worker runs the rest of the suite meanwhile. Each suite names what it makes
// uniquely and removes it after.
const skip = dockerAvailable() ? secondEngineSkipReason() : 'no Docker engine';

describe.skipIf(!!skip)(`on a swarm engine of the test's own${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let second: SecondEngine | undefined;
  const startedEngine = (): SecondEngine => {
    if (!second) throw new Error('the swarm engine did not start (see the hook above)');
    return second;
  };

  beforeAll(async () => {
    await ensureTestImage();
    second = await startSecondEngine({ images: [TEST_IMAGE], swarm: true, args: ['--node-generic-resource', 'NVIDIA-GPU=GPU-berth-test-0'] });
  }, 240_000 + SWARM_TURN_TIMEOUT_MS); // its own start, after the test swarms ahead of it (other runs of the suite)

  afterAll(async () => {
    await second?.stop();
  }, 120_000);

  describeSwarmStack(startedEngine);
  describeSwarmEngine(startedEngine);
  describeSwarmConverge(startedEngine);
});
