/** Small Markdown builders shared by the page's sections. */

/** C0 and C1 control characters but tab and newline: ESC, BEL and the like, which a terminal or viewer acts on. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text with each control character written as its escape (`\u001b`): a page is printed to terminals and shown by
 * viewers, and a spec's strings (a name from an imported devcontainer.json) can hold ESC sequences.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A table cell: control characters escaped, pipes escaped, newlines folded, empty shown as a dash. */
export function cell(text: string | undefined): string {
  const t = printable(text ?? '').replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();
  return t === '' ? '—' : t;
}

export function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

export function table(headers: string[], rows: string[][]): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map((h) => '-'.repeat(Math.max(3, h.length + 2))).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

export function fence(lang: string, lines: string[]): string[] {
  return ['```' + lang, ...lines, '```'];
}

/** The last path segment of a link target, without query or fragment: the seed's link text for a URL. */
export function linkTitle(href: string): string {
  const path = href.replace(/[?#].*$/, '').replace(/\/+$/, '');
  return path.slice(path.lastIndexOf('/') + 1) || href;
}

export function link(href: string, title = linkTitle(href)): string {
  return `[${title}](${href})`;
}

/** Quotes one argument for a POSIX shell, only when it needs it. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  if (!/["$`\\!]/.test(arg)) return `"${arg}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** "api" -> "API", "admin" -> "Admin": how a port's name reads after its service's name. */
export function titleWord(word: string): string {
  if (word.length <= 3) return word.toUpperCase();
  return word[0]!.toUpperCase() + word.slice(1);
}
