/**
 * /mcp and a 2025-era client (what the SDK's client, Claude Code and the MCP Inspector negotiate over HTTP today): it
 * is served statelessly, so its `notifications/cancelled` arrives as a POST of its own. That cancel must abort the
 * call it names (its processes stopped, the line of calls free again), and closing the server must abort the calls
 * in flight rather than wait for them. A real server on a socket, the SDK's own client, and a host whose every run is
 * a real child process that the run's signal kills.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { BerthHost, CliRun } from '@berth/mcp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { waitFor } from './support/http.js';

const TOKEN = `mcp-cancel-${process.pid}-0123456789`;
let dir: string;

/** Every run of the host: its child's pid, whether the run's signal aborted, and when it ended. */
interface Run {
  argv: string[];
  pid: number;
  aborted: boolean;
  ended: boolean;
}

/** A host whose runs take `ms` each, in a real child process, killed when the run's signal aborts (as the CLI's runs are). */
function slowHost(ms: number): BerthHost & { runs: Run[] } {
  const runs: Run[] = [];
  return {
    env: {},
    runs,
    files: () => ({ spec: join(dir, 'berth.yaml'), dotenv: join(dir, '.env') }),
    run: (argv: string[], signal: AbortSignal) =>
      new Promise<CliRun>((resolve) => {
        const child = spawn(process.execPath, ['-e', `setTimeout(() => {}, ${ms})`], { stdio: 'ignore' });
        const run: Run = { argv, pid: child.pid!, aborted: false, ended: false };
        runs.push(run);
        const onAbort = () => {
          run.aborted = true;
          child.kill('SIGKILL');
        };
        signal.addEventListener('abort', onAbort, { once: true });
        child.once('exit', () => {
          run.ended = true;
          signal.removeEventListener('abort', onAbort);
          resolve(run.aborted ? { stdout: '', stderr: 'berth: interrupted', exitCode: 130 } : { stdout: '{"ok":true,"problems":[]}', stderr: '', exitCode: 0 });
        });
      }),
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let server: RunningServer | undefined;
const clients: Client[] = [];

async function serve(host: BerthHost): Promise<RunningServer> {
  server = await startServer({
    specPath: join(dir, 'berth.yaml'),
    env: {},
    token: TOKEN,
    engine: false,
    gpu: false,
    ecosystem: false,
    targets: [],
    uiDir: null,
    store: `sqlite:${join(dir, `h-${Date.now()}.db`)}`,
    mcp: { host, allowWrite: false, version: '0.0.0' },
  });
  return server;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'berth-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
  clients.push(client);
  return client;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-api-mcp-cancel-'));
  writeFileSync(join(dir, 'berth.yaml'), 'berth: 1\nrepo: { name: mcp-cancel }\n');
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => {});
  await server?.close();
  server = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('/mcp: a 2025-era client cancelling a call', () => {
  it('aborts the call it names: its process is stopped and the next call runs at once', async () => {
    const host = slowHost(30_000);
    const s = await serve(host);
    const client = await connect(s.url);
    expect(client.getNegotiatedProtocolVersion()).toMatch(/^2025-/);
    const cancel = new AbortController();
    const call = client.callTool({ name: 'validate', arguments: {} }, { signal: cancel.signal }).then(
      () => 'answered',
      () => 'rejected',
    );
    const run = await waitFor('the call to start', () => host.runs[0]);
    cancel.abort('the user pressed Esc');
    expect(await call).toBe('rejected');
    // the server hears the cancel (a POST of its own) and aborts the run: its process is gone
    await waitFor('the run to be aborted', () => (run.aborted && run.ended ? true : undefined), 5000);
    expect(alive(run.pid)).toBe(false);
    // and the line is free: the next call does not wait 30 s behind the cancelled one
    const quick = slowHost(0);
    host.run = quick.run;
    const started = Date.now();
    const next = await client.callTool({ name: 'validate', arguments: {} });
    expect(next.isError).toBeFalsy();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('cancels a call waiting its turn too, which then never runs', async () => {
    const host = slowHost(3000);
    const s = await serve(host);
    const client = await connect(s.url);
    const first = client.callTool({ name: 'validate', arguments: {} });
    await waitFor('the first call to start', () => host.runs[0]);
    const cancel = new AbortController();
    const second = client.callTool({ name: 'ports_check', arguments: {} }, { signal: cancel.signal }).then(
      () => 'answered',
      () => 'rejected',
    );
    await new Promise((r) => setTimeout(r, 300));
    cancel.abort('changed my mind');
    expect(await second).toBe('rejected');
    expect((await first).isError).toBeFalsy();
    await new Promise((r) => setTimeout(r, 300));
    expect(host.runs.map((r) => r.argv[0])).toEqual(['validate']);
  });

  it('leaves alone a call of another client that has the same id', async () => {
    const host = slowHost(2000);
    const s = await serve(host);
    // two clients, each counting its ids from 0: their first calls after the handshake share an id. Each asks its own
    // tool, so their runs are told apart whichever reaches the line first: a's own run, started, may be aborted.
    const [a, b] = [await connect(s.url), await connect(s.url)];
    const cancel = new AbortController();
    const fromA = a.callTool({ name: 'validate', arguments: {} }, { signal: cancel.signal }).then(
      () => 'answered',
      () => 'rejected',
    );
    const fromB = b.callTool({ name: 'ports_check', arguments: {} });
    await waitFor('the first call to start', () => host.runs[0]);
    cancel.abort('a gives up');
    expect(await fromA).toBe('rejected');
    // b's call (the same id) is not aborted by a's cancel: it runs to its end and answers
    const answer = await fromB;
    expect(answer.isError).toBeFalsy();
    expect(host.runs.filter((r) => r.argv[0] === 'ports').map((r) => ({ aborted: r.aborted, ended: r.ended }))).toEqual([{ aborted: false, ended: true }]);
  });
});

describe('/mcp: closing the server with a 2025-era call in flight', () => {
  it('aborts the call, answers it as aborted, and closes at once rather than waiting for it', async () => {
    const host = slowHost(30_000);
    const s = await serve(host);
    const client = await connect(s.url);
    const call = client.callTool({ name: 'validate', arguments: {} });
    const waiting = client.callTool({ name: 'ports_check', arguments: {} });
    const run = await waitFor('the call to start', () => host.runs[0]);
    const started = Date.now();
    await s.close();
    server = undefined;
    // not the 30 s of the call, nor the seconds a client keeps an idle connection open
    expect(Date.now() - started).toBeLessThan(3000);
    expect(run.aborted).toBe(true);
    await waitFor('the run to end', () => (run.ended ? true : undefined), 5000);
    expect(alive(run.pid)).toBe(false);
    // each client hears why, rather than waiting for an answer that never comes
    for (const answer of [await call, await waiting]) {
      expect(answer.isError).toBe(true);
      expect(JSON.stringify(answer.content)).toMatch(/interrupted|stopping/);
    }
    expect(host.runs.map((r) => r.argv[0])).toEqual(['validate']);
  });
});
