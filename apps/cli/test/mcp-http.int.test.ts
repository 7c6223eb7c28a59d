/** MCP over streamable HTTP at /mcp of `berth serve`: the built binary, a real socket, the SDK's own client, the API's token. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { writeFileAtomic } from '@berth/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, ensureBuiltCli } from './support/built-cli.js';
import { READ_TOOLS, WRITE_TOOLS, clientEnv, runBerth } from './support/mcp-client.js';

const token = `mcp-http-test-${process.pid}-0123456789`;
let dir: string;
const children = new Set<ReturnType<typeof spawn>>();

const spec = (description: string) => `berth: 1
repo: { name: mcp-http, description: ${JSON.stringify(description)} }
services:
  slow:
    runtime: host
    checks:
      - { type: command, argv: [${JSON.stringify(process.execPath)}, -e, "setTimeout(() => {}, 3000)"], timeout: 30s, interval: 1h }
`;

beforeAll(() => {
  ensureBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'berth-mcp-http-'));
  writeFileSync(join(dir, 'berth.yaml'), spec('one'));
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `berth serve` with the token (or, given `env`, as it says), runs `during` against its URL, then stops it with Ctrl-C. */
async function serving(args: string[], during: (url: string) => Promise<void>, where: { cwd?: string; env?: Record<string, string> } = {}): Promise<number | null> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--no-engine', '--no-gpu', '--wait', '0', ...args], { cwd: where.cwd ?? dir, env: where.env ?? clientEnv({ BERTH_TOKEN: token }) });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 30_000;
  while (!/dashboard (http:\/\/\S+)/.test(stdout)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`berth serve did not start:\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    await during(/dashboard (http:\/\/\S+)/.exec(stdout)![1]!);
  } finally {
    child.kill('SIGINT');
  }
  return exited;
}

async function connect(url: string, options: { pin?: string; token?: string } = {}): Promise<Client> {
  const client = new Client({ name: 'berth-test', version: '1.0.0' }, options.pin ? { versionNegotiation: { mode: { pin: options.pin } } } : {});
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${options.token ?? token}` } } }));
  return client;
}

const post = (url: string, body: object, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...headers },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });

describe('berth serve: /mcp', () => {
  it('needs the token: none or a wrong one is 401 and nothing is served', async () => {
    const code = await serving([], async (url) => {
      const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
      const refused: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: token }];
      for (const headers of refused) {
        const r = await post(url, list, headers);
        expect(r.status).toBe(401);
        expect(r.headers.get('www-authenticate')).toBe('Bearer realm="berth"');
        expect(await r.text()).not.toContain('validate');
      }
      const ok = await post(url, list, { authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);
    });
    expect(code).toBe(0);
  });

  it('with the token, a 2025 client and a 2026-07-28 client list the read tools and call them, answering as the CLI', async () => {
    await serving([], async (url) => {
      for (const pin of [undefined, '2026-07-28']) {
        const client = await connect(url, pin ? { pin } : {});
        try {
          expect(client.getProtocolEra()).toBe(pin ? 'modern' : 'legacy');
          expect((await client.listTools()).tools.map((t) => t.name)).toEqual(READ_TOOLS);
          const answer = await client.callTool({ name: 'validate', arguments: {} });
          expect(answer.structuredContent).toEqual(JSON.parse((await runBerth(['--json', 'validate'], dir)).stdout));
        } finally {
          await client.close();
        }
      }
    });
  });

  it('params the protocol refuses are -32602 in one line naming the field there too, never -32603 with zod\'s issue list', async () => {
    await serving([], async (url) => {
      const headers = { authorization: `Bearer ${token}` };
      const answer = async (body: object) => {
        const text = await (await post(url, body, headers)).text();
        // A JSON body, or one server-sent event carrying it.
        return JSON.parse(text.startsWith('{') ? text : /^data: (.*)$/m.exec(text)![1]!) as unknown;
      };
      expect(await answer({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: 5, capabilities: {}, clientInfo: { name: 't', version: '1' } } })).toEqual({
        jsonrpc: '2.0',
        id: 1,
        error: { code: -32602, message: 'Invalid params: params.protocolVersion: Invalid input: expected string, received number' },
      });
      expect(await answer({ jsonrpc: '2.0', id: 2, method: 'resources/read', params: {} })).toEqual({
        jsonrpc: '2.0',
        id: 2,
        error: { code: -32602, message: 'Invalid params: params.uri: Invalid input: expected string, received undefined' },
      });
    });
  });

  it('refuses a browser page of another origin (403, one line), announces only what it does, and takes batches only where the version has them', async () => {
    const code = await serving([], async (url) => {
      const auth = { authorization: `Bearer ${token}` };
      const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
      // Origin: none and berth's own are served; another is 403 in the API's error shape
      const port = new URL(url).port;
      for (const origin of [undefined, `http://127.0.0.1:${port}`, `http://localhost:${port}`]) expect((await post(url, init, { ...auth, ...(origin ? { origin } : {}) })).status, origin).toBe(200);
      for (const origin of ['http://evil.example', `http://evil.example:${port}`, 'http://localhost:1', 'null']) {
        const r = await post(url, init, { ...auth, origin });
        expect(r.status, origin).toBe(403);
        const body = (await r.json()) as { statusCode: number; error: string; message: string };
        expect(body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
        expect(body.message).not.toContain('\n');
        expect(body.message).not.toContain(token);
      }
      // capabilities: no tool list changes, and no subscriptions for a stateless 2025 client
      const client = await connect(url);
      expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: false }, resources: { subscribe: false, listChanged: false } });
      await expect(client.subscribeResource({ uri: 'berth://spec' })).rejects.toThrow(/Method not found/);
      await client.close();
      // batches: refused where the version has none (as over stdio), served for 2025-03-26, whose two requests may not share an id
      const batch = [{ jsonrpc: '2.0', id: 2, method: 'ping' }];
      for (const version of ['2025-11-25', '2025-06-18']) {
        const r = await post(url, batch, { ...auth, 'mcp-protocol-version': version });
        expect(r.status).toBe(400);
        expect(await r.json()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: `Invalid Request: batches are not supported in protocol version ${version}; send one message per request` } });
      }
      expect((await post(url, batch, { ...auth, 'mcp-protocol-version': '2025-03-26' })).status).toBe(200);
      const twice = await post(url, [...batch, ...batch], { ...auth, 'mcp-protocol-version': '2025-03-26' });
      expect(twice.status).toBe(400);
      expect(((await twice.json()) as { error: { message: string } }).error.message).toBe('Invalid Request: id 2 is used by two requests of the batch; use a new id for each request');
    });
    expect(code).toBe(0);
  });

  it('--mcp-allow-write adds the write tools there too', async () => {
    await serving(['--mcp-allow-write'], async (url) => {
      const client = await connect(url);
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toEqual([...READ_TOOLS, ...WRITE_TOOLS]);
      } finally {
        await client.close();
      }
    });
  });

  it('a client that leaves mid-call leaves the server serving; a 2026-07-28 listener hears the spec change', async () => {
    const code = await serving([], async (url) => {
      const gone = new AbortController();
      const headers = { authorization: `Bearer ${token}` };
      const slow = post(url, { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'health', arguments: {} } }, headers, gone.signal).catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 500));
      gone.abort();
      expect(await slow).toBeInstanceOf(Error);
      const client = await connect(url, { pin: '2026-07-28' });
      try {
        const heard: string[] = [];
        client.setNotificationHandler('notifications/resources/updated', (n) => void heard.push(n.params.uri));
        const sub = await client.listen({ resourceSubscriptions: ['berth://spec'] });
        writeFileAtomic(join(dir, 'berth.yaml'), spec('two'));
        const deadline = Date.now() + 10_000;
        while (!heard.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(heard).toEqual(['berth://spec']);
        expect((await client.callTool({ name: 'validate', arguments: {} })).isError).toBeUndefined();
        await sub.close();
      } finally {
        await client.close();
      }
    });
    expect(code).toBe(0);
  });

  it("no answer carries the API's token, even where a check prints the token file berth serve wrote", async () => {
    const own = mkdtempSync(join(tmpdir(), 'berth-mcp-http-token-'));
    try {
      writeFileSync(
        join(own, 'berth.yaml'),
        `berth: 1\nrepo: { name: mcp-token }\nservices:\n  leaky:\n    runtime: host\n    checks:\n      - { type: command, argv: [sh, -c, "echo token=$(cat .berth/token); exit 1"], interval: 1h }\n`,
      );
      const code = await serving(
        [],
        async (url) => {
          const written = readFileSync(join(own, '.berth/token'), 'utf8').trim();
          const client = await connect(url, { token: written });
          try {
            for (const name of ['health', 'doctor']) {
              const answer = JSON.stringify(await client.callTool({ name, arguments: {} }));
              expect(answer, name).toContain('token=');
              expect(answer, name).not.toContain(written);
            }
          } finally {
            await client.close();
          }
        },
        { cwd: own, env: clientEnv() },
      );
      expect(code).toBe(0);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  }, 60_000);
});
