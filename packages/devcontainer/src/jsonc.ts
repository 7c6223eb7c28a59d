import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Problem } from '@berth/spec';

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
        const node = findNodeAtLocation(root, [...path.slice(0, n)]);
        if (node) return lineCol(text, (n === path.length || !node.parent || node.parent.type !== 'property' ? node : node.parent).offset);
      }
      return { line: 1, col: 1 };
    },
  };
  return { doc, problems };
}
