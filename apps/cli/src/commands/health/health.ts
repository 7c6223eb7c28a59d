import { dirname } from 'node:path';
import { BerthError, closest, expectedServices, type BerthSpec } from '@berth/spec';
import type { CliContext } from '../../context.js';
import { ExitCode } from '../../exit-codes.js';
import { takesEscapes } from '../../output.js';
import { readEnvFile } from '../spec/inputs.js';
import { countLine, HEALTH_HEADERS, healthRows } from './render.js';

/** The engines of a spec that declares them, each connected on first use by a check. */
async function specEngines(ctx: CliContext, spec: BerthSpec) {
  const { specEngineSource } = await import('@berth/health');
  return { source: specEngineSource(spec, { env: ctx.env }) };
}

/**
 * `berth health [service...] [--watch]`: every check of the spec (or of the named services and
 * connections) at once, as a table: subject, check, status, latency, reason. Exit 0 when all pass.
 * With --watch: rounds every --interval seconds, redrawn in place on a TTY, plain blocks otherwise (TERM=dumb included).
 */
export async function health(ctx: CliContext, services: string[], opts: { watch?: boolean; interval: number; profile?: string[]; envFile?: string; dotenv?: string }): Promise<number> {
  const ws = ctx.load();
  const envFile = readEnvFile(ctx, ws, opts);
  const known = [...Object.keys(ws.spec.services), ...Object.keys(ws.spec.connections), ...(ws.spec.devcontainer ? ['devcontainer'] : [])];
  const unknown = services.filter((s) => !known.includes(s));
  if (unknown.length) {
    throw new BerthError('ERR_BERTH_UNKNOWN_SERVICE', `no service or connection named ${unknown.join(', ')}`, {
      problems: unknown.map((s) => {
        const near = closest(s, known);
        return { code: 'unknown-service', severity: 'error' as const, file: ws.specFile, message: `no service or connection "${s}"`, hint: near ? `did you mean ${near}?` : `known: ${known.join(', ')}` };
      }),
    });
  }
  const { deriveChecks, runChecks, stackStatus, offReason } = await import('@berth/health');
  // Unless named, services the selection does not expect (Compose profiles off, and no devcontainer or
  // host runtime) are left out, as `docker compose up` leaves them; @berth/spec's expectedServices decides.
  const { off: offProfiles, warnings } = expectedServices(ws.spec, { env: ctx.env, ...(opts.profile?.length ? { profiles: opts.profile } : {}) });
  if (!ctx.json) for (const w of warnings) ctx.out.note(`berth: ${w.message}`);
  const off = services.length ? [] : Object.keys(offProfiles);
  if (off.length && !ctx.json) ctx.out.note(`berth: not checking ${off.join(', ')} (${offReason([...new Set(off.flatMap((s) => offProfiles[s]!))])}; pass --profile, set COMPOSE_PROFILES or name them)`);
  const wanted = services.length ? services : off.length ? known.filter((k) => !off.includes(k)) : [];
  // Each service is checked at its engine's address (deriveChecks finds each, the default engine's included);
  // a spec with engines of its own has each service's container looked for on that engine.
  const engines = Object.keys(ws.spec.engines).length ? await specEngines(ctx, ws.spec) : undefined;
  const variables = { env: ctx.env, ...(envFile ? { dotenv: envFile.values } : {}) };
  const targets = deriveChecks(ws.spec, { services: wanted, baseDir: dirname(ws.specPath), ...variables });
  if (targets.length === 0) {
    if (ctx.json) ctx.out.writeJson({ ok: true, spec: ws.specFile, status: 'passing', checks: [] });
    else ctx.out.line(`${ws.specFile}: nothing to check (no ports, connections or checks${services.length ? ` for ${services.join(', ')}` : ''})`);
    return ExitCode.Ok;
  }
  const tty = takesEscapes(ctx.run.stdout, ctx.env) && !ctx.json;
  let drawn = 0;
  let code: number = ExitCode.Ok;
  for (let round = 0; ; round++) {
    const progress = ctx.progress(`checking ${targets.length} check${targets.length === 1 ? '' : 's'}…`);
    const results = await runChecks(targets, { signal: ctx.signal, ...(engines ? { engine: engines.source } : {}) }).finally(() => (opts.watch ? undefined : engines?.source.close()));
    progress.stop();
    if (ctx.signal.aborted) return ExitCode.Interrupted;
    const status = stackStatus(results);
    code = results.every((r) => r.status === 'passing') ? ExitCode.Ok : ExitCode.Findings;
    if (ctx.json) {
      const doc = { ok: code === ExitCode.Ok, spec: ws.specFile, status, ...(off.length ? { skipped: off } : {}), checkedAt: new Date().toISOString(), checks: results };
      if (opts.watch) ctx.out.writeJsonLine(doc);
      else ctx.out.writeJson(doc);
    } else {
      // Output.table's alignment, captured as lines so a --watch redraw knows how many to move up over.
      const lines: string[] = [];
      const capture = { ...ctx.out, line: (t = '') => lines.push(t) };
      ctx.out.table.call(capture, HEALTH_HEADERS, healthRows(ctx.out.paint, results));
      const stamp = opts.watch ? ` at ${new Date().toLocaleTimeString()}` : '';
      lines.push('', `${ws.specFile}: ${countLine(results)}${stamp}`);
      if (tty && drawn) ctx.run.stdout.write(`\u001b[${drawn}F\u001b[J`);
      else if (opts.watch && round > 0) ctx.out.line();
      for (const l of lines) ctx.out.line(l);
      drawn = lines.length;
    }
    if (!opts.watch) return code;
    const stopped = await new Promise<boolean>((resolve) => {
      // one listener per wait, removed when the wait ends: a listener left per round piles up on the signal for the
      // whole --watch (node warns of a leak at the eleventh)
      const onAbort = () => (clearTimeout(t), resolve(true));
      const t = setTimeout(() => (ctx.signal.removeEventListener('abort', onAbort), resolve(false)), opts.interval * 1000);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
    if (stopped) return ExitCode.Interrupted;
  }
}
