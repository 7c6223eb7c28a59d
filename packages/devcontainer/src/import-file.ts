import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { displayPath, hasErrors, parseSpec, readTextFile, type BerthSpec, type Problem } from '@berth/spec';
import { repoIdentifier } from '@berth/spec/render';
import { composeServiceImage, composeServiceNames } from './compose-service.js';
import { importDevcontainer, type DevcontainerImport } from './import-config.js';
import { findDevcontainerConfigs, readDevcontainerJson } from './read-config.js';
import { mergeIntoSpecYaml, newSpecText } from './spec-yaml.js';
import { SpliceRefused } from './yaml-splice.js';

const posix = (p: string) => p.split(sep).join('/');

/** Reads a file relative to devcontainer.json's folder (its Dockerfile, its Compose files); undefined when it cannot. */
export function besideReader(configPath: string): (path: string) => string | undefined {
  const configDir = dirname(configPath);
  return (path) => {
    try {
      return readFileSync(resolve(configDir, path), 'utf8');
    } catch {
      return undefined;
    }
  };
}

/**
 * The devcontainer.json a path names: the file itself, or in a folder where the Dev Containers CLI looks
 * (`.devcontainer/devcontainer.json`, then `.devcontainer.json`), else the folder's one `.devcontainer/NAME/devcontainer.json`.
 */
export function resolveDevcontainerConfig(arg: string | undefined, cwd: string): { path: string } | { problem: Problem } {
  const target = resolve(cwd, arg ?? '.');
  const shown = arg ?? (target === cwd ? '.' : displayPath(target, cwd));
  if (!existsSync(target)) return { problem: { code: 'file-not-found', severity: 'error', file: shown, message: 'no such file or folder' } };
  if (!statSync(target).isDirectory()) return { path: target };
  const found = findDevcontainerConfigs(target);
  const standard = found.filter((p) => !p.startsWith('.devcontainer/') || p === '.devcontainer/devcontainer.json');
  if (standard.length) return { path: join(target, standard[0]!) };
  if (found.length === 1) return { path: join(target, found[0]!) };
  if (!found.length) {
    return { problem: { code: 'file-not-found', severity: 'error', file: shown, message: 'no devcontainer.json here (looked for .devcontainer/devcontainer.json, .devcontainer.json and .devcontainer/*/devcontainer.json)' } };
  }
  return { problem: { code: 'devcontainer-ambiguous', severity: 'error', file: shown, message: `holds ${found.length} devcontainer configurations (${found.join(', ')}); name the one to import` } };
}

export interface ImportFileResult {
  /** The spec's text before and after; `before` is undefined when there was no spec file. */
  before?: string;
  after?: string;
  changes: string[];
  /** Errors (nothing may be written) and warnings. */
  problems: Problem[];
  imported?: DevcontainerImport;
}

/**
 * Imports a devcontainer.json into the spec at `specPath` (a new one when it does not exist): reads it as JSONC,
 * carries what berth models into the spec's YAML with its comments kept, and checks the result is a valid spec.
 * Reads only; the caller writes `after`.
 */
export function importDevcontainerFile(input: { configPath: string; specPath: string; cwd: string }): ImportFileResult {
  const configFile = displayPath(input.configPath, input.cwd);
  const read = readDevcontainerJson(input.configPath, configFile);
  if (!read.config) return { changes: [], problems: read.problems };
  const specFile = displayPath(input.specPath, input.cwd);
  // read as every spec is (readTextFile): a directory, or bytes that are not UTF-8, are refused rather than written back changed
  let before: string | undefined;
  if (existsSync(input.specPath)) {
    const read = readTextFile(input.specPath, specFile);
    if (read.text === undefined) return { changes: [], problems: read.problems };
    before = read.text;
  }
  let spec: BerthSpec | undefined;
  if (before !== undefined) {
    const loaded = parseSpec(before, specFile);
    if (!loaded.value || hasErrors(loaded.problems)) return { changes: [], problems: loaded.problems.filter((p) => p.severity === 'error') };
    spec = loaded.value;
  }
  const readBeside = besideReader(input.configPath);
  const configRel = posix(relative(dirname(input.specPath), input.configPath));
  const imported = importDevcontainer(read.config, read.doc, { configRel, ...(spec ? { spec } : {}), readBeside, composeServiceImage, composeServiceNames });
  const text = before ?? newSpecText(repoIdentifier(basename(dirname(input.specPath))));
  let merged: ReturnType<typeof mergeIntoSpecYaml>;
  try {
    merged = mergeIntoSpecYaml(text, imported, spec);
  } catch (err) {
    if (!(err instanceof SpliceRefused)) throw err;
    // berth's own edit of the text went wrong: nothing is written rather than a spec changed where nobody asked
    const refused: Problem = { code: 'spec-splice', severity: 'error', file: specFile, message: `berth cannot merge the import into it without disturbing it: ${err.message}; nothing written (make the change by hand, and please report it)` };
    return { ...(before !== undefined ? { before } : {}), changes: [], problems: [...imported.problems, refused], imported };
  }
  const check = parseSpec(merged.text, specFile);
  if (!check.value || hasErrors(check.problems)) {
    // Positions would point into text that was never written: say the path instead.
    const why = check.problems
      .filter((p) => p.severity === 'error')
      .map((p): Problem => ({ code: p.code, severity: 'error', file: specFile, message: `the spec would not be valid after the import: ${p.path?.length ? `${p.path.join('.')}: ` : ''}${p.message}` }));
    return { ...(before !== undefined ? { before } : {}), changes: merged.changes, problems: [...imported.problems, ...why], imported };
  }
  return { ...(before !== undefined ? { before } : {}), after: merged.text, changes: merged.changes, problems: imported.problems, imported };
}
