import type { z } from 'zod';
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
 * `file:line:col`. The one path every berth document (spec, registry, ecosystem manifest) is read through.
 */
export function parseYamlAs<S extends z.ZodType>(schema: S, text: string, file: string, empty: string): ParsedDocument<z.output<S>> {
  const source = parseYamlSource(file, text);
  const problems = [...source.problems];
  if (problems.some((p) => p.severity === 'error')) return { file, source, problems };
  if (source.value === undefined || source.value === null) {
    problems.push({ code: 'empty-file', severity: 'error', file, line: 1, col: 1, message: `the file is empty; ${empty}` });
    return { file, source, problems };
  }
  const result = schema.safeParse(source.value);
  // pushAll, not push(...): a spec of 150,000 services may have 150,000 unknown keys, more than a call takes as arguments.
  pushAll(problems, unknownExtensionKeys(schema, source.value).map((u) => ({ severity: 'error' as const, file, ...unknownKey(source, u.path, u.key, u.known) })));
  if (!result.success) return { file, source, problems: [...problems, ...zodProblems(result.error, source, schema)] };
  if (problems.some((p) => p.severity === 'error')) return { file, source, problems };
  return { file, source, problems, value: result.data };
}
