import { resolve } from 'node:path';
import { analyzeEnvironment, displayPath, envValue, renderEnvExample, resolveProfiles, sortProblems, writeFileLocked } from '@berth/spec';
import type { CliContext } from '../../context.js';
import { ExitCode } from '../../exit-codes.js';
import { enabledModules, loadEnvOption, readEnvFile, registryInput, specInput, summary, type EnvFileFlags } from './inputs.js';

/**
 * `berth env check`: the process env and a `.env` file against the env schema for the enabled modules and the
 * Compose profiles on (`--profile`, else COMPOSE_PROFILES, as `berth up` takes them).
 * Prints names, requirements and verdicts; never a value, not even with --json.
 */
export function check(ctx: CliContext, opts: EnvFileFlags & { module: string[]; profile: string[] }): number {
  const ws = ctx.load({ env: loadEnvOption(opts) });
  const envFile = readEnvFile(ctx, ws, opts);
  const modules = enabledModules(ws, opts.module);
  const selection = resolveProfiles(ws.spec, { profiles: opts.profile, env: ctx.env });
  // A port variable must also agree with the port the registry gives it; a value that is no port is said there, once.
  const { report, problems: found } = analyzeEnvironment({
    spec: specInput(ws),
    ...(registryInput(ws) ? { registry: registryInput(ws) } : {}),
    env: ctx.env,
    ...(envFile ? { envFile } : {}),
    modules,
    profiles: selection.profiles,
  });
  const unknownProfiles = selection.problems.filter((p) => p.code === 'unknown-profile');
  const problems = sortProblems([...(envFile?.problems ?? []), ...found, ...unknownProfiles], [ws.specFile]);
  const s = summary(problems);
  if (ctx.json) {
    ctx.out.writeJson({ ok: s.errors === 0, spec: ws.specFile, envFile: envFile?.file ?? null, modules: report.modules, profiles: report.profiles, errors: s.errors, warnings: s.warnings, vars: report.vars, ...ctx.out.problemsJson(problems) });
    return s.errors ? ExitCode.Findings : ExitCode.Ok;
  }
  const p = ctx.out.paint;
  ctx.out.table(
    ['NAME', 'REQUIRED', 'SECRET', 'STATUS', 'FROM'],
    report.vars.map((v) => [
      v.name,
      v.required ? 'yes' : v.modules ? p.dim(`with ${v.modules.join('/')}`) : v.profiles ? p.dim(`with profile ${v.profiles.join('/')}`) : p.dim('no'),
      v.secret ? 'secret' : '',
      !v.valid ? p.red(v.set ? 'invalid' : 'missing') : v.set ? p.green('set') : p.dim('unset'),
      v.source === 'env' ? 'environment' : v.source === 'env-file' ? (envValue(envFile!.files, v.name) ?? envFile!.file) : v.source === 'default' ? 'default' : '',
    ]),
  );
  ctx.out.problems(problems);
  const mods = report.modules.length ? `modules ${report.modules.join(', ')}` : 'no modules enabled';
  const profiles = report.profiles.length ? `, profiles ${report.profiles.join(', ')}` : '';
  ctx.out.line(`${ws.specFile} (${mods}${profiles}${envFile ? `, ${envFile.file}` : ''}): ${s.errors ? p.red(s.text) : p.green(s.text)}`);
  return s.errors ? ExitCode.Findings : ExitCode.Ok;
}

/** `berth env example`: writes `.env.example` (secrets blank), atomically, refusing to overwrite without --force. */
export async function example(ctx: CliContext, opts: { output: string; force?: boolean }): Promise<number> {
  const ws = ctx.load();
  const text = renderEnvExample(ws.spec, { specFile: ws.specFile });
  const vars = text.split('\n').filter((l) => /^[A-Za-z_]/.test(l)).length;
  if (opts.output === '-') {
    // on stdout: the file itself, or with --json one document that holds it
    if (ctx.json) ctx.out.writeJson({ ok: true, file: null, vars, text });
    else ctx.out.line(text.trimEnd());
    return ExitCode.Ok;
  }
  const path = resolve(ctx.cwd, opts.output);
  const file = displayPath(path, ctx.cwd);
  await ctx.waitingForLock((lock) => writeFileLocked(path, text, { overwrite: !!opts.force, display: file, ...lock }));
  if (ctx.json) ctx.out.writeJson({ ok: true, file, vars });
  else ctx.out.line(`wrote ${file} (${vars} variable${vars === 1 ? '' : 's'}; secrets left blank)`);
  return ExitCode.Ok;
}
