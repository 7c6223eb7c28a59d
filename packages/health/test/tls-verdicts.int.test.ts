import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../src/index.js';
import { findProgram } from './peers.js';
import { closeAll, listen, target } from './loopback.js';

afterEach(closeAll);

const here = fileURLToPath(new URL('.', import.meta.url));

const opensslAvailable = findProgram('openssl') !== undefined;

/**
 * Certificates a dev stack really has, each refused by a strict check with one line that says what to change: a
 * private CA's (mkcert, a company CA), an expired one, one for another name, and a server that wants a client's.
 */
describe.skipIf(!opensslAvailable)(`TLS verdicts say what to do${opensslAvailable ? '' : ' (skipped: no openssl on PATH)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-health-tls-ca-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe', cwd: dir });
  let expiredMade = false;
  beforeAll(() => {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=berth test CA', '-keyout', 'ca.key', '-out', 'ca.pem', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=db.internal', '-keyout', 'srv.key', '-out', 'srv.csr');
    writeFileSync(file('other.cnf'), 'subjectAltName=DNS:db.internal,DNS:db\n');
    openssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', 'other.pem', '-extfile', 'other.cnf');
    writeFileSync(file('local.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    openssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', 'local.pem', '-extfile', 'local.cnf');
    try {
      // valid until a day before it was made: expired (an OpenSSL that refuses a negative -days skips that case)
      openssl('x509', '-req', '-in', 'srv.csr', '-signkey', 'srv.key', '-days', '-1', '-out', 'expired.pem', '-extfile', 'local.cnf');
      expiredMade = true;
    } catch {
      expiredMade = false;
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const serve = (cert: string, extra: https.ServerOptions = {}) =>
    listen(https.createServer({ key: readFileSync(file('srv.key')), cert: readFileSync(file(cert)), ...extra }, (req, res) => res.end('OK')));

  it('a certificate from a CA this machine does not trust: names the CA fix (NODE_EXTRA_CA_CERTS) and insecure', async () => {
    const { port } = await serve('local.pem');
    const r = await runCheck(target({ type: 'http', url: `https://localhost:${port}/` }));
    expect([r.status, r.reason]).toEqual([
      'critical',
      `TLS: the certificate of localhost:${port} is signed by a CA this machine does not trust (give node its CA with NODE_EXTRA_CA_CERTS=/path/ca.pem, or set insecure: true)`,
    ]);
    const lax = await runCheck(target({ type: 'http', url: `https://localhost:${port}/`, insecure: true }));
    expect(lax.status).toBe('passing');
  });

  it('an expired certificate: says so, and what to do', async (ctx) => {
    if (!expiredMade) ctx.skip();
    const { port } = await serve('expired.pem');
    const r = await runCheck(target({ type: 'http', url: `https://127.0.0.1:${port}/` }));
    expect([r.status, r.reason]).toEqual(['critical', `TLS: the certificate of 127.0.0.1:${port} has expired (renew it, or set insecure: true to accept it)`]);
  });

  it('a server that wants a client certificate: says so, not OpenSSL\'s alert', async () => {
    const { port } = await serve('local.pem', { requestCert: true, rejectUnauthorized: true, ca: readFileSync(file('ca.pem')) });
    const r = await runCheck(target({ type: 'http', url: `https://127.0.0.1:${port}/`, insecure: true }));
    expect([r.status, r.reason]).toEqual(['critical', `TLS: 127.0.0.1:${port} wants a client certificate, and an http check sends none`]);
  });

  it('a trusted certificate for another name: says which names it holds', () => {
    // the CA is trusted the one way node offers on every version: NODE_EXTRA_CA_CERTS, read when node starts, so the
    // server and the check run in a node of their own
    const script = `
      import https from 'node:https';
      import { readFileSync } from 'node:fs';
      import { runCheck } from ${JSON.stringify(pathToFileURL(join(here, '../src/index.ts')).href)};
      const server = https.createServer({ key: readFileSync(${JSON.stringify(file('srv.key'))}), cert: readFileSync(${JSON.stringify(file('other.pem'))}) }, (req, res) => res.end('OK'));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const port = server.address().port;
      const check = { type: 'http', url: 'https://localhost:' + port + '/', method: 'GET', maxRedirects: 5, insecure: false, severity: 'critical' };
      const r = await runCheck({ id: 'x', subject: { kind: 'service', id: 'x' }, check });
      console.log(JSON.stringify({ port, status: r.status, reason: r.reason }));
      server.close();
    `;
    const run = spawnSync(process.execPath, ['--conditions=@berth/source', '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(here, '..'),
      env: { ...process.env, NODE_EXTRA_CA_CERTS: file('ca.pem') },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const got = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { port: number; status: string; reason: string };
    expect([got.status, got.reason]).toEqual([
      'critical',
      `TLS: the certificate of localhost:${got.port} does not name localhost (it names db.internal, db; use one of those in the url, or set insecure: true)`,
    ]);
  });
});
