import { dirname, join, resolve } from 'node:path';
import { checkSecretsInSpec, displayPath, looksSecret, makeRedactor, parseSpec, type Problem } from '@berth/spec';
import { isMap, ProblemSink, type ComposeMap, type DocPath } from './model.js';
import { loadComposeProject, lookupFor, type ComposeLoadOptions, type LoadedCompose } from './load-project.js';
import { keepsReferences } from './service-to-berth.js';
import { referencedNames } from './references.js';
import { rebasePath, rebaseService, unmovedMessage, type RebaseNotes } from './paths.js';
import { interpolate, type Lookup } from './interpolate.js';
import { composeToSpec } from './to-spec.js';
import { locateProblems } from './sources.js';
import { writeYaml } from './yaml-write.js';

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
  const result = importLoaded(loaded, options);
  return { ...result, problems: result.problems.map(secretRedactor(loaded)), ...(loaded.envFile ? { envFile: loaded.envFile } : {}) };
}

/**
 * What a problem may not quote: the values of the secret-looking variables the files refer to (`${DB_PASSWORD}` in a
 * port a warning prints as written once resolved), from the environment or the .env the import read.
 */
function secretRedactor(loaded: LoadedCompose): (p: Problem) => Problem {
  const values = [...referencedNames(loaded.model)].filter(looksSecret).map((name) => loaded.lookup(name));
  const redact = makeRedactor(values.filter((v): v is string => !!v));
  return (p) => ({ ...p, message: redact(p.message), ...(p.hint ? { hint: redact(p.hint) } : {}) });
}

function importLoaded(loaded: LoadedCompose, options: ImportComposeOptions): Pick<ImportComposeResult, 'spec' | 'yaml' | 'problems'> {
  const loadProblems = loaded.problems.map(keptRequired);
  if (loadProblems.some((p) => p.severity === 'error')) return { problems: loadProblems };
  const baseDir = options.output ? dirname(resolve(options.cwd, options.output)) : loaded.projectDir;
  const sink = new ProblemSink();
  const model = rebaseModel(loaded, baseDir, sink);
  const spec = composeToSpec(model, { projectDir: loaded.projectDir, baseDir, sink, lookupFor: (service) => (service === undefined ? loaded.lookup : lookupFor(loaded, service)) });
  referenceNotes(loaded, baseDir, options.cwd, sink);
  const problems = [...loadProblems, ...locateProblems(sink.problems, loaded.sources)];
  if (sink.hasErrors) return { problems };
  const yaml = specYaml(spec, options.files);
  const check = parseSpec(yaml, options.output ?? 'berth.yaml');
  // placed in the Compose files, at the deepest part of the path they have (the service, where the field is berth's own
  // name): the spec that would hold them is not written
  const invalid = check.problems
    .filter((p) => p.severity === 'error')
    .map(({ file: _file, line: _line, col: _col, ...p }): Problem => ({ ...p, code: 'compose-import-invalid', message: `the imported spec does not validate: ${p.message}` }));
  problems.push(...locateProblems(invalid, loaded.sources));
  // a secret written literally in the Compose files is one in the spec too: the warning validate gives, said now,
  // placed where the Compose file wrote it (the value is never quoted)
  if (check.value) problems.push(...locateProblems(checkSecretsInSpec(check.value).map(({ file: _file, line: _line, col: _col, ...p }) => p), loaded.sources));
  return { spec, yaml, problems };
}

/**
 * A `${VAR:?message}` whose variable is unset stops Compose, but the import only needs its value
 * where the spec holds a typed value (a port, a duration): in text the reference is kept, and
 * `berth up` refuses to start the service until the variable is set.
 */
function keptRequired(p: Problem): Problem {
  if (p.code !== 'compose-variable-required' || !p.path || !keepsReferences(p.path)) return p;
  const service = p.path[0] === 'services' ? ` ${String(p.path[1])}` : ' the service';
  return { ...p, severity: 'warning', message: `${p.message}; kept as a reference: berth up refuses to start${service} until it is set` };
}

/**
 * What a reader of the spec must know about its references: `berth up` resolves them from the
 * environment and the `.env` beside the spec, which may not be the file Compose read (another
 * directory, `--env-file`, an include's own env file). Names variables, never values.
 */
function referenceNotes(loaded: LoadedCompose, baseDir: string, cwd: string, sink: ProblemSink): void {
  const services = isMap(loaded.model.services) ? loaded.model.services : {};
  const beside = join(baseDir, '.env');
  if (loaded.envPath && loaded.envPath !== beside) {
    const used = [...referencedNames(Object.values(services))].filter((n) => loaded.lookup(n) !== undefined);
    if (used.length) sink.warn([], `the spec keeps references to ${list(used)}, which berth resolves from the environment and ${displayPath(beside, cwd)}, not from ${loaded.envFile}: keep them there`, 'compose-env-file-elsewhere');
  }
  for (const [name, env] of loaded.included) {
    const differ = [...referencedNames(services[name])].filter((n) => env.lookup(n) !== loaded.lookup(n));
    if (differ.length) sink.warn(['services', name], `Compose reads ${list(differ)} for this included service from ${env.envFile ?? 'the environment only'}; berth resolves them from the environment and the .env beside the spec: keep the same values there`, 'compose-include-env');
  }
}

const list = (names: string[]) => (names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', '));

/** The model's relative paths rewritten for the spec's directory; a path that starts with a variable stays, with a warning. */
function rebaseModel(loaded: LoadedCompose, to: string, sink: ProblemSink): ComposeMap {
  const { model, projectDir: from } = loaded;
  if (from === to) return model;
  const notesAt = (at: DocPath, lookup: Lookup): RebaseNotes => ({
    resolved: (text) => {
      const { value, unset, required } = interpolate(text, lookup);
      return unset.length || required.length ? undefined : value;
    },
    unmoved: (field, text) => sink.warn([...at, ...field], unmovedMessage(text, "the spec's directory"), 'compose-path-not-moved'),
  });
  const out: ComposeMap = { ...model };
  if (isMap(model.services)) out.services = Object.fromEntries(Object.entries(model.services).map(([k, v]) => [k, rebaseService(v, from, to, notesAt(['services', k], lookupFor(loaded, k)))]));
  // A secret's or config's file is relative to the Compose file too.
  for (const kind of ['secrets', 'configs']) {
    const defs = model[kind];
    if (isMap(defs)) out[kind] = Object.fromEntries(Object.entries(defs).map(([k, d]) => [k, isMap(d) && typeof d.file === 'string' ? { ...d, file: rebasePath(d.file, from, to, notesAt([kind, k], loaded.lookup), ['file']) } : d]));
  }
  return out;
}

/** The spec as YAML, written by the yaml library with a header saying where it came from. */
export function specYaml(spec: ComposeMap, files: string[]): string {
  return writeYaml(spec, ` Imported from ${files.join(', ')} by \`berth import compose\`.\n Fields berth cannot carry are kept under x-compose; \`berth compose\` writes them back.`);
}
