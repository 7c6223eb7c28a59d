import Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerAvailable, dockerSkipReason, dockerSocketPath, ensureTestImage, TEST_IMAGE } from '@berth/docker/testing';

describe.skipIf(!dockerAvailable())(`test image${dockerSkipReason()}`, () => {
  const docker = new Dockerode({ socketPath: dockerSocketPath() });
  const names: string[] = [];
  afterAll(async () => {
    for (const n of names) await docker.getContainer(n).remove({ force: true }).catch(() => undefined);
  });

  it('is built once, even when asked for concurrently', async () => {
    const tags = await Promise.all([ensureTestImage(docker), ensureTestImage(docker), ensureTestImage(docker)]);
    expect(new Set(tags)).toEqual(new Set([TEST_IMAGE]));
    const a = await docker.getImage(TEST_IMAGE).inspect();
    await ensureTestImage(docker);
    const b = await docker.getImage(TEST_IMAGE).inspect();
    expect(b.Id).toBe(a.Id);
  });

  it('serves /health with busybox httpd', async () => {
    await ensureTestImage(docker);
    const name = `berth-test-image-${process.pid}-${Date.now()}`;
    names.push(name);
    const c = await docker.createContainer({
      name,
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'httpd -p 8080 -h /www && sleep 1 && wget -q -O - http://127.0.0.1:8080/health'],
    });
    await c.start();
    const result = (await c.wait()) as { StatusCode: number };
    const logs = (await c.logs({ stdout: true, stderr: true })).toString('utf8');
    expect(result.StatusCode).toBe(0);
    expect(logs).toContain('ok');
  });
});
