/**
 * `berth mcp` as a coding agent meets it: the real built binary started over stdio, the MCP SDK's own client.
 * Every tool's structured content is what `berth <command> --json` prints.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST, TOOLS, makeTree } from '@berth/ecosystem/testing';
import { ensureBuiltCli } from './support/built-cli.js';
import { READ_TOOLS, WRITE_TOOLS, connectBerth, runBerth, stable, textOf, type Connected } from './support/mcp-client.js';

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
