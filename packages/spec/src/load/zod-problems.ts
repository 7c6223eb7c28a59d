import type { z } from 'zod';
import type { Problem } from '../problem.js';
import type { SourceDocument } from './yaml-document.js';
import { discriminatorValuesAt, knownKeysAt } from './schema-walk.js';
import { closest } from '../util/did-you-mean.js';

/** Turns zod issues into problems that point into the YAML; DOCUMENT names the whole of it ("spec", "registry"). */
export function zodProblems(error: z.ZodError, source: SourceDocument, schema: z.core.$ZodType, document = 'spec'): Problem[] {
  const label = (path: readonly (string | number)[]) => pathLabel(path, document);
  const out: Problem[] = [];
  const seen = new Set<string>();
  const issues = flatten(error.issues);
  // A misspelt key ("urll") also leaves the key it meant missing; the did-you-mean says both, so say it once.
  const meant = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const known = knownKeysAt(schema, source.value, path)?.keys ?? [];
    for (const key of (issue as { keys: string[] }).keys) {
      const hint = meantKey(key, known);
      if (hint) meant.add(JSON.stringify([...path, hint]));
    }
  }
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const unrecognized = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : undefined;
    if (unrecognized) {
      const known = knownKeysAt(schema, source.value, path)?.keys ?? [];
      for (const key of unrecognized) push(unknownKey(source, path, key, known));
      continue;
    }
    if (issue.code === 'invalid_type' && valueAt(source.value, path) === undefined && meant.has(JSON.stringify(path))) continue;
    if (issue.code === 'invalid_key') {
      // A key the record refuses (an env var name with a dash): point at the key, say why.
      const inner = (issue as { issues?: { message: string }[] }).issues?.[0]?.message;
      const key = path[path.length - 1];
      push({ code: 'invalid-key', path, message: `${label(path.slice(0, -1))}: key ${JSON.stringify(String(key))} ${inner && inner !== 'Invalid input' ? inner : 'is not allowed here'}`, ...source.locate(path, 'key') });
      continue;
    }
    if (issue.code === 'invalid_union' && (issue as { note?: string }).note === 'No matching discriminator') {
      const parent = path.slice(0, -1);
      const values = discriminatorValuesAt(schema, source.value, parent);
      const got = valueAt(source.value, path);
      const allowed = values.length ? `one of ${values.map((v) => JSON.stringify(v)).join(', ')}` : 'a known kind';
      const what = got === undefined ? `is required (${allowed})` : `must be ${allowed}, got ${show(got)}`;
      push({ code: 'invalid-value', path, message: `${label(path)}: ${what}`, ...source.locate(got === undefined ? parent : path, 'value') });
      continue;
    }
    const at = source.locate(path, 'value');
    push({ code: 'invalid-value', path, message: `${label(path)}: ${describe(issue, source.value, path)}`, ...at });
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));

  function push(p: Omit<Problem, 'severity' | 'file'>) {
    const key = `${p.line}:${p.col}:${p.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ severity: 'error', file: source.file, ...p });
  }
}

/** did-you-mean answers per list of known keys: a spec repeating one unknown key 150,000 times asks once. */
const hints = new WeakMap<readonly string[], Map<string, string | undefined>>();
function meantKey(key: string, known: readonly string[]): string | undefined {
  let memo = hints.get(known);
  if (!memo) hints.set(known, (memo = new Map()));
  if (!memo.has(key)) memo.set(key, closest(key, known));
  return memo.get(key);
}

/** The problem for a key the schema does not know, with a did-you-mean. */
export function unknownKey(source: SourceDocument, path: readonly (string | number)[], key: string, known: readonly string[]): Omit<Problem, 'severity' | 'file'> {
  const hint = meantKey(key, known);
  const where = path.length ? `${pathLabel(path, '')}: ` : '';
  return {
    code: 'unknown-key',
    path: [...path, key],
    // JSON-quoted: a key can hold control characters (a NUL, an ESC), which the terminal is not to receive
    message: `${where}unknown key ${JSON.stringify(key)}${hint ? ` (did you mean "${hint}"?)` : ''}`,
    ...source.locate([...path, key], 'key'),
  };
}

function flatten(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && 'errors' in issue && issue.errors.length > 0) {
      // Pick the branch that got furthest: the one whose issues have the longest paths, then the fewest issues.
      const branches = issue.errors.map((branch) => branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] })) as z.core.$ZodIssue[]);
      const depth = (b: z.core.$ZodIssue[]) => Math.max(...b.map((i) => i.path.length));
      const onlyTypeErrors = branches.every((b) => b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === issue.path.length);
      if (onlyTypeErrors) {
        out.push(issue);
        continue;
      }
      branches.sort((a, b) => depth(b) - depth(a) || a.length - b.length);
      out.push(...flatten(branches[0]!));
    } else out.push(issue);
  }
  return out;
}

function pathLabel(path: readonly (string | number)[], document: string): string {
  if (path.length === 0) return document;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v && typeof v === 'object') v = (v as Record<string | number, unknown>)[p];
    else return undefined;
  }
  return v;
}

/** The replacement character: the file held bytes that are not UTF-8 (JSON.stringify escapes control characters). */
const NOT_TEXT = /\uFFFD/;

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  // bytes that are not text (a binary file, UTF-16) are named as such: echoed, they garble the terminal
  if (typeof v === 'string') return NOT_TEXT.test(v) ? 'text that is not UTF-8 (a binary file?)' : JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return objectKind(v);
  return String(v);
}

/** What an object the YAML library built is, by its kind: only a plain one is a map (yaml-document refuses the tags that build the others). */
function objectKind(v: object): string {
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto === null || proto === Object.prototype) return 'a map';
  if (v instanceof Uint8Array) return 'bytes (!!binary)';
  if (v instanceof Date) return 'a date (!!timestamp)';
  if (v instanceof Set) return 'a set (!!set)';
  if (v instanceof Map) return 'an ordered map (!!omap)';
  return `an object (${(proto.constructor as { name?: string } | undefined)?.name ?? 'unknown'})`;
}

function describe(issue: z.core.$ZodIssue, root: unknown, path: readonly (string | number)[]): string {
  const got = valueAt(root, path);
  switch (issue.code) {
    case 'invalid_type':
      if (got === undefined) return `is required (${kind(issue.expected)})`;
      return `expected ${kind(issue.expected)}, got ${show(got)}`;
    case 'invalid_value': {
      const allowed = issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      if (got === undefined) return issue.values.length === 1 ? `is required (${String(path[path.length - 1] ?? 'value')}: ${allowed})` : `is required (${allowed})`;
      return `must be ${allowed}, got ${show(got)}`;
    }
    case 'invalid_union':
      return `expected ${unionExpectation(issue)}, got ${show(got)}`;
    case 'too_small':
    case 'too_big': {
      // zod's own wording ("Too big: expected number to be <=20") is replaced; a message the schema wrote is kept
      const plain = /^Too (?:small|big)\b/.test(issue.message) ? boundText(issue) : undefined;
      if (plain) return `${plain}${got !== undefined && typeof got !== 'object' ? ` (got ${show(got)})` : ''}`;
    }
    // falls through: a message the schema wrote
    case 'invalid_format':
    case 'custom':
    default:
      return issue.message === 'Invalid input' ? `is not valid (got ${show(got)})` : `${issue.message}${got !== undefined && typeof got !== 'object' && issue.code !== 'custom' ? ` (got ${show(got)})` : ''}`;
  }
}

/** A bound a value passes over, in plain words: "must be at most 20", "must list at least 1 item". */
function boundText(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'too_small' && issue.code !== 'too_big') return undefined;
  const big = issue.code === 'too_big';
  const limit = Number(big ? issue.maximum : issue.minimum);
  const inclusive = issue.inclusive !== false;
  const most = big ? (inclusive ? 'at most' : 'less than') : inclusive ? 'at least' : 'more than';
  const count = (one: string) => `${limit} ${one}${limit === 1 ? '' : 's'}`;
  switch (issue.origin) {
    case 'number':
    case 'int':
    case 'bigint':
      return `must be ${most} ${limit}`;
    case 'string':
      return !big && inclusive && limit === 1 ? 'must not be empty' : `must be ${most} ${count('character')} long`;
    case 'array':
    case 'set':
      return !big && inclusive && limit === 1 ? 'must list at least one item' : `must list ${most} ${count('item')}`;
    default:
      return undefined;
  }
}

function unionExpectation(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_union' || !('errors' in issue)) return 'a valid value';
  const kinds = new Set<string>();
  for (const branch of issue.errors) for (const i of branch) if (i.code === 'invalid_type') kinds.add(kind(i.expected));
  return kinds.size ? [...kinds].join(' or ') : 'a valid value';
}

/** zod's type names as a YAML author reads them. */
function kind(expected: string): string {
  const names: Record<string, string> = { object: 'a map', record: 'a map', map: 'a map', array: 'a list', tuple: 'a list', string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false', date: 'a date', null: 'null' };
  return names[expected] ?? expected;
}
