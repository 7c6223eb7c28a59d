import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { BerthError, displayPath, fileExistsError, updateFileLocked, writeFileLocked, type Problem } from '@berth/spec';
// Subpath imports keep the renderer and the JSON Schema generator out of the chunk every command loads.
import { composeFileIn } from './compose-commands.js';
import { INFRASTRUCTURE_PAGE, lineDrift, renderInfrastructurePage, samePage, starterSpecText } from '@berth/spec/render';
import { ECOSYSTEM_SCHEMA_ID, REGISTRY_SCHEMA_ID, SPEC_SCHEMA_ID, ecosystemJsonSchema, jsonSchemaText, registryJsonSchema, specJsonSchema } from '@berth/spec/json-schema';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { handWrittenError, preparePage, updateHint } from './generated-page.js';
import { memberView } from './spec/ecosystem-view.js';

function keepMarkersError(file: string, problems: Problem[]): BerthError {
  return new BerthError('ERR_BERTH_KEEP_MARKERS', `${file}: broken berth:keep markers`, { problems });
}

/**
 * `berth docs`: print, write or check the spec's INFRASTRUCTURE.md. In a repo of an ecosystem (an ecosystem.yaml
 * beside its registry), "Consumed By" is what the other repos' connections say, not the hand-written `consumers:`.
 */
export async function docs(ctx: CliContext, opts: { write?: boolean; check?: boolean; output?: string; ecosystem?: boolean; force?: boolean }): Promise<number> {
  if (opts.write && opts.check) throw new BerthError('ERR_BERTH_USAGE', '--write and --check cannot be used together');
  const ws = ctx.load();
  const target = opts.output ? resolve(ctx.cwd, opts.output) : join(dirname(ws.specPath), INFRASTRUCTURE_PAGE);
  const view = (await memberView(ctx, ws, opts))?.view;
  const derived = view?.consumers && { ecosystem: view.name ?? view.manifest, consumers: view.consumers };
  if (view?.problems.some((p) => p.code.startsWith('consumer-'))) ctx.out.note(`berth: ${ws.specFile}'s consumers: disagrees with what the repos of ecosystem ${view.name ?? view.manifest} connect to; the page shows what they connect to (see \`berth validate\`)`);
  const rendered = renderInfrastructurePage(ws.spec, { specFile: basename(ws.specPath), ...(derived ? { derivedConsumers: derived } : {}) });
  const prepared = preparePage(target, rendered, ctx.cwd, !!opts.check);
  const { file, previous, page, problems } = prepared;
  if (problems.length) throw keepMarkersError(file, problems);

  if (opts.check) {
    // the command that writes this very file: -o kept, or the hint would write INFRASTRUCTURE.md instead
    const write = `berth docs --write${opts.output ? ` -o ${opts.output}` : ''}`;
    if (previous === undefined) {
      report(ctx, { ok: false, file, missing: true }, `${file}: does not exist (run \`${write}\`)`);
      return ExitCode.Findings;
    }
    if (samePage(previous, page)) {
      report(ctx, { ok: true, file }, `${file}: up to date`);
      return ExitCode.Ok;
    }
    const drift = lineDrift(previous, page);
    report(ctx, { ok: false, file, drift }, `${file}: out of date with ${ws.specFile} (${drift.added} line(s) to add, ${drift.removed} to remove; ${updateHint(prepared, write)})`);
    if (!ctx.json) for (const line of drift.sample) ctx.out.line(`  ${line}`);
    return ExitCode.Findings;
  }
  if (opts.write || opts.output) {
    if (ws.usingBundledExample && !opts.output) {
      throw new BerthError('ERR_BERTH_USAGE', 'not writing into the bundled example', { hint: 'pass -o FILE, or run berth where your berth.yaml is' });
    }
    // The keep blocks are merged again from the page as it is under the lock: a hand edit saved meanwhile is kept.
    const { written } = await ctx.waitingForLock((lock) =>
      updateFileLocked(
        target,
        () => {
          const fresh = preparePage(target, rendered, ctx.cwd);
          if (fresh.handWritten && !opts.force) throw handWrittenError(file);
          if (fresh.problems.length) throw keepMarkersError(file, fresh.problems);
          return fresh.page;
        },
        { display: file, ...lock },
      ),
    );
    report(ctx, { ok: true, file, written }, written ? `${file}: written` : `${file}: already up to date`);
    return ExitCode.Ok;
  }
  if (ctx.json) ctx.out.writeJson({ ok: true, spec: ws.specFile, ecosystem: view?.name ?? null, markdown: page });
  else ctx.run.stdout.write(page);
  return ExitCode.Ok;
}

function report(ctx: CliContext, json: Record<string, unknown>, text: string) {
  if (ctx.json) ctx.out.writeJson(json);
  else ctx.out.line(text);
}

/** `berth schema [spec|registry|ecosystem]`: the JSON Schema editors use to autocomplete and check the YAML. */
export async function schema(ctx: CliContext, which: string, opts: { output?: string; force?: boolean }): Promise<number> {
  const schemas = { spec: specJsonSchema, berth: specJsonSchema, registry: registryJsonSchema, ports: registryJsonSchema, ecosystem: ecosystemJsonSchema } as const;
  const make = Object.hasOwn(schemas, which) ? schemas[which as keyof typeof schemas] : undefined;
  if (!make) throw new BerthError('ERR_BERTH_USAGE', `unknown schema "${which}"`, { hint: 'berth schema spec | berth schema registry | berth schema ecosystem' });
  const text = jsonSchemaText(make());
  if (!opts.output) {
    ctx.run.stdout.write(text);
    return ExitCode.Ok;
  }
  const target = resolve(ctx.cwd, opts.output);
  if (!existsSync(dirname(target))) throw new BerthError('ERR_BERTH_NO_DIR', `${displayPath(dirname(target), ctx.cwd)}: no such directory`);
  const display = displayPath(target, ctx.cwd);
  // regenerating a schema file is the point of -o; anything else (berth.yaml itself, by a slip) needs --force
  await ctx.waitingForLock((lock) =>
    updateFileLocked(
      target,
      (current) => {
        if (current !== undefined && !opts.force && !isBerthJsonSchema(current)) throw fileExistsError(display, { hint: 'it is not a JSON Schema berth wrote; pass --force to overwrite it' });
        return text;
      },
      { display, ...lock },
    ),
  );
  report(ctx, { ok: true, file: display }, `${display}: written`);
  return ExitCode.Ok;
}

/** Text that is a JSON Schema `berth schema` wrote (of any of its documents, any version): one it may replace. */
function isBerthJsonSchema(text: string): boolean {
  try {
    const doc = JSON.parse(text) as { $schema?: unknown; $id?: unknown };
    return typeof doc.$schema === 'string' && [SPEC_SCHEMA_ID, REGISTRY_SCHEMA_ID, ECOSYSTEM_SCHEMA_ID].includes(doc.$id as string);
  } catch {
    return false;
  }
}

/** `berth init`: a commented starter berth.yaml that loads clean; never overwrites without --force. */
export async function init(ctx: CliContext, opts: { output: string; force?: boolean; mcp?: boolean }): Promise<number> {
  // -o naming a folder writes berth.yaml in it, as `cp file DIR` and `git init DIR` would
  const given = resolve(ctx.cwd, opts.output);
  const target = isDirectory(given) ? join(given, 'berth.yaml') : given;
  const file = displayPath(target, ctx.cwd);
  if (existsSync(target) && !opts.force) throw fileExistsError(file);
  if (!existsSync(dirname(target))) throw new BerthError('ERR_BERTH_NO_DIR', `${displayPath(dirname(target), ctx.cwd)}: no such directory`);
  const text = starterSpecText({ repo: basename(dirname(target)), ...schemaNear(dirname(target)) });
  // Checked again under the lock: without --force a file that appeared since the check above is refused too.
  await ctx.waitingForLock((lock) => writeFileLocked(target, text, { overwrite: !!opts.force, display: file, ...lock }));
  const mcp = opts.mcp === false ? undefined : await (await import('./mcp-actions.js')).registerForInit(ctx, target);
  // a repo that already runs on Compose has its services there: the starter's placeholder is not them
  const compose = composeFileIn(dirname(target));
  const fromCompose = compose ? `berth import compose -o ${file} --force` : undefined;
  report(ctx, { ok: true, file, ...(mcp ? { mcp: mcp.json } : {}), ...(compose ? { composeFile: compose, importWith: fromCompose } : {}) }, `${file}: written; check it with \`berth validate --spec ${file}\``);
  if (mcp && !ctx.json) ctx.out.note(mcp.text);
  if (compose && !ctx.json) ctx.out.note(`hint: ${compose} is here: \`${fromCompose}\` turns its services into the spec instead of this starter's placeholder`);
  return ExitCode.Ok;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** A local copy of the spec's JSON Schema for the modeline: an installed @berth/spec, or berth's own docs/schema. */
function schemaNear(dir: string): { schema?: string } {
  for (let d = dir, i = 0; i < 20; i++) {
    for (const candidate of [join(d, 'node_modules', '@berth', 'spec', 'dist', 'schema', 'berth.schema.json'), join(d, 'docs', 'schema', 'berth.schema.json')]) {
      if (existsSync(candidate)) return { schema: relative(dir, candidate).split('\\').join('/') };
    }
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  return {};
}
