import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine/connect.js';
import { sameEngineNames, specEngineAddresses, specEnginePlaces, type SpecEngine } from './engine-set.js';

const homes: string[] = [];

/** A home folder with a Docker config whose contexts are `contexts` and whose current context is `current`. */
function home(contexts: Record<string, string> = {}, current?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-places-'));
  homes.push(dir);
  mkdirSync(path.join(dir, '.docker'), { recursive: true });
  if (current) writeFileSync(path.join(dir, '.docker', 'config.json'), JSON.stringify({ currentContext: current }));
  for (const [name, host] of Object.entries(contexts)) {
    const meta = path.join(dir, '.docker', 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }));
  }
  return dir;
}

afterAll(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

describe('specEnginePlaces: where each engine publishes its ports, the default one included', () => {
  const noEngines = { engines: {} };

  it('puts the default engine where DOCKER_HOST says: its host, for tcp:// and ssh:// (user and port dropped)', () => {
    expect(specEngineAddresses(noEngines, { DOCKER_HOST: 'tcp://192.0.2.2:2375' }, home()).get('default')).toBe('192.0.2.2');
    expect(specEnginePlaces(noEngines, { DOCKER_HOST: 'tcp://192.0.2.2:2375' }, home()).get('default')).toEqual({ address: '192.0.2.2', local: false });
    expect(specEnginePlaces(noEngines, { DOCKER_HOST: 'ssh://deploy@build-box:2222' }, home()).get('default')).toEqual({ address: 'build-box', local: false });
  });

  it('puts the default engine on this machine for a unix socket, a loopback address, or no DOCKER_HOST and no context', () => {
    for (const env of [{ DOCKER_HOST: 'unix:///var/run/docker.sock' }, { DOCKER_HOST: 'tcp://127.0.0.1:2375' }, { DOCKER_HOST: 'tcp://localhost:2375' }, {}]) {
      expect(specEnginePlaces(noEngines, env, home()).get('default')).toEqual({ address: '127.0.0.1', local: true });
    }
  });

  it('follows DOCKER_CONTEXT and the current context to their endpoint, as the docker CLI does', () => {
    const h = home({ far: 'tcp://gpu-box:2376', near: 'unix:///tmp/colima.sock' }, 'far');
    expect(specEngineAddresses(noEngines, {}, h).get('default')).toBe('gpu-box');
    expect(specEngineAddresses(noEngines, { DOCKER_CONTEXT: 'near' }, h).get('default')).toBe('127.0.0.1');
    // DOCKER_HOST comes first, as for the docker CLI
    expect(specEngineAddresses(noEngines, { DOCKER_HOST: 'tcp://10.1.2.3:2375' }, h).get('default')).toBe('10.1.2.3');
  });

  it('leaves out an engine whose endpoint cannot be read (a context that does not exist)', () => {
    expect(specEnginePlaces(noEngines, { DOCKER_CONTEXT: 'nosuch' }, home()).has('default')).toBe(false);
  });

  it("places declared engines by their host or context, beside the default engine's place", () => {
    const h = home({ gpu: 'ssh://me@gpu-box' });
    const spec = { engines: { far: { mode: 'containers' as const, host: 'tcp://192.0.2.9:2376' }, gpu: { mode: 'containers' as const, context: 'gpu' }, here: { mode: 'containers' as const, host: 'unix:///run/other.sock' } } };
    expect(Object.fromEntries(specEngineAddresses(spec, { DOCKER_HOST: 'ssh://me@build' }, h))).toEqual({ default: 'build', far: '192.0.2.9', gpu: 'gpu-box', here: '127.0.0.1' });
  });
});

describe('sameEngineNames: the names of a spec that reach one engine', () => {
  const at = (name: string, endpoint: string, mode: SpecEngine['mode'] = 'containers'): SpecEngine => ({ name, engine: { endpoint } as Engine, mode, address: '127.0.0.1', local: true });

  it('maps each later name of an endpoint to the first; `unix://` alone is the default socket, a trailing slash nothing', () => {
    const names = sameEngineNames([at('default', 'unix:///var/run/docker.sock'), at('gpu', 'ssh://me@gpu-box'), at('here', 'unix://'), at('box', 'ssh://me@gpu-box/'), at('far', 'tcp://192.0.2.9:2376')]);
    expect(Object.fromEntries(names)).toEqual({ here: 'default', box: 'gpu' });
  });

  it('keeps one endpoint in two modes apart (a stack and containers are not one target)', () => {
    expect(sameEngineNames([at('c', 'unix:///run/other.sock'), at('s', 'unix:///run/other.sock', 'swarm')]).size).toBe(0);
  });
});
