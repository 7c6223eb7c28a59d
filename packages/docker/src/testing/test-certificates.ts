import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A CA, a server certificate for 127.0.0.1 and a client certificate, made with `openssl` in `dir`, as
 * `dockerd --tlsverify` and `docker --tlsverify` want them: the server's `ca.pem`, `server.pem`, `server-key.pem`,
 * and what DOCKER_CERT_PATH holds for the client (`ca.pem`, `cert.pem`, `key.pem`). Every run makes its own.
 */
export function makeTestCertificates(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=berth test CA', '-keyout', 'ca-key.pem', '-out', 'ca.pem');
  writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(path.join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, subject] of [['server', '/CN=127.0.0.1'], ['client', '/CN=berth']] as const) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
  }
  copyFileSync(path.join(dir, 'client.pem'), path.join(dir, 'cert.pem'));
  copyFileSync(path.join(dir, 'client-key.pem'), path.join(dir, 'key.pem'));
}
