import { readFileSync, existsSync, realpathSync } from 'node:fs';
import { notAFile, unreadableReason } from '../util/not-a-file.js';
import { pathWithin } from '../util/path-within.js';
import { basename, dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { BerthSpecSchema, type BerthSpec } from '../schema/spec.js';
import { PortRegistrySchema, type PortRegistry } from '../schema/registry.js';
import { ECOSYSTEM_FILE_NAME } from '../schema/ecosystem.js';
import type { Problem } from '../problem.js';
import type { SourceDocument } from './yaml-document.js';
import { parseYamlAs } from './parse-as.js';
import type { z } from 'zod';
import { checkReferences } from './references.js';
import { utf8Text } from '../util/utf8-text.js';

export interface Loaded<T> {
  /** The file as the user should read it in messages (relative to the cwd when inside it). */
  file: string;
  /** Absolute path. */
  path: string;
  /** Present when the file parsed and matched the schema (warnings may still be in problems). */
  value?: T;
  source?: SourceDocument;
  problems: Problem[];
}

export const SPEC_FILE_NAME = 'berth.yaml';

/** PATH relative to CWD where it is inside it (pathWithin), else as given. */
export function displayPath(path: string, cwd = process.cwd()): string {
  return pathWithin(cwd, path) ?? path;
}

function readSource(path: string, cwd: string, options: { pipe?: boolean } = {}): { file: string; text?: string; problems: Problem[] } {
  const file = displayPath(path, cwd);
  return { file, ...readTextFile(path, file, options) };
}

/**
 * A text file berth reads (and may edit and write back), by the one rule its own documents are read by: not a
 * directory, device or socket (notAFile), and UTF-8 throughout (utf8Text: else where it stops being so, since a file
 * decoded with U+FFFD and written back would change where nobody touched it). `file` is how messages name it.
 */
export function readTextFile(path: string, file: string, options: { pipe?: boolean } = {}): { text?: string; problems: Problem[] } {
  const not = notAFile(path, options);
  if (not) return { problems: [{ code: not === 'a directory' ? 'file-not-found' : 'file-unreadable', severity: 'error', file, message: `is ${not}, not a file` }] };
  try {
    const read = utf8Text(readFileSync(path));
    if ('text' in read) return { text: read.text, problems: [] };
    return { problems: [{ code: 'file-unreadable', severity: 'error', file, line: read.line, col: read.col, message: 'is not UTF-8 text from here on (save it as UTF-8)' }] };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file-not-found' : 'file-unreadable';
    return { problems: [{ code, severity: 'error', file, message: unreadableReason(err) }] };
  }
}

/** Parses spec text; never throws. */
export function parseSpec(text: string, file = SPEC_FILE_NAME): Omit<Loaded<BerthSpec>, 'path'> {
  const parsed = parseYamlAs(BerthSpecSchema, text, file, 'a spec starts with "berth: 1" and a "repo:" block');
  if (!parsed.value) return parsed;
  const { source, problems } = parsed;
  const spec = parsed.value as BerthSpec;
  for (const ref of checkReferences(spec)) problems.push({ ...ref, file, ...source.locate(ref.path ?? [], 'value') });
  return { file, source, problems, ...(problems.some((p) => p.severity === 'error') ? {} : { value: spec }) };
}

/** Parses registry text; never throws. */
export function parseRegistry(text: string, file = 'ports.yaml'): Omit<Loaded<PortRegistry>, 'path'> {
  return parseYamlAs(PortRegistrySchema, text, file, 'a registry starts with "registry: 1", "owner:" and "ports:"', 'registry') as Omit<Loaded<PortRegistry>, 'path'>;
}

export function loadSpecFile(path: string, cwd = process.cwd()): Loaded<BerthSpec> {
  const abs = resolve(cwd, path);
  const { file, text, problems } = readSource(abs, cwd);
  if (text === undefined) return { file, path: abs, problems };
  return { ...parseSpec(text, file), path: abs };
}

/** `pipe: false` for a registry berth finds (named by the spec) rather than one the user names (`--registry <(...)`). */
export function loadRegistryFile(path: string, cwd = process.cwd(), options: { pipe?: boolean } = {}): Loaded<PortRegistry> {
  const abs = resolve(cwd, path);
  const { file, text, problems } = readSource(abs, cwd, options);
  if (text === undefined) return { file, path: abs, problems };
  return { ...parseRegistry(text, file), path: abs };
}

/** Reads a YAML file against a schema (see parseYamlAs); never throws. */
export function loadYamlFileAs<S extends z.ZodType>(schema: S, path: string, empty: string, cwd = process.cwd(), document = 'document'): Loaded<z.output<S>> {
  const abs = resolve(cwd, path);
  const { file, text, problems } = readSource(abs, cwd);
  if (text === undefined) return { file, path: abs, problems };
  return { ...parseYamlAs(schema, text, file, empty, document), path: abs };
}

/** The registry's usual file name: what an orchestrator's folder holds beside its ecosystem.yaml. */
export const REGISTRY_FILE_NAME = 'ports.yaml';

/**
 * berth's one walk "from here up": the first of `names` (in that order) in `cwd`, else in the nearest folder above
 * it that holds one `accept` takes. Every file berth finds from the working folder is found by it, so "the nearest"
 * means one thing for all of them.
 */
export function findUp(cwd: string, names: readonly string[], accept: (path: string, name: string) => boolean = () => true): { path: string; name: string } | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (existsSync(candidate) && accept(candidate, name)) return { path: candidate, name };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The berth.yaml in `cwd` or the nearest directory above it. */
export function findSpecFile(cwd = process.cwd()): string | undefined {
  return findUp(cwd, [SPEC_FILE_NAME])?.path;
}

/** The ecosystem.yaml in `cwd` or the nearest directory above it (how `berth ecosystem` finds its manifest). */
export function findManifestFile(cwd = process.cwd()): string | undefined {
  return findUp(cwd, [ECOSYSTEM_FILE_NAME])?.path;
}

/** What the nearest of a repo's and an orchestrator's files says a folder is (findWorkspaceFile). */
export interface WorkspaceFile {
  /** `spec`: a repo's berth.yaml; `ecosystem`: an orchestrator's manifest; `registry`: a port registry with no manifest nearer. */
  kind: 'spec' | 'ecosystem' | 'registry';
  path: string;
}

/**
 * Whose folder `cwd` is: the nearest berth.yaml (a repo), ecosystem.yaml or ports.yaml that is a port registry (an
 * orchestrator's), from `cwd` up; in one folder in that order. So a repo checked out inside an orchestrator's
 * folder is still that repo, and an orchestrator's folder is never taken for the repo above it. Undefined when
 * there is none.
 */
export function findWorkspaceFile(cwd = process.cwd()): WorkspaceFile | undefined {
  const kinds: Record<string, WorkspaceFile['kind']> = { [SPEC_FILE_NAME]: 'spec', [ECOSYSTEM_FILE_NAME]: 'ecosystem', [REGISTRY_FILE_NAME]: 'registry' };
  const found = findUp(cwd, Object.keys(kinds), (path, name) => name !== REGISTRY_FILE_NAME || isRegistryText(path));
  return found && { kind: kinds[found.name]!, path: found.path };
}

/** Whether the file says it is a port registry (a top-level `registry: 1` line); a ports.yaml that is anything else is no orchestrator's. */
function isRegistryText(path: string): boolean {
  try {
    return /^\uFEFF?registry[ \t]*:[ \t]*(1|"1"|'1')[ \t]*(#.*)?\r?$/m.test(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The registry file a spec (or an ecosystem manifest) names: a path relative to that file, or a file inside an
 * npm package resolved from its directory (so repos can share one registry through npm).
 */
export function resolveRegistryPath(spec: Pick<BerthSpec, 'registry'>, specPath: string): { path?: string; problem?: Omit<Problem, 'file'> } {
  const ref = spec.registry;
  if (!ref) return {};
  if ('path' in ref) return { path: resolve(dirname(specPath), ref.path) };
  const path = resolvePackageFile(ref.package, ref.file, dirname(specPath));
  if (path) return { path };
  return { problem: { code: 'registry-package-not-found', severity: 'error', path: ['registry', 'package'], message: `registry package "${ref.package}" is not installed (npm install ${ref.package})` } };
}

/** A file inside an installed npm package, resolved as Node would from `fromDir`; undefined when the package is not installed. */
export function resolvePackageFile(pkg: string, file: string, fromDir: string): string | undefined {
  const dir = nodeModulesPackage(pkg, fromDir) ?? globalPackage(pkg, fromDir);
  return dir ? join(dir, file) : undefined;
}

/**
 * The package's folder in the nearest `node_modules` from `fromDir` up, as Node's lookup walks them (a folder named
 * node_modules gets no node_modules of its own), its links resolved as `require.resolve` resolves them. Looked up
 * with plain fs calls, not with `require.resolve`: Node's own lookup reads the disk through internals that no
 * caller sees, and the CLI's result cache (apps/cli/bin/result-cache.cjs) must see every place the answer depends
 * on, the nearer folders where the package is not (yet) installed included. A package's `exports` does not matter
 * here: berth reads a file of its folder, it does not import it.
 */
function nodeModulesPackage(pkg: string, fromDir: string): string | undefined {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg);
    if (basename(dir) !== 'node_modules' && existsSync(join(candidate, 'package.json'))) {
      try {
        return realpathSync(candidate);
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Where Node finds a package outside every node_modules above `fromDir`: NODE_PATH and its global folders. */
function globalPackage(pkg: string, fromDir: string): string | undefined {
  try {
    return dirname(createRequire(join(fromDir, 'noop.js')).resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}
