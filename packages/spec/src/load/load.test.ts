import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { findManifestFile, findSpecFile, findWorkspaceFile, loadEnvFile, loadRegistryFile, loadSpecFile, notAFile, parseRegistry, parseSpec, formatProblem, unreadableReason, unwritableReason } from '../index.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('loading', () => {
  it('loads the semops-data example without problems', () => {
    const r = loadSpecFile('examples/semops-data/berth.yaml', root);
    expect(r.problems).toEqual([]);
    expect(Object.keys(r.value!.services)).toEqual(['python', 'dbt', 'jupyter', 'mlflow', 'marquez', 'marquez-web']);
  });
  it('words a number, text or list past its bound in plain words, as a port out of range is, never in zod\'s', () => {
    const spec = [
      'berth: 1',
      'repo: { name: demo }',
      'services:',
      '  a:',
      '    image: busybox:1',
      '    capAdd: [""]',
      '    checks:',
      '      - { type: http, url: "http://localhost:1/", maxRedirects: 21 }',
      '      - { type: http, url: "http://localhost:1/", retries: 11 }',
      '      - { type: http, url: "http://localhost:1/", timeout: -5 }',
      '      - { type: exec, argv: [] }',
      '',
    ].join('\n');
    const messages = parseSpec(spec, 'berth.yaml').problems.map(formatProblem);
    expect(messages).toEqual([
      'berth.yaml:6:14: services.a.capAdd[0]: must not be empty (got "")',
      'berth.yaml:8:65: services.a.checks[0].maxRedirects: must be at most 20 (got 21)',
      'berth.yaml:9:60: services.a.checks[1].retries: must be at most 10 (got 11)',
      'berth.yaml:10:60: services.a.checks[2].timeout: must be at least 0 (got -5)',
      'berth.yaml:11:29: services.a.checks[3].argv: must list at least one item',
    ]);
    expect(messages.join('\n')).not.toMatch(/Too (big|small)|expected number to be/);
  });

  it('loads the orchestrator registry', () => {
    const r = loadRegistryFile('examples/semops-dx-orchestrator/ports.yaml', root);
    expect(r.problems).toEqual([]);
    expect(r.value!.ports.filter((p) => p.port.from === 5000)).toHaveLength(2);
  });
  it("takes `service:` on a stdio (MCP) connection, the owner's service that runs the server; without `owner` it names nobody's, as on a TCP one", () => {
    const spec = (conn: string) => `berth: 1\nrepo: { name: x }\nconnections:\n  mcp: { transport: stdio, ${conn} }\n`;
    const ok = parseSpec(spec('owner: semops, service: mcp-server'), 'b.yaml');
    expect(ok.problems).toEqual([]);
    expect(ok.value!.connections.mcp).toMatchObject({ transport: 'stdio', owner: 'semops', service: 'mcp-server' });
    expect(parseSpec(spec('service: mcp-server'), 'b.yaml').problems.map(formatProblem)).toEqual([
      'b.yaml:4:37: connection "mcp" names service mcp-server but no owner: a connection\'s service is one of its owner\'s (add `owner:`, the repo that runs mcp-server)',
    ]);
  });
  it('points an unknown key at its line and column with a did-you-mean', () => {
    const r = parseSpec('berth: 1\nrepo:\n  name: x\n  stauts: active\n', 'b.yaml');
    expect(r.problems.map(formatProblem)).toEqual(['b.yaml:4:3: repo: unknown key "stauts" (did you mean "status"?)']);
  });
  it('refuses a device in one line instead of reading it for ever (/dev/zero has no end), for a spec, a registry and a .env file', () => {
    expect(loadSpecFile('/dev/zero').problems.map(formatProblem)).toEqual(['/dev/zero: is a device, not a file']);
    expect(loadRegistryFile('/dev/urandom').problems.map(formatProblem)).toEqual(['/dev/urandom: is a device, not a file']);
    expect(loadEnvFile('/dev/zero', { from: '--dotenv' }).problems.map(formatProblem)).toEqual(['/dev/zero: is a device, not a .env file (from --dotenv)']);
    expect(loadSpecFile('/tmp').problems.map(formatProblem)).toEqual(['/tmp: is a directory, not a file']);
  });

  it('says why a file cannot be read in words, the same for every reader: a link loop is not "no such file"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-unreadable-'));
    try {
      symlinkSync(join(dir, 'b'), join(dir, 'a'));
      symlinkSync(join(dir, 'a'), join(dir, 'b'));
      writeFileSync(join(dir, 'file'), 'x');
      expect(loadSpecFile(join(dir, 'a'), dir).problems.map(formatProblem)).toEqual(['a: a loop of symbolic links']);
      expect(loadRegistryFile(join(dir, 'file', 'ports.yaml'), dir).problems.map(formatProblem)).toEqual(['file/ports.yaml: a part of its path is a file, not a directory']);
      expect(loadSpecFile(join(dir, 'missing.yaml'), dir).problems.map((p) => [p.code, p.message])).toEqual([['file-not-found', 'no such file']]);
      expect(loadEnvFile(join(dir, 'a'), { cwd: dir, from: '--env-file' }).problems.map(formatProblem)).toEqual(['a: a loop of symbolic links (from --env-file)']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const error = (code: string) => Object.assign(new Error(code), { code });
    expect(['EACCES', 'EPERM', 'ERR_STRING_TOO_LONG', 'ERR_FS_FILE_TOO_LARGE', 'EMFILE', 'EIO', 'EBUSY', 'constructor'].map((c) => unreadableReason(error(c)))).toEqual([
      'permission denied',
      'permission denied',
      'too large to read (over 512 MiB)',
      'too large to read (over 512 MiB)',
      'too many files open',
      'an input/output error on the device',
      'cannot read (EBUSY)',
      'cannot read (constructor)',
    ]);
    // a write's reasons: the same words where a read and a write fail alike, its own where they differ
    expect(['EACCES', 'ENOENT', 'ENOSPC', 'EROFS', 'EDQUOT', 'EBUSY'].map((c) => unwritableReason(error(c)))).toEqual([
      'permission denied',
      'its folder does not exist',
      'no space left on the device',
      'a read-only file system',
      'over the disk quota',
      'cannot write (EBUSY)',
    ]);
  });

  it('tells a file, a pipe (--spec <(...)), a folder, a device and a socket apart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-not-a-file-'));
    try {
      writeFileSync(join(dir, 'berth.yaml'), 'berth: 1\n');
      execFileSync('mkfifo', [join(dir, 'pipe')]);
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(join(dir, 'sock'), resolve));
      expect([notAFile(join(dir, 'berth.yaml')), notAFile(join(dir, 'pipe')), notAFile(dir), notAFile('/dev/null'), notAFile(join(dir, 'sock')), notAFile(join(dir, 'nope'))]).toEqual([
        undefined,
        undefined,
        'a directory',
        'a device',
        'a socket',
        undefined,
      ]);
      await new Promise((resolve) => server.close(resolve));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the document a whole file is wrong for: a spec, or a registry', () => {
    expect(parseSpec('vm\n', 'b.yaml').problems.map(formatProblem)).toEqual(['b.yaml:1:1: spec: expected a map, got "vm"']);
    expect(parseRegistry('vm\n', '/etc/hostname').problems.map(formatProblem)).toEqual(['/etc/hostname:1:1: registry: expected a map, got "vm"']);
    expect(parseRegistry('- 1\n- 2\n', 'ports.yaml').problems.map(formatProblem)).toEqual(['ports.yaml:1:1: registry: expected a map, got a list']);
  });

  it('does not echo bytes that are not text (a binary file read as UTF-8)', () => {
    const binary = Buffer.from([0x4e, 0xff, 0x40, 0xfe, 0xc3, 0x28, 0x6b, 0x0e]).toString('utf8');
    expect(parseSpec(binary, 'g.yaml').problems.map(formatProblem)).toEqual(['g.yaml:1:1: spec: expected a map, got text that is not UTF-8 (a binary file?)']);
  });
});

describe('findWorkspaceFile: whose folder it is, from here up', () => {
  it('the nearest of berth.yaml, ecosystem.yaml and a registry wins; in one folder in that order; a ports.yaml that is no registry is passed by', () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-find-'));
    try {
      const write = (rel: string, text: string) => {
        mkdirSync(dirname(join(root, rel)), { recursive: true });
        writeFileSync(join(root, rel), text);
      };
      write('berth.yaml', 'berth: 1\n');
      write('orch/ports.yaml', '\uFEFFregistry: 1 # the registry\nowner: o\n');
      write('orch/members/pub/berth.yaml', 'berth: 1\n');
      write('orch/members/pub/ports.yaml', 'registry: 1\n');
      write('orch/sub/ports.yaml', 'ports: [1]\n');
      expect(findWorkspaceFile(join(root, 'orch'))).toEqual({ kind: 'registry', path: join(root, 'orch/ports.yaml') });
      expect(findWorkspaceFile(join(root, 'orch/sub'))).toEqual({ kind: 'registry', path: join(root, 'orch/ports.yaml') });
      expect(findWorkspaceFile(join(root, 'orch/members/pub'))).toEqual({ kind: 'spec', path: join(root, 'orch/members/pub/berth.yaml') });
      write('orch/ecosystem.yaml', 'ecosystem: 1\n');
      expect(findWorkspaceFile(join(root, 'orch/sub'))).toEqual({ kind: 'ecosystem', path: join(root, 'orch/ecosystem.yaml') });
      expect(findManifestFile(join(root, 'orch/members/pub'))).toBe(join(root, 'orch/ecosystem.yaml'));
      expect(findSpecFile(join(root, 'orch/sub'))).toBe(join(root, 'berth.yaml'));
      expect(findWorkspaceFile(root)).toEqual({ kind: 'spec', path: join(root, 'berth.yaml') });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
