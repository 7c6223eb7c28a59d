import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { declaredEngineCandidate, engineCandidates } from './engine-candidates.js';

const homes: string[] = [];
afterAll(() => {
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

function home(context?: { name: string; host: string }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-home-'));
  homes.push(dir);
  mkdirSync(path.join(dir, '.docker'), { recursive: true });
  if (context) {
    writeFileSync(path.join(dir, '.docker', 'config.json'), JSON.stringify({ currentContext: context.name }));
    const meta = path.join(dir, '.docker', 'contexts', 'meta', createHash('sha256').update(context.name).digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: context.name, Endpoints: { docker: { Host: context.host } } }));
  }
  return dir;
}

describe('engineCandidates', () => {
  it('uses DOCKER_HOST alone when set', () => {
    expect(engineCandidates({ DOCKER_HOST: 'tcp://10.0.0.1:2375' }, home(), 1000)).toEqual([{ endpoint: 'tcp://10.0.0.1:2375', source: 'DOCKER_HOST' }]);
  });
  it('reads TLS from the environment as the docker CLI does: DOCKER_TLS_VERIFY checks the engine, DOCKER_TLS alone does not, both in DOCKER_CERT_PATH', () => {
    const h = home();
    const at = (env: NodeJS.ProcessEnv) => engineCandidates({ DOCKER_HOST: 'tcp://10.0.0.1:2376', ...env }, h, 1000)[0];
    expect(at({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' })).toEqual({ endpoint: 'tcp://10.0.0.1:2376', source: 'DOCKER_HOST', tlsDir: '/certs' });
    expect(at({ DOCKER_TLS_VERIFY: '1', DOCKER_TLS: '1', DOCKER_CERT_PATH: '/certs' })).toEqual({ endpoint: 'tcp://10.0.0.1:2376', source: 'DOCKER_HOST', tlsDir: '/certs' });
    expect(at({ DOCKER_TLS: '1' })).toEqual({ endpoint: 'tcp://10.0.0.1:2376', source: 'DOCKER_HOST', tlsDir: path.join(h, '.docker'), tlsFiles: 'given', skipTlsVerify: true });
    expect(at({ DOCKER_CERT_PATH: '/certs' })).toEqual({ endpoint: 'tcp://10.0.0.1:2376', source: 'DOCKER_HOST' });
  });
  it('takes the current context of the Docker config as the engine, alone: never the default sockets after it', () => {
    const h = home({ name: 'colima', host: 'unix:///tmp/colima.sock' });
    expect(engineCandidates({}, h, 1000)).toEqual([{ endpoint: 'unix:///tmp/colima.sock', source: `current context "colima" from ${path.join(h, '.docker', 'config.json')}` }]);
  });
  it('looks in the default sockets only when nothing names an engine', () => {
    const c = engineCandidates({}, home(), 1000);
    expect(c.map((x) => x.endpoint)).toContain('unix:///var/run/docker.sock');
    expect(c.map((x) => x.endpoint)).toContain('unix:///run/user/1000/docker.sock');
    expect(new Set(c.map((x) => x.source))).toEqual(new Set(['default socket']));
  });
  it('reads a context\'s TLS as `docker context create` left it: the files given, skip-tls-verify', () => {
    const h = home({ name: 'lab', host: 'tcp://lab:2376' });
    const digest = createHash('sha256').update('lab').digest('hex');
    const meta = path.join(h, '.docker', 'contexts', 'meta', digest, 'meta.json');
    writeFileSync(meta, JSON.stringify({ Name: 'lab', Endpoints: { docker: { Host: 'tcp://lab:2376', SkipTLSVerify: true } } }));
    const tls = path.join(h, '.docker', 'contexts', 'tls', digest, 'docker');
    mkdirSync(tls, { recursive: true });
    expect(engineCandidates({ DOCKER_CONTEXT: 'lab' }, h, 1000)).toEqual([{ endpoint: 'tcp://lab:2376', source: 'context "lab" from DOCKER_CONTEXT', tlsDir: tls, tlsFiles: 'given', skipTlsVerify: true }]);
  });
  it('says so when DOCKER_CONTEXT names a context that does not exist', () => {
    const [c] = engineCandidates({ DOCKER_CONTEXT: 'nope' }, home(), 1000);
    expect(c!.problem).toContain('context "nope" from DOCKER_CONTEXT does not exist');
  });

  it('finds a declared engine by its context, TLS material included, or by its host', () => {
    const h = home({ name: 'gpu-box', host: 'tcp://gpu-box:2376' });
    const tls = path.join(h, '.docker', 'contexts', 'tls', createHash('sha256').update('gpu-box').digest('hex'), 'docker');
    mkdirSync(tls, { recursive: true });
    expect(declaredEngineCandidate('gpu', { context: 'gpu-box' }, {}, h)).toEqual({ endpoint: 'tcp://gpu-box:2376', source: 'engines.gpu (context "gpu-box")', tlsDir: tls, tlsFiles: 'given' });
    expect(declaredEngineCandidate('gpu', { context: 'gone' }, {}, h).problem).toMatch(/^context "gone" does not exist \(no .*meta\.json\)$/);
    expect(declaredEngineCandidate('nas', { host: 'ssh://dev@nas' }, { DOCKER_TLS_VERIFY: '1' }, h)).toEqual({ endpoint: 'ssh://dev@nas', source: 'engines.nas' });
    expect(declaredEngineCandidate('ci', { host: 'tcp://ci:2376' }, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, h)).toEqual({ endpoint: 'tcp://ci:2376', source: 'engines.ci', tlsDir: '/certs' });
    expect(declaredEngineCandidate('ci', { host: 'tcp://ci:2376' }, { DOCKER_TLS: '1', DOCKER_CERT_PATH: '/certs' }, h)).toEqual({ endpoint: 'tcp://ci:2376', source: 'engines.ci', tlsDir: '/certs', tlsFiles: 'given', skipTlsVerify: true });
  });
});
