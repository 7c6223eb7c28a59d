import { dirname, join, resolve } from 'node:path';
import { BerthError, hasErrors, replaceBlocker, updateFilesLocked, type Problem } from '@berth/spec';
import { lineDrift, samePage } from '@berth/spec/render';
import type { CliContext } from '../../context.js';
import { ExitCode } from '../../exit-codes.js';
import { handWrittenError, preparePage, updateHint } from '../generated-page.js';
import { summary } from '../spec/inputs.js';
import { loadForCli, noteDuplicates, type EcosystemOptions } from './load.js';

/**
 * `berth ecosystem docs [SPEC...] [--write DIR | --check DIR]`: PORTS.md, GLOBAL_INFRASTRUCTURE.md and DIAGRAMS.md,
 * with the hand-written berth:keep blocks of the committed pages kept, as `berth docs` keeps them. Nothing is written
 * when anything could not be loaded or a page's markers are broken.
 */
export async function docs(ctx: CliContext, specs: string[], opts: EcosystemOptions & { write?: string; check?: string; force?: boolean }): Promise<number> {
  if (opts.write !== undefined && opts.check !== undefined) throw new BerthError('ERR_BERTH_USAGE', '--write and --check cannot be used together');
  // an unset variable (`--write "$DOCS_DIR"`) would otherwise mean the current folder
  for (const [flag, value] of [['--write', opts.write], ['--check', opts.check]] as const) {
    if (value !== undefined && value.trim() === '') throw new BerthError('ERR_BERTH_USAGE', `${flag} needs a folder, and was given an empty one`);
  }
  const load = await loadForCli(ctx, specs, opts);
  noteDuplicates(ctx, load.duplicates);
  if (!load.ecosystem || hasErrors(load.problems)) {
    throw new BerthError('ERR_BERTH_INVALID_ECOSYSTEM', 'the ecosystem could not be loaded; nothing rendered', { problems: load.problems });
  }
  const eco = load.ecosystem;
  const [{ checkEcosystem }, { ECOSYSTEM_PAGES, renderEcosystemPages }] = await Promise.all([import('@berth/ecosystem'), import('@berth/ecosystem/render')]);
  const report = checkEcosystem(eco);
  const dirFlag = opts.write ?? opts.check;
  const dir = dirFlag !== undefined ? resolve(ctx.cwd, dirFlag) : join(eco.manifests[0] ? eco.manifests[0].dir : dirname(eco.registry.path), 'docs');
  const rendered = renderEcosystemPages(eco, report, dir);
  const pages = ECOSYSTEM_PAGES.map((name) => preparePage(join(dir, name), rendered[name], ctx.cwd, dirFlag !== undefined));
  const broken: Problem[] = pages.flatMap((p) => p.problems);
  if (broken.length) throw new BerthError('ERR_BERTH_KEEP_MARKERS', 'broken berth:keep markers; nothing written', { problems: broken });
  // the pages show the ecosystem as it is, errors included: --json says so too (ok is about the pages), as the note does
  // (what loading warned of included: the problems `berth ecosystem check` would list)
  const problems = [...load.problems, ...report.problems];
  const found = summary(problems);
  if (found.errors) ctx.out.note(`berth: the ecosystem has ${found.errors} error(s); the pages show it as it is (see \`berth ecosystem check\`)`);
  const findings = () => ({ errors: found.errors, warnings: found.warnings, ...ctx.out.problemsJson(problems) });

  if (opts.check !== undefined) {
    const results = pages.map((p) => {
      if (p.previous === undefined) return { file: p.file, ok: false, missing: true, text: `${p.file}: does not exist (run \`berth ecosystem docs --write ${dirFlag}\`)` };
      if (samePage(p.previous, p.page)) return { file: p.file, ok: true, text: `${p.file}: up to date` };
      const drift = lineDrift(p.previous, p.page);
      return { file: p.file, ok: false, drift, text: `${p.file}: out of date (${drift.added} line(s) to add, ${drift.removed} to remove; ${updateHint(p, `berth ecosystem docs --write ${dirFlag}`)})` };
    });
    const ok = results.every((r) => r.ok);
    if (ctx.json) ctx.out.writeJson({ ok, pages: results.map(({ text: _text, ...r }) => r), ...findings() });
    else {
      for (const r of results) {
        ctx.out.line(r.ok ? r.text : ctx.out.paint.red(r.text));
        for (const line of r.drift?.sample ?? []) ctx.out.line(`  ${line}`);
      }
    }
    return ok ? ExitCode.Ok : ExitCode.Findings;
  }
  if (opts.write !== undefined) {
    // a hand-written page (the one a team kept before berth) is replaced only with --force, and then none is written
    const handWritten = opts.force ? [] : pages.filter((p) => p.handWritten);
    if (handWritten.length === 1) throw handWrittenError(handWritten[0]!.file);
    if (handWritten.length) {
      const problems = handWritten.map((p): Problem => ({ code: 'hand-written-page', severity: 'error', file: p.file, message: `${p.file} is not a page berth generated; not overwriting it` }));
      throw new BerthError('ERR_BERTH_FILE_EXISTS', `${handWritten.length} pages are hand-written; nothing written`, { problems, hint: handWrittenError(handWritten[0]!.file).hint! });
    }
    // every page writable before any is written: three pages of one ecosystem, never half of them updated
    const blocked = pages.flatMap((p): Problem[] => {
      const why = replaceBlocker(p.path);
      return why ? [{ code: 'page-unwritable', severity: 'error', file: p.file, message: `cannot write ${p.file}: ${why}` }] : [];
    });
    if (blocked.length) throw new BerthError('ERR_BERTH_WRITE', `${blocked.length === 1 ? 'a page cannot' : `${blocked.length} pages cannot`} be written; nothing written`, { problems: blocked });
    // Every page's lock held before any is written, and each page read again under it: a berth:keep block written
    // meanwhile is kept, not overwritten; another berth holding one page leaves all three as they were.
    const updates = await ctx.waitingForLock((lock) =>
      updateFilesLocked(
        pages.map((p, i) => ({
          path: p.path,
          display: p.file,
          update: () => {
            const fresh = preparePage(p.path, rendered[ECOSYSTEM_PAGES[i]!], ctx.cwd);
            if (fresh.handWritten && !opts.force) throw handWrittenError(fresh.file);
            if (fresh.problems.length) throw new BerthError('ERR_BERTH_KEEP_MARKERS', 'broken berth:keep markers', { problems: fresh.problems });
            return fresh.page;
          },
        })),
        { purpose: "writing the ecosystem's pages", mkdir: true, ...lock },
      ),
    );
    const written = pages.map((p, i) => ({ file: p.file, written: updates[i]!.written }));
    if (ctx.json) ctx.out.writeJson({ ok: true, pages: written, ...findings() });
    else for (const w of written) ctx.out.line(`${w.file}: ${w.written ? 'written' : 'already up to date'}`);
    return ExitCode.Ok;
  }
  if (ctx.json) ctx.out.writeJson({ ok: true, pages: Object.fromEntries(pages.map((p, i) => [ECOSYSTEM_PAGES[i], p.page])), ...findings() });
  else ctx.run.stdout.write(pages.map((p) => p.page).join('\n'));
  return ExitCode.Ok;
}
