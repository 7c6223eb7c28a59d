import { isDeepStrictEqual } from 'node:util';
import { parseYamlDocument } from '@berth/spec';
import { isMap, isPair, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * One pair or item of a block collection's text, in four parts that follow each other:
 * - `start`..`keyLine`: the comment lines right above it (as deep as its key or less: a deeper one is the item before's);
 * - `keyLine`..`contentEnd`: its own lines, from its key's line to the end of the line its value ends on;
 * - `contentEnd`..`bodyEnd`: comment lines indented deeper than its key that follow (commented-out fields of its own);
 * - `bodyEnd`..`gapEnd`: what separates it from the next one (blank lines, comments at its depth or less), or for the
 *   last one the collection's tail, up to where its parent's text ends.
 */
interface Piece {
  key: string;
  node: unknown;
  start: number;
  keyLine: number;
  contentEnd: number;
  bodyEnd: number;
  gapEnd: number;
  /** The column of its key (of a list item's dash). */
  indent: number;
  /** Whether a blank line is between it and the one before (as the yaml library prints a new section). */
  spaceBefore: boolean;
}

type Block = YAMLMap | YAMLSeq;

/** Why spliceYaml would not give a text: what it spliced does not say what the edit says, or it moved comments. */
export class SpliceRefused extends Error {
  override readonly name = 'SpliceRefused';
}

const lineStart = (text: string, pos: number) => text.lastIndexOf('\n', pos - 1) + 1;
const lineEnd = (text: string, pos: number) => {
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl + 1;
};
/** The line at `start` (without its line break), its depth, and whether it is blank or a comment. */
function lineAt(text: string, start: number): { end: number; indent: number; blank: boolean; comment: boolean } {
  const end = lineEnd(text, start);
  const line = text.slice(start, end).replace(/\r?\n$/, '');
  const indent = line.length - line.trimStart().length;
  return { end, indent, blank: line.trim() === '', comment: line.trimStart().startsWith('#') };
}

function startOf(entry: unknown): number | undefined {
  if (isPair(entry)) return (entry.key as Node | null)?.range?.[0];
  return (entry as Node | null)?.range?.[0];
}

/** The column an entry's depth is read at: a key's own, or a list item's dash. */
function indentOf(text: string, entry: unknown, pos: number): number {
  const line = lineStart(text, pos);
  if (isPair(entry)) return pos - line;
  let at = pos;
  while (at > line && /[ \t]/.test(text[at - 1]!)) at--;
  return at > line && text[at - 1] === '-' ? at - 1 - line : pos - line;
}

/** Where an entry's value ends in the text: the end of the last thing it holds, read through block collections (whose own ranges run over the comments after them). */
function lastContent(entry: unknown): number | undefined {
  if (isPair(entry)) {
    const key = (entry.key as Node | null)?.range?.[1];
    const value = entry.value as Node | null;
    const end = value && (isBlock(value) ? lastContent(value.items.at(-1)) : value.range?.[1]);
    return Math.max(key ?? -1, end ?? -1) === -1 ? undefined : Math.max(key ?? -1, end ?? -1);
  }
  if (isBlock(entry)) return lastContent(entry.items.at(-1));
  return (entry as Node | null)?.range?.[1];
}

const isBlock = (n: unknown): n is Block => (isMap(n) || isSeq(n)) && !n.flow && n.items.length > 0;
const json = (n: unknown) => JSON.stringify(n && typeof n === 'object' && 'toJSON' in n ? (n as { toJSON(): unknown }).toJSON() : n);

/** The pieces of a block collection whose text runs from `from` to `end`, or undefined when a position is missing. */
function pieces(text: string, block: Block, from: number, end: number): Piece[] | undefined {
  const found: Piece[] = [];
  for (const [i, entry] of block.items.entries()) {
    const at = startOf(entry);
    const last = lastContent(entry);
    if (at === undefined || last === undefined) return undefined;
    const indent = indentOf(text, entry, at);
    const keyLine = lineStart(text, at);
    // up over the comment lines right above it, as deep as its key or less, not into the piece before
    const floor = found.at(-1)?.contentEnd ?? from;
    let start = keyLine;
    while (start > floor) {
      const prev = lineStart(text, start - 1);
      const line = lineAt(text, prev);
      if (prev < floor || !line.comment || line.indent > indent) break;
      start = prev;
    }
    let q = last;
    while (q > at && /\s/.test(text[q - 1]!)) q--;
    const contentEnd = Math.min(lineEnd(text, q), end);
    const key = isPair(entry) ? json(entry.key) : String(i);
    const node = isPair(entry) ? (entry as Pair).value : entry;
    // the node says so, or the line right above it is blank (the library may print a comment between the two)
    const above = keyLine > floor ? lineAt(text, lineStart(text, keyLine - 1)) : undefined;
    const spaceBefore = Boolean(isPair(entry) ? (entry.key as Node | null)?.spaceBefore : (entry as Node | null)?.spaceBefore) || Boolean(above?.blank);
    found.push({ key, node, start, keyLine, contentEnd, bodyEnd: contentEnd, gapEnd: end, indent, spaceBefore });
    if (i > 0) found[i - 1]!.gapEnd = start;
  }
  // down over the comment lines deeper than its key that follow it (blank lines between them included)
  for (const [i, p] of found.entries()) {
    const limit = i + 1 < found.length ? found[i + 1]!.start : end;
    for (let at = p.contentEnd; at < limit; ) {
      const line = lineAt(text, at);
      if (!line.blank && !(line.comment && line.indent > p.indent)) break;
      at = Math.min(line.end, limit);
      if (!line.blank) p.bodyEnd = at;
    }
  }
  if (found.some((p) => p.start > p.keyLine || p.bodyEnd > p.gapEnd)) return undefined;
  return found;
}

/**
 * `edited` (the same YAML after a Document API edit, printed by the yaml library) with the original text of every
 * part that did not change: a pair or list item whose value is unchanged keeps its bytes, comments and alignment
 * included; a changed block map or list is rebuilt the same way, one level down; only what changed is printed anew.
 * Every comment line of the original stays once, where it was: a new pair or item goes right after the one before it,
 * ahead of the comment lines that followed that one (the document's trailing comments included). The line breaks are
 * the original's (CRLF stays CRLF).
 *
 * Throws SpliceRefused when the text it makes does not parse to the edited value, or holds a comment line of the
 * original a different number of times (other than one the edit removed) or in another order: the caller writes nothing.
 */
export function spliceYaml(original: string, edited: string): string {
  if (original === edited) return original;
  // a byte-order mark is no column of the first line: spliced past, and given back
  const bom = original.startsWith('\uFEFF') ? '\uFEFF' : '';
  const text = original.slice(bom.length);
  const eol = text.slice(0, lineEnd(text, 0)).endsWith('\r\n') ? '\r\n' : '\n';
  const unmarked = edited.replace(/^\uFEFF/, '');
  const printed = eol === '\r\n' ? unmarked.replace(/\r?\n/g, '\r\n') : unmarked;
  const out = splicedText(text, printed, { eol, keeps: keptByEdit(text, printed) });
  const refused = spliceFault(text, printed, out);
  if (refused) throw new SpliceRefused(refused);
  return bom + out;
}

/** How a splice writes: the file's line break, and whether the edit kept a comment line (the library keeps the one above a removed first pair, on its map). */
interface Style {
  eol: string;
  keeps: (line: string) => boolean;
}

function keptByEdit(original: string, edited: string): (line: string) => boolean {
  const o = counts(commentLines(original));
  const e = counts(commentLines(edited));
  return (line) => (e.get(line.trim()) ?? 0) >= (o.get(line.trim()) ?? 0) && o.has(line.trim());
}

function splicedText(original: string, edited: string, style: Style): string {
  const { eol } = style;
  const a = parseYamlDocument(original);
  const b = parseYamlDocument(edited);
  if (!isBlock(a.contents) || !isBlock(b.contents) || isMap(a.contents) !== isMap(b.contents)) return edited;
  const first = pieces(original, a.contents, 0, original.length)?.[0];
  if (!first) return edited;
  const body = splice(original, a.contents, first.start, original.length, edited, b.contents, 0, edited.length, style);
  if (body === undefined) return edited;
  const out = original.slice(0, first.start) + body;
  return original.endsWith('\n') || !out.endsWith(eol) ? out : out.slice(0, -eol.length);
}

/** The gaps of original pieces that end up between two bodies: those that hold comments (all kept), else the one the place had. */
function joinGaps(gaps: string[], atEnd: boolean): string {
  const commented = gaps.filter((g) => /^[ \t]*#/m.test(g));
  if (commented.length) return commented.join('');
  return (atEnd ? gaps.at(-1) : gaps[0]) ?? '';
}

function splice(oText: string, orig: Block, oFrom: number, oEnd: number, nText: string, next: Block, nFrom: number, nEnd: number, style: Style): string | undefined {
  const { eol } = style;
  const before = pieces(oText, orig, oFrom, oEnd);
  const after = pieces(nText, next, nFrom, nEnd);
  if (!before || !after) return undefined;
  const byKey = new Map(before.map((p, i) => [p.key, i]));
  const gapOf = (i: number) => oText.slice(before[i]!.bodyEnd, before[i]!.gapEnd);
  // a piece the edit removed leaves its gap, and the comment lines above it that the edit kept
  const lostGap = (i: number) =>
    oText
      .slice(before[i]!.start, before[i]!.keyLine)
      .split(/(?<=\n)/)
      .filter((l) => l && style.keeps(l))
      .join('') + gapOf(i);
  const since = (last: number, upTo: number) => (last === -1 ? [] : [gapOf(last)]).concat([...Array(Math.max(0, upTo - last - 1)).keys()].map((d) => lostGap(last + 1 + d)));
  // what the library prints anew goes at the original's depth (it indents by two; a spec may indent otherwise)
  const shift = before[0]!.indent - after[0]!.indent;
  const fresh = (p: Piece) => reindent(nText.slice(p.keyLine, p.contentEnd), shift);
  let out = '';
  let lastMatched = -1;
  const put = (sep: string, body: string) => {
    if (out && !out.endsWith('\n')) out += eol;
    out += sep + body;
  };
  for (const [k, p] of after.entries()) {
    let i = isMap(next) ? byKey.get(p.key) : k < before.length ? k : undefined;
    if (i !== undefined && i <= lastMatched) i = undefined;
    const blank = k > 0 && p.spaceBefore ? eol : '';
    if (i === undefined) {
      put(blank, fresh(p));
      continue;
    }
    const o = before[i]!;
    // the gaps of the original pieces since the last one kept (those of pieces the edit removed included)
    const gaps = since(lastMatched, i);
    put(gaps.length ? joinGaps(gaps, false) : blank, body(oText, o, nText, p, fresh(p), style) ?? '');
    lastMatched = i;
  }
  put('', joinGaps(since(lastMatched, before.length), true));
  return out;
}

/** A pair or item that is in both texts: its original bytes when its value did not change, else spliced one level down, else printed anew between its own comments. */
function body(oText: string, o: Piece, nText: string, n: Piece, printed: string, style: Style): string | undefined {
  const { eol } = style;
  const original = oText.slice(o.start, o.bodyEnd);
  if (json(o.node) === json(n.node)) return original;
  const ov = o.node;
  const nv = n.node;
  if (isBlock(ov) && isBlock(nv) && isMap(ov) === isMap(nv)) {
    const oFirst = pieces(oText, ov, o.keyLine, o.bodyEnd)?.[0];
    const nFirst = pieces(nText, nv, n.keyLine, n.contentEnd)?.[0];
    if (oFirst && nFirst && oFirst.start >= o.start && nFirst.start >= n.start) {
      const inner = splice(oText, ov, oFirst.start, o.bodyEnd, nText, nv, nFirst.start, n.contentEnd, style);
      if (inner !== undefined) return oText.slice(o.start, oFirst.start) + inner;
    }
  }
  const fresh = !printed.endsWith('\n') && o.bodyEnd > o.contentEnd ? printed + eol : printed;
  return oText.slice(o.start, o.keyLine) + fresh + oText.slice(o.contentEnd, o.bodyEnd);
}

/** Lines moved right (or left) by `by` columns; blank lines stay. */
function reindent(text: string, by: number): string {
  if (by === 0) return text;
  return text
    .split(/(?<=\n)/)
    .map((line) => (line.trim() === '' ? line : by > 0 ? ' '.repeat(by) + line : line.startsWith(' '.repeat(-by)) ? line.slice(-by) : line))
    .join('');
}

const commentLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.replace(/\r$/, '').trim())
    .filter((l) => l.startsWith('#'));

function counts(lines: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

/**
 * Why `out` is not a faithful splice of `edited` into `original`, or undefined: it must parse to the edited value,
 * hold each comment line as many times as the original (or the edited text, where the edit removed or added some),
 * and keep the original's comment lines in their order.
 */
export function spliceFault(original: string, edited: string, out: string): string | undefined {
  const parsed = parseYamlDocument(out);
  if (parsed.errors.length) return `the merged text does not parse (${parsed.errors[0]!.message.split('\n')[0]})`;
  if (!isDeepStrictEqual(parsed.toJS(), parseYamlDocument(edited).toJS())) return 'the merged text does not hold the edited values';
  const o = counts(commentLines(original));
  const e = counts(commentLines(edited));
  const s = counts(commentLines(out));
  for (const line of new Set([...o.keys(), ...e.keys(), ...s.keys()])) {
    const [n, m, got] = [o.get(line) ?? 0, e.get(line) ?? 0, s.get(line) ?? 0];
    if (got < Math.min(n, m) || got > Math.max(n, m)) return `the comment line ${JSON.stringify(line)} would be there ${got} time${got === 1 ? '' : 's'}, not ${Math.max(n, m)}`;
  }
  const kept = commentLines(out).filter((l) => o.has(l));
  const was = commentLines(original);
  let at = 0;
  for (const l of kept) {
    while (at < was.length && was[at] !== l) at++;
    if (at === was.length) return `the comment line ${JSON.stringify(l)} would move`;
    at++;
  }
  return undefined;
}
