import { LineCounter, isAlias, isMap, isNode, isPair, isScalar, isSeq, visit, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Problem } from '../problem.js';
import { composePlainYaml, type Placed, type PlainYaml } from './plain-yaml.js';
import { MAX_NESTING, parseYamlDocument } from './yaml-library.js';

/** A parsed YAML file that can say where any path in it is. */
export interface SourceDocument {
  file: string;
  text: string;
  doc: Document.Parsed;
  value: unknown;
  /** Parse errors and warnings of the YAML itself (broken syntax, duplicate keys). */
  problems: Problem[];
  /** Line and column (1-based) of the node at `path`, or of the nearest ancestor that exists. */
  locate(path: readonly (string | number)[], which?: 'key' | 'value'): { line: number; col: number };
  /** Line and column (1-based) of a character offset in `text`. */
  linePos(offset: number): { line: number; col: number };
}

// The library's own duplicate-key check compares each key with every key before it (quadratic in a map's
// size: minutes for 150,000 services); inspect() below does the same check with a set per map.
const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: false, merge: true, strict: true } as const;

/**
 * Parses YAML text, never throws. The common YAML of berth's files is composed by composePlainYaml, several times
 * faster than the library's parser (an ecosystem of 200 repos is megabytes of it); anything else, and every text
 * with something wrong in it, by the library (parseYamlDocument). Either way one parse gives the value and where each
 * part of it is written; `doc`, the library's Document, is parsed from the same text when someone asks for it.
 */
export function parseYamlSource(file: string, text: string, options: YamlReadOptions = {}): SourceDocument {
  const plain = composePlainYaml(text);
  return plain ? plainSource(file, text, plain) : parseYamlWithLibrary(file, text, options);
}

function plainSource(file: string, text: string, plain: PlainYaml): SourceDocument {
  let doc: Document.Parsed | undefined;
  let lines: LineCounter | undefined;
  const linePos = (offset: number) => {
    if (!lines) {
      lines = new LineCounter();
      lines.addNewLine(0);
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    }
    return lines.linePos(offset);
  };
  return {
    file,
    text,
    get doc() {
      return (doc ??= parseYamlDocument(text, PARSE_OPTIONS));
    },
    value: plain.value,
    problems: [],
    locate: (path, which = 'value') => linePos(plainOffset(plain, path, which)),
    linePos,
  };
}

/** The offset of the node at `path` in a plainly composed document, as offsetOf finds it in the library's Document. */
function plainOffset(plain: PlainYaml, path: readonly (string | number)[], which: 'key' | 'value'): number {
  let node: unknown = plain.value;
  let offset = plain.start;
  for (let i = 0; i < path.length; i++) {
    const placed = node && typeof node === 'object' ? plain.places.get(node) : undefined;
    if (!placed) break;
    const seg = path[i]!;
    let at: number;
    if (Array.isArray(node)) {
      if (typeof seg !== 'number' || seg >= placed.length) break;
      at = placed[seg] as number;
      node = node[seg];
    } else {
      const k = keyIndex(placed, String(seg));
      if (k < 0) break;
      if (i === path.length - 1 && which === 'key') return placed[k + 1] as number;
      at = placed[k + 2] as number;
      node = (node as Record<string, unknown>)[String(seg)];
    }
    offset = at;
  }
  return offset;
}

/** Where each key of a large map's places is, built on first use (as pairIndex is for the library's maps). */
const placedIndex = new WeakMap<Placed, Map<string, number>>();
/** Where `key` is in a map's places (`[key, keyAt, valueAt, ...]`), or -1. */
function keyIndex(placed: Placed, key: string): number {
  if (placed.length < 3 * INDEXED_MAP) {
    for (let k = 0; k < placed.length; k += 3) if (placed[k] === key) return k;
    return -1;
  }
  let index = placedIndex.get(placed);
  if (!index) {
    index = new Map();
    for (let k = 0; k < placed.length; k += 3) index.set(placed[k] as string, k);
    placedIndex.set(placed, index);
  }
  return index.get(key) ?? -1;
}

/** How parseYamlSource reads a file: `tags` are the custom tags its format defines (Compose's `!reset`, `!override`), read without a word. */
export interface YamlReadOptions {
  tags?: readonly string[];
}

/** The YAML library (parseYamlDocument), for all of YAML: what parseYamlSource falls back to (and what tests hold the plain path to). */
export function parseYamlWithLibrary(file: string, text: string, options: YamlReadOptions = {}): SourceDocument {
  const lineCounter = new LineCounter();
  const doc = parseYamlDocument(text, { lineCounter, ...PARSE_OPTIONS });
  const found = inspect(doc, text, file);
  const errors = [
    ...doc.errors.map((e) => ({ offset: e.pos[0], code: 'yaml-syntax', message: yamlMessage(e.code, e.message) })),
    ...found.filter((f) => f.severity === 'error'),
  ].sort((a, b) => a.offset - b.offset);
  const problems: Problem[] = [];
  for (const e of errors) {
    const pos = lineCounter.linePos(e.offset);
    problems.push({ code: e.code, severity: 'error', file, line: pos.line, col: pos.col, message: e.message });
  }
  const warnings = [
    ...doc.warnings.flatMap((w) => {
      const said = w.code === 'TAG_RESOLVE_FAILED' ? unresolvedTag(w.message, file, options) : { code: 'yaml-warning', severity: 'warning' as const, message: yamlMessage(w.code, w.message) };
      return said ? [{ offset: w.pos[0], ...said }] : [];
    }),
    ...found.filter((f) => f.severity === 'warning'),
  ].sort((a, b) => a.offset - b.offset);
  for (const w of warnings) {
    const pos = lineCounter.linePos(w.offset);
    problems.push({ code: w.code, severity: w.severity, file, line: pos.line, col: pos.col, message: w.message });
  }
  let value: unknown = undefined;
  if (problems.every((p) => p.severity !== 'error')) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      // inspect() refuses what the library would throw on (cycles, bad merges, expansions); its own alias count is
      // the one left, and it throws at an alias
      const first = firstAlias(doc);
      const pos = lineCounter.linePos(first ?? (doc.contents as Node | null)?.range?.[0] ?? 0);
      const message = /Excessive alias count/.test((err as Error).message) ? 'too many aliases: the document expands too far (write the values out, or alias fewer of them)' : `cannot read the YAML: ${(err as Error).message.split('\n')[0]!}`;
      problems.push({ code: 'yaml-syntax', severity: 'error', file, line: pos.line, col: pos.col, message });
    }
  }

  const offsetOf = (path: readonly (string | number)[], which: 'key' | 'value'): number => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (isMap(node)) {
        const pair = pairOf(node, String(seg));
        if (!pair) break;
        const last = i === path.length - 1;
        const keyNode = pair.key as Node;
        if (last && which === 'key') return keyNode.range?.[0] ?? offset;
        node = pair.value;
        offset = (pair.value as Node | null)?.range?.[0] ?? keyNode.range?.[0] ?? offset;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        node = item;
        offset = item.range?.[0] ?? offset;
      } else break;
    }
    return offset;
  };

  return {
    file,
    text,
    doc,
    value,
    problems,
    locate(path, which = 'value') {
      return lineCounter.linePos(offsetOf(path, which));
    },
    linePos: (offset) => lineCounter.linePos(offset),
  };
}

/** Maps at least this large get an index for locating keys; in smaller ones a scan is cheaper than building one. */
const INDEXED_MAP = 16;
/** Where each large map's keys are, built once per map on first use: locating a problem costs its path's depth, not the map's size. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
function pairOf(map: YAMLMap, key: string): Pair | undefined {
  if (map.items.length < INDEXED_MAP) return map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) if (isPair(p) && isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
    pairIndex.set(map, index);
  }
  return index.get(key);
}

/** One thing inspect() found, at a character offset. */
interface Found {
  offset: number;
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

/** How far a document may expand through its aliases (values, plus the characters of each scalar): in proportion to its text, never under a million. */
export function maxExpansion(text: string): number {
  return Math.max(1_000_000, 50 * text.length);
}

/** C0 and C1 control characters other than tab and newline: a terminal acts on them (ESC starts a sequence, BEL rings). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const YAML_TAG = 'tag:yaml.org,2002:';
/** YAML 1.1 types the library builds as objects no berth file holds (bytes, sets, ordered maps, dates), and the language-specific tags of other loaders. */
const REFUSED_TAG = /^tag:yaml\.org,2002:(?:binary|set|omap|pairs|timestamp|js\/.*|python\/.*)$/;

/** A tag as it is written: `!!binary` for YAML's own. */
function tagName(tag: string): string {
  return tag.startsWith(YAML_TAG) ? `!!${tag.slice(YAML_TAG.length)}` : tag.startsWith('!') ? tag : `!<${tag}>`;
}

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1) || 'this file';
}

/** The problem for a tag the library could not resolve (its TAG_RESOLVE_FAILED warning); undefined for a tag the format defines. */
function unresolvedTag(message: string, file: string, options: YamlReadOptions): Omit<Found, 'offset'> | undefined {
  const tag = /Unresolved tag: (\S+)/.exec(message)?.[1] ?? '';
  if (options.tags?.includes(tag) || REFUSED_TAG.test(tag)) return undefined; // read silently, or refused by inspect()
  const name = tagName(tag);
  if (tag.startsWith(YAML_TAG))
    return { code: 'yaml-tag', severity: 'error', message: `tag ${name} does not fit the value it is on: remove the tag, or write the value it names` };
  return { code: 'yaml-tag', severity: 'warning', message: `tag ${name} is not known to berth; its value is read as plain YAML in ${baseName(file)} (remove the tag)` };
}

/** Where a tagged node's tag is written: its range starts after the tag. */
function tagOffset(text: string, node: Node): number {
  const start = node.range?.[0] ?? 0;
  let at = text.lastIndexOf('!', start - 1);
  if (at < 0) return start;
  while (at > 0 && text[at - 1] === '!') at--;
  return at;
}

/** Whether a map's key is the merge key `<<` (plain, untagged: the library resolves it to a symbol). */
function isMergeKey(key: Scalar): boolean {
  const v = key.value;
  return (v === '<<' || (typeof v === 'symbol' && v.description === '<<')) && (!key.type || key.type === 'PLAIN');
}

/** The offset of the first alias of a document, if it has one. */
function firstAlias(doc: Document.Parsed): number | undefined {
  let at: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      at = node.range?.[0];
      return visit.BREAK;
    },
  });
  return at;
}

/**
 * What is wrong with a document that the library would not say, or would say at 1:1 while building its value, in
 * one pass over the parsed nodes (never over the expanded value):
 * - every key that repeats an earlier key of the same map (scalar keys, compared by value as the YAML library does:
 *   a set per large map, a scan of the keys before it in a small one), and every `__proto__` key, which a schema
 *   drops without a word (zod skips it, so a variable or service of that name would vanish; the plain path never
 *   composes one);
 * - an alias inside the node it names (`x: &r [*r]`, `<<: *r` in r, a root anchored and aliased within): a cyclic
 *   value, which every walk of it (the schema, the secret redactor, Compose's interpolation) would follow forever;
 * - aliases that expand the document past maxExpansion (values, plus the characters of each scalar), or nest it deeper than MAX_NESTING: a megabyte of
 *   text that reads as gigabytes (each alias to an anchored node counts that node's expanded size, known when the
 *   alias comes, since an alias names only an earlier, closed node);
 * - a `<<` merge whose value is not a map, an alias to one, or a list of those;
 * - a YAML 1.1 or language tag (REFUSED_TAG);
 * - a string holding a control character (a warning).
 * The document is at most MAX_NESTING deep (parseYamlDocument), so the walk's recursion is bounded.
 */
function inspect(doc: Document.Parsed, text: string, file: string): Found[] {
  const out: Found[] = [];
  const limit = maxExpansion(text);
  const anchors = new Map<string, Node>();
  /** Of each anchored node: its expanded size and height, once closed. */
  const sizes = new Map<Node, { size: number; height: number }>();
  /** Anchored nodes being walked: an alias to one of these is inside it. */
  const open = new Set<Node>();
  let nodes = 0;
  let expansionSaid = false;
  let depthSaid = false;
  const add = (offset: number, code: string, message: string, severity: 'error' | 'warning' = 'error') => out.push({ offset, code, severity, message });

  /** Walks `node` at nesting `depth`; returns its height as expanded. */
  const walk = (node: unknown, depth: number): number => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) return 0; // the library reports it
      const at = node.range?.[0] ?? 0;
      if (open.has(target)) {
        add(at, 'yaml-alias-cycle', `alias *${node.source} refers to the node that holds it: the value would contain itself (write it out, or alias a node outside it)`);
        return 0;
      }
      const closed = sizes.get(target)!;
      nodes += closed.size;
      if (!expansionSaid && nodes > limit) {
        expansionSaid = true;
        add(at, 'yaml-expansion', `alias *${node.source} expands the document too far (past ${limit} values and characters, for a text of ${text.length}): write the values out, or alias fewer of them`);
      }
      if (!depthSaid && depth + closed.height > MAX_NESTING && (depthSaid = true)) add(at, 'yaml-expansion', `alias *${node.source} nests the document more than ${MAX_NESTING} levels deep`);
      return closed.height;
    }
    if (!isNode(node)) return 0;
    const before = nodes;
    // a value counts once, and a scalar once more per character written: what an alias to it copies
    nodes += isScalar(node) && node.range ? 1 + node.range[1] - node.range[0] : 1;
    const anchor = node.anchor;
    if (anchor) {
      anchors.set(anchor, node);
      open.add(node);
    }
    if (node.tag && REFUSED_TAG.test(node.tag)) {
      add(tagOffset(text, node), 'yaml-tag', `tag ${tagName(node.tag)} is not supported in ${baseName(file)}: write the value as a plain string`);
    }
    let height = 0;
    if (isScalar(node)) {
      // a string with U+FFFD is bytes that are not text (a binary file): the loader says so, once
      if (typeof node.value === 'string' && CONTROL.test(node.value) && !node.value.includes('\uFFFD')) {
        const c = CONTROL.exec(node.value)![0].charCodeAt(0);
        add(node.range?.[0] ?? 0, 'control-character', `holds the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}, which a terminal or page would act on: remove it`, 'warning');
      }
    } else if (isMap(node)) {
      const items = node.items;
      const seen = items.length >= INDEXED_MAP ? new Set<unknown>() : undefined;
      for (let i = 0; i < items.length; i++) {
        const { key, value } = items[i]!;
        if (isScalar(key)) {
          let repeated = seen ? seen.has(key.value) : false;
          for (let j = 0; !seen && !repeated && j < i; j++) {
            const earlier = items[j]!.key;
            repeated = isScalar(earlier) && earlier.value === key.value;
          }
          const at = key.range?.[0] ?? 0;
          if (repeated) add(at, 'duplicate-key', `duplicate key ${JSON.stringify(keyAt(text, at))}`);
          else seen?.add(key.value);
          if (key.value === '__proto__') add(at, 'proto-key', 'a key named "__proto__" cannot be kept (zod, and any JavaScript object, drop it); rename it');
          if (isMergeKey(key) && !mergeable(value)) add(at, 'yaml-merge', 'a merge key (<<) takes a map, an alias to a map, or a list of those');
        }
        height = Math.max(height, walk(key, depth + 1), walk(value, depth + 1));
      }
    } else if (isSeq(node)) for (const item of node.items) height = Math.max(height, walk(item, depth + 1));
    if (!isScalar(node)) height++;
    if (anchor) {
      open.delete(node);
      sizes.set(node, { size: nodes - before, height });
    }
    return height;
  };
  /** Whether `<<` may take `value`: a map, an alias to one, or a list of those (written, or an alias to one), as the library merges. */
  const mergeable = (value: unknown): boolean => {
    const resolved = (v: unknown) => (isAlias(v) ? anchors.get(v.source) : v);
    // an alias to no anchor is the library's error already
    const one = (v: unknown) => isMap(resolved(v)) || (isAlias(v) && !anchors.has(v.source));
    const list = resolved(value);
    return one(value) || (isSeq(list) && list.items.every(one));
  };
  walk(doc.contents, 0);
  return out;
}

function yamlMessage(code: string, message: string): string {
  // the library's advice to call its own API is not the user's to follow
  if (code === 'MULTIPLE_DOCS') return 'invalid YAML: a second document (after ---): the file must hold one';
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
  return `invalid YAML: ${first}`;
}

/** The key written at `offset`: the text up to the colon, unquoted. */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200);
  const m = /^\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^:\n#]*?))\s*:/.exec(rest);
  return (m?.[1] ?? m?.[2] ?? m?.[3] ?? rest.split('\n')[0] ?? '').trim();
}
