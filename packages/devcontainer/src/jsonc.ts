import { createScanner, getNodeValue, parseTree, printParseErrorCode, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import { MAX_NESTING, TOO_DEEP, type Problem } from '@berth/spec';
import { TOKEN } from './jsonc-tokens.js';

/** A JSONC document (JSON with comments and trailing commas), with where each of its values is written. */
export interface JsoncDocument {
  text: string;
  /** The file as shown to users. */
  file: string;
  /** The parsed value; undefined when the text does not parse. */
  value: unknown;
  root: Node | undefined;
  /** `line:col` of the value at `path` (or of the nearest parent written), 1-based. */
  locate(path: readonly (string | number)[]): { line: number; col: number };
}

const WORDS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'not a number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'expected the end of the file after the top-level value',
  InvalidCommentToken: 'broken comment',
  UnexpectedEndOfComment: 'unclosed comment',
  UnexpectedEndOfString: 'unclosed string',
  UnexpectedEndOfNumber: 'unfinished number',
  InvalidUnicode: 'bad \\u escape',
  InvalidEscapeCharacter: 'bad escape character',
  InvalidCharacter: 'a character not allowed in a string (a raw line break or control character)',
};

/**
 * The node at `path`, where a repeated key's LAST property is the one that counts: getNodeValue, the Dev Containers
 * CLI and editors read it so (jsonc-parser's findNodeAtLocation takes the first, which is not the one in effect).
 */
export function nodeAt(root: Node | undefined, path: JSONPath): Node | undefined {
  let node = root;
  for (const segment of path) {
    if (!node?.children) return undefined;
    if (node.type === 'array' && typeof segment === 'number') node = node.children[segment];
    else if (node.type === 'object' && typeof segment === 'string') node = node.children.findLast((p) => p.children?.[0]?.value === segment)?.children?.[1];
    else return undefined;
  }
  return node;
}

/** 1-based line and column of a 0-based offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/**
 * Parses JSONC as the Dev Containers spec reads devcontainer.json: comments and trailing commas allowed.
 * Every syntax error is a problem at its `file:line:col`; the value is kept only when there is none.
 */
export function parseJsonc(text: string, file: string): { doc: JsoncDocument; problems: Problem[] } {
  // jsonc-parser parses by recursion: a text nested past MAX_NESTING is refused before it is parsed
  const deep = firstTooDeep(text);
  if (deep !== undefined) {
    const problems: Problem[] = [{ code: 'jsonc-syntax', severity: 'error', file, ...lineCol(text, deep), message: `not valid JSONC: ${TOO_DEEP}` }];
    return { doc: { text, file, value: undefined, root: undefined, locate: () => ({ line: 1, col: 1 }) }, problems };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  const problems: Problem[] = errors.map((e) => {
    const name = printParseErrorCode(e.error);
    return { code: 'jsonc-syntax', severity: 'error', file, ...lineCol(text, e.offset), message: `not valid JSONC: ${WORDS[name] ?? name}` };
  });
  const doc: JsoncDocument = {
    text,
    file,
    value: problems.length || !root ? undefined : getNodeValue(root),
    root,
    locate(path) {
      if (!root) return { line: 1, col: 1 };
      for (let n = path.length; n >= 0; n--) {
        const node = nodeAt(root, path.slice(0, n));
        if (node) return lineCol(text, (n === path.length || !node.parent || node.parent.type !== 'property' ? node : node.parent).offset);
      }
      return { line: 1, col: 1 };
    },
  };
  return { doc, problems };
}

/** The offset of the first `{` or `[` nested deeper than MAX_NESTING (strings and comments skipped by jsonc-parser's scanner), if any. */
function firstTooDeep(text: string): number | undefined {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let kind = scanner.scan(); kind !== TOKEN.eof; kind = scanner.scan()) {
    if (kind === TOKEN.openBrace || kind === TOKEN.openBracket) {
      if (++depth > MAX_NESTING) return scanner.getTokenOffset();
    } else if (kind === TOKEN.closeBrace || kind === TOKEN.closeBracket) depth = Math.max(0, depth - 1);
  }
  return undefined;
}
