/** Small Markdown builders shared by the page's sections. */

/** A table cell: pipes escaped, newlines folded, empty shown as a dash. */
export function cell(text: string | undefined): string {
  const t = (text ?? '').replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();
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
