import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from './validate-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-spec-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (d) => (chunks.out += d));
  err.on('data', (d) => (chunks.err += d));
  const code = await main(args, out as unknown as typeof process.stdout, err as unknown as typeof process.stderr);
  return { code, ...chunks };
}

const REGISTRY = 'registry: 1\nowner: o\nports:\n  - { port: 8080, repo: app, service: web }\n  - { port: 8080, repo: other, service: x }\n';
const spec = (services: string, env = '{}') => `berth: 1\nrepo: { name: app }\nregistry: ports.yaml\nservices:\n${services}\nenv: ${env}\n`;

describe('berth-spec (the Nx validate-ports / validate-env targets)', () => {
  it('ports: exit 1 with one file:line:col line per error on stderr', async () => {
    writeFileSync(join(dir, 'ports.yaml'), REGISTRY);
    writeFileSync(join(dir, 'berth.yaml'), spec('  web: { ports: [8080] }'));
    const r = await run(['ports', join(dir, 'berth.yaml')]);
    expect(r.code).toBe(1);
    expect(r.err.trimEnd().split('\n')).toEqual([expect.stringMatching(/ports\.yaml:5:5: port 8080\/tcp is allocated to both app\/web \(.*ports\.yaml:4:5\) and other\/x/)]);
  });
  it('ports: exit 0 when only warnings, printed on stdout', async () => {
    writeFileSync(join(dir, 'ports.yaml'), 'registry: 1\nowner: o\nports:\n  - { port: 40000, repo: app, service: web }\n');
    writeFileSync(join(dir, 'berth.yaml'), spec('  web: { ports: [40000] }'));
    const r = await run(['ports', join(dir, 'berth.yaml')]);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain("warning: port 40000/tcp is in Linux's ephemeral range");
  });
  it('env: exit 1 on an env-schema error, ignoring the process env', async () => {
    writeFileSync(join(dir, 'berth.yaml'), spec('  web: {}', '\n  WORKERS: { type: int, default: lots }'));
    const r = await run(['env', join(dir, 'berth.yaml')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/berth\.yaml:7:\d+: WORKERS: the default is not a whole number\n$/);
  });
  it('exit 2 on bad input', async () => {
    expect((await run(['ports', join(dir, 'missing.yaml')])).code).toBe(2);
    expect((await run(['nonsense'])).code).toBe(2);
  });
});
