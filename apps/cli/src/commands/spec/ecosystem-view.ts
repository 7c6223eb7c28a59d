// @berth/ecosystem is imported only once the registry has an ecosystem.yaml beside it.
import { realpathSync } from 'node:fs';
import type { LocalRepo, MemberView } from '@berth/ecosystem';
import type { CliContext, LoadedWorkspace } from '../../context.js';
import { specInput } from './inputs.js';

/** The repo's spec and registry, as its own commands loaded them. */
function localRepo(ws: LoadedWorkspace): LocalRepo | undefined {
  const r = ws.registry;
  if (!r?.path) return undefined;
  return { spec: { ...specInput(ws), path: ws.specPath }, registry: { value: r.value, file: r.file, path: r.path, ...(r.source ? { source: r.source } : {}) } };
}

/**
 * This repo seen from the ecosystem it belongs to: the one whose manifest (ecosystem.yaml) lies beside the registry
 * the spec is checked against. Undefined when there is none (the repo's own checks are all there is, as before),
 * or with --no-ecosystem. Progress on stderr when loading the other members takes more than a second.
 */
export async function memberView(ctx: CliContext, ws: LoadedWorkspace, opts: { ecosystem?: boolean }): Promise<{ view: MemberView; local: LocalRepo } | undefined> {
  const local = opts.ecosystem === false ? undefined : localRepo(ws);
  if (!local) return undefined;
  const { ecosystemBeside, viewAsMember } = await import('@berth/ecosystem');
  const manifest = ecosystemBeside(local.registry.path);
  if (!manifest) return undefined;
  const progress = ctx.progress(`checking ${ws.spec.repo.name} with the other repos of its ecosystem`);
  try {
    return { view: await viewAsMember(manifest, local, { cwd: ctx.cwd, parsed: ownParse(ws) }), local };
  } finally {
    progress.stop();
  }
}

/** The repo's spec as this command parsed it, so the ecosystem's load does not parse it a second time. */
function ownParse(ws: LoadedWorkspace): Map<string, { text: string; result: LoadedWorkspace['specLoaded'] }> {
  const text = ws.specLoaded.source?.text;
  if (text === undefined) return new Map();
  try {
    return new Map([[realpathSync(ws.specPath), { text, result: ws.specLoaded }]]);
  } catch {
    return new Map();
  }
}

/** How the verdict line and --json name the ecosystem a repo was checked with. */
export function ecosystemSummary(view: MemberView | undefined): { json: { name: string | null; manifest: string; member: boolean; members: string[] } | null; text: string } {
  if (!view) return { json: null, text: '' };
  const n = view.members.length;
  return {
    json: { name: view.name ?? null, manifest: view.manifest, member: view.member, members: view.members },
    text: view.ecosystem ? ` + ecosystem ${view.name ?? view.manifest} (${n} member${n === 1 ? '' : 's'})` : '',
  };
}
