/**
 * A small, dependency-free XML reader for nvidia-smi's `-q -x` output: elements, attributes, text,
 * comments, CDATA, the XML declaration and a DOCTYPE (with or without an internal subset).
 * It is tolerant on purpose: output cut off mid-document yields the tree read so far with
 * `complete: false`, and a stray closing tag is skipped rather than fatal. It is not a validating parser.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data (not its descendants'), entities decoded, untrimmed. */
  text: string;
}

export interface XmlDocument {
  /** Absent when the input holds no element at all. */
  root?: XmlElement;
  /** False when the input ended with elements still open (truncated output). */
  complete: boolean;
  /** Why the input is not XML, when it is not. */
  error?: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return safeCodePoint(parseInt(ref.slice(2), 16)) ?? whole;
    if (ref.startsWith('#')) return safeCodePoint(parseInt(ref.slice(1), 10)) ?? whole;
    return ENTITIES[ref] ?? whole;
  });
}

function safeCodePoint(n: number): string | undefined {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

/**
 * Bounds on what is kept: nvidia-smi's documents nest under ten deep and hold a few thousand elements per GPU. A
 * stream of millions of nested or empty elements (30 MB of `<a>`) took 3.3 GB before; past these it is no such output.
 */
export const MAX_XML_DEPTH = 64;
export const MAX_XML_ELEMENTS = 500_000;

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTR = /\s*([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/y;

export function parseXml(input: string): XmlDocument {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let i = 0;
  const fail = (error: string): XmlDocument => ({ ...(root ? { root } : {}), complete: false, error });

  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt === -1 ? text.slice(i) : text.slice(i, lt);
    if (chunk) {
      const top = stack[stack.length - 1];
      if (top) top.text += decodeEntities(chunk);
      else if (chunk.trim()) return fail(root ? 'text after the document element' : 'text before any element');
    }
    if (lt === -1) break;
    i = lt;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i);
      if (end === -1) return { ...(root ? { root } : {}), complete: false };
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end === -1) return { ...(root ? { root } : {}), complete: false };
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i);
      const top = stack[stack.length - 1];
      if (end === -1) {
        if (top) top.text += text.slice(i + 9);
        return { ...(root ? { root } : {}), complete: false };
      }
      if (top) top.text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith('<!', i)) {
      const end = skipDeclaration(text, i);
      if (end === -1) return { ...(root ? { root } : {}), complete: false };
      i = end;
    } else if (text.startsWith('</', i)) {
      NAME.lastIndex = i + 2;
      const m = NAME.exec(text);
      const end = text.indexOf('>', i);
      if (!m || end === -1) return end === -1 ? { ...(root ? { root } : {}), complete: false } : fail(`bad closing tag at offset ${i}`);
      const at = findOpen(stack, m[0]);
      if (at !== -1) stack.length = at; // closes the element and any left unclosed inside it
      i = end + 1;
    } else {
      NAME.lastIndex = i + 1;
      const m = NAME.exec(text);
      if (!m) return fail(`"<" not starting a tag at offset ${i}`);
      if (stack.length >= MAX_XML_DEPTH) return fail(`elements nested more than ${MAX_XML_DEPTH} deep`);
      if (++elements > MAX_XML_ELEMENTS) return fail(`more than ${MAX_XML_ELEMENTS.toLocaleString('en-US')} elements`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      let j = NAME.lastIndex;
      for (;;) {
        ATTR.lastIndex = j;
        const a = ATTR.exec(text);
        if (!a) break;
        el.attrs[a[1]!] = decodeEntities(a[3] ?? a[4] ?? '');
        j = ATTR.lastIndex;
      }
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (j >= text.length) return { ...(root ? { root } : {}), complete: false };
      const selfClosing = text.startsWith('/>', j);
      if (!selfClosing && text[j] !== '>') return fail(`malformed tag <${el.name}> at offset ${i}`);
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) return fail('a second document element');
      else root = el;
      if (!selfClosing) stack.push(el);
      i = j + (selfClosing ? 2 : 1);
    }
  }
  if (!root) return { complete: false, error: 'no XML element found' };
  return { root, complete: stack.length === 0 };
}

function findOpen(stack: XmlElement[], name: string): number {
  for (let k = stack.length - 1; k >= 0; k--) if (stack[k]!.name === name) return k;
  return -1;
}

/** Skips `<!DOCTYPE ...>` including an internal subset `[...]`; returns the index after it, or -1 when cut off. */
function skipDeclaration(text: string, start: number): number {
  let depth = 0;
  for (let k = start + 2; k < text.length; k++) {
    const c = text[k];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '>' && depth <= 0) return k + 1;
  }
  return -1;
}

/** The first child element with this name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** Every child element with this name. */
export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** The text at a path of child names (`textAt(gpu, 'fb_memory_usage', 'total')`), undefined when any step is missing. */
export function textAt(el: XmlElement | undefined, ...path: string[]): string | undefined {
  let cur = el;
  for (const name of path) cur = child(cur, name);
  return cur?.text;
}
