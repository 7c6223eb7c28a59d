/**
 * `berth mcp` as a coding agent meets it: the real built binary started over stdio, the MCP SDK's own client.
 * Every tool's structured content is what `berth <command> --json` prints.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST, TOOLS, makeTree } from '@berth/ecosystem/testing';
import { bin, ensureBuiltCli } from './support/built-cli.js';
import { READ_TOOLS, WRITE_TOOLS, clientEnv, connectBerth, runBerth, stable, textOf, type Connected } from './support/mcp-client.js';

let dir: string;
/** An empty directory: berth serves its bundled example from here, as for a new user. */
let bundled: string;

beforeAll(() => {
  ensureBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'berth-mcp-stdio-'));
  bundled = mkdtempSync(join(dir, 'bundled-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the handshake', () => {
  it.each(SUPPORTED_PROTOCOL_VERSIONS)('a client of protocol %s completes initialize and lists the read tools', async (version) => {
    const s = await connectBerth({ cwd: bundled, versions: [version] });
    try {
      expect(s.client.getProtocolEra()).toBe('legacy');
      expect(s.client.getNegotiatedProtocolVersion()).toBe(version);
      expect(s.client.getServerVersion()).toMatchObject({ name: 'berth' });
      expect((await s.client.listTools()).tools.map((t) => t.name)).toEqual(READ_TOOLS);
    } finally {
      await s.close();
    }
  });

  it('a client of the 2026-07-28 revision gets server/discover and the same tools', async () => {
    const s = await connectBerth({ cwd: bundled, pin: '2026-07-28' });
    try {
      expect(s.client.getProtocolEra()).toBe('modern');
      expect(s.client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      expect((await s.client.listTools()).tools.map((t) => t.name)).toEqual(READ_TOOLS);
    } finally {
      await s.close();
    }
  });
});

describe('the tools, on the bundled example', () => {
  let s: Connected;
  beforeAll(async () => {
    s = await connectBerth({ cwd: bundled });
  });
  afterAll(() => s?.close());

  /** Each read tool, the berth command line that must answer the same, and the tool's arguments. */
  const cases: [tool: string, cli: string, args: Record<string, unknown>][] = [
    ['validate', 'validate', {}],
    ['ports_list', 'ports list', {}],
    ['ports_suggest', 'ports suggest mlflow --near 5000 --count 2', { service: 'mlflow', near: 5000, count: 2 }],
    ['ports_check', 'ports check', {}],
    ['env_check', 'env check --module coherence', { modules: ['coherence'] }],
    ['docs', 'docs', {}],
    ['health', 'health mlflow qdrant', { services: ['mlflow', 'qdrant'] }],
    ['status', 'status', {}],
    ['doctor', 'doctor', {}],
    ['logs', 'logs --tail 5 mlflow', { service: 'mlflow', tail: 5 }],
    ['ecosystem_check', 'ecosystem check', {}],
  ];

  it('every tool listed has a case here', () => {
    expect(cases.map(([t]) => t)).toEqual(READ_TOOLS);
  });

  it('every tool describes its input with a JSON Schema and says it only reads', async () => {
    const { tools } = await s.client.listTools();
    for (const t of tools) {
      expect(t.inputSchema.type).toBe('object');
      expect(t.annotations?.readOnlyHint).toBe(true);
      expect(t.description).toMatch(/--json/);
    }
    const suggest = tools.find((t) => t.name === 'ports_suggest')!;
    expect(suggest.inputSchema.required).toEqual(['service']);
    expect(suggest.inputSchema.properties).toMatchObject({ near: { type: 'integer', minimum: 1, maximum: 65535 }, protocol: { enum: ['tcp', 'udp'] } });
  });

  it.each(cases)('%s answers what `berth %s --json` prints', async (tool, cli, args) => {
    const answer = await s.client.callTool({ name: tool, arguments: args });
    const expected = await runBerth(['--json', ...cli.split(' ')], bundled);
    // logs prints one JSON object per line; an error, like every command, as one JSON document.
    const json = tool === 'logs' && !expected.stdout.startsWith('{\n') ? { lines: expected.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)) } : JSON.parse(expected.stdout);
    // Exit 0 and 1 (findings) are answers; an error the CLI reports (no Docker engine: exit 3; no container) is a tool error with the same JSON.
    expect(answer.isError ?? false).toBe((expected.status !== 0 && expected.status !== 1) || 'error' in json);
    expect(stable(answer.structuredContent)).toEqual(stable(json));
    expect(textOf(answer).length).toBeGreaterThan(0);
  });

  it('docs answers with the page itself as text', async () => {
    const answer = await s.client.callTool({ name: 'docs', arguments: {} });
    const page = (answer.structuredContent as { markdown: string }).markdown;
    expect(page).toMatch(/^# /);
    expect(answer.content).toContainEqual({ type: 'text', text: page });
  });

  it('an unknown tool, and a write tool without --allow-write, is a protocol error', async () => {
    for (const name of ['no_such_tool', 'up']) {
      const err = await s.client.callTool({ name, arguments: {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProtocolError);
      expect(err).toMatchObject({ code: -32602, message: `Tool ${name} not found` });
    }
  });

  it('arguments that fail the schema are a tool error naming the argument, and nothing runs', async () => {
    const answer = await s.client.callTool({ name: 'ports_suggest', arguments: { service: '--force', near: 70000 } });
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toMatch(/^Input validation error: Invalid arguments for tool ports_suggest: .*service: must start with a letter or digit.*near: must be between 1 and 65535/);
    const missing = await s.client.callTool({ name: 'logs', arguments: { tail: 0 } });
    expect(textOf(missing)).toMatch(/tail: must be from 1 to 1000/);
  });

  it('a name longer than 128 characters is refused as an argument, not run and echoed back', async () => {
    const answer = await s.client.callTool({ name: 'ports_suggest', arguments: { service: 'a'.repeat(5_000_000) } });
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toMatch(/^Input validation error: Invalid arguments for tool ports_suggest: .*service: must be at most 128 characters/);
    expect(textOf(answer).length).toBeLessThan(1000);
    expect(textOf(await s.client.callTool({ name: 'logs', arguments: { service: 'm'.repeat(129) } }))).toMatch(/service: must be at most 128 characters/);
  });
});

describe('ecosystem_check on a real multi-repo ecosystem', () => {
  it('from a member repo, or with --spec: the ecosystem beside its registry, each problem naming the repos it concerns', async () => {
    const tree = makeTree({ tools: TOOLS.replace('ports: [8300]', 'ports: [8200]') });
    try {
      const web = join(tree.root, 'web');
      const s = await connectBerth({ cwd: web });
      try {
        const answer = await s.client.callTool({ name: 'ecosystem_check', arguments: {} });
        const expected = await runBerth(['--json', 'ecosystem', 'check'], web);
        expect(expected.status).toBe(1);
        expect(answer.isError ?? false).toBe(false); // findings are an answer
        expect(answer.structuredContent).toEqual(JSON.parse(expected.stdout));
        const content = answer.structuredContent as { ecosystem: string; problems: { code: string; repos: string[] }[] };
        expect(content.ecosystem).toBe('demo');
        expect(content.problems.filter((p) => p.code === 'port-conflict').map((p) => p.repos)).toEqual([['tools', 'web']]);
        expect(textOf(answer)).toMatch(/^ecosystem demo: 3 members, 3 connections between repos and shared services: 2 errors, 1 warning\n/);
      } finally {
        await s.close();
      }
      const bySpec = await connectBerth({ cwd: tree.root, args: ['mcp', '--spec', 'web/berth.yaml'] });
      try {
        const answer = await bySpec.client.callTool({ name: 'ecosystem_check', arguments: {} });
        expect(answer.structuredContent).toMatchObject({ ecosystem: 'demo', manifest: 'orchestrator/ecosystem.yaml', errors: 2 });
      } finally {
        await bySpec.close();
      }
      // A member that cannot be loaded is bad input: a tool error with the CLI's lines, and the same JSON.
      tree.write('orchestrator/ecosystem.yaml', MANIFEST.replace('path: ../data', 'path: ../dta'));
      const broken = await connectBerth({ cwd: web });
      try {
        const answer = await broken.client.callTool({ name: 'ecosystem_check', arguments: {} });
        expect(answer.isError).toBe(true);
        expect(textOf(answer).split('\n')[0]).toBe('../orchestrator/ecosystem.yaml:6:5: member data (../dta): no such file or folder (fix the path, clone the repo beside the others, or remove the member)');
      } finally {
        await broken.close();
      }
    } finally {
      tree.cleanup();
    }
  });
});

describe('a spec that does not load', () => {
  it('every tool that needs it answers with the lines the CLI prints, and the spec resource still shows it', async () => {
    const project = mkdtempSync(join(dir, 'broken-'));
    const text = 'berth: 1\nrepo: { name: broken }\nservices:\n  a: { image: 3, bogus: 1 }\n';
    writeFileSync(join(project, 'berth.yaml'), text);
    const s = await connectBerth({ cwd: project });
    try {
      for (const [tool, cli] of [['validate', ['validate']], ['status', ['status']], ['doctor', ['doctor']]] as const) {
        const printed = await runBerth([...cli], project);
        expect(printed.status).toBe(2);
        const answer = await s.client.callTool({ name: tool, arguments: {} });
        expect(answer.isError).toBe(true);
        expect(textOf(answer)).toBe(printed.stderr.trim());
      }
      const page = await s.client.readResource({ uri: 'berth://docs/INFRASTRUCTURE.md' }).catch((e: unknown) => e);
      expect(page).toBeInstanceOf(ProtocolError);
      expect((page as ProtocolError).message).toBe((await runBerth(['docs'], project)).stderr.trim());
      expect((await s.client.readResource({ uri: 'berth://spec' })).contents[0]).toMatchObject({ text, mimeType: 'application/yaml' });
    } finally {
      await s.close();
    }
  });
});

describe('--allow-write', () => {
  let project: string;
  let s: Connected;
  beforeAll(async () => {
    project = mkdtempSync(join(dir, 'write-'));
    // A project of its own on the shared engine: nothing of anyone else's is touched.
    writeFileSync(
      join(project, 'berth.yaml'),
      `berth: 1\nrepo: { name: mcp-write-${process.pid} }\nregistry: ports.yaml\nservices:\n  api:\n    runtime: host\n    ports: [{ host: 7611 }]\n`,
    );
    writeFileSync(join(project, 'ports.yaml'), `# the team's ports\nregistry: 1\nowner: team\nports:\n  - { port: 7610, repo: other, service: web }\n`);
    s = await connectBerth({ cwd: project, args: ['mcp', '--allow-write'] });
  });
  afterAll(() => s?.close());

  it('adds the tools that change things, marked so', async () => {
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...READ_TOOLS, ...WRITE_TOOLS]);
    for (const t of tools.filter((x) => WRITE_TOOLS.includes(x.name))) expect(t.annotations).toMatchObject({ readOnlyHint: false });
    expect(tools.find((t) => t.name === 'down')!.annotations).toMatchObject({ destructiveHint: true, idempotentHint: true });
    expect(tools.find((t) => t.name === 'ports_register')!.annotations).toMatchObject({ destructiveHint: false });
  });

  it('ports_register says exactly what it added, and wrote it', async () => {
    const dry = await s.client.callTool({ name: 'ports_register', arguments: { service: 'api', dry_run: true } });
    expect(dry.isError).toBeUndefined();
    expect(dry.structuredContent).toEqual(JSON.parse((await runBerth(['--json', 'ports', 'register', 'api', '--dry-run'], project)).stdout));
    const done = await s.client.callTool({ name: 'ports_register', arguments: { service: 'api' } });
    expect(done.isError).toBeUndefined();
    expect(done.structuredContent).toMatchObject({ ok: true, service: 'api', dryRun: false, added: [{ port: 7611, repo: `mcp-write-${process.pid}`, service: 'api' }] });
    expect(textOf(done)).toMatch(/^added 7611\/tcp for api to ports\.yaml/);
    const list = JSON.parse((await runBerth(['--json', 'ports', 'list'], project)).stdout) as { ports: { port: string; source: string }[] };
    expect(list.ports.find((p) => p.port === '7611')?.source).toBe('registry');
  });

  it('down and restart on a project with no containers say that nothing changed', async () => {
    for (const tool of ['down', 'restart']) {
      const answer = await s.client.callTool({ name: tool, arguments: {} });
      const cli = await runBerth(['--json', tool], project);
      expect(answer.isError ?? false).toBe(cli.status !== 0);
      expect(stable(answer.structuredContent)).toEqual(stable(JSON.parse(cli.stdout)));
      if (cli.status === 0) expect(answer.content[0]).toEqual({ type: 'text', text: `project mcp-write-${process.pid}: ${tool === 'down' ? 'nothing to take down' : 'restarted nothing'}` });
    }
  });
});

/** `berth mcp` spoken to line by line, as a client that gets things wrong would: raw lines in, JSON lines out. */
function rawBerth(cwd: string, args: string[] = ['mcp']) {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: clientEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => {});
  const messages = () => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id?: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited: new Promise<number | null>((r) => child.once('exit', (code) => r(code))),
    /** Writes `line` and resolves with the next message written after it. */
    async send(line: string) {
      const before = messages().length;
      child.stdin.write(`${line}\n`);
      await waitFor(() => messages().length > before, 20_000);
      return messages()[before]!;
    },
  };
}

const initialize = (protocolVersion: unknown = '2025-06-18') => JSON.stringify({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 't', version: '1' } } });

describe('a client that sends what berth cannot take', () => {
  let b: ReturnType<typeof rawBerth>;
  beforeAll(async () => {
    b = rawBerth(bundled);
    expect((await b.send(initialize())).result).toMatchObject({ protocolVersion: '2025-06-18' });
    b.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  });
  afterAll(() => {
    if (b.child.exitCode === null) b.child.kill('SIGKILL');
  });

  it('a message over 10 MiB is answered -32600 with its id, and the server goes on', async () => {
    // As the SDK's client writes it: the id last.
    const big = JSON.stringify({ method: 'tools/call', params: { name: 'ports_suggest', arguments: { service: 'a'.repeat(11 * 1024 * 1024) } }, jsonrpc: '2.0', id: 'big' });
    expect(await b.send(big)).toEqual({ jsonrpc: '2.0', id: 'big', error: { code: -32600, message: 'Invalid Request: the message is over 10 MiB, the most berth mcp reads' } });
    expect(await b.send(JSON.stringify({ jsonrpc: '2.0', id: 'after', method: 'ping' }))).toEqual({ jsonrpc: '2.0', id: 'after', result: {} });
  });

  it('malformed JSON-RPC is answered: -32700 for what is not JSON, -32600 for the rest, with the id it can read', async () => {
    const cases: [string, unknown, number, string | RegExp][] = [
      ['{"jsonrpc":"2.0","id":1,"method":"ping"', null, -32700, /^Parse error: /],
      ['[{"jsonrpc":"2.0","id":"b1","method":"tools/list"},{"jsonrpc":"2.0","id":"b2","method":"ping"}]', null, -32600, 'Invalid Request: batches are not supported; send one message per line'],
      ['42', null, -32600, 'Invalid Request: a message is a JSON object, not a number'],
      ['{"jsonrpc":"1.0","id":"old","method":"ping"}', 'old', -32600, 'Invalid Request: jsonrpc must be "2.0"'],
      ['{"jsonrpc":"2.0","id":1.5,"method":"ping"}', null, -32600, 'Invalid Request: id must be a string or an integer'],
      ['{"jsonrpc":"2.0","id":"pa","method":"tools/call","params":["validate"]}', 'pa', -32600, 'Invalid Request: params must be an object'],
    ];
    for (const [line, id, code, message] of cases) {
      expect(await b.send(line), line).toEqual({ jsonrpc: '2.0', id, error: { code, message: typeof message === 'string' ? message : expect.stringMatching(message) } });
    }
  });

  it('params the protocol refuses are -32602 in one line naming the field, never -32603 with zod\'s issue list', async () => {
    expect(await b.send(initialize(5))).toEqual({ jsonrpc: '2.0', id: 'init', error: { code: -32602, message: 'Invalid params: params.protocolVersion: Invalid input: expected string, received number' } });
    expect(await b.send(JSON.stringify({ jsonrpc: '2.0', id: 'r0', method: 'resources/read', params: {} }))).toEqual({
      jsonrpc: '2.0',
      id: 'r0',
      error: { code: -32602, message: 'Invalid params: params.uri: Invalid input: expected string, received undefined' },
    });
    const name = await b.send(JSON.stringify({ jsonrpc: '2.0', id: 'nn', method: 'tools/call', params: { name: 5 } }));
    expect(name.error).toEqual({ code: -32602, message: 'Invalid tools/call request: params.name: Invalid input: expected string, received number' });
  });

  it('resources/subscribe to a URI that is not berth\'s is "not found"', async () => {
    expect((await b.send(JSON.stringify({ jsonrpc: '2.0', id: 'sb', method: 'resources/subscribe', params: { uri: 'file:///etc/passwd' } }))).error).toEqual({
      code: -32602,
      message: 'Resource not found: file:///etc/passwd',
      data: { uri: 'file:///etc/passwd' },
    });
  });

  it('each refusal is one line on stderr, stdout only protocol, and closing stdin ends the server: exit 0', async () => {
    b.child.stdin.end();
    expect(await b.exited).toBe(0);
    const lines = b.stderr().split('\n').filter(Boolean);
    for (const line of lines) expect(line).toMatch(/^berth mcp: /);
    expect(lines.filter((l) => l.startsWith('berth mcp: refused a message: '))).toHaveLength(7);
    for (const line of b.stdout().split('\n').filter(Boolean)) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
  });
});

describe('a spec that is not a regular file', () => {
  it('a pipe is refused at start, in one line: berth mcp reads the spec again for every call', async () => {
    const fifo = join(dir, 'spec-pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const b = rawBerth(dir, ['--spec', fifo, 'mcp']);
    expect(await b.exited).toBe(2);
    expect(b.stderr()).toBe(`berth: spec-pipe: is a pipe, not a file: berth mcp reads the spec again for every call\nhint: write the spec to a file and pass that\n`);
  });

  it('a device: every tool says so as the CLI does, the spec resource too, and the server goes on', async () => {
    const s = await connectBerth({ cwd: bundled, args: ['--spec', '/dev/null', 'mcp'] });
    try {
      const answer = await s.client.callTool({ name: 'validate', arguments: {} });
      expect(answer.isError).toBe(true);
      expect(textOf(answer)).toBe((await runBerth(['--spec', '/dev/null', 'validate'], bundled)).stderr.trim());
      const err = await s.client.readResource({ uri: 'berth://spec' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: -32602, message: 'berth: /dev/null: is a device, not a file' });
      await s.client.ping();
    } finally {
      await s.close();
    }
  });

  it('a /proc file is never served: /proc/self/environ would be the server\'s whole environment', async () => {
    const note = `PlainNoteNotSecretNamed${process.pid}`;
    const s = await connectBerth({ cwd: bundled, args: ['--spec', '/proc/self/environ', 'mcp'], env: { INTERNAL_NOTE: note } });
    try {
      const err = await s.client.readResource({ uri: 'berth://spec' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: -32602, message: 'berth: /proc/self/environ: is a special file (its size says 0 bytes, it holds more), not a file' });
      expect(JSON.stringify(err)).not.toContain(note);
    } finally {
      await s.close();
    }
  });

  it('a spec over 1 MiB is not served as a resource, and the message says why', async () => {
    const project = mkdtempSync(join(dir, 'big-'));
    writeFileSync(join(project, 'berth.yaml'), `berth: 1\nrepo: { name: big }\n${`# ${'x'.repeat(1022)}\n`.repeat(2048)}`);
    const s = await connectBerth({ cwd: project });
    try {
      const err = await s.client.readResource({ uri: 'berth://spec' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: -32602, message: `berth: ${join(project, 'berth.yaml')}: is ${statSync(join(project, 'berth.yaml')).size} bytes, more than the 1 MiB berth mcp reads` });
    } finally {
      await s.close();
    }
  });
});

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
