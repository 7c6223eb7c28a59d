/**
 * How berth finds and speaks to the default engine, against real servers: the shared engine behind a TLS proxy of
 * the test's own (node's tls server, certificates made with openssl now) or a plain TCP forwarder, and Docker
 * contexts written under a scratch HOME, as `docker context create` writes them. Only `GET /_ping` reaches the
 * shared engine.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berthFailure } from '@berth/spec/testing';
import { connectEngine } from '@berth/docker';
import { dockerAvailable, dockerSocketPath, makeTestCertificates } from '@berth/docker/testing';

const skip = dockerAvailable() ? '' : 'no Docker engine';

/** A server on 127.0.0.1 that hands every connection to the shared engine's socket, through TLS when `tlsOptions` says. */
async function forwarder(tlsOptions?: tls.TlsOptions): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const onConnection = (client: net.Socket) => {
    const engine = net.connect(dockerSocketPath());
    client.on('error', () => engine.destroy());
    engine.on('error', () => client.destroy());
    client.pipe(engine).pipe(client);
  };
  const server = tlsOptions ? tls.createServer(tlsOptions, onConnection) : net.createServer(onConnection);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { endpoint: `tcp://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

type Context = { host: string; skipTlsVerify?: boolean; tls?: Record<string, string> };

/** A HOME whose ~/.docker holds these contexts (meta.json, the TLS files given) and, when named, a current context. */
function home(contexts: Record<string, Context>, current?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-home-'));
  const config = path.join(dir, '.docker');
  mkdirSync(config);
  if (current) writeFileSync(path.join(config, 'config.json'), JSON.stringify({ currentContext: current }));
  for (const [name, c] of Object.entries(contexts)) {
    const digest = createHash('sha256').update(name).digest('hex');
    mkdirSync(path.join(config, 'contexts', 'meta', digest), { recursive: true });
    const docker = { Host: c.host, SkipTLSVerify: !!c.skipTlsVerify };
    writeFileSync(path.join(config, 'contexts', 'meta', digest, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker } }));
    if (c.tls) {
      const tlsDir = path.join(config, 'contexts', 'tls', digest, 'docker');
      mkdirSync(tlsDir, { recursive: true });
      for (const [file, from] of Object.entries(c.tls)) copyFileSync(from, path.join(tlsDir, file));
    }
  }
  return dir;
}

const scratch: string[] = [];
const made = (dir: string) => (scratch.push(dir), dir);

describe.skipIf(!!skip)(`the default engine, found and spoken to as the docker CLI does${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let certs = '';
  let otherCa = '';
  let serverOnly: Awaited<ReturnType<typeof forwarder>>;
  let mutual: Awaited<ReturnType<typeof forwarder>>;
  let plain: Awaited<ReturnType<typeof forwarder>>;
  beforeAll(async () => {
    certs = made(mkdtempSync(path.join(tmpdir(), 'berth-tls-')));
    makeTestCertificates(certs);
    otherCa = made(mkdtempSync(path.join(tmpdir(), 'berth-tls-other-')));
    makeTestCertificates(otherCa);
    const server = { key: readFileSync(path.join(certs, 'server-key.pem')), cert: readFileSync(path.join(certs, 'server.pem')) };
    serverOnly = await forwarder(server);
    mutual = await forwarder({ ...server, ca: readFileSync(path.join(certs, 'ca.pem')), requestCert: true, rejectUnauthorized: true });
    plain = await forwarder();
  }, 60_000);
  afterAll(async () => {
    await Promise.all([serverOnly?.close(), mutual?.close(), plain?.close()]);
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  const ping = async (env: NodeJS.ProcessEnv, homeDir = made(home({}))) => {
    const engine = await connectEngine({ env, home: homeDir, timeoutMs: 3000 });
    try {
      return await engine.api.ping();
    } finally {
      engine.close();
    }
  };
  const fails = (env: NodeJS.ProcessEnv, homeDir = made(home({}))) => berthFailure(connectEngine({ env, home: homeDir, timeoutMs: 3000 }));
  /** The one place looked in, as the error's one problem names it ("no Docker engine at PLACE"). */
  const place = (err: { problems: { message: string }[] }) => {
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]!.message).toMatch(/^no Docker engine at /);
    return err.problems[0]!.message.slice('no Docker engine at '.length);
  };

  describe('a current context names the engine: it is never traded for this machine\'s socket', () => {
    it('one out of reach is ERR_BERTH_ENGINE_UNREACHABLE (exit 3) naming the context and its config file', async () => {
      const h = made(home({ dead: { host: 'tcp://127.0.0.1:1' } }, 'dead'));
      const err = await fails({}, h);
      expect(err.code).toBe('ERR_BERTH_ENGINE_UNREACHABLE');
      expect(place(err)).toBe(`tcp://127.0.0.1:1 (current context "dead" from ${path.join(h, '.docker', 'config.json')}): connection refused (nothing listens on that port)`);
      expect(err.hint).toContain('tcp://127.0.0.1:1');
    });

    it('one that does not exist is bad input (ERR_BERTH_USAGE, exit 2), one line naming it and the config file', async () => {
      const h = made(home({}, 'nosuch'));
      const err = await fails({}, h);
      expect(err.code).toBe('ERR_BERTH_USAGE');
      const meta = path.join(h, '.docker', 'contexts', 'meta', createHash('sha256').update('nosuch').digest('hex'), 'meta.json');
      expect(err.message).toBe(`current context "nosuch" from ${path.join(h, '.docker', 'config.json')} does not exist (no ${meta})`);
      expect(err.hint).not.toContain('(none)');
    });

    it('DOCKER_CONTEXT naming no context is bad input too, and no "(none)" stands in for its endpoint', async () => {
      const err = await fails({ DOCKER_CONTEXT: 'nosuch' });
      expect(err.code).toBe('ERR_BERTH_USAGE');
      expect(err.message).toMatch(/^context "nosuch" from DOCKER_CONTEXT does not exist \(no .*meta\.json\)$/);
      expect(`${err.message} ${err.hint}`).not.toContain('(none)');
    });

    it('one that answers is the engine', async () => {
      expect(await ping({}, made(home({ fwd: { host: plain.endpoint } }, 'fwd')))).toBe('OK');
    });
  });

  describe('contexts the docker CLI accepts', () => {
    it('TLS with a CA alone (server-only TLS): no client certificate is asked for', async () => {
      const h = made(home({ caonly: { host: serverOnly.endpoint, tls: { 'ca.pem': path.join(certs, 'ca.pem') } } }));
      expect(await ping({ DOCKER_CONTEXT: 'caonly' }, h)).toBe('OK');
    });

    it('skip-tls-verify=true: TLS, the engine\'s certificate unchecked', async () => {
      const h = made(home({ skip: { host: serverOnly.endpoint, skipTlsVerify: true } }));
      expect(await ping({ DOCKER_CONTEXT: 'skip' }, h)).toBe('OK');
    });

    it('a CA alone to an engine that wants a client certificate: said in words, pointing at the context\'s TLS', async () => {
      const h = made(home({ caonly: { host: mutual.endpoint, tls: { 'ca.pem': path.join(certs, 'ca.pem') } } }));
      const err = await fails({ DOCKER_CONTEXT: 'caonly' }, h);
      expect(place(err)).toBe(`${mutual.endpoint} (context "caonly" from DOCKER_CONTEXT): the engine refused the client certificate (or wants one, and got none)`);
      expect(err.hint).toContain('the context\'s TLS');
    });
  });

  describe('TLS failures are said in words, with the setting that decides them', () => {
    const tlsEnv = (endpoint: string, certPath: string) => ({ DOCKER_HOST: endpoint, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath });

    it('TLS to an engine without it', async () => {
      const err = await fails(tlsEnv(plain.endpoint, certs));
      expect(err.code).toBe('ERR_BERTH_ENGINE_UNREACHABLE');
      expect(place(err)).toBe(`${plain.endpoint} (DOCKER_HOST): the engine speaks plain HTTP and berth spoke TLS (the server gave an HTTP response to an HTTPS client)`);
      expect(err.hint).toContain('unset DOCKER_TLS_VERIFY');
      expect(JSON.stringify(err.problems)).not.toMatch(/SSL routines|EPROTO/);
    });

    it('an engine certificate another CA signed', async () => {
      const err = await fails(tlsEnv(mutual.endpoint, otherCa));
      expect(place(err)).toBe(`${mutual.endpoint} (DOCKER_HOST): the engine's certificate is not signed by the CA in ${path.join(otherCa, 'ca.pem')}`);
      expect(err.hint).toMatch(/DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH/);
    });

    it('plain TCP to an engine that speaks TLS', async () => {
      const err = await fails({ DOCKER_HOST: serverOnly.endpoint });
      expect(place(err)).toBe(`${serverOnly.endpoint} (DOCKER_HOST): the engine speaks TLS and berth spoke plain HTTP (client sent an HTTP request to an HTTPS server)`);
      expect(err.hint).toMatch(/DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH/);
    });

    it('with the right material it answers (the same proxy, the same engine)', async () => {
      expect(await ping(tlsEnv(mutual.endpoint, certs))).toBe('OK');
    });

    it('DOCKER_TLS alone is TLS without checking the engine\'s certificate, a client certificate given when DOCKER_CERT_PATH has one, as the docker CLI takes it (berth spoke plain HTTP)', async () => {
      expect(await ping({ DOCKER_HOST: serverOnly.endpoint, DOCKER_TLS: '1', DOCKER_CERT_PATH: otherCa })).toBe('OK');
      expect(await ping({ DOCKER_HOST: mutual.endpoint, DOCKER_TLS: '1', DOCKER_CERT_PATH: certs })).toBe('OK');
      const err = await fails({ DOCKER_HOST: plain.endpoint, DOCKER_TLS: '1', DOCKER_CERT_PATH: certs });
      expect(place(err)).toBe(`${plain.endpoint} (DOCKER_HOST): the engine speaks plain HTTP and berth spoke TLS (the server gave an HTTP response to an HTTPS client)`);
      expect(err.hint).toContain('unset DOCKER_TLS, or give it TLS');
    });
  });

  it.skipIf(dockerSocketPath() !== '/var/run/docker.sock')('DOCKER_HOST=unix:// (no path) is the default socket, as the docker CLI reads it', async () => {
    expect(await ping({ DOCKER_HOST: 'unix://' })).toBe('OK');
  });

  it('an ssh:// URL berth can never use is bad input (exit 2), not an engine out of reach', async () => {
    for (const [url, why] of [
      ['ssh://dev:hunter2@127.0.0.1', 'a password in an ssh:// URL is not supported'],
      ['ssh://127.0.0.1?x=1', 'an ssh:// URL takes no query or fragment'],
    ]) {
      const err = await fails({ DOCKER_HOST: url! });
      expect(err.code, url).toBe('ERR_BERTH_USAGE');
      expect(err.message).toContain(why);
      expect(err.hint).not.toMatch(/runs/);
    }
  });
});
