import { dirname } from 'node:path';
import type { DoctorReport, DoctorSection } from '@berth/doctor';
import type { CliContext } from '../../context.js';
import { ExitCode } from '../../exit-codes.js';
import type { Palette } from '../../output.js';
import { enabledModules, readEnvFile, registryInput } from '../spec/inputs.js';
import { formatDuration } from '@berth/spec';
import { paintStatus } from './render.js';

/**
 * `berth doctor`: the spec and registry, ports, env, the engine, the GPU and every check, run at once.
 * One block per section; each problem with the one thing to do next. Exit 1 when anything is
 * critical; warnings and unknowns are shown but do not fail (berth could not look, or it is by design).
 */
export async function doctor(ctx: CliContext, opts: { module: string[]; profile?: string[]; envFile?: string; dotenv?: string }): Promise<number> {
  const ws = ctx.load();
  const envFile = readEnvFile(ctx, ws, opts);
  const modules = enabledModules(ws, opts.module);
  const { runDoctor } = await import('@berth/doctor');
  const progress = ctx.progress('checking the spec, ports, env, Docker, GPU and every service…');
  const registry = registryInput(ws);
  const report = await runDoctor({
    spec: ws.spec,
    specFile: ws.specFile,
    baseDir: dirname(ws.specPath),
    ...(ws.specLoaded.source ? { source: ws.specLoaded.source } : {}),
    ...(registry ? { registry } : {}),
    loadWarnings: [...ws.warnings, ...(envFile?.problems ?? [])],
    env: ctx.env,
    ...(envFile ? { envFile } : {}),
    modules,
    ...(opts.profile?.length ? { profiles: opts.profile } : {}),
    signal: ctx.signal,
  });
  progress.stop();
  if (ctx.signal.aborted) return ExitCode.Interrupted;
  const failing = report.sections.some((s) => s.status === 'critical');
  if (ctx.json) {
    ctx.out.writeJson({ ok: !failing, bundledExample: ws.usingBundledExample, ...report });
  } else {
    printReport(ctx, report, ws.usingBundledExample);
  }
  return failing ? ExitCode.Findings : ExitCode.Ok;
}

const MARK = { passing: '✓', warning: '!', critical: '✗', starting: '…', unknown: '?' } as const;

function printSection(ctx: CliContext, p: Palette, s: DoctorSection): void {
  ctx.out.line(`${paintStatus(p, s.status).replace(/\w+/, (w) => `${MARK[s.status]} ${w}`)}  ${p.bold(s.title)}: ${s.summary}`);
  for (const f of s.findings) {
    if (f.status === 'passing' && s.id !== 'ports') continue;
    // health findings read "mlflow: http :5000/health: ..."; elsewhere the message already names its subject
    const subject = f.subject && (s.id === 'health' || !f.message.startsWith(f.subject)) ? `${f.subject}: ` : '';
    ctx.out.line(`    ${paintStatus(p, f.status)}  ${subject}${f.message}`);
    if (f.next) ctx.out.line(`      ${p.cyan('→')} ${f.next}`);
  }
}

function printReport(ctx: CliContext, report: DoctorReport, bundled: boolean): void {
  const p = ctx.out.paint;
  ctx.out.line(p.bold(`berth doctor: ${report.spec}${bundled ? ' (the bundled example)' : ''}`));
  ctx.out.line();
  for (const s of report.sections) printSection(ctx, p, s);
  ctx.out.line();
  const bad = report.sections.filter((s) => s.status === 'critical' || s.status === 'warning');
  const todo = new Set(report.sections.flatMap((s) => s.findings.filter((f) => f.next && (f.status === 'critical' || f.status === 'warning')).map((f) => f.next)));
  // a section still starting, or one berth could not look at, is said too: with nothing failed, that is not "all clear"
  const starting = report.sections.filter((s) => s.status === 'starting').map((s) => s.title.toLowerCase());
  const unknown = report.sections.filter((s) => s.status === 'unknown').map((s) => s.title.toLowerCase());
  const open = [...(starting.length ? [`still starting: ${starting.join(', ')}`] : []), ...(unknown.length ? [`could not tell: ${unknown.join(', ')}`] : [])].join('; ');
  const verdict = bad.length
    ? p.red(`${bad.length} of ${report.sections.length} sections need attention (${bad.map((s) => s.title.toLowerCase()).join(', ')}); ${todo.size} thing${todo.size === 1 ? '' : 's'} to do${open ? `; ${open}` : ''}`)
    : open
      ? p.yellow(`nothing failed; ${open}`)
      : p.green('all clear');
  ctx.out.line(`${verdict} ${p.dim(`(in ${formatDuration(report.durationMs)})`)}`);
}
