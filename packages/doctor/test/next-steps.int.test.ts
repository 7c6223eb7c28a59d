import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthSpecSchema } from '@berth/spec';
import { runDoctor, type DoctorFinding } from '../src/index.js';

const opensslAvailable = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/**
 * The doctor's next step for checks that fail for a reason other than a service being down or sick: a variable set
 * nowhere, a certificate, a check's own program. Each against a real loopback server; before, each was told to
 * read the service's logs (or to start it), which could not help.
 */
describe('the doctor\'s next step names what to change', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-doctor-next-'));
  const servers: net.Server[] = [];
  let plain = 0;
  let tls = 0;
  const listen = async (server: net.Server) => {
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as net.AddressInfo).port;
  };
  beforeAll(async () => {
    plain = await listen(http.createServer((req, res) => res.end('OK')));
    if (opensslAvailable) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      tls = await listen(https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => res.end('OK')));
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    rmSync(dir, { recursive: true, force: true });
  });

  let ran: Promise<Record<string, DoctorFinding>> | undefined;
  const findings = () => (ran ??= doctorFindings());
  async function doctorFindings(): Promise<Record<string, DoctorFinding>> {
    const spec = BerthSpecSchema.parse({
      berth: 1,
      repo: { name: 'doctor-next' },
      services: {
        tokened: { runtime: { kind: 'host', command: 'api serve' }, checks: [{ type: 'http', url: `http://127.0.0.1:${plain}/`, headers: { Authorization: 'Bearer ${DOCTOR_NEXT_TOKEN}' } }] },
        probe: { runtime: { kind: 'host', command: 'api serve' }, checks: [{ type: 'command', argv: [process.execPath, '-e', 'process.exit(1)'] }] },
        ...(tls ? { secure: { runtime: { kind: 'host', command: 'api serve' }, checks: [{ type: 'http', url: `https://localhost:${tls}/` }] } } : {}),
      },
    });
    const report = await runDoctor({ spec, specFile: 'berth.yaml', baseDir: dir, env: { PATH: process.env.PATH }, engineTimeoutMs: 500 });
    const health = report.sections.find((s) => s.id === 'health')!;
    return Object.fromEntries(health.findings.map((f) => [f.subject!, f]));
  }

  it('a ${VAR} set nowhere: set it (not "read its output": nothing was sent)', async () => {
    const f = (await findings()).tokened!;
    expect(f.status).toBe('unknown');
    expect(f.next).toBe('set DOCTOR_NEXT_TOKEN in the environment or in the .env beside the spec');
  });

  it("a check's own program that exits 1 on a running service: read its output, not \"start it\"", async () => {
    const f = (await findings()).probe!;
    expect(f.status).toBe('critical');
    expect(f.next).toBe('read the output of `api serve` where it runs on the host');
  });

  it.skipIf(!opensslAvailable)('a self-signed certificate: trust its CA, or insecure (not "read its output")', async () => {
    const f = (await findings()).secure!;
    expect(f.message).toBe(`https :${tls}/: TLS: self-signed certificate on localhost:${tls} (set insecure: true to accept it)`);
    expect(f.next).toBe('trust its CA (NODE_EXTRA_CA_CERTS=/path/ca.pem), or set insecure: true on its check');
  });
});
