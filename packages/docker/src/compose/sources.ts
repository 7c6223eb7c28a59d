import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { displayPath, notAFile, parseYamlSource, unreadableReason, type Problem, type SourceDocument } from '@berth/spec';
import { isMap as isYamlMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { DocPath, ProblemSink } from './model.js';
import { markComposeTags } from './yaml-tags.js';

/** A Compose file read from disk, with its parsed YAML (anchors and `<<` merge keys resolved). */
export interface ComposeSource {
  /** As shown to users. */
  file: string;
  path: string;
  dir: string;
  doc: SourceDocument;
  value: unknown;
}

/** The tags Compose defines: read without a warning. */
const COMPOSE_TAGS = ['!reset', '!override'];

/** Reads and parses one Compose file; a missing or broken file is an error in `sink` naming it and who asked for it. */
export function readComposeFile(path: string, cwd: string, sink: ProblemSink, wanted: { what: string; by?: { file: string; path: DocPath } }): ComposeSource | undefined {
  const file = displayPath(path, cwd);
  const where = wanted.by ? { file: wanted.by.file, path: wanted.by.path } : { file: undefined, path: [] as DocPath };
  const not = notAFile(path);
  if (!existsSync(path)) {
    sink.error(where.path, `${wanted.what} ${file} not found`, 'compose-file-not-found', where.file);
    return undefined;
  }
  if (not) {
    sink.error(where.path, `cannot read ${wanted.what} ${file}: it is ${not}, not a file`, 'compose-file-unreadable', where.file);
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    sink.error(where.path, `cannot read ${wanted.what} ${file}: ${unreadableReason(err)}`, 'compose-file-unreadable', where.file);
    return undefined;
  }
  // parseYamlSource refuses what would make the value cyclic or explode (an alias inside its own node, a wide
  // fan-out), so the interpolation and merge walks below see a tree
  const doc = parseYamlSource(file, text, { tags: COMPOSE_TAGS });
  sink.problems.push(...doc.problems);
  if (doc.problems.some((p) => p.severity === 'error')) return undefined;
  let value: unknown;
  try {
    value = markComposeTags(doc.doc) ? doc.doc.toJS({ maxAliasCount: 1000 }) : doc.value;
  } catch {
    // an alias to a node that !reset replaced
    sink.error([], `${file}: an alias names a node tagged !reset or !override; write the value out`, 'compose-yaml', file);
    return undefined;
  }
  return { file, path, dir: dirname(path), doc, value: value ?? {} };
}

/**
 * Places each problem at a line and column: in its own file when it names one, else in the file
 * (of those read) where the deepest part of its path is written: the override that set it.
 */
export function locateProblems(problems: Problem[], sources: readonly ComposeSource[]): Problem[] {
  return problems.map((p) => {
    if (p.line !== undefined || !p.path) return p;
    const candidates = p.file ? sources.filter((s) => s.file === p.file) : sources;
    let best: { source: ComposeSource; depth: number; offset: number } | undefined;
    for (const source of [...candidates].reverse()) {
      const m = deepest(source, p.path);
      if (m && (!best || m.depth > best.depth)) best = { source, ...m };
    }
    if (!best) return p;
    const { line, col } = best.source.doc.linePos(best.offset);
    return { ...p, file: best.source.file, line, col };
  });
}

function deepest(source: ComposeSource, path: DocPath): { depth: number; offset: number } | undefined {
  let node: unknown = source.doc.doc.contents;
  if (!node) return undefined;
  let offset = (node as Node).range?.[0] ?? 0;
  let depth = 0;
  for (const seg of path) {
    if (isYamlMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg];
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
    depth++;
  }
  return { depth, offset };
}
