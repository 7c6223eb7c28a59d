// MCP server start-up: from spawn to the answer of the first tools/list, for `berth mcp` (on the bundled
// example) against the MCP TypeScript SDK's own minimal stdio server (one tool, written below with the same
// SDK the berth bundle uses), measured in the same run, interleaved, median of N rounds each.
// Target: berth mcp <= 1.5x the minimal server.
//   node apps/cli/build.mjs && node bench/mcp-startup.mjs [rounds=15]
// Both are driven as a client drives them: `initialize`, `notifications/initialized`, then `tools/list`.
// Each server's CPU time (all threads, from /proc) is read the moment tools/list is answered: on a busy
// machine wall time swings with the load, CPU time much less, so both ratios are printed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'apps/cli/bin/berth.mjs');
if (!existsSync(join(root, 'apps/cli/dist/berth.mjs'))) {
  console.error('build the CLI first: node apps/cli/build.mjs');
  process.exit(2);
}
const rounds = Math.max(3, Number(process.argv[2] ?? 15));
// No berth.yaml above it: berth serves the bundled example, as on a new user's first run.
const cwd = mkdtempSync(join(tmpdir(), 'berth-bench-mcp-'));
const env = { ...process.env, NO_COLOR: '1' };

// The SDK's minimal server, as its stdio guide writes it, importing the workspace's own copy of the SDK.
const resolve = (specifier) => import.meta.resolve(specifier, new URL('../packages/mcp/package.json', import.meta.url));
const MINIMAL = `
import { McpServer } from ${JSON.stringify(resolve('@modelcontextprotocol/server'))};
import { serveStdio } from ${JSON.stringify(resolve('@modelcontextprotocol/server/stdio'))};
import * as z from ${JSON.stringify(resolve('zod/v4'))};
serveStdio(() => {
  const server = new McpServer({ name: 'minimal', version: '1.0.0' });
  server.registerTool('echo', { description: 'Echo the text back', inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  return server;
});
`;

const TICK_MS = 10; // USER_HZ 100 on Linux
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

/** Spawns a server, does the handshake and one tools/list; resolves with wall and CPU milliseconds and the tool count. */
function measure(args) {
  return new Promise((done, fail) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let buffer = '';
    let stderr = '';
    const send = (m) => child.stdin.write(`${JSON.stringify(m)}\n`);
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => code && fail(new Error(`${args.join(' ')} exited ${code}: ${stderr}`)));
    child.stdout.on('data', (d) => {
      buffer += d;
      for (let i; (i = buffer.indexOf('\n')) >= 0; ) {
        const m = JSON.parse(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
        if (m.id === 1) {
          send({ jsonrpc: '2.0', method: 'notifications/initialized' });
          send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
        } else if (m.id === 2) {
          const wall = Number(process.hrtime.bigint() - start) / 1e6;
          const cpu = cpuMs(child.pid);
          child.once('exit', () => done({ wall, cpu, tools: m.result.tools.length }));
          child.stdin.end();
        }
      }
    });
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  const minimal = ['--input-type=module', '-e', MINIMAL];
  const berth = [bin, 'mcp'];
  // One warm-up of each: fills the OS file cache, as any second start finds it.
  await measure(minimal);
  const { tools } = await measure(berth);
  const m = { wall: [], cpu: [] };
  const b = { wall: [], cpu: [] };
  for (let i = 0; i < rounds; i++) {
    for (const [args, into] of [[minimal, m], [berth, b]]) {
      const r = await measure(args);
      into.wall.push(r.wall);
      into.cpu.push(r.cpu);
    }
  }
  const line = (name, r) => `${name} wall median ${median(r.wall).toFixed(1)} ms (min ${Math.min(...r.wall).toFixed(1)}), cpu median ${median(r.cpu).toFixed(0)} ms  [${rounds} runs]`;
  console.log(line('SDK minimal server (1 tool): ', m));
  console.log(line(`berth mcp (${tools} tools):        `, b));
  console.log(
    `ratio (wall, the target <= 1.5x): ${(median(b.wall) / median(m.wall)).toFixed(2)}x   min/min: ${(Math.min(...b.wall) / Math.min(...m.wall)).toFixed(2)}x   cpu: ${(median(b.cpu) / median(m.cpu)).toFixed(2)}x`,
  );
} finally {
  rmSync(cwd, { recursive: true, force: true });
}
