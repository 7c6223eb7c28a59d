import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { Problem } from '../problem.js';

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

export function parseYamlSource(file: string, text: string): SourceDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true, strict: true });
  const problems: Problem[] = [];
  for (const e of doc.errors) {
    const pos = lineCounter.linePos(e.pos[0]);
    const code = e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax';
    const message = e.code === 'DUPLICATE_KEY' ? `duplicate key "${keyAt(text, e.pos[0])}"` : yamlMessage(e.code, e.message);
    problems.push({ code, severity: 'error', file, line: pos.line, col: pos.col, message });
  }
  for (const w of doc.warnings) {
    const pos = lineCounter.linePos(w.pos[0]);
    problems.push({ code: 'yaml-warning', severity: 'warning', file, line: pos.line, col: pos.col, message: yamlMessage(w.code, w.message) });
  }
  let value: unknown = undefined;
  if (doc.errors.length === 0) {
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
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
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

function yamlMessage(_code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
  return `invalid YAML: ${first}`;
}

/** The key written at `offset`: the text up to the colon, unquoted. */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200);
  const m = /^\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^:\n#]*?))\s*:/.exec(rest);
  return (m?.[1] ?? m?.[2] ?? m?.[3] ?? rest.split('\n')[0] ?? '').trim();
}
