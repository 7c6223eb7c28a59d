import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runInOwnGroup, stillAlive } from '@berth/spec/testing';
import { runCheck } from '../src/index.js';
import { target } from './loopback.js';

const here = dirname(fileURLToPath(import.meta.url));
const stub = join(here, 'fixtures', 'mcp-stub.mjs');
const dir = mkdtempSync(join(tmpdir(), 'berth-health-mcp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const everything = (() => {
  try {
    const pkg = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/package.json');
    const main = join(dirname(pkg), 'dist', 'index.js');
    return existsSync(main) ? main : undefined;
  } catch {
    return undefined;
  }
})();
const skip = everything ? undefined : '@modelcontextprotocol/server-everything is not installed (npm ci installs it)';

describe.skipIf(!!skip)(`MCP check against @modelcontextprotocol/server-everything${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('starts it from the spec, completes the handshake and lists its tools', async () => {
    const r = await runCheck(target({ type: 'mcp', command: process.execPath, args: [everything!, 'stdio'], expectTools: ['echo'] }));
    expect(r.status).toBe('passing');
    expect(r.reason).toMatch(/answered (server\/discover|initialize) \(protocol [\d-]+\); \d+ tools$/);
    expect(r.details).toMatchObject({ from: 'the spec' });
    expect(r.details!.tools as number).toBeGreaterThan(0);
  });

  it('finds it by name in .mcp.json, as a client does', async () => {
    const project = mkdtempSync(join(dir, 'proj-'));
    writeFileSync(join(project, '.mcp.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [everything!, 'stdio'] } } }));
    const r = await runCheck(target({ type: 'mcp', server: 'everything' }, { baseDir: project }));
    expect(r.status).toBe('passing');
    expect(r.details).toMatchObject({ from: '.mcp.json' });
  });

  it('a tool it does not list is named', async () => {
    const r = await runCheck(target({ type: 'mcp', command: process.execPath, args: [everything!, 'stdio'], expectTools: ['no_such_tool'] }));
    expect(r.status).toBe('critical');
    expect(r.reason).toMatch(/lists \d+ tools but not no_such_tool$/);
  });
});

describe('a registered server whose command, args or env refer to ${VAR}s', () => {
  it('is started with them filled in from the environment (and ${VAR:-default}), as Claude Code starts it', async () => {
    const project = mkdtempSync(join(dir, 'vars-'));
    const server = { command: '${BERTH_TEST_NODE}', args: [stub, '${BERTH_TEST_STUB_MODE:-discover}'], env: { STUB_HOME: '${BERTH_TEST_HOME}/stub' } };
    writeFileSync(join(project, '.mcp.json'), JSON.stringify({ mcpServers: { stub: server } }));
    const env = { ...process.env, BERTH_TEST_NODE: process.execPath, BERTH_TEST_HOME: '/srv' };
    const r = await runCheck(target({ type: 'mcp', server: 'stub' }, { baseDir: project, env }));
    // the literal "${BERTH_TEST_NODE}" is no program; an unexpanded mode would be the stub's legacy one
    expect([r.status, r.reason]).toEqual(['passing', 'stub-discover 1.0.0 answered server/discover (protocol 2026-07-28); 2 tools']);
    // and one set nowhere, with no default, is said, and nothing is started with the literal text
    const unset = await runCheck(target({ type: 'mcp', server: 'stub' }, { baseDir: project, env: { ...env, BERTH_TEST_HOME: undefined } }));
    expect([unset.status, unset.reason]).toEqual(['unknown', 'stub in .mcp.json uses ${BERTH_TEST_HOME}, which is not set in the environment (a client would start it with the literal text)']);
  });
});

describe('MCP check against stdio servers that misbehave', () => {
  const stubCheck = (mode: string, extra: Record<string, unknown> = {}) => target({ type: 'mcp', command: process.execPath, args: [stub, mode], ...extra });

  it('a server of the stateless revision answers server/discover', async () => {
    const r = await runCheck(stubCheck('discover'));
    expect([r.status, r.reason]).toEqual(['passing', 'stub-discover 1.0.0 answered server/discover (protocol 2026-07-28); 2 tools']);
  });

  it('a server that ignores server/discover gets the initialize handshake', async () => {
    const r = await runCheck(stubCheck('legacy'));
    expect([r.status, r.reason]).toEqual(['passing', 'stub-legacy 0.9.0 answered initialize (protocol 2025-06-18); 2 tools']);
  });

  it('a log line on stdout is a protocol failure', async () => {
    const r = await runCheck(stubCheck('chatty'));
    expect(r.status).toBe('critical');
    expect(r.reason).toMatch(/wrote a non-protocol line to stdout: "Server starting on stdio\.\.\." \(logs belong on stderr\)$/);
  });

  it('a server that never answers (and ignores SIGTERM) times out and is killed', async () => {
    const r = await runCheck(stubCheck('silent', { timeout: 1500 }));
    expect(r.status).toBe('critical');
    expect(r.reason).toMatch(/timed out after 1\.5 s waiting for the answer to (server\/discover|initialize)$/);
    const pid = r.details!.pid as number;
    expect(() => process.kill(pid, 0)).toThrow(); // SIGKILLed and reaped before the result came back
  });

  it('starts the server with a client\'s minimal environment plus its configured env, nothing else', async () => {
    process.env.BERTH_TEST_LEAK = 'must-not-reach-the-server';
    try {
      const r = await runCheck(stubCheck('env', { env: { QDRANT_URL: 'http://127.0.0.1:6333' } }));
      expect(r.status).toBe('passing');
      const seen = await runCheck(stubCheck('env', { expectTools: ['QDRANT_URL', 'PATH', 'BERTH_TEST_LEAK'] }));
      expect(seen.reason).toMatch(/but not QDRANT_URL, BERTH_TEST_LEAK$/);
    } finally {
      delete process.env.BERTH_TEST_LEAK;
    }
  });

  it('a server flooding stdout with one endless line: a verdict at 1 MiB, nothing more kept, killed though it ignores SIGTERM', async () => {
    // run in a node of its own, so its peak memory is the check's alone
    const script = `import { runCheck } from '@berth/health';
const before = process.memoryUsage().rss;
const r = await runCheck({ id: 'x', subject: { kind: 'service', id: 'x' }, check: { type: 'mcp', command: process.execPath, args: [${JSON.stringify(stub)}, 'flood'], timeout: 5000 } });
console.log(JSON.stringify({ reason: r.reason, pid: r.details.pid, grewMiB: (process.resourceUsage().maxRSS * 1024 - before) / 2 ** 20 }));`;
    const run = await runInOwnGroup(process.execPath, ['--conditions=@berth/source', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(here, '..'), timeoutMs: 20_000 });
    const seen = JSON.parse(run.stdout) as { reason: string; pid: number; grewMiB: number };
    expect(seen.reason).toBe(`${process.execPath}: wrote a line over 1024 KiB to stdout`);
    expect(seen.grewMiB).toBeLessThan(64); // it kept reading and buffering: 200 MB and more
    expect(() => process.kill(seen.pid, 0)).toThrow(); // SIGKILLed and reaped before the result came back
  });

  it('a server that exits at once, leaving a child holding its pipes, is judged by its exit, and the child is killed', async () => {
    const pidFile = join(mkdtempSync(join(dir, 'left-')), 'pid');
    const r = await runCheck(target({ type: 'mcp', command: 'sh', args: ['-c', `sleep 600 & echo $! > ${pidFile}; echo no config >&2; exit 3`], timeout: 500 }));
    expect([r.status, r.reason]).toEqual(['critical', 'sh: exited with code 3 before the handshake finished: no config']);
    expect(r.latencyMs).toBeLessThan(400);
    expect(await stillAlive([Number(readFileSync(pidFile, 'utf8'))])).toEqual([]); // killed with the rest of its group
  });

  it('one whose child left the group (setsid) still gets the verdict of its exit, before the timeout', async () => {
    const pidFile = join(mkdtempSync(join(dir, 'daemon-')), 'pid');
    // the server exits only once its child has its own session: out of the group's reach
    const daemon = `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 600' & while [ ! -s ${pidFile} ]; do sleep 0.01; done; echo no config >&2; exit 3`;
    try {
      const r = await runCheck(target({ type: 'mcp', command: 'sh', args: ['-c', daemon], timeout: 500 }));
      expect([r.status, r.reason]).toEqual(['critical', 'sh: exited with code 3 before the handshake finished: no config']);
    } finally {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL'); // out of berth's reach: the test ends it
    }
  });

  it('a program that does not exist', async () => {
    const r = await runCheck(target({ type: 'mcp', command: 'berth-no-such-mcp-server' }));
    expect([r.status, r.reason]).toEqual(['critical', 'berth-no-such-mcp-server: program not found: berth-no-such-mcp-server']);
  });

  it('no server registered anywhere is unknown, saying where it looked', async () => {
    const r = await runCheck(target({ type: 'mcp', configFiles: ['.mcp.json'] }, { baseDir: mkdtempSync(join(dir, 'empty-')) }));
    expect([r.status, r.reason]).toEqual(['unknown', 'no MCP server registered in .mcp.json']);
  });
});
