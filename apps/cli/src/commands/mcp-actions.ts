import { statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { basename, dirname, join, relative } from 'node:path';
import type { BerthHost, CliRun, WorkspaceFiles } from '@berth/mcp';
import { registerBerth } from '@berth/mcp/mcp-json';
import { BerthError, displayPath, formatProblem } from '@berth/spec';
import { CliContext, type RunEnvironment } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { runCli } from '../main.js';
import { VERSION } from '../program.js';

/** A stream that keeps what is written to it, as the in-process runs' stdout and stderr. */
function capture(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(w, { isTTY: false, text: () => chunks.join('') });
}

/** The global options every run repeats: the spec and registry `berth mcp` was started with. */
function globalArgs(ctx: CliContext): string[] {
  return [...(ctx.options.spec ? ['--spec', ctx.options.spec] : []), ...(ctx.options.registry ? ['--registry', ctx.options.registry] : [])];
}

/**
 * berth, run in this process for the MCP server: each tool is `runCli` with --json and captured streams, so it
 * answers exactly what `berth <command> --json` prints. Used by `berth mcp` (stdio) and `berth serve` (/mcp).
 */
export function cliHost(ctx: CliContext): BerthHost {
  let cached: { key: string; files: WorkspaceFiles } | undefined;
  const quiet: RunEnvironment = { ...ctx.run, stdout: capture(), stderr: capture() };
  return {
    env: ctx.env,
    async run(argv: string[], signal: AbortSignal): Promise<CliRun> {
      const stdout = capture();
      const stderr = capture();
      const exitCode = await runCli(['--json', ...globalArgs(ctx), ...argv], { cwd: ctx.cwd, env: ctx.env, stdout, stderr, signal });
      return { stdout: stdout.text(), stderr: stderr.text(), exitCode };
    },
    files(): WorkspaceFiles {
      // The spec is found as every command finds it; its registry only by loading it, so that is kept until the spec changes.
      const probe = new CliContext(quiet, ctx.options);
      const spec = probe.resolveSpecPath().path;
      const key = `${spec}:${mtime(spec)}`;
      if (cached?.key !== key) {
        let registry: string | undefined;
        try {
          registry = probe.load().registry?.path;
        } catch {
          registry = undefined;
        }
        cached = { key, files: { spec, ...(registry ? { registry } : {}), dotenv: join(dirname(spec), '.env') } };
      }
      return cached.files;
    },
  };
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/** What `berth serve` mounts at /mcp: the same in-process berth behind the API's token. */
export function mcpRoute(ctx: CliContext, allowWrite: boolean): { host: BerthHost; allowWrite: boolean; version: string } {
  return { host: cliHost(ctx), allowWrite, version: VERSION };
}

/** `berth mcp`: serve over stdio until the client closes stdin; with --register, add berth to .mcp.json instead. */
export async function mcp(ctx: CliContext, opts: { allowWrite?: boolean; register?: boolean }): Promise<number> {
  if (opts.register) return register(ctx, !!opts.allowWrite);
  const { serveBerthStdio, notARegularFile } = await import('@berth/mcp');
  // A pipe (`--spec <(...)`) gives its text once, and every call reads the spec again, blocking the whole server
  // until something writes to it. A device or a directory is served: each call answers with the CLI's line.
  const spec = ctx.resolveSpecPath().path;
  if (notARegularFile(spec) === 'a pipe') {
    throw new BerthError('ERR_BERTH_UNREADABLE', `${displayPath(spec, ctx.cwd)}: is a pipe, not a file: berth mcp reads the spec again for every call`, { hint: 'write the spec to a file and pass that' });
  }
  if (process.stdin.isTTY) ctx.out.note('berth mcp: speaking the Model Context Protocol on stdin/stdout; an MCP client starts it (see docs/mcp.md). Ctrl-D ends it.');
  await serveBerthStdio({ host: cliHost(ctx), allowWrite: !!opts.allowWrite, version: VERSION, log: (line) => ctx.out.note(line), signal: ctx.signal });
  return ExitCode.Ok;
}

/**
 * `berth mcp --register`: berth in a project's .mcp.json, every other server kept. The file goes where a client
 * started for this project finds it and berth then finds the same spec: beside the berth.yaml found from here
 * up, or here when --spec names one (the entry then carries it, relative to here) or berth uses its bundled
 * example. Also what `berth init` calls.
 */
export async function register(ctx: CliContext, allowWrite: boolean): Promise<number> {
  const { path: specPath, bundled } = ctx.resolveSpecPath();
  const named = !!ctx.options.spec;
  const dir = bundled || named ? ctx.cwd : dirname(specPath);
  const { file, entry, ...result } = await ctx.waitingForLock((lock) => registerBerth(dir, { allowWrite, cwd: ctx.cwd, lock, ...(named ? { spec: relative(dir, specPath).split('\\').join('/') } : {}) }));
  if (ctx.json) ctx.out.writeJson({ ok: true, file, server: 'berth', action: result.action, entry, kept: result.kept });
  else {
    const said = { added: 'added berth to', updated: 'updated berth in', unchanged: 'berth is already registered in' }[result.action];
    ctx.out.line(`${said} ${file}${result.kept.length ? ` (kept: ${result.kept.join(', ')})` : ''}`);
    if (result.action !== 'unchanged') ctx.out.note(`berth: an MCP client started in ${displayPath(dir, ctx.cwd) || '.'} now runs \`${[entry.command, ...entry.args].join(' ')}\``);
  }
  return ExitCode.Ok;
}

/**
 * What `berth init` does after writing a spec: berth in the .mcp.json beside it, said in one line. A .mcp.json
 * berth cannot read is reported and left alone; the new spec stands either way.
 */
export async function registerForInit(ctx: CliContext, specPath: string): Promise<{ json: Record<string, unknown>; text: string }> {
  const dir = dirname(specPath);
  try {
    const r = await ctx.waitingForLock((lock) => registerBerth(dir, { spec: basename(specPath), cwd: ctx.cwd, lock }));
    const text = r.action === 'unchanged' ? `${r.file}: berth is registered already` : `${r.file}: ${r.action === 'added' ? 'added' : 'updated'} berth, so MCP clients of this project can ask it (berth mcp)${r.kept.length ? `; kept ${r.kept.join(', ')}` : ''}`;
    return { json: { file: r.file, action: r.action, kept: r.kept }, text };
  } catch (err) {
    if (!(err instanceof BerthError)) throw err;
    const lines = err.problems.length ? err.problems.map(formatProblem) : [err.message];
    return { json: { error: err.message }, text: `berth: not registered in .mcp.json: ${lines.join('; ')} (fix it, then run \`berth mcp --register\`)` };
  }
}
