import { describe, expect, it } from 'vitest';
import { BerthSpecSchema } from '@berth/spec';
import { freePort } from '@berth/docker/testing';
import { EngineSource } from './engine.js';

describe('EngineSource with no engine answering', () => {
  it('says where it looked and what that place answered, as berth doctor does, not only how many places', async () => {
    const port = await freePort(); // nothing listens on it now
    const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'engine-reason' }, profiles: { web: {} }, services: { web: { image: 'busybox', profiles: ['web'] } } });
    const engine = new EngineSource(spec, { env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` }, timeoutMs: 1000 });
    try {
      await engine.refresh();
      const containers = engine.containers();
      expect(containers.available).toBe(false);
      const reason = containers.available ? '' : containers.reason;
      expect(reason).toMatch(new RegExp(`^no Docker engine answered \\(looked in tcp://127\\.0\\.0\\.1:${port} \\(DOCKER_HOST\\): .*connection refused`));
      const profiles = engine.profiles();
      expect(profiles.engine).toEqual({ available: false, reason });
    } finally {
      await engine.stop();
    }
  });
});
