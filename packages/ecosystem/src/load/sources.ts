import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileOrDefaultIn, notAFile, resolvePackageFile, unreadableReason } from '@berth/spec';
import { shownPath } from '../where.js';
import type { MemberSource } from '../model.js';
import { git } from './git.js';

/** Where a file of another repo is: the source fields of a member or an include. */
export interface SourceRef {
  path?: string;
  package?: string;
  git?: string;
  ref?: string;
  file?: string;
}

/** A file read from a source, or why it could not be. */
export type SourceRead =
  | {
      ok: true;
      /** The file as shown in messages: a path, or `<clone>@<ref>:<file>`. */
      file: string;
      /** Absolute path on disk (for a git ref, where the file lies in the clone): relative paths in it resolve from here. */
      path: string;
      /** The same file reached twice has the same identity: its real path, or the clone, commit and file. */
      identity: string;
      text: string;
      origin: MemberSource;
    }
  | { ok: false; /** Why, without the source (callers name it: `origin.text`). */ reason: string; origin: MemberSource };

export interface ReadOptions {
  /** Where relative paths of the source resolve from. */
  baseDir: string;
  /** The file read inside a folder, package or clone when none is named (berth.yaml, ecosystem.yaml). */
  defaultFile: string;
  cwd: string;
  signal?: AbortSignal;
}

/** Reads the file a source names. Never throws; never falls back to anything else. */
export async function readSourceFile(ref: SourceRef, options: ReadOptions): Promise<SourceRead> {
  if (ref.git !== undefined) return readAtGitRef(ref.git, ref.ref ?? 'HEAD', ref.file ?? options.defaultFile, options);
  if (ref.package !== undefined) {
    const file = ref.file ?? options.defaultFile;
    const origin: MemberSource = { kind: 'package', text: `${ref.package} (${file})` };
    const path = resolvePackageFile(ref.package, file, options.baseDir);
    if (!path) return { ok: false, reason: `package "${ref.package}" is not installed (npm install ${ref.package})`, origin };
    return readPath(path, options, origin);
  }
  const abs = resolve(options.baseDir, ref.path ?? '.');
  return readPath(abs, options, { kind: 'path', text: shownPath(abs, options.cwd) });
}

/**
 * A file on disk; a folder means the default file inside it. Read synchronously: a member's spec is a few kilobytes,
 * and the first asynchronous read of a process starts libuv's thread pool, which costs a `berth validate` in a repo
 * of an ecosystem more than reading every member's file (bench/cli-cold-start.mjs).
 */
export async function readPath(abs: string, options: ReadOptions, origin: MemberSource): Promise<SourceRead> {
  try {
    statSync(abs);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : unreadableReason(err);
    return { ok: false, reason, origin: { ...origin, text: shownPath(abs, options.cwd) } };
  }
  const path = fileOrDefaultIn(abs, options.defaultFile);
  const file = shownPath(path, options.cwd);
  // a file found through a manifest, not named on the command line, may not be a pipe: one nobody writes blocks for good
  const not = notAFile(path, { pipe: origin.kind === 'argument' });
  if (not) return { ok: false, reason: `is ${not === 'a directory' ? 'a folder' : not}, not a file`, origin: { ...origin, text: file } };
  try {
    const text = readFileSync(path, 'utf8');
    const real = realpathSync.native(path);
    return { ok: true, file, path, identity: real, text, origin: { ...origin, text: file } };
  } catch (err) {
    return { ok: false, reason: unreadableReason(err), origin: { ...origin, text: file } };
  }
}

/** `git show <commit>:<file>` in a local clone, after resolving the ref to its commit (so one commit is one identity). */
async function readAtGitRef(clone: string, ref: string, file: string, options: ReadOptions): Promise<SourceRead> {
  const dir = resolve(options.baseDir, clone);
  const shown = shownPath(dir, options.cwd);
  const origin: MemberSource = { kind: 'git', text: `${shown}@${ref}:${file}` };
  try {
    if (!statSync(dir).isDirectory()) return { ok: false, reason: `${shown} is a file, not a clone`, origin };
  } catch {
    return { ok: false, reason: `no clone at ${shown}`, origin };
  }
  const commit = await git(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], options.signal);
  if (!commit.ok) {
    const reason = commit.reason.startsWith('not a git repository') ? `${shown} is not a git clone` : commit.reason || `the clone has no branch, tag or commit "${ref}"`;
    return { ok: false, reason, origin };
  }
  const sha = commit.stdout.trim();
  if (!sha) return { ok: false, reason: `the clone has no branch, tag or commit "${ref}"`, origin };
  const blob = await git(dir, ['show', `${sha}:${file.replace(/^\.\//, '')}`], options.signal);
  if (!blob.ok) {
    const missing = /does not exist in|exists on disk, but not in/.test(blob.reason);
    return { ok: false, reason: missing ? `${file} does not exist at ${ref}` : blob.reason, origin };
  }
  const real = realPathOr(dir);
  return { ok: true, file: origin.text, path: join(dir, file), identity: `git:${real}@${sha}:${file}`, text: blob.stdout, origin };
}

const realPathOr = (dir: string): string => {
  try {
    return realpathSync.native(dir);
  } catch {
    return dir;
  }
};
