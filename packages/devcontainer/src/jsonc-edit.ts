import { createScanner, parseTree, type JSONPath, type Node, type SyntaxKind } from 'jsonc-parser';
import { nodeAt } from './jsonc.js';
import { TOKEN, TRIVIA } from './jsonc-tokens.js';

/**
 * Small edits to a JSONC text that change only what they must: a value replaced in place, an entry added after
 * the last one in the style around it, an entry removed with its own line (and its comment on that line) and the
 * comma it no longer needs. Everything else keeps its bytes. (jsonc-parser's own `modify` reformats the
 * enclosing array and leaves a stray comma when the removed property had a trailing one.) Where a key is repeated,
 * the edit goes to the occurrence in effect, the last (see nodeAt).
 */
export interface JsoncStyle {
  /** One level of indentation: a tab or some spaces. */
  unit: string;
  eol: string;
}

export function styleOf(text: string): JsoncStyle {
  // the first indented line that holds JSON: a block comment's ` * ` lines and comment lines say nothing of the indent
  const unit = /^([ \t]+)(?![*/\s])\S/m.exec(text)?.[1] ?? '  ';
  return { unit, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

interface Edit {
  offset: number;
  length: number;
  content: string;
}

const apply = (text: string, edits: Edit[]) => [...edits].sort((a, b) => b.offset - a.offset).reduce((t, e) => t.slice(0, e.offset) + e.content + t.slice(e.offset + e.length), text);
const lineStart = (text: string, pos: number) => text.lastIndexOf('\n', pos - 1) + 1;
const indentAt = (text: string, pos: number) => /^[ \t]*/.exec(text.slice(lineStart(text, pos)))![0];

/** The next token that is not whitespace or a comment. */
function nextToken(text: string, pos: number): { kind: SyntaxKind; offset: number; end: number } {
  const scanner = createScanner(text, false);
  scanner.setPosition(pos);
  let kind = scanner.scan();
  while (TRIVIA.has(kind)) kind = scanner.scan();
  return { kind, offset: scanner.getTokenOffset(), end: scanner.getTokenOffset() + scanner.getTokenLength() };
}

/** After `pos`: spaces, maybe one comment, then a line break? The offset after the line break. */
function restOfLine(text: string, pos: number): number | undefined {
  const m = /^[ \t]*(\/\/[^\n]*|\/\*[^\n]*?\*\/[ \t]*)?\r?\n/.exec(text.slice(pos));
  return m ? pos + m[0].length : undefined;
}

/** Lines longer than this are split: a value fits on one line when its line stays within it. */
const WIDTH = 100;

/**
 * A value as JSONC text whose first line starts at `indent` (after `prefix`, such as the key): on one line when
 * that fits in 100 columns (and `block` is not asked), else one entry a line, each again on one line where it fits.
 */
export function render(value: unknown, style: JsoncStyle, indent: string, prefix = '', options: { block?: boolean } = {}): string {
  const flat = inline(value);
  if (!value || typeof value !== 'object' || (!options.block && indent.length + prefix.length + flat.length <= WIDTH)) return flat;
  const inner = indent + style.unit;
  const entries = Array.isArray(value)
    ? value.map((v) => render(v, style, inner))
    : entriesOf(value).map(([k, v]) => `${JSON.stringify(k)}: ${render(v, style, inner, `${JSON.stringify(k)}: `)}`);
  if (!entries.length) return flat;
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}${style.eol}${entries.map((e) => `${inner}${e}`).join(`,${style.eol}`)}${style.eol}${indent}${close}`;
}

function parse(text: string): Node {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) throw new Error('not a JSONC document');
  return root;
}

/** The child of a container at a path's last segment: a property node in an object (the last of a repeated key), the element in an array. */
function childAt(root: Node, path: JSONPath): { parent: Node; index: number } | undefined {
  const parent = nodeAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (!parent?.children) return undefined;
  if (parent.type === 'array' && typeof last === 'number') return last < parent.children.length ? { parent, index: last } : undefined;
  if (parent.type !== 'object') return undefined;
  const index = parent.children.findLastIndex((p) => p.children?.[0]?.value === last);
  return index === -1 ? undefined : { parent, index };
}

/**
 * Removes the property or element at `path` (nothing when there is none). A repeated key goes with all its
 * occurrences: removing only the last would bring an earlier one into effect.
 */
export function removeAt(text: string, path: JSONPath): string {
  const once = removeOne(text, path);
  return once === text || typeof path[path.length - 1] === 'number' ? once : removeAt(once, path);
}

function removeOne(text: string, path: JSONPath): string {
  const at = childAt(parse(text), path);
  if (!at) return text;
  const { parent, index } = at;
  const node = parent.children![index]!;
  let start = node.offset;
  let end = node.offset + node.length;
  const edits: Edit[] = [];
  const after = nextToken(text, end);
  const comma = after.kind === TOKEN.comma;
  if (comma) end = after.end;
  let prevComma: { offset: number; end: number } | undefined;
  if (!comma && index > 0) {
    const prev = parent.children![index - 1]!;
    const t = nextToken(text, prev.offset + prev.length);
    if (t.kind === TOKEN.comma) prevComma = t;
  }
  const ownLine = /^[ \t]*$/.test(text.slice(lineStart(text, start), start)) ? restOfLine(text, end) : undefined;
  if (ownLine !== undefined) {
    start = lineStart(text, start);
    end = ownLine;
    if (prevComma) edits.push({ offset: prevComma.offset, length: 1, content: '' });
  } else if (prevComma) start = prevComma.offset;
  else if (comma) while (text[end] === ' ') end++;
  edits.push({ offset: start, length: end - start, content: '' });
  return apply(text, edits);
}

/** An object's entries; a Map keeps its order where an object would put integer-like keys ("8888") first, sorted. */
const entriesOf = (value: object): [string, unknown][] => (value instanceof Map ? [...(value as Map<string, unknown>)] : Object.entries(value));

/** A value on one line, spaced as people write it: `{ "label": "Web", "protocol": "http" }`, `[8080, 9229]`. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = entriesOf(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return JSON.stringify(value);
}

/**
 * Adds an entry after the last one of an object or array: on its own line in a multi-line container, else inline.
 * An empty array written on one line (`[]`) stays on one line; an empty object opens a block.
 */
function addLast(text: string, container: Node, prefix: string, value: unknown, style: JsoncStyle): string {
  const children = container.children ?? [];
  const open = container.offset;
  const close = container.offset + container.length - 1;
  const baseIndent = indentAt(text, open);
  if (!children.length && container.type === 'array' && !text.slice(open, close).includes('\n')) {
    return apply(text, [{ offset: open + 1, length: close - open - 1, content: inline(value) }]);
  }
  if (!children.length) {
    const indent = baseIndent + style.unit;
    return apply(text, [{ offset: open + 1, length: close - open - 1, content: `${style.eol}${indent}${prefix}${render(value, style, indent, prefix)}${style.eol}${baseIndent}` }]);
  }
  const last = children[children.length - 1]!;
  const lastEnd = last.offset + last.length;
  const t = nextToken(text, lastEnd);
  const trailingComma = t.kind === TOKEN.comma;
  if (!text.slice(open, last.offset).includes('\n')) return apply(text, [{ offset: lastEnd, length: 0, content: `, ${prefix}${inline(value)}` }]);
  const indent = indentAt(text, last.offset);
  const entry = `${prefix}${render(value, style, indent, prefix)}`;
  const afterLast = trailingComma ? t.end : lastEnd;
  const nextLine = restOfLine(text, afterLast);
  const edits: Edit[] = [
    nextLine !== undefined
      ? { offset: nextLine, length: 0, content: `${indent}${entry}${trailingComma ? ',' : ''}${style.eol}` }
      : { offset: afterLast, length: 0, content: `${style.eol}${indent}${entry}${trailingComma ? ',' : ''}` },
  ];
  if (!trailingComma) edits.push({ offset: lastEnd, length: 0, content: ',' });
  return apply(text, edits);
}

/** Sets the value at `path`: replaced in place when it is there, else added to its object or array (made when missing). */
export function setAt(text: string, path: JSONPath, value: unknown, style: JsoncStyle = styleOf(text)): string {
  const root = parse(text);
  const existing = nodeAt(root, path);
  if (existing) {
    const lineStart = text.lastIndexOf('\n', existing.offset - 1) + 1;
    return apply(text, [{ offset: existing.offset, length: existing.length, content: render(value, style, indentAt(text, existing.offset), text.slice(lineStart, existing.offset).trimStart()) }]);
  }
  const parent = nodeAt(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (!parent) return setAt(text, path.slice(0, -1), typeof key === 'number' ? [value] : { [key]: value }, style);
  if (parent.type !== 'object' && parent.type !== 'array') throw new Error(`${path.slice(0, -1).join('.')} is not an object or array`);
  return addLast(text, parent, parent.type === 'object' ? `${JSON.stringify(key)}: ` : '', value, style);
}

/** Adds `value` at the end of the array at `path` (made when missing). */
export function appendAt(text: string, path: JSONPath, value: unknown, style: JsoncStyle = styleOf(text)): string {
  const array = nodeAt(parse(text), path);
  if (!array) return setAt(text, path, [value], style);
  return setAt(text, [...path, array.children?.length ?? 0], value, style);
}
