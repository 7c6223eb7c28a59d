import { dirname, resolve } from 'node:path';
import { parseSpec, type Problem } from '@berth/spec';
import { Document } from 'yaml';
import { isMap, ProblemSink, type ComposeMap } from './model.js';
import { loadComposeProject, type ComposeLoadOptions } from './load-project.js';
import { rebaseService } from './paths.js';
import { composeToSpec } from './to-spec.js';
import { locateProblems } from './sources.js';

export interface ImportComposeOptions extends ComposeLoadOptions {
  /** Where the spec will be written; relative paths in it are rewritten to be relative to its directory. */
  output?: string;
}

export interface ImportComposeResult {
  /** The spec in its input shape (plain data), or undefined when the Compose files had errors. */
  spec?: ComposeMap;
  /** The spec as a YAML document. */
  yaml?: string;
  /** Errors (bad input: exit 2) and warnings (what was not carried), each with file, line and path. */
  problems: Problem[];
  /** The `.env` file used for interpolation, if any. */
  envFile?: string;
}

/**
 * `berth import compose`: reads Compose files as Compose does (interpolation, merging, extends,
 * include, anchors) and turns them into a berth spec. Never throws on bad input: everything wrong
 * is in `problems`.
 */
export function importCompose(options: ImportComposeOptions): ImportComposeResult {
  const loaded = loadComposeProject(options);
  if (loaded.problems.some((p) => p.severity === 'error')) return { problems: loaded.problems, ...(loaded.envFile ? { envFile: loaded.envFile } : {}) };
  const baseDir = options.output ? dirname(resolve(options.cwd, options.output)) : loaded.projectDir;
  const model = rebaseModel(loaded.model, loaded.projectDir, baseDir);
  const sink = new ProblemSink();
  const spec = composeToSpec(model, { projectDir: loaded.projectDir, baseDir, sink, portEnv: loaded.portEnv });
  const problems = [...loaded.problems, ...locateProblems(sink.problems, loaded.sources)];
  if (sink.hasErrors) return { problems, ...(loaded.envFile ? { envFile: loaded.envFile } : {}) };
  const yaml = specYaml(spec, options.files);
  const check = parseSpec(yaml, options.output ?? 'berth.yaml');
  for (const p of check.problems) {
    if (p.severity === 'error') problems.push({ ...p, code: 'compose-import-invalid', message: `the imported spec does not validate: ${p.message}` });
  }
  return { spec, yaml, problems, ...(loaded.envFile ? { envFile: loaded.envFile } : {}) };
}

function rebaseModel(model: ComposeMap, from: string, to: string): ComposeMap {
  if (from === to || !isMap(model.services)) return model;
  return { ...model, services: Object.fromEntries(Object.entries(model.services).map(([k, v]) => [k, rebaseService(v, from, to)])) };
}

/** The spec as YAML, written by the yaml library with a header saying where it came from. */
export function specYaml(spec: ComposeMap, files: string[]): string {
  // YAML 1.1 rules quote "off" and "yes", so tools with older YAML parsers read them as the strings they are
  const doc = new Document(spec, { version: '1.1', aliasDuplicateObjects: false });
  doc.commentBefore = ` Imported from ${files.join(', ')} by \`berth import compose\`.\n Fields berth cannot carry are kept under x-compose; \`berth compose\` writes them back.`;
  return doc.toString({ lineWidth: 0 });
}
