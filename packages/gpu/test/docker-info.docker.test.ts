import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { dockerGpuSupport, type DockerInfoLike } from '../src/index.js';

// dockerGpuSupport against the real engine's GET /info (talked to directly: @berth/gpu does not depend on @berth/docker).
const socket = '/var/run/docker.sock';
const haveEngine = existsSync(socket);

function engineInfo(): Promise<DockerInfoLike> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: '/info', timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as DockerInfoLike);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer from the engine within 5 s')));
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!haveEngine)(`dockerGpuSupport on the real engine${haveEngine ? '' : ` (skipped: no Docker engine at ${socket})`}`, () => {
  it('gives a verdict consistent with what the engine lists', async () => {
    const info = await engineInfo();
    const v = dockerGpuSupport(info);
    const runtimes = Object.keys(info.Runtimes ?? {});
    const cdiGpus = (info.DiscoveredDevices ?? []).filter((d) => /^nvidia\.com\/gpu=/.test(String((d as { ID?: string }).ID)));
    expect(v.evidence.nvidiaRuntime).toBe(runtimes.includes('nvidia'));
    expect(v.status).toBe(runtimes.includes('nvidia') || cdiGpus.length > 0 ? 'likely-works' : 'unknown');
    expect(v.evidence.cdiEnabled).toBe(Array.isArray(info.CDISpecDirs) ? info.CDISpecDirs.length > 0 : undefined);
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });

  it('says no GPU support when the host has no driver, whatever the engine lists', async () => {
    expect(dockerGpuSupport(await engineInfo(), { hostHasGpu: false }).status).toBe('no-gpu-support');
  });
});
