import { hasInvalidSpecErrors, sortProblems, validateSpec } from '@berth/spec';
import type { CliContext } from '../../context.js';
import { ExitCode } from '../../exit-codes.js';
import { ecosystemSummary, memberView } from './ecosystem-view.js';
import { loadEnvOption, mergedEnv, readEnvFile, registryInput, specInput, summary, type EnvFileFlags } from './inputs.js';

/**
 * `berth validate`: the schema and references (checked while loading; bad input exits 2, as does an image reference
 * the engine refuses: hasInvalidSpecErrors), then the ports
 * against the registry and each other, env values of port variables, the env schema and its naming conventions.
 * When the registry has an ecosystem manifest beside it, also the cross-repo problems that concern this repo,
 * judged with every member's spec (@berth/ecosystem's problemsAsMember says which of its own they replace).
 */
export async function validate(ctx: CliContext, opts: EnvFileFlags & { ecosystem?: boolean }): Promise<number> {
  const ws = ctx.load({ env: loadEnvOption(opts) });
  const envFile = readEnvFile(ctx, ws, opts);
  const { env, origins } = mergedEnv(ctx, envFile);
  const own = sortProblems([...ws.warnings, ...(envFile?.problems ?? []), ...validateSpec({ spec: specInput(ws), registry: registryInput(ws), env, envOrigins: origins })], [ws.specFile, ...(ws.registry ? [ws.registry.file] : [])]);
  const eco = await memberView(ctx, ws, opts);
  const problems = eco ? (await import('@berth/ecosystem')).problemsAsMember(own, eco.view, eco.local) : own;
  const s = summary(problems);
  const ecosystem = ecosystemSummary(eco?.view);
  if (ctx.json) {
    ctx.out.writeJson({ ok: s.errors === 0, spec: ws.specFile, registry: ws.registry?.file ?? null, ecosystem: ecosystem.json, bundledExample: ws.usingBundledExample, errors: s.errors, warnings: s.warnings, ...ctx.out.problemsJson(problems) });
  } else {
    ctx.out.problems(problems);
    if (!ws.registry) ctx.out.note(`berth: ${ws.specFile} names no port registry; ports were checked against each other only`);
    const verdict = s.errors ? ctx.out.paint.red(`${s.text}`) : ctx.out.paint.green(s.warnings ? `valid (${s.text})` : 'valid');
    ctx.out.line(`${ws.specFile}${ws.registry ? ` + ${ws.registry.file}` : ''}${ecosystem.text}: ${verdict}`);
  }
  // an image the engine refuses is a spec field that is invalid: bad input, as a schema error is
  return hasInvalidSpecErrors(problems) ? ExitCode.BadInput : s.errors ? ExitCode.Findings : ExitCode.Ok;
}
