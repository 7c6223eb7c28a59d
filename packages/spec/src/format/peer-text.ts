/**
 * What a peer said (a program's output, a server's message, a container's healthcheck, nvidia-smi's words), made
 * fit for one line of a reason or a table. berth's one rule for it: the health checks, the GPU detection and the
 * CLI all go through here. Pure.
 */

/**
 * Where berth cut a peer's words. It is cut before any redactor sees it, so a secret may straddle the cut: the
 * redactor (makeRedactor) drops what precedes this mark when that is the start of a secret. berth's own texts
 * never use it, so nothing else is ever trimmed.
 */
export const CUT_MARK = '[…]';

/**
 * A whole ANSI escape sequence: CSI (`ESC [` or C1 `\x9b`, parameters, intermediates, a final byte: colours, cursor
 * moves, clears) and OSC (`ESC ]` or C1 `\x9d` up to BEL or ST: titles, hyperlinks), and other two-byte `ESC x`
 * escapes. An OSC without its terminator runs to the end of the text, as a terminal would read it.
 */
// eslint-disable-next-line no-control-regex -- finding escape sequences is the point
const ANSI_SEQUENCE = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)|\x1b[@-Z\\^_]/g;

/**
 * The text with its ANSI escape sequences (colours, cursor moves, titles) removed whole, then every other control
 * character (C0, DEL, C1: CR, LF, backspace, a lone ESC), format character (bidi overrides, zero-width ones) and
 * line or paragraph separator shown as `.`: nothing a peer sends moves the cursor, recolours the terminal, rewrites
 * what is shown or breaks the line, and a coloured word reads as the word, not `.[31m`. Other characters are kept.
 */
export function printableText(text: string): string {
  return text.replace(ANSI_SEQUENCE, '').replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '.');
}

/** At most `max` characters of the text, CUT_MARK where it was cut (never inside a surrogate pair). */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? max - 1 : max;
  return `${text.slice(0, end)}${CUT_MARK}`;
}

/** A peer's text as one line: printable, at most `max` characters. */
export function peerText(text: string, max: number): string {
  return clipText(printableText(text), max);
}

/** The first or last non-blank line of a peer's output, trimmed, as peerText; '' when it said nothing. */
export function peerLine(text: string, max: number, which: 'first' | 'last'): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const line = (which === 'first' ? lines[0] : lines.at(-1))?.trim() ?? '';
  return peerText(line, max);
}
