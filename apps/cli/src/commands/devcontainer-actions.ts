import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { BerthError, analyzePorts, devcontainerForwards, devcontainerPlace, displayPath, fileChangedError, findSpecFile, updateFileLocked, type Problem } from '@berth/spec';
import type { DevcontainerChange } from '@berth/devcontainer';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `berth import devcontainer [path]`: devcontainer.json carried into berth.yaml (made when missing), its comments kept. */
export async function importDevcontainer(ctx: CliContext, path: string | undefined, opts: { dryRun?: boolean }): Promise<number> {
  // Imported here, not at the top: the fast path's bundle holds this file but never runs it (@berth/devcontainer is left out).
  const { importDevcontainerFile, resolveDevcontainerConfig, workspaceFolderOf } = await import('@berth/devcontainer');
  const resolved = resolveDevcontainerConfig(path, ctx.cwd);
  if ('problem' in resolved) throw new BerthError('ERR_BERTH_DEVCONTAINER', resolved.problem.message, { problems: [resolved.problem] });
  const configFile = displayPath(resolved.path, ctx.cwd);
  const specPath = ctx.options.spec ? resolve(ctx.cwd, ctx.options.spec) : (findSpecFile(workspaceFolderOf(resolved.path)) ?? join(workspaceFolderOf(resolved.path), 'berth.yaml'));
  const specFile = displayPath(specPath, ctx.cwd);
  const result = importDevcontainerFile({ configPath: resolved.path, specPath, cwd: ctx.cwd });
  const errors = result.problems.filter((p) => p.severity === 'error');
  const warnings = result.problems.filter((p) => p.severity === 'warning');
  if (errors.length || result.after === undefined) {
    throw new BerthError('ERR_BERTH_DEVCONTAINER', `${configFile}: cannot be imported`, { problems: result.problems });
  }
  const changed = result.after !== result.before;
  if (changed && !opts.dryRun) {
    // Written only if the spec is still what the import read (it may be new): else nothing, and the one "changed" error.
    await ctx.waitingForLock((lock) =>
      updateFileLocked(
        specPath,
        (now) => {
          if (now !== result.before) throw fileChangedError(specFile);
          return result.after;
        },
        { display: specFile, purpose: `importing ${configFile}`, ...lock },
      ),
    );
  }
  if (ctx.json) {
    ctx.out.writeJson({ ok: true, devcontainer: configFile, spec: specFile, created: result.before === undefined, written: changed && !opts.dryRun, changes: result.changes, warnings });
    return ExitCode.Ok;
  }
  ctx.out.problems(warnings, 'stderr');
  for (const c of result.changes) ctx.out.line(`  ${c}`);
  const verb = !changed ? 'already holds everything in' : opts.dryRun ? 'would take' : result.before === undefined ? 'written from' : 'updated from';
  ctx.out.line(`${specFile}: ${verb} ${configFile}${changed ? ` (${plural(result.changes.length, 'change')})` : ''}`);
  if (changed && !opts.dryRun) ctx.out.note(`next: berth validate, then berth devcontainer --check`);
  return ExitCode.Ok;
}

/** `berth devcontainer [--check|--write]`: devcontainer.json in step with the spec, changing only what berth owns. */
export async function devcontainer(ctx: CliContext, opts: { check?: boolean; write?: boolean }): Promise<number> {
  const { besideReader, newDevcontainerJson, readDevcontainerJson, splitBom, syncDevcontainerJson } = await import('@berth/devcontainer');
  if (opts.write && opts.check) throw new BerthError('ERR_BERTH_USAGE', '--write and --check cannot be used together');
  const ws = ctx.load();
  if (!ws.spec.devcontainer) {
    throw new BerthError('ERR_BERTH_NO_DEVCONTAINER', `${ws.specFile} has no devcontainer`, { hint: 'import one: berth import devcontainer' });
  }
  const place = devcontainerPlace(ws.spec.devcontainer.config);
  const path = resolve(dirname(ws.specPath), place.config);
  const file = displayPath(path, ctx.cwd);

  let before: string | undefined;
  let after: string;
  let changes: DevcontainerChange[] = [];
  const notes: Problem[] = registryNotes(ctx);
  if (existsSync(path)) {
    const read = readDevcontainerJson(path, file);
    if (!read.config) throw new BerthError('ERR_BERTH_DEVCONTAINER', `${file}: cannot be read`, { problems: read.problems });
    const sync = syncDevcontainerJson(read.doc.text, read.config, ws.spec, { readBeside: besideReader(path) });
    before = read.doc.text;
    after = sync.text;
    changes = sync.changes;
    notes.push(...ctx.inSpec(sync.problems));
  } else after = newDevcontainerJson(ws.spec, specRelativeTo(dirname(path), ws.specPath));

  if (!opts.check && !opts.write) {
    if (ctx.json) ctx.out.writeJson({ ok: true, file, exists: before !== undefined, changes, warnings: notes, devcontainerJson: after });
    else {
      ctx.out.problems(notes, 'stderr');
      ctx.run.stdout.write(after);
    }
    return ExitCode.Ok;
  }
  const inStep = before !== undefined && changes.length === 0;
  if (opts.check) {
    const text = before === undefined ? `${file}: does not exist (run \`berth devcontainer --write\`)` : inStep ? `${file}: in step with ${ws.specFile}` : `${file}: out of step with ${ws.specFile} (${plural(changes.length, 'change')}; run \`berth devcontainer --write\`)`;
    if (ctx.json) ctx.out.writeJson({ ok: inStep, file, missing: before === undefined, changes, warnings: notes });
    else {
      ctx.out.problems(notes, 'stderr');
      ctx.out.line(inStep ? text : ctx.out.paint.red(text));
      for (const c of changes) ctx.out.line(`  ${describeChange(c)}`);
    }
    return inStep ? ExitCode.Ok : ExitCode.Findings;
  }
  if (ws.usingBundledExample) throw new BerthError('ERR_BERTH_USAGE', "not writing into the bundled example's devcontainer.json", { hint: 'run berth where your berth.yaml is' });
  if (!inStep) {
    await ctx.waitingForLock((lock) =>
      updateFileLocked(
        path,
        (now) => {
          // read as berth read it (past a byte-order mark), written back with the mark it had
          const { bom, body } = splitBom(now);
          if (body !== before) throw fileChangedError(file);
          return bom + after;
        },
        { display: file, purpose: `bringing it in step with ${ws.specFile}`, mkdir: true, ...lock },
      ),
    );
  }
  if (ctx.json) ctx.out.writeJson({ ok: true, file, written: !inStep, created: before === undefined, changes, warnings: notes });
  else {
    ctx.out.problems(notes, 'stderr');
    for (const c of changes) ctx.out.line(`  ${describeChange(c)}`);
    ctx.out.line(inStep ? `${file}: already in step with ${ws.specFile}` : before === undefined ? `${file}: written from ${ws.specFile}` : `${file}: ${plural(changes.length, 'change')} written`);
  }
  return ExitCode.Ok;
}

/** The spec as devcontainer.json's header names it: relative to the file's folder, posix, never absolute (the file is committed). */
const specRelativeTo = (folder: string, specPath: string) => relative(folder, specPath).split(sep).join('/');

/** The forwarded ports the registry does not hold, as warnings (berth validate reports them as errors). */
function registryNotes(ctx: CliContext): Problem[] {
  const ws = ctx.load();
  if (!ws.registry) return [];
  const source = ws.specLoaded.source;
  const report = analyzePorts({ specs: [{ spec: ws.spec, file: ws.specFile, ...(source ? { source } : {}) }], registry: { value: ws.registry.value, file: ws.registry.file, ...(ws.registry.source ? { source: ws.registry.source } : {}) } });
  // only the ports the devcontainer forwards: a UDP port, a range or a remapped port of the same service is not one
  const forwarded = new Set(devcontainerForwards(ws.spec).forwards.map((f) => f.path.join('.')));
  return report.problems
    .filter((p) => (p.code === 'port-unregistered' || p.code === 'port-registered-elsewhere') && p.path && forwarded.has(p.path.slice(0, 4).join('.')))
    .map((p) => ({ ...p, severity: 'warning' as const, message: `${p.message}, and the devcontainer forwards it` }));
}

function describeChange(c: DevcontainerChange): string {
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  const what = c.before === undefined ? `add ${show(c.after)}` : c.after === undefined ? `remove ${show(c.before)}` : `${show(c.before)} -> ${show(c.after)}`;
  return `${c.path}: ${what} (${c.why})`;
}
