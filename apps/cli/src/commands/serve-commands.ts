import { join } from 'node:path';
import type { Command } from 'commander';
import { BerthError, displayPath } from '@berth/spec';
import type { ActionFactory } from '../command.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { millisecondsOrZero } from '../option-values.js';

/** The port the registry reserves for berth's API (BERTH_PORT). */
export const DEFAULT_PORT = 7420;

interface ServeOptions {
  port?: string;
  host?: string;
  store?: string;
  cors?: string[];
  engine?: boolean;
  gpu?: boolean;
  ecosystem?: boolean;
  wait?: number;
  mcpAllowWrite?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').filter(Boolean)];

export function parsePort(value: string | undefined, env: NodeJS.ProcessEnv): number {
  const raw = value ?? env.BERTH_PORT ?? String(DEFAULT_PORT);
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new BerthError('ERR_BERTH_USAGE', `--port ${raw} is not a port (0-65535; 0 picks a free one)`);
  return port;
}

/** serve. Heavy packages (fastify, the store, the checks) are imported inside the action, never at the top. */
export function registerServeCommands(program: Command, action: ActionFactory): void {
  program
    .command('serve')
    .description('run the API and dashboard: checks on their intervals, history, live events, metrics; Ctrl-C stops it cleanly')
    .option('-p, --port <port>', `port to listen on (default: BERTH_PORT, else ${DEFAULT_PORT}; 0 picks a free one)`)
    .option('--host <address>', 'address to bind (default: BERTH_HOST, else 127.0.0.1; anything else exposes the API to the network)')
    .option('--store <store>', 'history store: sqlite:PATH or postgres://USER@HOST:PORT/DB (default: sqlite .berth/history.db beside the spec)')
    .option('--cors <origin>', 'allow a browser origin to call the API (repeatable or comma-separated; none by default)', collect)
    .option('--no-engine', 'do not watch the Docker engine (no containers, profiles or write actions)')
    .option('--no-gpu', 'do not run GPU detection')
    .option('--no-ecosystem', 'do not load the ecosystem the spec belongs to (its ecosystem.yaml beside the registry) for /api/ecosystem')
    .option('--wait <ms>', 'how long to wait for the first round of checks before printing the summary', millisecondsOrZero, 3000)
    .option('--mcp-allow-write', 'offer the MCP tools that change things (up, down, restart, ports_register) at /mcp too')
    .action(action(async (ctx, opts: ServeOptions) => serve(ctx, opts)));
}

/**
 * Where berth serve listens: --host, else BERTH_HOST, else loopback. An empty BERTH_HOST is unset (as a shell's
 * `BERTH_HOST=` means); an empty --host is refused: Node would take either for every interface of the machine.
 */
function listenHost(flag: string | undefined, env: string | undefined): string {
  if (flag !== undefined && !flag.trim()) throw new BerthError('ERR_BERTH_USAGE', '--host is empty: give an address (127.0.0.1 for this machine only, 0.0.0.0 for every interface)');
  return flag?.trim() || env?.trim() || '127.0.0.1';
}

async function serve(ctx: CliContext, opts: ServeOptions): Promise<number> {
  const ws = ctx.load();
  for (const w of ws.warnings) ctx.out.note(`warning: ${w.file ?? ws.specFile}: ${w.message}`);
  const port = parsePort(opts.port, ctx.env);
  const host = listenHost(opts.host, ctx.env.BERTH_HOST);
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) ctx.out.note(`berth serve: listening on ${host}, not only loopback: others on the network can read the API (writes still need the token)`);
  const progress = ctx.progress('starting berth serve');
  const { startServer } = await import('@berth/api');
  const { mcpRoute } = await import('./mcp-actions.js');
  // The bundled example lives in the CLI's build output, which every build wipes: its history and
  // token go to .berth/ in the current directory instead, so they survive a rebuild and a restart.
  const stateDir = ws.usingBundledExample ? join(ctx.cwd, '.berth') : undefined;
  const server = await startServer({
    specPath: ws.specPath,
    spec: ws.spec,
    specFile: ws.specFile,
    ...(ws.specLoaded.source ? { specSource: ws.specLoaded.source } : {}),
    registry: ws.registry ? { value: ws.registry.value, file: ws.registry.file, ...(ws.registry.path ? { path: ws.registry.path } : {}), ...(ws.registry.source ? { source: ws.registry.source } : {}) } : undefined,
    envFile: ws.env,
    env: ctx.env,
    store: opts.store ?? (stateDir ? `sqlite:${join(stateDir, 'history.db')}` : undefined),
    ...(stateDir ? { tokenFile: join(stateDir, 'token') } : {}),
    host,
    port,
    corsOrigins: opts.cors,
    engine: opts.engine !== false,
    gpu: opts.gpu !== false,
    ecosystem: opts.ecosystem !== false,
    mcp: mcpRoute(ctx, !!opts.mcpAllowWrite),
    onStoreError: (reason) => ctx.out.note(`berth serve: cannot write the history store (${reason}); results are kept and written again`),
    // the server runs what it loaded: an edit is said, here and on the dashboard, and applied by a restart
    onSpecChange: (onDisk) => {
      if (!onDisk.changed) ctx.out.note('berth serve: the spec on disk is back to what this server runs');
      else if (onDisk.loads) ctx.out.note(`berth serve: ${onDisk.files.map((f) => displayPath(f, ctx.cwd)).join(', ')} changed; this server still runs what it loaded: restart berth serve to apply it`);
      else ctx.out.note([`berth serve: ${onDisk.files.map((f) => displayPath(f, ctx.cwd)).join(', ')} changed, and would not load now; this server still runs what it loaded:`, ...onDisk.problems.map((p) => `  ${p}`)].join('\n'));
    },
  }).finally(() => progress.stop());

  const stopped = new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await Promise.race([stopped, firstRound(server, opts.wait ?? 3000)]);
  await printSummary(ctx, server);
  await stopped;
  ctx.out.note('berth serve: stopping (finishing checks in flight, closing the store)');
  const closed = await server.close();
  if (closed.unstored) ctx.out.note(`berth serve: ${closed.unstored} result${closed.unstored === 1 ? '' : 's'} could not be written to the history store (${closed.reason}); the store is closed`);
  // Stopping a server on request is its normal end, not a failure.
  return ExitCode.Ok;
}

type Server = Awaited<ReturnType<typeof import('@berth/api').startServer>>;

/** Resolves when every check has a result, or after `ms`. */
async function firstRound(server: Server, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && server.runtime.results().length < server.runtime.checkCount) await new Promise((r) => setTimeout(r, 100));
}

async function printSummary(ctx: CliContext, server: Server): Promise<void> {
  const { runtime, url, token } = server;
  const health = runtime.health().view;
  const { RegistryResponse, EnvResponse } = await import('@berth/api/contract');
  const [registry, env] = await Promise.all([get(url, '/api/registry').then((b) => RegistryResponse.safeParse(b).data), get(url, '/api/env').then((b) => EnvResponse.safeParse(b).data)]);
  const containers = runtime.options.engine?.containers();
  const gpu = runtime.options.gpu?.report();
  const summary = {
    url,
    docs: `${url}/docs`,
    spec: runtime.options.specFile,
    store: server.storeLabel,
    scheduler: server.scheduler,
    token: token.from === 'created' ? { from: token.from, file: token.file, token: token.token } : { from: token.from, file: token.file },
    health: { status: health.status, counts: health.counts },
    conflicts: registry?.available ? registry.conflicts.length : null,
    envMissing: env?.available ? env.modules.flatMap((m) => m.vars).filter((v) => v.required && !v.set).length : null,
    engine: containers ? (containers.available ? containers.endpoint : `unavailable: ${containers.reason}`) : 'off',
    gpu: gpu ? (gpu.available ? gpu.detection : `unavailable: ${gpu.reason}`) : 'off',
  };
  if (ctx.json) return ctx.out.writeJson(summary);
  const { paint } = ctx.out;
  const colour = (s: string) => (s === 'passing' ? paint.green(s) : s === 'warning' || s === 'starting' ? paint.yellow(s) : s === 'critical' ? paint.red(s) : paint.dim(s));
  ctx.out.line(`${paint.bold('berth serve')}  dashboard ${paint.cyan(url)}   API docs ${url}/docs   metrics ${url}/metrics`);
  ctx.out.line(`  spec      ${summary.spec}`);
  ctx.out.line(`  history   ${summary.store}`);
  if (token.from === 'created') ctx.out.line(`  token     ${paint.bold(token.token)}  (shown once; kept in ${token.file}, readable only by you)`);
  else ctx.out.line(`  token     ${token.from === 'env' ? 'from BERTH_TOKEN' : `in ${token.file}`}`);
  ctx.out.line(`  checks    ${runtime.checkCount} (${summary.scheduler})   engine ${summary.engine}   gpu ${summary.gpu}`);
  if (summary.conflicts !== null || summary.envMissing !== null) ctx.out.line(`  ports     ${summary.conflicts ?? '?'} conflict(s)   env: ${summary.envMissing ?? '?'} required variable(s) missing`);
  const rows = runtime.results().map((r) => [`${r.subject.kind}:${r.subject.id}`, colour(r.status), r.reason]);
  if (rows.length) ctx.out.table(['SUBJECT', 'STATUS', 'REASON'], rows);
  const c = health.counts;
  ctx.out.line(`health ${colour(health.status)}: ${c.passing} passing, ${c.warning} warning, ${c.critical} critical, ${c.starting + c.unknown} not yet known. Ctrl-C stops.`);
}

async function get(base: string, path: string): Promise<unknown> {
  try {
    return await (await fetch(base + path)).json();
  } catch {
    return undefined;
  }
}
