import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client, ProtocolError } from '@modelcontextprotocol/client';
import { InMemoryTransport, type JSONRPCMessage } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { afterAll, describe, expect, it } from 'vitest';
import { BerthMcp, SERVER_BUSY } from './berth-mcp.js';
import type { BerthHost, CliRun } from './host.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-mcp-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = join(dir, 'berth.yaml');
writeFileSync(spec, 'berth: 1\nrepo: { name: served }\n');

/** A host whose spec is `specPath` and whose every berth run answers `run` (or `{}` at once). */
function host(specPath: string, run?: (argv: string[]) => Promise<CliRun>): BerthHost & { runs: string[][] } {
  const runs: string[][] = [];
  return {
    env: {},
    runs,
    files: () => ({ spec: specPath, dotenv: join(dirname(specPath), '.env') }),
    run: (argv) => (runs.push(argv), run ? run(argv) : Promise.resolve({ stdout: '{}', stderr: '', exitCode: 0 })),
  };
}

/** berth served the way `berth mcp` serves it, on an in-memory wire, and the SDK's own client on the other end. */
async function connect(h: BerthHost, maxWaiting?: number) {
  const mcp = new BerthMcp({ host: h, allowWrite: false, version: '0.0.0', ...(maxWaiting === undefined ? {} : { maxWaiting }) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const handle = serveStdio((ctx) => mcp.createServer(ctx), { transport: serverSide });
  const client = new Client({ name: 'berth-test', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    client,
    close: async () => {
      await client.close();
      await handle.close();
      mcp.close();
    },
  };
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as ProtocolError);

describe('BerthMcp: the spec resource', () => {
  it('is the file as written, with each secret it holds hidden where it is written, however short', async () => {
    const own = mkdtempSync(join(dir, 'secrets-'));
    const file = join(own, 'berth.yaml');
    const text = [
      'berth: 1',
      'repo: { name: served }',
      '# the check logs in as admin',
      'connections:',
      '  api:',
      '    host: localhost',
      '    port: 8080',
      '    checks:',
      '      - { type: http, url: "http://admin:pw34@localhost:8080/" }',
      '      - { type: command, argv: [true], env: { API_TOKEN: tok1 } }',
      '',
    ].join('\n');
    writeFileSync(file, text);
    const s = await connect(host(file));
    try {
      const read = await s.client.readResource({ uri: 'berth://spec' });
      const served = (read.contents[0] as { text: string }).text;
      expect(served).toBe(text.replace('admin:pw34@', 'admin:[redacted]@').replace('API_TOKEN: tok1', 'API_TOKEN: [redacted]'));
    } finally {
      await s.close();
    }
  });
});

describe('BerthMcp: what a client gets wrong, and what berth cannot serve', () => {
  it('a name longer than 128 characters is an argument error, and nothing runs', async () => {
    const h = host(spec);
    const s = await connect(h);
    try {
      const answer = await s.client.callTool({ name: 'ports_suggest', arguments: { service: 'a'.repeat(129) } });
      expect(answer.isError).toBe(true);
      expect(JSON.stringify(answer.content)).toMatch(/service: must be at most 128 characters/);
      for (const [name, args] of [['health', { services: ['b'.repeat(5000)] }], ['env_check', { modules: ['c'.repeat(129)] }]] as const) {
        const a = await s.client.callTool({ name, arguments: args });
        expect(JSON.stringify(a.content)).toMatch(/must be at most 128 characters/);
      }
      expect(h.runs).toEqual([]);
      expect((await s.client.callTool({ name: 'ports_suggest', arguments: { service: 'a'.repeat(128) } })).isError).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it('an argument a tool does not take is refused, naming it and what the tool takes, and nothing runs', async () => {
    // a misspelt argument was dropped: ports_register { dryRun: true } wrote the registry, restart { service } restarted all
    const h = host(spec);
    const mcp = new BerthMcp({ host: h, allowWrite: true, version: '0.0.0' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const handle = serveStdio((ctx) => mcp.createServer(ctx), { transport: serverSide });
    const client = new Client({ name: 'berth-test', version: '1.0.0' });
    await client.connect(clientSide);
    try {
      const { tools } = await client.listTools();
      for (const t of tools) expect(t.inputSchema, t.name).toMatchObject({ type: 'object', additionalProperties: false });
      const cases: [string, Record<string, unknown>, string][] = [
        ['ports_register', { service: 'web', dryRun: true }, 'unknown argument "dryRun" (ports_register takes service, dry_run)'],
        ['restart', { service: 'mlflow' }, 'unknown argument "service" (restart takes services)'],
        ['up', { profile: ['lineage'], dryrun: true }, 'unknown arguments "profile", "dryrun" (up takes profiles, services, dry_run, wait, timeout)'],
        ['validate', { strict: true }, 'unknown argument "strict" (validate takes none)'],
      ];
      for (const [name, args, said] of cases) {
        const answer = await client.callTool({ name, arguments: args });
        expect(answer.isError, name).toBe(true);
        expect((answer.content as { text: string }[])[0]!.text, name).toBe(`Input validation error: Invalid arguments for tool ${name}: ${said}`);
      }
      expect(h.runs).toEqual([]);
      // what the schema names still runs
      expect((await client.callTool({ name: 'ports_register', arguments: { service: 'web', dry_run: true } })).isError).toBeUndefined();
      expect(h.runs).toEqual([['ports', 'register', '--dry-run', '--', 'web']]);
    } finally {
      await client.close();
      await handle.close();
      mcp.close();
    }
  });

  it('announces only what it does: a tool list that never changes, subscriptions where updates reach the client', async () => {
    const s = await connect(host(spec));
    try {
      expect(s.client.getServerCapabilities()).toMatchObject({ tools: { listChanged: false }, resources: { subscribe: true, listChanged: false } });
    } finally {
      await s.close();
    }
  });

  it('resources/subscribe takes only berth\'s own URIs: any other is "not found"', async () => {
    const s = await connect(host(spec));
    try {
      expect(await s.client.subscribeResource({ uri: 'berth://spec' })).toEqual({});
      for (const uri of ['file:///etc/passwd', 'berth://spec/../registry', `berth://${'x'.repeat(10_000)}`]) {
        const err = await failure(s.client.subscribeResource({ uri }));
        expect(err).toBeInstanceOf(ProtocolError);
        expect(err).toMatchObject({ code: -32602, message: `Resource not found: ${uri}`, data: { uri } });
      }
    } finally {
      await s.close();
    }
  });

  it('a resource berth cannot read is a resource error with the CLI\'s one line, never "internal error"', async () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `berth: 1\nrepo: { name: big, description: "${'x'.repeat(1024 * 1024)}" }\n`);
    const cases: [string, string][] = [
      ['/dev/null', 'berth: /dev/null: is a device, not a file'],
      [dir, `berth: ${dir}: is a directory, not a file`],
      ['/proc/self/environ', 'berth: /proc/self/environ: is a special file (its size says 0 bytes, it holds more), not a file'],
      [big, `berth: ${big}: is ${statSync(big).size} bytes, more than the 1 MiB berth mcp reads`],
    ];
    for (const [path, line] of cases) {
      const s = await connect(host(path));
      try {
        const err = await failure(s.client.readResource({ uri: 'berth://spec' }));
        expect(err, path).toBeInstanceOf(ProtocolError);
        expect(err, path).toMatchObject({ code: -32602, message: line, data: { uri: 'berth://spec' } });
      } finally {
        await s.close();
      }
    }
  });

  it('a page the CLI renders larger than a resource serves is refused, saying so', async () => {
    const page = JSON.stringify({ markdown: 'y'.repeat(1024 * 1024 + 1) });
    const s = await connect(host(spec, async () => ({ stdout: page, stderr: '', exitCode: 0 })));
    try {
      const err = await failure(s.client.readResource({ uri: 'berth://docs/INFRASTRUCTURE.md' }));
      expect(err).toMatchObject({ code: -32602, message: 'berth: berth://docs/INFRASTRUCTURE.md is 1048577 bytes, more than the 1 MiB berth mcp serves' });
    } finally {
      await s.close();
    }
  });

  it('a resource read while berth is busy says so, with its own code: not "internal error"', async () => {
    let release: () => void = () => {};
    const blocked = new Promise<CliRun>((resolve) => (release = () => resolve({ stdout: '{}', stderr: '', exitCode: 0 })));
    const s = await connect(host(spec, () => blocked), 0);
    try {
      const running = s.client.callTool({ name: 'validate', arguments: {} });
      await new Promise((r) => setTimeout(r, 50));
      const err = await failure(s.client.readResource({ uri: 'berth://docs/INFRASTRUCTURE.md' }));
      expect(err).toMatchObject({ code: SERVER_BUSY, message: expect.stringMatching(/^berth is busy: validate has run for \d+ s and 0 calls wait; try docs again when they are done$/) });
      release();
      await running;
    } finally {
      await s.close();
    }
  });

  it('params the protocol refuses are -32602 in one line naming the field, not -32603 with zod\'s issue list', async () => {
    const mcp = new BerthMcp({ host: host(spec), allowWrite: false, version: '0.0.0' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const handle = serveStdio((ctx) => mcp.createServer(ctx), { transport: serverSide });
    const answers: JSONRPCMessage[] = [];
    clientSide.onmessage = (m) => void answers.push(m);
    await clientSide.start();
    const ask = async (id: string, method: string, params?: unknown) => {
      await clientSide.send({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) } as JSONRPCMessage);
      for (let i = 0; i < 100 && !answers.some((a) => 'id' in a && a.id === id); i++) await new Promise((r) => setTimeout(r, 10));
      return answers.find((a) => 'id' in a && a.id === id);
    };
    try {
      expect(await ask('v', 'initialize', { protocolVersion: 5, capabilities: {}, clientInfo: { name: 't', version: '1' } })).toEqual({
        jsonrpc: '2.0',
        id: 'v',
        error: { code: -32602, message: 'Invalid params: params.protocolVersion: Invalid input: expected string, received number' },
      });
      expect(await ask('i', 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } })).toMatchObject({ result: { protocolVersion: '2025-06-18' } });
      expect(await ask('r', 'resources/read', {})).toEqual({ jsonrpc: '2.0', id: 'r', error: { code: -32602, message: 'Invalid params: params.uri: Invalid input: expected string, received undefined' } });
    } finally {
      await clientSide.close();
      await handle.close();
      mcp.close();
    }
  });
});
