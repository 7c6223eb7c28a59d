import type { EcosystemProblem } from '@berth/ecosystem';
import type { Problem } from '@berth/spec';
import type { CliContext } from '../../context.js';
import { ExitCode } from '../../exit-codes.js';
import { summary } from '../spec/inputs.js';
import { errorsIn, loadForCli, noteDuplicates, type EcosystemOptions } from './load.js';

/**
 * `berth ecosystem check [SPEC...]`: every member against the registry and each other. One line per problem;
 * exit 2 when something could not be loaded (what did load is still checked and reported), 1 on errors, else 0.
 */
export async function check(ctx: CliContext, specs: string[], opts: EcosystemOptions): Promise<number> {
  const load = await loadForCli(ctx, specs, opts);
  noteDuplicates(ctx, load.duplicates);
  const eco = load.ecosystem;
  const { checkEcosystem } = await import('@berth/ecosystem');
  const progress = ctx.progress('checking the ecosystem');
  if (load.slow && eco) progress.update(`checking ${eco.members.length} members`);
  const report = eco ? checkEcosystem(eco) : undefined;
  progress.stop();
  const problems: (Problem | EcosystemProblem)[] = [...load.problems, ...(report?.problems ?? [])];
  const s = summary(problems);
  const bad = errorsIn(load.problems) > 0 || !eco;
  const code = bad ? ExitCode.BadInput : s.errors ? ExitCode.Findings : ExitCode.Ok;
  if (ctx.json) {
    ctx.out.writeJson({
      ok: code === ExitCode.Ok,
      // Bad input is said as every command says an error (an MCP client reads it so); what did load is still checked below.
      ...(bad ? { error: { code: 'ERR_BERTH_INVALID_ECOSYSTEM', message: eco ? `the ecosystem was loaded in part: ${errorsIn(load.problems)} problem(s) loading it` : 'the ecosystem could not be loaded; nothing was checked' } } : {}),
      ecosystem: eco?.name ?? null,
      manifest: load.manifest ?? null,
      registry: eco?.registry.file ?? null,
      members: eco?.members.map((m) => ({ repo: m.repo, file: m.file, source: m.origin })) ?? [],
      unloaded: eco?.unloaded ?? [],
      errors: s.errors,
      warnings: s.warnings,
      problems,
      graph: report?.graph ?? null,
    });
    return code;
  }
  // What could not be loaded is an error report, on stderr as every command writes one; the findings are the data, on stdout.
  ctx.out.problems(load.problems.filter((p) => p.severity === 'error'), 'stderr');
  ctx.out.problems([...load.problems.filter((p) => p.severity !== 'error'), ...(report?.problems ?? [])]);
  if (!eco) {
    ctx.out.note(ctx.out.paint.red(`berth ecosystem: not checked: ${s.text}`));
    return code;
  }
  // every connection of the loaded members: a TCP one may reach several targets (an edge each), a stdio one none
  const connections = eco.members.reduce((n, m) => n + Object.keys(m.spec.connections).length, 0);
  const unloaded = eco.unloaded.length ? `, ${eco.unloaded.length} not loaded (${eco.unloaded.join(', ')})` : '';
  const what = `${eco.name ? `ecosystem ${eco.name}` : 'ecosystem'}: ${eco.members.length} member${eco.members.length === 1 ? '' : 's'}${unloaded}, ${report!.ports.bindings.length} published port${report!.ports.bindings.length === 1 ? '' : 's'}, ${connections} connection${connections === 1 ? '' : 's'} checked against ${eco.registry.file}`;
  ctx.out.line(`${what}: ${s.errors ? ctx.out.paint.red(s.text) : s.warnings ? ctx.out.paint.yellow(s.text) : ctx.out.paint.green(s.text)}`);
  return code;
}
