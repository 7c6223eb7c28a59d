import { z } from 'zod';
import { Identifier, RelatedDoc } from './common.js';
import { Conventions, RegistryRef } from './spec.js';
import { strictWithExtensions } from './strict-with-extensions.js';

/**
 * Where a file of another repo is found: a path (repos cloned side by side), a file inside an installed npm
 * package, or a file at a git ref of a local clone (`git show REF:FILE`), so a repo that is not checked out at
 * the right version still counts. Exactly one of `path`, `package` and `git`.
 */
const sourceFields = {
  // an empty path would be the manifest's own folder, read as a member: refused at the field instead
  path: z.string().min(1, 'must name a folder or a file, such as "../web"').optional().describe('A path relative to the manifest: a folder (its berth.yaml is read; ecosystem.yaml for an include) or the file itself.'),
  package: z.string().optional().describe('An installed npm package holding the file, resolved from the manifest\'s folder.'),
  git: z.string().optional().describe('A local clone (a folder relative to the manifest), read at `ref` with `git show REF:FILE`.'),
  ref: z.string().optional().describe('With `git`: the branch, tag or commit to read, such as "main" or "v1.3.0".'),
  file: z.string().optional().describe('With `package` or `git`: the file inside it (default berth.yaml for a member, ecosystem.yaml for an include).'),
};

/** A ref git can only take as a revision: no leading "-" (an option), no ":" (the path separator), no spaces. */
const GIT_REF = /^[A-Za-z0-9_./~^@{}+][A-Za-z0-9_./~^@{}+-]*$/;

function exactlyOneSource(v: { path?: string; package?: string; git?: string; ref?: string; file?: string }, ctx: z.RefinementCtx): void {
  const given = (['path', 'package', 'git'] as const).filter((k) => v[k] !== undefined);
  if (given.length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'says where the file is: one of `path`, `package` or `git` (with `ref`)' });
  if (given.length > 1) ctx.addIssue({ code: 'custom', path: [given[1]!], message: `use one of ${given.map((k) => `\`${k}\``).join(' and ')}, not both` });
  if (v.git !== undefined && v.ref === undefined) ctx.addIssue({ code: 'custom', path: ['ref'], message: '`git` needs a `ref`, such as "main" or "v1.3.0"' });
  if (v.ref !== undefined && v.git === undefined) ctx.addIssue({ code: 'custom', path: ['ref'], message: '`ref` only applies with `git`' });
  if (v.ref !== undefined && !GIT_REF.test(v.ref)) ctx.addIssue({ code: 'custom', path: ['ref'], message: 'must be a branch, tag or commit (no leading "-", no ":" or spaces)' });
  if (v.file !== undefined && v.path !== undefined) ctx.addIssue({ code: 'custom', path: ['file'], message: 'with `path`, name the file in the path itself' });
  const outside = (f: string) => f.startsWith('-') || f.startsWith('/') || /^[A-Za-z]:/.test(f) || f.split(/[\\/]/).includes('..');
  if (v.file !== undefined && outside(v.file)) ctx.addIssue({ code: 'custom', path: ['file'], message: 'must be a path inside the package or clone (no leading "/" or "-", no "..")' });
}

/** A repo of the ecosystem: its name and where its berth.yaml is found. */
export const EcosystemMember = z
  .strictObject({
    repo: Identifier.describe('The repo\'s name; the `repo.name` of its berth.yaml.'),
    ...sourceFields,
    description: z.string().optional(),
  })
  .superRefine(exactlyOneSource);
export type EcosystemMember = z.output<typeof EcosystemMember>;

/** Another manifest whose members (and conventions) this ecosystem takes in, found the way a member is. */
export const EcosystemInclude = z.strictObject({ ...sourceFields }).superRefine(exactlyOneSource);
export type EcosystemInclude = z.output<typeof EcosystemInclude>;

/**
 * The ecosystem manifest (`ecosystem.yaml`), kept beside the port registry in the orchestrator repo: the repos
 * that belong, where each repo's berth.yaml is, and the conventions every member inherits.
 */
export const EcosystemManifestSchema = strictWithExtensions({
  ecosystem: z.literal(1).describe('Manifest format version.'),
  name: Identifier.describe('The ecosystem\'s name, such as "semops".'),
  description: z.string().optional(),
  owner: z.string().optional().describe('The repo that keeps this manifest and the registry (the orchestrator).'),
  registry: RegistryRef.prefault('ports.yaml').describe('The port registry: a path relative to this file (default ports.yaml) or { package, file }.'),
  members: z.array(EcosystemMember).default([]).describe('The repos that belong, each with where its berth.yaml is found.'),
  include: z.array(EcosystemInclude).default([]).describe('Other manifests whose members and conventions belong to this ecosystem too (their registries are not used).'),
  conventions: Conventions.default({ env: [] }).describe('Conventions every member inherits: env prefixes, how repos reach each other.'),
  docs: z.array(RelatedDoc).default([]).describe('Documents listed under "Related Documentation" in the rendered pages.'),
});
export type EcosystemManifest = z.output<typeof EcosystemManifestSchema>;
export type EcosystemManifestInput = z.input<typeof EcosystemManifestSchema>;

/** The file name of the manifest, looked for beside the registry and from the working directory up. */
export const ECOSYSTEM_FILE_NAME = 'ecosystem.yaml';
