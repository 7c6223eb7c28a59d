import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BerthError, SPEC_FILE_NAME, analyzePorts, closest, fileOrDefaultIn, findSpecFile, formatSpan, loadSpecFile, planRegistration, registerPortsInFile, serviceNamed, sortProblems, hasErrors, type SpecInput, type PortStatus } from '@berth/spec';
import type { CliContext } from '../../context.js';
import { ExitCode } from '../../exit-codes.js';
import { loadEnvOption, mergedEnv, readEnvFile, registryInput, specInput, summary, type EnvFileFlags } from './inputs.js';
import { freeOnHost } from './host-ports.js';

/** `berth ports list`: every registry entry and every port the spec publishes, with its status. */
export function list(ctx: CliContext): number {
  const ws = ctx.load();
  const report = analyzePorts({ specs: [specInput(ws)], registry: registryInput(ws) });
  const rows = [
    ...report.entries.map((e) => ({ port: formatSpan(e), protocol: e.protocol, hostIp: e.hostIp, repo: e.repo ?? '', service: e.service + (e.name ? ` (${e.name})` : ''), env: e.env ?? '', status: e.status, source: 'registry' as const })),
    ...report.bindings.filter((b) => !b.registered).map((b) => ({ port: formatSpan(b), protocol: b.protocol, hostIp: b.hostIp, repo: b.repo, service: b.service + (b.name ? ` (${b.name})` : ''), env: b.env ?? '', status: ws.registry ? b.status : ('ok' as PortStatus), source: 'spec' as const })),
  ].sort((a, b) => parseInt(a.port) - parseInt(b.port) || a.protocol.localeCompare(b.protocol));
  if (ctx.json) {
    ctx.out.writeJson({ spec: ws.specFile, registry: ws.registry?.file ?? null, ports: rows, conflicts: report.conflicts });
    return ExitCode.Ok;
  }
  const p = ctx.out.paint;
  const paintStatus = (s: PortStatus) => (s === 'conflict' || s === 'unregistered' ? p.red(s) : s === 'exclusive' || s === 'unused' ? p.yellow(s) : s === 'shared' ? p.cyan(s) : p.green(s));
  ctx.out.table(
    ['PORT', 'PROTOCOL', 'REPO', 'SERVICE', 'ENV', 'STATUS'],
    rows.map((r) => [r.hostIp ? `${r.hostIp}:${r.port}` : r.port, r.protocol, r.repo || p.dim('-'), r.service, r.env || p.dim('-'), paintStatus(r.status)]),
  );
  if (!ws.registry) ctx.out.note(`berth: ${ws.specFile} names no port registry; listing the spec's ports only`);
  return ExitCode.Ok;
}

/** `berth ports check [more specs...]`: conflicts, ownership, ranges and env agreement; exit 1 on errors. */
export function check(ctx: CliContext, more: string[], opts: EnvFileFlags): number {
  // a repo's folder names its berth.yaml, as `berth ecosystem check ../repo` takes it
  more = more.map((path) => {
    const abs = resolve(ctx.cwd, path);
    return fileOrDefaultIn(abs, SPEC_FILE_NAME) === abs ? path : join(path, SPEC_FILE_NAME);
  });
  // Where there is no berth.yaml, the specs named are the ones to check: the bundled example is never added to them.
  if (more.length && !ctx.options.spec && !findSpecFile(ctx.cwd)) {
    ctx.options.spec = more[0];
    more = more.slice(1);
  }
  const ws = ctx.load({ env: loadEnvOption(opts) });
  const specs: SpecInput[] = [specInput(ws)];
  const seen = new Set([realOr(ws.specPath)]);
  for (const path of more) {
    // The same spec named twice (or through a link) is checked once, not against itself.
    const real = realOr(resolve(ctx.cwd, path));
    if (seen.has(real)) continue;
    seen.add(real);
    const loaded = loadSpecFile(path, ctx.cwd);
    if (!loaded.value || hasErrors(loaded.problems)) throw new BerthError('ERR_BERTH_INVALID_SPEC', `${loaded.file}: the spec is not valid`, { problems: loaded.problems });
    specs.push({ spec: loaded.value, file: loaded.file, ...(loaded.source ? { source: loaded.source } : {}) });
  }
  const envFile = readEnvFile(ctx, ws, opts);
  const { env, origins } = mergedEnv(ctx, envFile);
  const report = analyzePorts({ specs, registry: registryInput(ws), env, envOrigins: origins });
  const problems = sortProblems(report.problems, [...specs.map((x) => x.file), ...(ws.registry ? [ws.registry.file] : [])]);
  const s = summary(problems);
  if (ctx.json) ctx.out.writeJson({ ok: s.errors === 0, specs: specs.map((x) => x.file), registry: ws.registry?.file ?? null, errors: s.errors, warnings: s.warnings, conflicts: report.conflicts, bindings: report.bindings, ...ctx.out.problemsJson(problems) });
  else {
    ctx.out.problems(problems);
    if (!ws.registry) ctx.out.note(`berth: ${ws.specFile} names no port registry; ports were checked against each other only`);
    const n = report.bindings.length;
    ctx.out.line(`${n} port binding${n === 1 ? '' : 's'} checked${ws.registry ? ` against ${ws.registry.file}` : ''}: ${s.errors ? ctx.out.paint.red(s.text) : ctx.out.paint.green(s.text)}`);
  }
  return s.errors ? ExitCode.Findings : ExitCode.Ok;
}

function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function requireService(ctx: CliContext, service: string) {
  const ws = ctx.load();
  if (serviceNamed(ws.spec, service)) return ws;
  const known = Object.keys(ws.spec.services);
  const guess = closest(service, known);
  throw new BerthError('ERR_BERTH_UNKNOWN_SERVICE', `${ws.specFile}: service "${service}" does not exist${guess ? ` (did you mean "${guess}"?)` : ` (known: ${known.join(', ')})`}`);
}

/** `berth ports suggest <service>`: free ports by the registry and on this host, nearest to the service's port first. */
export async function suggest(ctx: CliContext, service: string, opts: { count: string; near?: string; protocol: string }): Promise<number> {
  const count = Number(opts.count);
  const near = opts.near === undefined ? undefined : Number(opts.near);
  if (!Number.isInteger(count) || count < 1 || count > 100) throw new BerthError('ERR_BERTH_USAGE', '--count must be a whole number from 1 to 100');
  if (near !== undefined && (!Number.isInteger(near) || near < 1 || near > 65535)) throw new BerthError('ERR_BERTH_USAGE', '--near must be a port (1-65535)');
  if (opts.protocol !== 'tcp' && opts.protocol !== 'udp') throw new BerthError('ERR_BERTH_USAGE', '--protocol must be tcp or udp');
  const ws = ctx.load();
  const svc = serviceNamed(ws.spec, service);
  if (!svc) ctx.out.note(`berth: "${service}" is not a service of ${ws.specFile}; suggesting ports for a new one`);
  const current = svc?.ports?.find((p) => p.protocol === opts.protocol)?.host.from;
  const progress = ctx.progress('checking ports on this host');
  const { free, busy } = await freeOnHost({ registry: registryInput(ws), specs: [specInput(ws)], repo: ws.spec.repo.name, near: near ?? current, protocol: opts.protocol, count, signal: ctx.signal });
  progress.stop();
  if (ctx.json) ctx.out.writeJson({ service, protocol: opts.protocol, ports: free, boundOnHost: busy });
  else {
    for (const port of free) ctx.out.line(String(port));
    ctx.out.note(`berth: ${free.length} free ${opts.protocol} port${free.length === 1 ? '' : 's'} for ${service}: not in ${ws.registry?.file ?? 'the spec'}${ws.registry ? ', not reserved for another repo' : ''}, not bound on this host${busy.length ? ` (skipped ${busy.length} bound here: ${busy.slice(0, 5).join(', ')}${busy.length > 5 ? ', ...' : ''})` : ''}`);
  }
  return free.length ? ExitCode.Ok : ExitCode.Findings;
}

/** `berth ports register <service>`: adds the service's unregistered ports to the registry file, keeping its comments. */
export async function register(ctx: CliContext, service: string, opts: { dryRun?: boolean }): Promise<number> {
  ctx.load({ requireRegistry: true });
  const ws = requireService(ctx, service);
  const registry = registryInput(ws)!;
  let plan = planRegistration({ spec: specInput(ws), registry, service });
  if (plan.add.length && !plan.refusals.length && !opts.dryRun) {
    const path = ws.registry!.path;
    if (ws.usingBundledExample) throw new BerthError('ERR_BERTH_BUNDLED', 'refusing to edit the bundled example\'s registry', { hint: 'run it where your berth.yaml is, or pass --spec and --registry' });
    if (/[\\/]node_modules[\\/]/.test(path)) throw new BerthError('ERR_BERTH_PACKAGED_REGISTRY', `${registry.file} comes from an installed package; register the port in the repo that publishes it`, { hint: '--dry-run shows the entries to add' });
    // Planned again under the registry's lock, against the file as it is then: another registration may have landed meanwhile.
    plan = await ctx.waitingForLock((lock) => registerPortsInFile({ spec: specInput(ws), service, registryPath: path, registryFile: registry.file, ...lock }));
  }
  if (plan.refusals.length) {
    if (ctx.json) ctx.out.writeJson({ ok: false, service, registry: registry.file, added: [], refusals: plan.refusals });
    else {
      ctx.out.problems(plan.refusals, 'stderr');
      ctx.out.note(ctx.out.paint.red(`berth: refusing to register ${service}: it would conflict with the registry (nothing written)`));
    }
    return ExitCode.Findings;
  }
  if (ctx.json) ctx.out.writeJson({ ok: true, service, registry: registry.file, dryRun: !!opts.dryRun, added: plan.add, alreadyRegistered: plan.already });
  else {
    for (const e of plan.add) ctx.out.line(`${opts.dryRun ? 'would register' : 'registered'} ${e.port}/${e.protocol ?? 'tcp'} for ${e.repo}/${e.service}${e.name ? ` (${e.name})` : ''}${e.env ? ` (${e.env})` : ''} in ${registry.file}`);
    for (const b of plan.already) ctx.out.line(`already registered: ${formatSpan(b)}/${b.protocol} for ${b.repo}/${b.service}`);
    if (!plan.add.length && !plan.already.length) ctx.out.line(`${service} publishes no ports; nothing to register`);
  }
  return ExitCode.Ok;
}
