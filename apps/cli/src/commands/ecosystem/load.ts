import { dirname, join, resolve } from 'node:path';
import { BerthError, ECOSYSTEM_FILE_NAME, displayPath, findManifestFile, findSpecFile, findWorkspaceFile, loadSpecFile, type Problem } from '@berth/spec';
// @berth/ecosystem is imported where it is used: the fast path (validate, ports, ...) never carries it.
import type { EcosystemLoad } from '@berth/ecosystem';
import type { CliContext } from '../../context.js';
import { bundledExampleSpec } from '../../bundled-example.js';

export interface EcosystemOptions {
  manifest?: string;
}

/** The bundled example's ecosystem: the orchestrator folder beside the bundled example spec. */
function bundledManifest(): string {
  return join(dirname(bundledExampleSpec()), '..', 'semops-dx-orchestrator', ECOSYSTEM_FILE_NAME);
}

/**
 * The manifest to read: --manifest; else the one beside the registry that --spec names (the ecosystem that spec
 * belongs to: how `berth mcp --spec FILE` and `berth serve --spec FILE` ask); else ecosystem.yaml from the working
 * directory up (the orchestrator's folder); else the one beside the registry that the berth.yaml here names (a
 * member repo finds its ecosystem); else, in a folder holding only a registry, none (bad input: name the specs);
 * else the bundled example's, said on stderr as every command says it.
 */
async function findManifest(ctx: CliContext, opts: EcosystemOptions): Promise<string> {
  if (opts.manifest) return resolve(ctx.cwd, opts.manifest);
  const here = ctx.options.spec ? undefined : findManifestFile(ctx.cwd);
  if (here) return here;
  const specPath = ctx.options.spec ? resolve(ctx.cwd, ctx.options.spec) : findSpecFile(ctx.cwd);
  if (specPath) {
    const spec = loadSpecFile(specPath, ctx.cwd).value;
    const { findEcosystemFor } = await import('@berth/ecosystem');
    const beside = spec && findEcosystemFor(spec, specPath);
    if (beside) return beside;
    throw new BerthError('ERR_BERTH_NO_ECOSYSTEM', `${displayPath(specPath, ctx.cwd)}: no ecosystem.yaml beside the registry it names${ctx.options.spec ? '' : `, nor from ${ctx.cwd} up`}`, {
      hint: 'run it in the orchestrator\'s folder, pass --manifest FILE, or name the specs: berth ecosystem check --registry FILE SPEC...',
    });
  }
  // a registry with no manifest (an orchestrator's folder that has none yet) is no reason to check the bundled example
  const registry = findWorkspaceFile(ctx.cwd);
  if (registry?.kind === 'registry') {
    const file = displayPath(registry.path, ctx.cwd);
    throw new BerthError('ERR_BERTH_NO_ECOSYSTEM', `${file}: a port registry with no ecosystem.yaml beside it or above`, { hint: `name the specs to check against it: berth ecosystem check --registry ${file} SPEC...` });
  }
  const bundled = bundledManifest();
  ctx.out.note(`berth: no ecosystem.yaml or berth.yaml found from ${ctx.cwd} up; using the bundled example's ecosystem (${displayPath(bundled, ctx.cwd)})`);
  return bundled;
}

/**
 * Loads the ecosystem for `berth ecosystem check` / `docs`: from a manifest, or from the specs named with a registry
 * (`--registry FILE SPEC...`). Progress on stderr while members load. Never throws for what is wrong inside the
 * files: the load's problems say it.
 */
export async function loadForCli(ctx: CliContext, specs: readonly string[], opts: EcosystemOptions): Promise<EcosystemLoad & { manifest?: string; slow: boolean }> {
  if (specs.length && ctx.options.spec) throw new BerthError('ERR_BERTH_USAGE', 'berth ecosystem takes the member specs as arguments, or --spec for the ecosystem one spec belongs to, not both', { hint: 'berth ecosystem check --registry FILE SPEC...' });
  if ((specs.length || ctx.options.spec) && opts.manifest) throw new BerthError('ERR_BERTH_USAGE', `give --manifest or ${specs.length ? 'the member specs' : '--spec'}, not both`);
  const manifest = specs.length ? undefined : await findManifest(ctx, opts);
  const { loadEcosystem, loadEcosystemFromSpecs } = await import('@berth/ecosystem');
  const progress = ctx.progress('loading the ecosystem');
  // Progress only once loading has taken a second, then at most once a second (plain lines when stderr is no terminal).
  const started = Date.now();
  let shown = 0;
  const onProgress = (done: number, total: number, what: string) => {
    const now = Date.now();
    if (now - started < 1000 || now - shown < 1000) return;
    shown = now;
    progress.update(`loading ${what} (${done + 1}/${total})`);
  };
  const options = { cwd: ctx.cwd, signal: ctx.signal, onProgress };
  try {
    const load = manifest ? await loadEcosystem(manifest, { ...options, ...(ctx.options.registry ? { registry: ctx.options.registry } : {}) }) : await loadEcosystemFromSpecs({ specs, ...(ctx.options.registry ? { registry: ctx.options.registry } : {}) }, options);
    if (ctx.signal.aborted) throw Object.assign(new Error('interrupted'), { name: 'AbortError' });
    return { ...load, ...(manifest ? { manifest: displayPath(manifest, ctx.cwd) } : {}), slow: Date.now() - started >= 1000 };
  } finally {
    progress.stop();
  }
}

/** Specs named twice on the command line were loaded once: say so, so nobody wonders where the second went. */
export function noteDuplicates(ctx: CliContext, duplicates: readonly string[]): void {
  if (duplicates.length) ctx.out.note(`berth: loaded once, named again: ${duplicates.join(', ')}`);
}

export function errorsIn(problems: readonly Problem[]): number {
  return problems.filter((p) => p.severity === 'error').length;
}
