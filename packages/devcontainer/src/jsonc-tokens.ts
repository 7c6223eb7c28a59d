import type { SyntaxKind } from 'jsonc-parser';

/**
 * The token kinds of jsonc-parser's scanner that berth reads. SyntaxKind is a const enum, which this build
 * (isolated modules) cannot inline: its values, as the package's typings declare them.
 */
export const TOKEN = {
  openBrace: 1 as SyntaxKind,
  closeBrace: 2 as SyntaxKind,
  openBracket: 3 as SyntaxKind,
  closeBracket: 4 as SyntaxKind,
  comma: 5 as SyntaxKind,
  eof: 17 as SyntaxKind,
} as const;

/** Whitespace, line breaks and comments: line comment, block comment, line break, other whitespace. */
export const TRIVIA: ReadonlySet<SyntaxKind> = new Set([12, 13, 14, 15] as SyntaxKind[]);
