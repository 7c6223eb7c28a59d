import { LineCounter, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Problem } from '../problem.js';
import { composePlainYaml, type Placed, type PlainYaml } from './plain-yaml.js';
import { parseYamlDocument } from './yaml-library.js';

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
// size: minutes for 150,000 services); keyProblems() below does the same check with a set per map.
const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: false, merge: true, strict: true } as const;

/**
 * Parses YAML text, never throws. The common YAML of berth's files is composed by composePlainYaml, several times
 * faster than the library's parser (an ecosystem of 200 repos is megabytes of it); anything else, and every text
 * with something wrong in it, by the library (parseYamlDocument). Either way one parse gives the value and where each
 * part of it is written; `doc`, the library's Document, is parsed from the same text when someone asks for it.
 */
export function parseYamlSource(file: string, text: string): SourceDocument {
  const plain = composePlainYaml(text);
  return plain ? plainSource(file, text, plain) : parseYamlWithLibrary(file, text);
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

/** The YAML library (parseYamlDocument), for all of YAML: what parseYamlSource falls back to (and what tests hold the plain path to). */
export function parseYamlWithLibrary(file: string, text: string): SourceDocument {
  const lineCounter = new LineCounter();
  const doc = parseYamlDocument(text, { lineCounter, ...PARSE_OPTIONS });
  const errors = [
    ...doc.errors.map((e) => ({ offset: e.pos[0], code: 'yaml-syntax', message: yamlMessage(e.code, e.message) })),
    ...keyProblems(doc).map(({ offset, proto }) =>
      proto
        ? { offset, code: 'proto-key', message: 'a key named "__proto__" cannot be kept (zod, and any JavaScript object, drop it); rename it' }
        : { offset, code: 'duplicate-key', message: `duplicate key "${keyAt(text, offset)}"` },
    ),
  ].sort((a, b) => a.offset - b.offset);
  const problems: Problem[] = [];
  for (const e of errors) {
    const pos = lineCounter.linePos(e.offset);
    problems.push({ code: e.code, severity: 'error', file, line: pos.line, col: pos.col, message: e.message });
  }
  for (const w of doc.warnings) {
    const pos = lineCounter.linePos(w.pos[0]);
    problems.push({ code: 'yaml-warning', severity: 'warning', file, line: pos.line, col: pos.col, message: yamlMessage(w.code, w.message) });
  }
  let value: unknown = undefined;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      problems.push({ code: 'yaml-syntax', severity: 'error', file, line: 1, col: 1, message: (err as Error).message.split('\n')[0]! });
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

/**
 * What is wrong with the keys of a document, in one pass: every key that repeats an earlier key of the same map
 * (scalar keys, compared by value as the YAML library does: a set per large map, a scan of the keys before it in a
 * small one), and every `__proto__` key (`proto`), which a schema drops without a word (zod skips it, so a variable
 * or service of that name would vanish; the plain path never composes one). The document is at most MAX_NESTING
 * deep (parseYamlDocument), so the walk's recursion is bounded.
 */
function keyProblems(doc: Document.Parsed): { offset: number; proto: boolean }[] {
  const out: { offset: number; proto: boolean }[] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      const items = node.items;
      const seen = items.length >= INDEXED_MAP ? new Set<unknown>() : undefined;
      for (let i = 0; i < items.length; i++) {
        const key = items[i]!.key;
        if (isScalar(key)) {
          let repeated = seen ? seen.has(key.value) : false;
          for (let j = 0; !seen && !repeated && j < i; j++) {
            const before = items[j]!.key;
            repeated = isScalar(before) && before.value === key.value;
          }
          if (repeated) out.push({ offset: key.range?.[0] ?? 0, proto: false });
          else seen?.add(key.value);
          if (key.value === '__proto__') out.push({ offset: key.range?.[0] ?? 0, proto: true });
        } else walk(key);
        walk(items[i]!.value);
      }
    } else if (isSeq(node)) for (const item of node.items) walk(item);
  };
  walk(doc.contents);
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
