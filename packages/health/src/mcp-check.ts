import type { McpCheck } from '@berth/spec';
import { formatDuration, peerText } from '@berth/spec';
import { resolveMcpServer } from './mcp-config.js';
import type { McpSession } from './mcp-session.js';
import type { AttemptContext, Verdict } from './types.js';

/** The stateless revision probed first; the handshake revision is the fallback. */
const DISCOVER_VERSION = '2026-07-28';
const HANDSHAKE_VERSION = '2025-11-25';
const CLIENT_INFO = { name: 'berth-health', version: '0.1.0' };
const META = { 'io.modelcontextprotocol/protocolVersion': DISCOVER_VERSION, 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': CLIENT_INFO };

type Phase = 'starting' | 'server/discover' | 'initialize' | 'tools/list';

/** What the server said (an error, its name), fit for a one-line reason. */
const said = (text: string) => peerText(String(text), 160);

/**
 * Starts the MCP server, probes `server/discover`, falls back to `initialize` + `notifications/initialized`
 * when the server refuses it or stays silent, lists its tools, then stops it (stdin closed, SIGTERM, SIGKILL).
 */
export async function runMcpCheck(ctx: AttemptContext): Promise<Verdict> {
  const check = ctx.target.check as McpCheck;
  const baseDir = ctx.target.baseDir ?? process.cwd();
  const launch = await resolveMcpServer(check, baseDir, ctx.target.env ?? process.env);
  if ('problem' in launch) return { status: 'unknown', reason: launch.problem };
  const label = launch.name ?? launch.command;
  // The MCP SDK loads only when an MCP check runs.
  const { McpSession: Session } = await import('./mcp-session.js');
  const started = performance.now();
  let phase: Phase = 'starting';
  let mode: 'discover' | 'initialize' | undefined;
  let serverInfo: { name?: string; version?: string } | undefined;
  let protocol: string | undefined;
  let settle!: (v: Verdict) => void;
  const verdict = new Promise<Verdict>((r) => (settle = r));
  let done = false;
  let hurry = false;
  const finish = (v: Verdict) => {
    if (done) return;
    done = true;
    settle(v);
  };
  const fail = (reason: string) => finish({ status: 'critical', reason: `${label}: ${reason}`, details: { from: launch.from, ...(session?.pid ? { pid: session.pid } : {}) } });

  const startInitialize = () => {
    if (mode || done) return;
    mode = 'initialize';
    phase = 'initialize';
    session.send({ jsonrpc: '2.0', id: 2, method: 'initialize', params: { protocolVersion: HANDSHAKE_VERSION, capabilities: {}, clientInfo: CLIENT_INFO } });
  };
  const listTools = (withMeta: boolean) => {
    phase = 'tools/list';
    session.send({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: withMeta ? { _meta: META } : {} });
  };

  // eslint-disable-next-line prefer-const -- assigned once below; the callbacks above close over it
  let session: McpSession;
  session = new Session(
    launch,
    baseDir,
    (m) => {
      if (done) return;
      if (m.method !== undefined && m.id !== undefined) {
        // a request from the server (ping, roots/list): answer so it does not wait on us
        session.send({ jsonrpc: '2.0', id: m.id, ...(m.method === 'ping' ? { result: {} } : { error: { code: -32601, message: 'not supported by berth-health' } }) });
        return;
      }
      if (m.id === 1) {
        const result = m.result as { supportedVersions?: string[]; _meta?: Record<string, { name?: string; version?: string }> } | undefined;
        if (m.error || !result || mode) return startInitialize();
        mode = 'discover';
        protocol = result.supportedVersions?.[0] ?? DISCOVER_VERSION;
        serverInfo = result._meta?.['io.modelcontextprotocol/serverInfo'];
        return listTools(true);
      }
      if (m.id === 2 && mode === 'initialize') {
        if (m.error) return fail(`initialize failed: ${said(m.error.message)}`);
        const result = m.result as { protocolVersion?: string; serverInfo?: { name?: string; version?: string } };
        protocol = result.protocolVersion;
        serverInfo = result.serverInfo;
        session.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
        return listTools(false);
      }
      if (m.id === 3) {
        if (m.error) return fail(`tools/list failed: ${said(m.error.message)}`);
        const tools = ((m.result as { tools?: { name: string }[] })?.tools ?? []).map((t) => t.name);
        const missing = (check.expectTools ?? []).filter((t) => !tools.includes(t));
        const who = serverInfo?.name ? said(`${serverInfo.name}${serverInfo.version ? ` ${serverInfo.version}` : ''}`) : label;
        const details = { from: launch.from, protocol, handshake: mode, tools: tools.length, startupMs: Math.round(performance.now() - started) };
        if (missing.length) return finish({ status: 'critical', reason: `${who} lists ${tools.length} tools but not ${missing.join(', ')}`, details });
        finish({ status: 'passing', reason: `${who} answered ${mode === 'discover' ? 'server/discover' : 'initialize'} (protocol ${said(protocol ?? '?')}); ${tools.length} tools`, details });
      }
    },
    (reason) => fail(reason),
  );

  phase = 'server/discover';
  session.send({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: META } });
  // A server that ignores an unknown method would leave us waiting: fall back soon. Queued requests are
  // harmless to a slow starter (npx), which reads and answers both in order.
  const fallback = setTimeout(startInitialize, Math.min(1000, ctx.timeoutMs * 0.25));
  // Give up on the protocol a little before the check's timeout, so stopping the server fits inside it.
  const deadline = setTimeout(() => onAbort(), Math.max(0, ctx.timeoutMs - Math.min(300, ctx.timeoutMs / 4)));
  const onAbort = () => {
    hurry = true;
    // a server that exited is judged by its exit, though something it left still holds its pipes
    const exited = session.exitReason();
    if (exited) return fail(exited);
    const stderr = session.lastStderrLine();
    fail(`timed out after ${formatDuration(ctx.timeoutMs)} waiting for ${phase === 'starting' ? 'the server to start' : `the answer to ${phase}`}${stderr ? `; stderr: ${stderr}` : ''}`);
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal.aborted) onAbort();
  const result = await verdict;
  clearTimeout(fallback);
  clearTimeout(deadline);
  ctx.signal.removeEventListener('abort', onAbort);
  await session.stop(hurry);
  return result;
}
