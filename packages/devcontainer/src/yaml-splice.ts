import { parseYamlDocument } from '@berth/spec';
import { isMap, isPair, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

/** A piece of a block collection's text: one pair or item with the comment lines above it, then its trailing blank lines. */
interface Piece {
  key: string;
  node: unknown;
  /** Where the body starts in its text. */
  start: number;
  body: string;
  gap: string;
}

type Block = YAMLMap | YAMLSeq;

const lineStart = (text: string, pos: number) => text.lastIndexOf('\n', pos - 1) + 1;

/** Where a pair or item's text starts: its line, moved up over the comment lines right above it. */
function pieceStart(text: string, pos: number): number {
  let start = lineStart(text, pos);
  while (start > 0) {
    const prev = lineStart(text, start - 1);
    if (!/^[ \t]*#/.test(text.slice(prev, start - 1))) break;
    start = prev;
  }
  return start;
}

function startOf(entry: unknown): number | undefined {
  if (isPair(entry)) return (entry.key as Node | null)?.range?.[0];
  return (entry as Node | null)?.range?.[0];
}

const isBlock = (n: unknown): n is Block => (isMap(n) || isSeq(n)) && !n.flow && n.items.length > 0;
const json = (n: unknown) => JSON.stringify(n && typeof n === 'object' && 'toJSON' in n ? (n as { toJSON(): unknown }).toJSON() : n);

/** The pieces of a block collection whose text runs to `end`, or undefined when a position is missing. */
function pieces(text: string, block: Block, end: number): Piece[] | undefined {
  const starts = block.items.map((e) => startOf(e));
  if (starts.some((s) => s === undefined)) return undefined;
  const bounds = starts.map((s) => pieceStart(text, s!));
  return block.items.map((entry, i) => {
    const chunk = text.slice(bounds[i]!, i + 1 < bounds.length ? bounds[i + 1] : end);
    const body = chunk.replace(/(\n[ \t]*)+$/, '\n').replace(/^\n$/, '');
    const key = isPair(entry) ? json(entry.key) : String(i);
    return { key, node: isPair(entry) ? (entry as Pair).value : entry, start: bounds[i]!, body: chunk.slice(0, body.length), gap: chunk.slice(body.length) };
  });
}

/**
 * `edited` (the same YAML after a Document API edit, printed by the yaml library) with the original text of every
 * part that did not change: a pair or list item whose value is unchanged keeps its bytes, comments and alignment
 * included; a changed block map or list is rebuilt the same way, one level down; only what changed is printed anew.
 */
export function spliceYaml(original: string, edited: string): string {
  if (original === edited) return original;
  const a = parseYamlDocument(original);
  const b = parseYamlDocument(edited);
  if (!isBlock(a.contents) || !isBlock(b.contents) || isMap(a.contents) !== isMap(b.contents)) return edited;
  const head = original.slice(0, pieceStart(original, startOf(a.contents.items[0])!));
  return head + splice(original, a.contents, original.length, edited, b.contents, edited.length);
}

function splice(origText: string, orig: Block, origEnd: number, newText: string, next: Block, newEnd: number): string {
  const before = pieces(origText, orig, origEnd);
  const after = pieces(newText, next, newEnd);
  if (!before || !after) return newText.slice(pieceStart(newText, startOf(next.items[0])!), newEnd);
  const byKey = new Map(before.map((p, i) => [p.key, { piece: p, index: i }]));
  const lastOrig = before.length - 1;
  return after
    .map((p, k) => {
      const old = isMap(next) ? byKey.get(p.key) : before[k] && { piece: before[k]!, index: k };
      let body = p.body;
      if (old && json(old.piece.node) === json(p.node)) body = old.piece.body;
      else if (old && isBlock(old.piece.node) && isBlock(p.node) && isMap(old.piece.node) === isMap(p.node)) {
        body = nested(origText, old.piece, newText, p);
      }
      const gap = k === after.length - 1 ? before[lastOrig]!.gap : old && old.index !== lastOrig ? old.piece.gap : p.gap;
      return body + gap;
    })
    .join('');
}

/** A changed pair or item whose value is a block collection in both: its own line from the original, its contents spliced. */
function nested(origText: string, orig: Piece, newText: string, next: Piece): string {
  const o = orig.node as Block;
  const n = next.node as Block;
  const oFirst = pieceStart(origText, startOf(o.items[0])!);
  const nFirst = pieceStart(newText, startOf(n.items[0])!);
  if (oFirst < orig.start || nFirst < next.start) return next.body;
  const header = origText.slice(orig.start, oFirst);
  return header + splice(origText, o, orig.start + orig.body.length, newText, n, next.start + next.body.length);
}
