import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { berthFailure } from '@berth/spec/testing';
import { connectEngine } from './connect.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-connect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = berthFailure;

const START_DAEMON = /start the Docker daemon/;

describe('connectEngine: settings that are wrong are bad input, said where they are', () => {
  it('names a missing TLS file as the docker CLI does (ERR_BERTH_UNREADABLE, exit 2), not as "no such socket"', async () => {
    const certs = path.join(dir, 'no-such-certs');
    const err = await failure(connectEngine({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }, timeoutMs: 500 }));
    expect(err.code).toBe('ERR_BERTH_UNREADABLE');
    const ca = path.join(certs, 'ca.pem');
    expect(err.message).toBe(`could not read CA certificate "${ca}": open ${ca}: no such file or directory`);
    expect(err.problems).toEqual([]);
  });

  it('names a TLS file that holds no PEM, with the file, instead of a bare OpenSSL code', async () => {
    const certs = mkdtempSync(path.join(dir, 'garbage-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(path.join(certs, f), 'not a certificate\n');
    const err = await failure(connectEngine({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }, timeoutMs: 500 }));
    expect(err.code).toBe('ERR_BERTH_UNREADABLE');
    expect(err.message).toMatch(new RegExp(`^CA certificate "${path.join(certs, 'ca.pem').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" is not a PEM certificate \\(.+\\)$`));
  });

  it('refuses a DOCKER_HOST of an unknown scheme as bad input (ERR_BERTH_USAGE, exit 2)', async () => {
    const err = await failure(connectEngine({ env: { DOCKER_HOST: 'bogus://x' }, timeoutMs: 500 }));
    expect(err.code).toBe('ERR_BERTH_USAGE');
    expect(err.message).toBe('DOCKER_HOST "bogus://x": unsupported scheme bogus: (expected unix://, tcp:// or ssh://)');
  });

  it('says nothing listens on a refused TCP port (no socket file there), and does not tell to start the local daemon', async () => {
    const err = await failure(connectEngine({ env: { DOCKER_HOST: 'tcp://127.0.0.1:1' }, timeoutMs: 1000 }));
    expect(err.code).toBe('ERR_BERTH_ENGINE_UNREACHABLE');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]!.message).toBe('no Docker engine at tcp://127.0.0.1:1 (DOCKER_HOST): connection refused (nothing listens on that port)');
    expect(err.hint).not.toMatch(START_DAEMON);
    expect(err.hint).toContain('tcp://127.0.0.1:1');
  });

  it('still tells to start the daemon when the place looked in is a socket of this machine', async () => {
    const err = await failure(connectEngine({ env: { DOCKER_HOST: `unix://${path.join(dir, 'none.sock')}` }, timeoutMs: 500 }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]!.message).toBe(`no Docker engine at unix://${path.join(dir, 'none.sock')} (DOCKER_HOST): no such socket`);
    expect(err.hint).toMatch(START_DAEMON);
  });
});
