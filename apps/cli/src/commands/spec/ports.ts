import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BerthError, SPEC_FILE_NAME, analyzePorts, closest, displayPath, fileOrDefaultIn, formatSpan, loadRegistryFile, loadSpecFile, planRegistration, registerPortsInFile, serviceNamed, sortProblems, hasErrors, type Problem, type RegistryInput, type SpecInput, type PortStatus } from '@berth/spec';
import type { CliContext, OrchestratorPlace } from '../../context.js';
import { ExitCode } from '../../exit-codes.js';
import { loadEnvOption, mergedEnv, namedEnvFiles, readEnvFile, registryInput, specInput, summary, type EnvFileFlags } from './inputs.js';
import { freeOnHost } from './host-ports.js';
import { ecosystemSummary, memberView } from './ecosystem-view.js';

/** `berth ports list`: every registry entry and every port the spec publishes, with its status; in an orchestrator's folder, its registry's with its members' ports. */
export async function list(ctx: CliContext): Promise<number> {
  const place = ctx.place();
  if (place.kind === 'orchestrator') return listOrchestrator(ctx, await loadOrchestrator(ctx, place));
  const ws = ctx.load();
  const report = analyzePorts({ specs: [specInput(ws)], registry: registryInput(ws) });
  const rows = portRows(report, !!ws.registry);
  if (ctx.json) {
    ctx.out.writeJson({ spec: ws.specFile, registry: ws.registry?.file ?? null, ports: rows, conflicts: report.conflicts });
    return ExitCode.Ok;
  }
  printPortTable(ctx, rows);
  if (!ws.registry) ctx.out.note(`berth: ${ws.specFile} names no port registry; listing the spec's ports only`);
  return ExitCode.Ok;
}

/** `berth ports list` in an orchestrator's folder: the registry's entries, judged with every member's spec, and the members' ports it lacks. */
function listOrchestrator(ctx: CliContext, o: OrchestratorPorts): number {
  const report = analyzePorts({ specs: o.specs, registry: o.registry });
  const rows = portRows(report, true);
  if (ctx.json) {
    ctx.out.writeJson({ spec: null, manifest: o.manifest ?? null, members: o.specs.map((m) => m.file), registry: o.registry.file, ports: rows, conflicts: report.conflicts, ...unloadedJson(o) });
    return unloadedExit(o, ExitCode.Ok);
  }
  ctx.out.problems(o.unloaded, 'stderr');
  printPortTable(ctx, rows);
  return unloadedExit(o, ExitCode.Ok);
}

/** One row per registry entry and per port a spec publishes that the registry lacks, by port. */
function portRows(report: ReturnType<typeof analyzePorts>, hasRegistry: boolean) {
  return [
    ...report.entries.map((e) => ({ port: formatSpan(e), protocol: e.protocol, hostIp: e.hostIp, repo: e.repo ?? '', service: e.service + (e.name ? ` (${e.name})` : ''), env: e.env ?? '', status: e.status, source: 'registry' as const })),
    ...report.bindings.filter((b) => !b.registered).map((b) => ({ port: formatSpan(b), protocol: b.protocol, hostIp: b.hostIp, repo: b.repo, service: b.service + (b.name ? ` (${b.name})` : ''), env: b.env ?? '', status: hasRegistry ? b.status : ('ok' as PortStatus), source: 'spec' as const })),
  ].sort((a, b) => parseInt(a.port) - parseInt(b.port) || a.protocol.localeCompare(b.protocol));
}

function printPortTable(ctx: CliContext, rows: ReturnType<typeof portRows>): void {
  const p = ctx.out.paint;
  const paintStatus = (s: PortStatus) => (s === 'conflict' || s === 'unregistered' ? p.red(s) : s === 'exclusive' || s === 'unused' ? p.yellow(s) : s === 'shared' ? p.cyan(s) : p.green(s));
  ctx.out.table(
    ['PORT', 'PROTOCOL', 'REPO', 'SERVICE', 'ENV', 'STATUS'],
    rows.map((r) => [r.hostIp ? `${r.hostIp}:${r.port}` : r.port, r.protocol, r.repo || p.dim('-'), r.service, r.env || p.dim('-'), paintStatus(r.status)]),
  );
}

/**
 * `berth ports check [more specs...]`: conflicts, ownership, ranges and env agreement; exit 1 on errors. In an
 * orchestrator's folder: its registry, with its members and the specs named.
 */
export async function check(ctx: CliContext, more: string[], opts: EnvFileFlags & { ecosystem?: boolean }): Promise<number> {
  // a repo's folder names its berth.yaml, as `berth ecosystem check ../repo` takes it
  more = more.map((path) => {
    const abs = resolve(ctx.cwd, path);
    return fileOrDefaultIn(abs, SPEC_FILE_NAME) === abs ? path : join(path, SPEC_FILE_NAME);
  });
  const place = ctx.place();
  if (place.kind === 'orchestrator') return checkOrchestrator(ctx, await loadOrchestrator(ctx, place), more, opts);
  // Where there is no berth.yaml (nor an orchestrator's files), the specs named are the ones to check: the bundled example is never added to them.
  if (more.length && place.bundled) {
    ctx.options.spec = more[0];
    more = more.slice(1);
  }
  const ws = ctx.load({ env: loadEnvOption(opts) });
  const specs: SpecInput[] = [specInput(ws)];
  addSpecs(ctx, specs, new Set([realOr(ws.specPath)]), more);
  const envFile = readEnvFile(ctx, ws, opts);
  const { env, origins } = mergedEnv(ctx, envFile);
  const report = analyzePorts({ specs, registry: registryInput(ws), env, envOrigins: origins });
  const own = sortProblems(report.problems, [...specs.map((x) => x.file), ...(ws.registry ? [ws.registry.file] : [])]);
  // In a repo of an ecosystem (no other specs named), the registry is judged with every member's spec, as validate judges it.
  const eco = more.length ? undefined : await memberView(ctx, ws, opts);
  const problems = eco ? (await import('@berth/ecosystem')).portProblemsAsMember(own, eco.view, eco.local) : own;
  const s = summary(problems);
  const ecosystem = ecosystemSummary(eco?.view);
  if (ctx.json) ctx.out.writeJson({ ok: s.errors === 0, specs: specs.map((x) => x.file), registry: ws.registry?.file ?? null, ecosystem: ecosystem.json, errors: s.errors, warnings: s.warnings, conflicts: report.conflicts, bindings: report.bindings, ...ctx.out.problemsJson(problems) });
  else {
    ctx.out.problems(problems);
    if (!ws.registry) ctx.out.note(`berth: ${ws.specFile} names no port registry; ports were checked against each other only`);
    const n = report.bindings.length;
    ctx.out.line(`${n} port binding${n === 1 ? '' : 's'} checked${ws.registry ? ` against ${ws.registry.file}` : ''}${ecosystem.text}: ${s.errors ? ctx.out.paint.red(s.text) : ctx.out.paint.green(s.text)}`);
  }
  return s.errors ? ExitCode.Findings : ExitCode.Ok;
}

/** Loads each spec named (bad input when one is not valid) into `specs`; one already in `seen` (by real path, so through a link too) is checked once, not against itself. */
function addSpecs(ctx: CliContext, specs: SpecInput[], seen: Set<string>, more: readonly string[]): void {
  for (const path of more) {
    const real = realOr(resolve(ctx.cwd, path));
    if (seen.has(real)) continue;
    seen.add(real);
    const loaded = loadSpecFile(path, ctx.cwd);
    if (!loaded.value || hasErrors(loaded.problems)) throw new BerthError('ERR_BERTH_INVALID_SPEC', `${loaded.file}: the spec is not valid`, { problems: loaded.problems });
    specs.push({ spec: loaded.value, file: loaded.file, ...(loaded.source ? { source: loaded.source } : {}) });
  }
}

/** `berth ports check` in an orchestrator's folder: every member and every spec named, against its registry (or --registry). */
function checkOrchestrator(ctx: CliContext, o: OrchestratorPorts, more: readonly string[], opts: EnvFileFlags): number {
  if (namedEnvFiles(opts).length) throw new BerthError('ERR_BERTH_USAGE', `${opts.dotenv?.length ? '--dotenv' : '--env-file'}: an orchestrator's folder checks its members' ports without one .env (as berth ecosystem check does); run berth ports check in a repo for its .env`);
  const specs: SpecInput[] = [...o.specs];
  addSpecs(ctx, specs, new Set(o.paths.map(realOr)), more);
  const report = analyzePorts({ specs, registry: o.registry });
  const problems = sortProblems(report.problems, [o.registry.file, ...specs.map((x) => x.file)]);
  const s = summary(problems);
  const code = unloadedExit(o, s.errors ? ExitCode.Findings : ExitCode.Ok);
  if (ctx.json) {
    ctx.out.writeJson({ ok: code === ExitCode.Ok, ...unloadedJson(o), manifest: o.manifest ?? null, specs: specs.map((x) => x.file), registry: o.registry.file, errors: s.errors, warnings: s.warnings, conflicts: report.conflicts, bindings: report.bindings, ...ctx.out.problemsJson(problems) });
    return code;
  }
  ctx.out.problems(o.unloaded, 'stderr');
  ctx.out.problems(problems);
  const n = report.bindings.length;
  const of = specs.length ? ` of ${specs.length} repo${specs.length === 1 ? '' : 's'}` : '';
  ctx.out.line(`${n} port binding${n === 1 ? '' : 's'}${of} checked against ${o.registry.file}: ${s.errors ? ctx.out.paint.red(s.text) : ctx.out.paint.green(s.text)}`);
  return code;
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
  const place = ctx.place();
  const o = place.kind === 'orchestrator' ? await loadOrchestrator(ctx, place) : undefined;
  const ws = o ? undefined : ctx.load();
  const specs = o ? o.specs : [specInput(ws!)];
  const registry = o ? o.registry : registryInput(ws!);
  // the repo asking: the spec's; in an orchestrator's folder, the one member that has the service
  const owners = specs.filter((x) => serviceNamed(x.spec, service));
  const asking = ws ? ws.spec : owners.length === 1 ? owners[0]!.spec : undefined;
  const svc = asking && serviceNamed(asking, service);
  if (o) ctx.out.problems(o.unloaded, 'stderr');
  if (!svc) ctx.out.note(`berth: ${ws ? `"${service}" is not a service of ${ws.specFile}` : noOneOwner(o!, service, owners)}; suggesting ports for a new one`);
  const current = svc?.ports?.find((p) => p.protocol === opts.protocol)?.host.from;
  const progress = ctx.progress('checking ports on this host');
  const { free, busy } = await freeOnHost({ registry, specs, ...(asking ? { repo: asking.repo.name } : {}), near: near ?? current, protocol: opts.protocol, count, signal: ctx.signal });
  progress.stop();
  if (ctx.json) ctx.out.writeJson({ service, protocol: opts.protocol, ports: free, boundOnHost: busy, ...(o ? unloadedJson(o) : {}) });
  else {
    for (const port of free) ctx.out.line(String(port));
    ctx.out.note(`berth: ${free.length} free ${opts.protocol} port${free.length === 1 ? '' : 's'} for ${service}: not in ${registry?.file ?? 'the spec'}${o?.manifest ? ` nor published by a member of ${o.manifest}` : ''}${registry ? ', not reserved for another repo' : ''}, not bound on this host${busy.length ? ` (skipped ${busy.length} bound here: ${busy.slice(0, 5).join(', ')}${busy.length > 5 ? ', ...' : ''})` : ''}`);
  }
  const code = free.length ? ExitCode.Ok : ExitCode.Findings;
  return o ? unloadedExit(o, code) : code;
}

/** Why no one member's service is the one `ports suggest` asks for, in an orchestrator's folder. */
function noOneOwner(o: OrchestratorPorts, service: string, owners: readonly SpecInput[]): string {
  if (owners.length > 1) return `"${service}" is a service of ${owners.length} members (${owners.map((x) => x.spec.repo.name).join(', ')}): pass --spec PATH for one of them`;
  return o.manifest ? `"${service}" is not a service of any member of ${o.manifest}` : `${o.registry.file} has no members, so "${service}" is no service of one`;
}

/** What the ports commands run on in an orchestrator's folder: its registry (or --registry), with its manifest's members. */
interface OrchestratorPorts {
  registry: RegistryInput;
  /** The members that loaded (none for a registry with no manifest), and where each spec is. */
  specs: SpecInput[];
  paths: string[];
  /** The manifest as shown; absent for a registry with no manifest. */
  manifest?: string;
  /** What could not be loaded (a member that is not there, or not valid): said on stderr, exit 2; what did load is used. */
  unloaded: Problem[];
}

/**
 * The orchestrator's registry and members, loaded as `berth ecosystem check` loads them (its loadForCli, with the
 * manifest found here). Bad input (exit 2) when the registry itself cannot be loaded.
 */
async function loadOrchestrator(ctx: CliContext, place: OrchestratorPlace): Promise<OrchestratorPorts> {
  if (place.found === 'ecosystem') {
    const { loadForCli } = await import('../ecosystem/load.js');
    const load = await loadForCli(ctx, [], { manifest: place.path });
    const unloaded = load.problems.filter((p) => p.severity === 'error');
    const eco = load.ecosystem;
    if (!eco) throw new BerthError('ERR_BERTH_INVALID_ECOSYSTEM', `${load.manifest ?? displayPath(place.path, ctx.cwd)}: the ecosystem could not be loaded`, { problems: unloaded });
    const { path: _path, ...registry } = eco.registry;
    return { registry, specs: eco.members.map(({ spec, file, source }) => ({ spec, file, ...(source ? { source } : {}) })), paths: eco.members.map((m) => m.path), ...(load.manifest ? { manifest: load.manifest } : {}), unloaded };
  }
  const loaded = loadRegistryFile(ctx.options.registry ?? place.path, ctx.cwd);
  if (!loaded.value || hasErrors(loaded.problems)) throw new BerthError('ERR_BERTH_INVALID_REGISTRY', `${loaded.file}: the port registry cannot be loaded`, { problems: loaded.problems });
  return { registry: { value: loaded.value, file: loaded.file, ...(loaded.source ? { source: loaded.source } : {}) }, specs: [], paths: [], unloaded: [] };
}

/** --json's word on members that could not be loaded, as every command's --json says an error. */
function unloadedJson(o: OrchestratorPorts): Record<string, unknown> {
  if (!o.unloaded.length) return {};
  return { error: { code: 'ERR_BERTH_INVALID_ECOSYSTEM', message: `the ecosystem was loaded in part: ${o.unloaded.length} problem(s) loading it` }, unloaded: o.unloaded };
}

/** Bad input (2) when a member could not be loaded, whatever the rest found. */
function unloadedExit(o: OrchestratorPorts, code: number): number {
  return o.unloaded.length ? ExitCode.BadInput : code;
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
