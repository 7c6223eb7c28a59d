import type { z } from 'zod';
import { compile } from 'zod/v4/core';
import type { Problem } from '../problem.js';
import { parseYamlSource, type SourceDocument } from './yaml-document.js';
import { unknownKey, zodProblems } from './zod-problems.js';
import { unknownExtensionKeys } from './schema-walk.js';
import { pushAll } from '../util/push-all.js';

/** A YAML document read against a schema: the value only when nothing is wrong with it. */
export interface ParsedDocument<T> {
  file: string;
  source: SourceDocument;
  value?: T;
  problems: Problem[];
}

/**
 * Parses YAML text against a zod schema; never throws. YAML errors, an empty file (`empty` says what the file
 * should start with), schema violations in plain words and unknown keys with a did-you-mean, each at
 * `file:line:col`; DOCUMENT is what a problem with the whole file calls it ("registry: expected a map"). The one path
 * every berth document (spec, registry, ecosystem manifest) is read through.
 */
export function parseYamlAs<S extends z.ZodType>(schema: S, text: string, file: string, empty: string, document = 'spec'): ParsedDocument<z.output<S>> {
  const source = parseYamlSource(file, text);
  const problems = [...source.problems];
  if (problems.some((p) => p.severity === 'error')) return { file, source, problems };
  if (source.value === undefined || source.value === null) {
    problems.push({ code: 'empty-file', severity: 'error', file, line: 1, col: 1, message: `the file is empty; ${empty}` });
    return { file, source, problems };
  }
  const result = parserFor(schema, text.length).safeParse(source.value);
  // pushAll, not push(...): a spec of 150,000 services may have 150,000 unknown keys, more than a call takes as arguments.
  pushAll(problems, unknownExtensionKeys(schema, source.value).map((u) => ({ severity: 'error' as const, file, ...unknownKey(source, u.path, u.key, u.known) })));
  if (!result.success) return { file, source, problems: [...problems, ...zodProblems(result.error, source, schema, document)] };
  if (problems.some((p) => p.severity === 'error')) return { file, source, problems };
  return { file, source, problems, value: result.data };
}

/**
 * Text a schema parses with zod's runtime parser, in one process, before berth switches to zod's ahead-of-time
 * compiled parser for it (`compile` from zod/v4/core: one generated function for the schema, which hands anything it
 * rejects or cannot model to the runtime parser, so values and problems are the same; compiled-parse.test.ts compares
 * them). Compiling the spec schema costs about what the runtime parser takes for 0.4 MB of YAML, and the compiled
 * parser then takes about a third of its time and allocates far less: worth it for an ecosystem of hundreds of repos
 * or a registry of thousands of ports, never reached by the one spec of a `berth validate`
 * (bench/ecosystem-check.mjs, bench/cli-cold-start.mjs).
 */
export const COMPILE_AFTER_CHARS = 128 * 1024;

const tiers = new WeakMap<z.ZodType, { chars: number; compiled?: z.ZodType }>();

/** The parser for TEXT_LENGTH more characters with SCHEMA: the runtime's, until the process has parsed enough with it. */
function parserFor<S extends z.ZodType>(schema: S, textLength: number): S {
  let tier = tiers.get(schema);
  if (!tier) tiers.set(schema, (tier = { chars: 0 }));
  if (!tier.compiled && (tier.chars += textLength) > COMPILE_AFTER_CHARS) tier.compiled = compile(schema);
  return (tier.compiled ?? schema) as S;
}
