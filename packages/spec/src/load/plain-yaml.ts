import { Document, isScalar, type ScalarTag } from 'yaml';
import { MAX_NESTING } from './yaml-library.js';

/**
 * Where the parts of one composed map or list start in the text. A map: for each key as written, the key, its
 * offset and its value's offset (`[key, keyAt, valueAt, key, ...]`); a list: each item's offset. One array of
 * exactly that length per container: an ecosystem holds tens of thousands of small flow maps.
 */
export type Placed = (string | number)[];

/** A document composed by the plain path: the value the YAML library would give, and where each part of it is written. */
export interface PlainYaml {
  value: Record<string, unknown>;
  /** The offset of the root map's content (its first key). */
  start: number;
  places: WeakMap<object, Placed>;
}

/**
 * The scalar types of the YAML library's core schema as parseDocument is called by the loader (YAML 1.2, merge
 * keys): a plain scalar resolves through the library's own tests and resolvers, so `0x1F`, `~` and `.inf` mean
 * here exactly what they mean there.
 */
const schemaDocument = new Document(null, { version: '1.2', merge: true });
const scalarTags = schemaDocument.schema.tags.filter((t): t is ScalarTag & { test: RegExp } => t.default === true && !!t.test && !('collection' in t && t.collection));

/** A construct outside the plain subset: the caller composes the text with the YAML library instead. */
class NotPlain extends Error {}
const notPlain = new NotPlain();
/** A tag's resolver that fails (a malformed number, say): the library is to report it. */
const rejectScalar = (): never => {
  throw notPlain;
};

const SPACE = 32;
const NEWLINE = 10;
const HASH = 35;
const COLON = 58;
const DASH = 45;
/** Characters the text may hold: printable, newline, no tab, carriage return, byte-order mark or other control. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNUSUAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufeff\ud800-\udfff]/;
/** Characters that may not start a plain scalar of the subset (indicators, and the starts of tags, anchors, aliases, block scalars). */
const INDICATOR_START = new Set([...'?:,[]{}#&*!|>%@`'].map((c) => c.charCodeAt(0)));
const FLOW_END = new Set([...',[]{}'].map((c) => c.charCodeAt(0)));
/** Longer implicit keys are an error of the library's; the plain path leaves them to it. */
const MAX_KEY = 1000;

/**
 * Composes the common YAML of berth's documents (a block map at the root; nested block maps and lists; flow maps
 * and lists on one line; plain, single-quoted and escape-free double-quoted scalars on one line; comments) in one
 * pass over the text, recording where each key and value starts. Anything else (anchors, aliases, tags, block
 * scalars, multi-line scalars, directives, tabs, repeated keys, nesting past MAX_NESTING, anything the library
 * would report) returns undefined: the caller then uses the YAML library, which handles all of YAML and says what
 * is wrong. So this path only ever answers for text on which it and the library agree (yaml-document.test.ts
 * compares the two on every YAML file of the repository and on generated ones).
 */
export function composePlainYaml(text: string): PlainYaml | undefined {
  if (UNUSUAL.test(text)) return undefined;
  try {
    return new PlainComposer(text).document();
  } catch (err) {
    if (err === notPlain) return undefined;
    throw err;
  }
}

class PlainComposer {
  private pos = 0;
  readonly places = new WeakMap<object, Placed>();
  /** The places of the containers being composed, innermost last; each is copied out when its container ends. */
  private readonly open: Placed = [];

  /** How many containers are open: past MAX_NESTING the library is to answer (it refuses such a text). */
  private depth = 0;

  /** Starts recording the places of `container`. */
  private begin(): number {
    if (++this.depth > MAX_NESTING) throw notPlain;
    return this.open.length;
  }

  /** Records the places of `container`, from `base` on, and returns the container. */
  private end<T extends object>(container: T, base: number): T {
    this.depth--;
    this.places.set(container, this.open.slice(base));
    this.open.length = base;
    return container;
  }

  constructor(private readonly text: string) {}

  document(): PlainYaml {
    const first = this.nextContentLine();
    if (first < 0 || this.column(first) !== 0) throw notPlain;
    if (this.text.startsWith('---', first) || this.text.startsWith('...', first) || this.text.charCodeAt(first) === DASH) throw notPlain;
    this.pos = first;
    const value = this.blockMap(0);
    if (this.nextContentLine() >= 0) throw notPlain;
    return { value, start: first, places: this.places };
  }

  /** The offset of the first character of the next line (from `pos`) holding more than spaces and a comment; -1 at the end. */
  private nextContentLine(): number {
    const t = this.text;
    let i = this.pos;
    for (;;) {
      while (i < t.length && t.charCodeAt(i) === SPACE) i++;
      if (i >= t.length) return -1;
      const c = t.charCodeAt(i);
      if (c === NEWLINE) {
        i++;
        continue;
      }
      if (c === HASH) {
        const end = t.indexOf('\n', i);
        if (end < 0) return -1;
        i = end + 1;
        continue;
      }
      return i;
    }
  }

  private column(offset: number): number {
    return offset - (this.text.lastIndexOf('\n', offset - 1) + 1);
  }

  /** After a value on a line: only spaces and a comment may follow it. */
  private endOfLine(): void {
    const t = this.text;
    let i = this.pos;
    const spaced = i < t.length && t.charCodeAt(i) === SPACE;
    while (i < t.length && t.charCodeAt(i) === SPACE) i++;
    if (i < t.length && t.charCodeAt(i) !== NEWLINE) {
      if (t.charCodeAt(i) !== HASH || !spaced) throw notPlain;
      const end = t.indexOf('\n', i);
      i = end < 0 ? t.length : end;
    }
    this.pos = i;
  }

  private isSeqItem(offset: number): boolean {
    const t = this.text;
    if (t.charCodeAt(offset) !== DASH) return false;
    const next = t.charCodeAt(offset + 1);
    return offset + 1 >= t.length || next === SPACE || next === NEWLINE;
  }

  /** A block map whose first key is at `pos`, its keys at `col`. */
  private blockMap(col: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    const base = this.begin();
    for (;;) {
      const keyAt = this.pos;
      const key = this.key(false);
      if (this.text.charCodeAt(this.pos) !== COLON) throw notPlain;
      this.pos++;
      const after = this.text.charCodeAt(this.pos);
      if (this.pos < this.text.length && after !== SPACE && after !== NEWLINE) throw notPlain;
      const { value, at } = this.blockValue(col, true);
      this.set(map, key, keyAt, value, at);
      const next = this.nextContentLine();
      if (next < 0) return this.end(map, base);
      const c = this.column(next);
      if (c > col || (c === col && this.isSeqItem(next))) throw notPlain;
      if (c < col) return this.end(map, base);
      this.pos = next;
    }
  }

  /** A block list whose first `-` is at `pos`, at column `col`. */
  private blockSeq(col: number): unknown[] {
    const seq: unknown[] = [];
    const base = this.begin();
    for (;;) {
      this.pos++; // the dash
      const { value, at } = this.blockValue(col, false);
      seq.push(value);
      this.open.push(at);
      const next = this.nextContentLine();
      if (next < 0) return this.end(seq, base);
      const c = this.column(next);
      if (c > col) throw notPlain;
      if (c < col || !this.isSeqItem(next)) return this.end(seq, base);
      this.pos = next;
    }
  }

  /**
   * What follows a block map's `:` (`inMap`) or a list's `-`: a value on the same line (a compact map after a
   * dash included), or a nested block on the lines below, or nothing (null, placed after the indicator's spaces).
   */
  private blockValue(col: number, inMap: boolean): { value: unknown; at: number } {
    const t = this.text;
    while (this.pos < t.length && t.charCodeAt(this.pos) === SPACE) this.pos++;
    const at = this.pos;
    const c = t.charCodeAt(at);
    if (at >= t.length || c === NEWLINE || c === HASH) {
      if (c === HASH && t.charCodeAt(at - 1) !== SPACE) throw notPlain;
      this.endOfLine();
      const next = this.nextContentLine();
      if (next < 0) return { value: null, at };
      const nc = this.column(next);
      if (nc > col || (inMap && nc === col && this.isSeqItem(next))) {
        this.pos = next;
        return { value: this.isSeqItem(next) ? this.blockSeq(nc) : this.blockMap(nc), at: next };
      }
      return { value: null, at };
    }
    if (c === 123 || c === 91) {
      const value = this.flow();
      this.endOfLine();
      return { value, at };
    }
    if (!inMap && this.isSeqItem(at)) throw notPlain;
    if (!inMap && this.keyFollows(at)) return { value: this.blockMap(this.column(at)), at };
    const value = this.scalar(false);
    this.endOfLine();
    return { value, at };
  }

  /** Whether a `key:` starts at `offset` (a compact map after a list's dash). */
  private keyFollows(offset: number): boolean {
    const save = this.pos;
    try {
      this.pos = offset;
      this.key(false);
      const c = this.text.charCodeAt(this.pos + 1);
      return this.text.charCodeAt(this.pos) === COLON && (this.pos + 1 >= this.text.length || c === SPACE || c === NEWLINE);
    } catch (err) {
      if (err === notPlain) return false;
      throw err;
    } finally {
      this.pos = save;
    }
  }

  /** A flow map or list at `pos`, closed on the same line. */
  private flow(): unknown {
    const t = this.text;
    const isMap = t.charCodeAt(this.pos) === 123;
    const close = isMap ? 125 : 93;
    this.pos++;
    const value: Record<string, unknown> | unknown[] = isMap ? {} : [];
    const base = this.begin();
    for (let first = true; ; first = false) {
      this.flowSpaces();
      if (t.charCodeAt(this.pos) === close) {
        this.pos++;
        return this.end(value, base);
      }
      if (!first) {
        if (t.charCodeAt(this.pos) !== 44) throw notPlain;
        this.pos++;
        this.flowSpaces();
        if (t.charCodeAt(this.pos) === close) throw notPlain; // a trailing comma: the library's to judge
      }
      const start = this.pos;
      if (isMap) {
        const key = this.key(true);
        const after = t.charCodeAt(this.pos + 1);
        if (t.charCodeAt(this.pos) !== COLON || !(after === SPACE || FLOW_END.has(after))) throw notPlain;
        this.pos++;
        this.flowSpaces();
        const at = this.pos;
        const c = t.charCodeAt(at);
        const item = c === 44 || c === close ? null : this.flowItem();
        this.set(value as Record<string, unknown>, key, start, item, at);
      } else {
        (value as unknown[]).push(this.flowItem());
        this.open.push(start);
        this.flowSpaces();
        if (t.charCodeAt(this.pos) === COLON) throw notPlain; // a single-pair map inside a flow list
      }
    }
  }

  private flowItem(): unknown {
    const c = this.text.charCodeAt(this.pos);
    return c === 123 || c === 91 ? this.flow() : this.scalar(true);
  }

  /** Spaces inside a flow collection; a comment or the end of the line there is the library's to judge. */
  private flowSpaces(): void {
    const t = this.text;
    while (this.pos < t.length && t.charCodeAt(this.pos) === SPACE) this.pos++;
    const c = t.charCodeAt(this.pos);
    if (this.pos >= t.length || c === NEWLINE || c === HASH) throw notPlain;
  }

  /** A map key: a plain or quoted scalar that resolves to a string, ending at `pos` (expected at the colon). */
  private key(inFlow: boolean): string {
    const start = this.pos;
    const quoted = this.text.charCodeAt(start) === 39 || this.text.charCodeAt(start) === 34;
    const key = this.scalar(inFlow, true);
    if (typeof key !== 'string' || (!quoted && key === '') || key === '__proto__' || key === '<<' || this.pos - start > MAX_KEY) throw notPlain;
    return key;
  }

  /** A scalar on one line: quoted, or plain (resolved by the core schema's tags). */
  private scalar(inFlow: boolean, atKey = false): unknown {
    const t = this.text;
    const start = this.pos;
    const c = t.charCodeAt(start);
    if (c === 39 || c === 34) {
      let out = '';
      let i = start + 1;
      for (;;) {
        const end = t.indexOf(c === 39 ? "'" : '"', i);
        const nl = t.indexOf('\n', i);
        if (end < 0 || (nl >= 0 && nl < end)) throw notPlain;
        const part = t.slice(i, end);
        if (c === 34 && part.includes('\\')) throw notPlain;
        out += part;
        if (c === 39 && t.charCodeAt(end + 1) === 39) {
          out += "'";
          i = end + 2;
          continue;
        }
        this.pos = end + 1;
        return out;
      }
    }
    // A dash starts a plain scalar only when what follows it could go on one (YAML's ns-plain-safe): not a space or
    // the end of the line, and inside a flow collection not a flow indicator either.
    const afterDash = t.charCodeAt(start + 1);
    if (INDICATOR_START.has(c) || (c === DASH && (start + 1 >= t.length || afterDash === SPACE || afterDash === NEWLINE || (inFlow && FLOW_END.has(afterDash))))) throw notPlain;
    let i = start;
    let end = start;
    for (; i < t.length; i++) {
      const ch = t.charCodeAt(i);
      if (ch === NEWLINE) break;
      if (ch === HASH && t.charCodeAt(i - 1) === SPACE) break;
      if (ch === COLON) {
        const next = t.charCodeAt(i + 1);
        if (i + 1 >= t.length || next === SPACE || next === NEWLINE || (inFlow && FLOW_END.has(next))) {
          if (!atKey) throw notPlain;
          break;
        }
      }
      if (inFlow && FLOW_END.has(ch)) break;
      if (ch !== SPACE) end = i + 1;
    }
    if (atKey && end !== i) throw notPlain; // a space before the colon
    this.pos = end;
    const source = t.slice(start, end);
    // A loop and a shared error callback: no closure per scalar (an ecosystem has hundreds of thousands).
    for (const tag of scalarTags) {
      if (!tag.test.test(source)) continue;
      const resolved = tag.resolve(source, rejectScalar, schemaDocument.options);
      return isScalar(resolved) ? resolved.value : resolved;
    }
    return source;
  }

  private set(map: Record<string, unknown>, key: string, keyAt: number, value: unknown, valueAt: number): void {
    if (Object.prototype.hasOwnProperty.call(map, key)) throw notPlain; // a repeated key: the library reports it
    map[key] = value;
    this.open.push(key, keyAt, valueAt);
  }
}
