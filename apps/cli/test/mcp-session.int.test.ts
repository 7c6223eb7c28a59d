/**
 * `berth mcp` over a whole session: secrets, calls that overlap, a client that leaves mid-call, resources and
 * their change notifications, registration in .mcp.json, and berth's own MCP health check against it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '@berth/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, ensureBuiltCli } from './support/built-cli.js';
import { READ_TOOLS, clientEnv, connectBerth, runBerth } from './support/mcp-client.js';

let dir: string;
let bundled: string;
const children = new Set<ReturnType<typeof spawn>>();

beforeAll(() => {
  ensureBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'berth-mcp-session-'));
  bundled = mkdtempSync(join(dir, 'bundled-'));
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A project directory holding `spec` as its berth.yaml (and any other files given). */
function project(name: string, spec: string, files: Record<string, string> = {}): string {
  const p = mkdtempSync(join(dir, `${name}-`));
  writeFileSync(join(p, 'berth.yaml'), spec);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(p, f), text);
  return p;
}

/** A service whose only check is a program that runs for `seconds`: a health call that takes that long. */
const slowSpec = (seconds: number, marker: string) => `berth: 1
repo: { name: mcp-slow }
services:
  slow:
    runtime: host
    checks:
      - { type: command, argv: [${JSON.stringify(process.execPath)}, -e, "setTimeout(() => {}, ${seconds * 1000})", ${marker}], timeout: 60s }
`;

describe('secrets', () => {
  const apiKey = `sk-test-${process.pid}-0123456789abcdef`;
  const token = `tok-${process.pid}-fedcba9876543210`;
  const webhook = `https://hooks.example/${process.pid}/s3cr3t-path`;

  it('no answer of any tool or resource carries a secret of the environment', async () => {
    // OPENAI_API_KEY is declared secret in the bundled example; SERVICE_TOKEN only looks secret.
    const s = await connectBerth({ cwd: bundled, env: { OPENAI_API_KEY: apiKey, SERVICE_TOKEN: token } });
    try {
      const answers: unknown[] = [];
      const args: Record<string, Record<string, unknown>> = { ports_suggest: { service: 'mlflow' }, env_check: { modules: ['coherence'] }, logs: { tail: 3 } };
      for (const name of READ_TOOLS) answers.push(await s.client.callTool({ name, arguments: args[name] ?? {} }));
      for (const r of (await s.client.listResources()).resources) answers.push(await s.client.readResource({ uri: r.uri }));
      const all = JSON.stringify(answers);
      expect(all).toContain('OPENAI_API_KEY'); // the name is there: env_check reports it as set
      expect(all).not.toContain(apiKey);
      expect(all).not.toContain(token);
    } finally {
      await s.close();
    }
  });

  it('a secret of the .env file that shows up in an answer is redacted on its way out', async () => {
    const p = project(
      'secret',
      `berth: 1\nrepo: { name: mcp-secret, description: "hooks go to ${webhook}" }\nenv:\n  WEBHOOK_URL: { secret: true }\nservices:\n  api: { runtime: host }\n`,
      { '.env': `WEBHOOK_URL=${webhook}\n` },
    );
    expect((await runBerth(['docs'], p)).stdout).toContain(webhook); // the CLI's page shows it: the spec holds it
    const s = await connectBerth({ cwd: p });
    try {
      const docs = await s.client.callTool({ name: 'docs', arguments: {} });
      const spec = await s.client.readResource({ uri: 'berth://spec' });
      for (const answer of [docs, spec]) {
        expect(JSON.stringify(answer)).not.toContain(webhook);
        expect(JSON.stringify(answer)).toContain('hooks go to [redacted]');
      }
    } finally {
      await s.close();
    }
  });

  it('a secret a service passes into its container from its env file is redacted too', async () => {
    const secret = `EnvFileSecret-${process.pid}-777`;
    const p = project(
      'secret-env-file',
      `berth: 1\nrepo: { name: mcp-secret-env-file, description: "the app reads ${secret}" }\nservices:\n  leaky:\n    image: busybox\n    envFile: [svc.env]\n`,
      { 'svc.env': `APP_SECRET=${secret}\n` },
    );
    const s = await connectBerth({ cwd: p });
    try {
      const spec = await s.client.readResource({ uri: 'berth://spec' });
      expect(JSON.stringify(spec)).not.toContain(secret);
      expect(JSON.stringify(spec)).toContain('the app reads [redacted]');
    } finally {
      await s.close();
    }
  });
});

describe('calls that overlap, and a client that leaves', () => {
  it('a call while another runs waits its turn and gets its own answer', async () => {
    const p = project('queue', slowSpec(2, 'berth-mcp-queue'));
    const s = await connectBerth({ cwd: p });
    try {
      const order: string[] = [];
      const health = s.client.callTool({ name: 'health', arguments: {} }).then((r) => (order.push('health'), r));
      await new Promise((r) => setTimeout(r, 300));
      const validate = s.client.callTool({ name: 'validate', arguments: {} }).then((r) => (order.push('validate'), r));
      const [h, v] = await Promise.all([health, validate]);
      expect(order).toEqual(['health', 'validate']);
      expect(h.structuredContent).toMatchObject({ status: 'passing' });
      expect(v.structuredContent).toEqual(JSON.parse((await runBerth(['--json', 'validate'], p)).stdout));
    } finally {
      await s.close();
    }
  });

  it('stdin closing mid-call ends the server cleanly: exit 0, the call\'s own processes gone, only protocol on stdout', async () => {
    const marker = `berth-mcp-leave-${process.pid}`;
    const s = await rawSession(project('leave', slowSpec(30, marker)), '2025-06-18');
    s.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'health', arguments: {} } });
    await waitFor(() => running(marker), 20_000);
    const end = await s.closeStdin();
    expect(end.code).toBe(0);
    expect(end.ms).toBeLessThan(10_000);
    await waitFor(() => !running(marker), 5_000);
    const lines = s.answers();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ jsonrpc: '2.0' });
    expect(lines.some((l) => l.id === 2)).toBe(false); // the aborted call is never answered
  });
  it('a request reusing the id of a call in flight is refused, and that call stays cancellable and is aborted when stdin closes', async () => {
    const marker = `berth-mcp-dup-${process.pid}`;
    const s = await rawSession(project('dup', slowSpec(30, marker)), '2025-11-25');
    s.send({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'health', arguments: {} } });
    await waitFor(() => running(marker), 20_000);
    s.send({ jsonrpc: '2.0', id: 5, method: 'ping' });
    await waitFor(() => s.answers().some((a) => a.id === 5), 10_000);
    expect(s.answers().filter((a) => a.id === 5)).toEqual([
      { jsonrpc: '2.0', id: 5, error: { code: -32600, message: 'Invalid Request: id 5 is already in use by a request in flight; use a new id for each request' } },
    ]);
    // the running call is still the one its id names: closing stdin aborts it and ends the server
    const end = await s.closeStdin();
    expect(end.code).toBe(0);
    expect(end.ms).toBeLessThan(10_000);
    await waitFor(() => !running(marker), 5_000);
  });
  it('SIGTERM ends it as closing stdin does: exit 0', async () => {
    const s = await rawSession(bundled, '2025-06-18', { initialized: false });
    s.child.kill('SIGTERM');
    expect(await exitOf(s.child)).toBe(0);
  });
});

/** The exit code of CHILD, once it exits. */
const exitOf = (child: ReturnType<typeof spawn>) => new Promise<number | null>((r) => child.once('exit', (c) => r(c)));

/**
 * `berth mcp` spoken to line by line, without the SDK's client (which never reuses an id nor leaves mid-call):
 * initialized at PROTOCOL (and told so, unless `initialized: false`), with what it prints on stdout kept.
 */
async function rawSession(cwd: string, protocolVersion: string, options: { initialized?: boolean } = {}) {
  const child = spawn(process.execPath, [bin, 'mcp'], { cwd, env: clientEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const send = (m: object) => child.stdin.write(`${JSON.stringify(m)}\n`);
  send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 't', version: '1' } } });
  await waitFor(() => stdout.includes('"id":1'), 20_000);
  if (options.initialized !== false) send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return {
    child,
    send,
    /** Every line printed so far, parsed (stdout carries only JSON-RPC). */
    answers: () => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id?: unknown; result?: unknown; error?: { code: number; message: string } }),
    /** Closes stdin and waits for the exit: its code, and how long it took. */
    async closeStdin() {
      const started = Date.now();
      child.stdin.end();
      const code = await exitOf(child);
      return { code, ms: Date.now() - started };
    },
  };
}

describe('resources', () => {
  it('lists the spec, the registry, the page and the schemas, each as berth shows it', async () => {
    const s = await connectBerth({ cwd: bundled });
    try {
      const { resources } = await s.client.listResources();
      expect(resources.map((r) => [r.uri, r.mimeType])).toEqual([
        ['berth://spec', 'application/yaml'],
        ['berth://registry', 'application/yaml'],
        ['berth://docs/INFRASTRUCTURE.md', 'text/markdown'],
        ['berth://schema/berth.yaml', 'application/schema+json'],
        ['berth://schema/ports.yaml', 'application/schema+json'],
      ]);
      const read = async (uri: string) => ((await s.client.readResource({ uri })).contents[0] as { text: string }).text;
      const validate = JSON.parse((await runBerth(['--json', 'validate'], bundled)).stdout) as { spec: string; registry: string };
      expect(await read('berth://spec')).toBe(readFileSync(validate.spec, 'utf8'));
      expect(await read('berth://registry')).toBe(readFileSync(validate.registry, 'utf8'));
      expect(await read('berth://docs/INFRASTRUCTURE.md')).toBe(JSON.parse((await runBerth(['--json', 'docs'], bundled)).stdout).markdown);
      expect(await read('berth://schema/berth.yaml')).toBe((await runBerth(['schema', 'spec'], bundled)).stdout);
      expect(await read('berth://schema/ports.yaml')).toBe((await runBerth(['schema', 'registry'], bundled)).stdout);
    } finally {
      await s.close();
    }
  });

  const spec = (description: string) => `berth: 1\nrepo: { name: mcp-watch, description: ${JSON.stringify(description)} }\nservices:\n  api: { runtime: host }\n`;

  it('a 2025 client that subscribed to the spec hears when it is replaced, and only about what it subscribed to', async () => {
    const p = project('watch-legacy', spec('one'));
    const s = await connectBerth({ cwd: p });
    try {
      const heard: string[] = [];
      s.client.setNotificationHandler('notifications/resources/updated', (n) => void heard.push(n.params.uri));
      await s.client.subscribeResource({ uri: 'berth://spec' });
      writeFileAtomic(join(p, 'berth.yaml'), spec('two'));
      await waitFor(() => heard.length > 0, 10_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(heard).toEqual(['berth://spec']);
      expect(((await s.client.readResource({ uri: 'berth://spec' })).contents[0] as { text: string }).text).toBe(spec('two'));
    } finally {
      await s.close();
    }
  });

  it('a 2026-07-28 client hears it on its subscriptions/listen stream, the page too', async () => {
    const p = project('watch-modern', spec('one'));
    const s = await connectBerth({ cwd: p, pin: '2026-07-28' });
    try {
      const heard: string[] = [];
      s.client.setNotificationHandler('notifications/resources/updated', (n) => void heard.push(n.params.uri));
      await s.client.readResource({ uri: 'berth://spec' });
      const sub = await s.client.listen({ resourceSubscriptions: ['berth://spec', 'berth://docs/INFRASTRUCTURE.md'] });
      expect(sub.honoredFilter.resourceSubscriptions).toEqual(['berth://spec', 'berth://docs/INFRASTRUCTURE.md']);
      writeFileAtomic(join(p, 'berth.yaml'), spec('two'));
      await waitFor(() => heard.length >= 2, 10_000);
      expect(heard.sort()).toEqual(['berth://docs/INFRASTRUCTURE.md', 'berth://spec']);
      await sub.close();
    } finally {
      await s.close();
    }
  });
});

describe('.mcp.json and the MCP health check', () => {
  it('berth mcp --register adds berth and keeps the other servers; berth health then finds and checks it there', async () => {
    const p = project(
      'register',
      `berth: 1\nrepo: { name: mcp-register }\nservices:\n  agent-tools:\n    runtime: host\n    checks:\n      - { type: mcp, server: berth, expectTools: [validate, ports_suggest, health, status, doctor], timeout: 60s }\n`,
      { '.mcp.json': `${JSON.stringify({ mcpServers: { github: { command: 'gh-mcp', args: ['serve'] } } }, null, 2)}\n` },
    );
    // As when berth is a devDependency of the project: npx finds it in node_modules/.bin and installs nothing.
    mkdirSync(join(p, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(bin, join(p, 'node_modules', '.bin', 'berth'));
    const reg = await runBerth(['--json', 'mcp', '--register'], p);
    expect(reg.status).toBe(0);
    expect(JSON.parse(reg.stdout)).toMatchObject({ ok: true, file: '.mcp.json', action: 'added', kept: ['github'] });
    expect(JSON.parse(readFileSync(join(p, '.mcp.json'), 'utf8'))).toEqual({
      mcpServers: { github: { command: 'gh-mcp', args: ['serve'] }, berth: { type: 'stdio', command: 'npx', args: ['--no', 'berth', 'mcp'] } },
    });
    expect((await runBerth(['mcp', '--register'], p)).stdout).toBe('berth is already registered in .mcp.json (kept: github)\n');
    const health = await runBerth(['--json', 'health'], p);
    const check = (JSON.parse(health.stdout) as { checks: { status: string; reason: string; details: Record<string, unknown> }[] }).checks[0]!;
    expect([health.status, check.status]).toEqual([0, 'passing']);
    expect(check.reason).toMatch(/^berth 0\.1\.0 answered (server\/discover|initialize) \(protocol [\d-]+\); 11 tools$/);
    expect(check.details).toMatchObject({ from: '.mcp.json' });
  });

  it('berth\'s MCP check, started from the spec, passes against berth mcp', async () => {
    const p = project(
      'selfcheck',
      `berth: 1\nrepo: { name: mcp-selfcheck }\nservices:\n  agent-tools:\n    runtime: host\n    checks:\n      - type: mcp\n        command: ${JSON.stringify(process.execPath)}\n        args: [${JSON.stringify(bin)}, mcp]\n        expectTools: [${READ_TOOLS.join(', ')}]\n        timeout: 30s\n`,
    );
    const health = await runBerth(['--json', 'health'], p);
    const check = (JSON.parse(health.stdout) as { checks: { status: string; reason: string }[] }).checks[0]!;
    // The check probes server/discover and falls back to initialize after a second: a loaded machine may start berth later than that.
    expect(check.status).toBe('passing');
    expect(check.reason).toMatch(/^berth 0\.1\.0 answered (server\/discover \(protocol 2026-07-28\)|initialize \(protocol 2025-11-25\)); 11 tools$/);
  });

  it('berth init registers berth beside the new spec, keeping the servers there; --no-mcp leaves .mcp.json alone', async () => {
    const p = mkdtempSync(join(dir, 'init-'));
    writeFileSync(join(p, '.mcp.json'), JSON.stringify({ mcpServers: { github: { command: 'gh-mcp' } } }));
    const r = await runBerth(['--json', 'init'], p);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, file: 'berth.yaml', mcp: { file: '.mcp.json', action: 'added', kept: ['github'] } });
    expect(Object.keys(JSON.parse(readFileSync(join(p, '.mcp.json'), 'utf8')).mcpServers)).toEqual(['github', 'berth']);
    const other = mkdtempSync(join(dir, 'init-'));
    expect((await runBerth(['init', '--no-mcp'], other)).status).toBe(0);
    expect(readdirSync(other)).toEqual(['berth.yaml']);
  });

  it('a .mcp.json that is not JSON is refused with its line, and left as it was', async () => {
    const text = '{\n  "mcpServers": {\n    "github": { "command": "gh-mcp" },\n  }\n}\n';
    const p = project('register-bad', 'berth: 1\nrepo: { name: mcp-register-bad }\n', { '.mcp.json': text });
    const r = await runBerth(['mcp', '--register'], p);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^\.mcp\.json:4:\d+: not valid JSON: /);
    expect(readFileSync(join(p, '.mcp.json'), 'utf8')).toBe(text);
  });

  it('a broken .mcp.json is one line at its own line:col (not the end of the file), and a byte order mark is read past and kept', async () => {
    const text = '{\n  "mcpServers": {\n    "a": {"command": x}\n  }\n}\n';
    const p = project('register-x', 'berth: 1\nrepo: { name: mcp-register-x }\n', { '.mcp.json': text });
    const r = await runBerth(['mcp', '--register'], p);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('.mcp.json:3:22: not valid JSON: expected a value, found "x"\n');
    expect(readFileSync(join(p, '.mcp.json'), 'utf8')).toBe(text);
    // the documented PATH form with an env, in a file with a BOM and CRLF: already registered, left as it is
    const mine = '\uFEFF{\r\n  "mcpServers": { "berth": { "command": "berth", "args": ["mcp"], "env": { "BERTH_LOCK_TIMEOUT": "30" } } }\r\n}\r\n';
    writeFileSync(join(p, '.mcp.json'), mine);
    expect((await runBerth(['mcp', '--register'], p)).stdout).toBe('berth is already registered in .mcp.json\n');
    expect(readFileSync(join(p, '.mcp.json'), 'utf8')).toBe(mine);
    const write = await runBerth(['--json', 'mcp', '--register', '--allow-write'], p);
    expect(JSON.parse(write.stdout)).toMatchObject({ action: 'updated', entry: { command: 'berth', args: ['mcp', '--allow-write'], env: { BERTH_LOCK_TIMEOUT: '30' } } });
    const after = readFileSync(join(p, '.mcp.json'), 'utf8');
    expect(after.startsWith('\uFEFF{\r\n')).toBe(true);
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
  });
});

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether a process whose command line holds `marker` runs (the health check's own program). */
function running(marker: string): boolean {
  return spawnSync('pgrep', ['-f', marker]).status === 0;
}
