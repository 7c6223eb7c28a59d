/**
 * Hand-written sections of a generated page survive regeneration: text between
 * `<!-- berth:keep NAME -->` and `<!-- /berth:keep NAME -->` in the committed page is carried into the
 * new page, into the slot of the same name when the new page has one, else at the end of the section
 * (the `## ` heading) it was written under, else at the end of the page.
 */
const OPEN = /^\s*<!--\s*berth:keep\s+([\w.-]+)\s*-->\s*$/;
const CLOSE = /^\s*<!--\s*\/berth:keep\s+([\w.-]+)\s*-->\s*$/;
/** A comment that starts like a marker: one berth cannot read is reported, never dropped with its text. */
const LOOKS_LIKE_MARKER = /<!--\s*\/?\s*berth:keep\b/;
const close = (name: string) => `<!-- /berth:keep ${name} -->`;

export interface KeepBlock {
  name: string;
  /** The lines between the markers. */
  body: string[];
  /** The `## ` heading the block was under, if any. */
  section?: string;
}

export interface KeepScan {
  blocks: KeepBlock[];
  /** Markers that were opened and never closed, or closed without opening: `line: message`. */
  problems: { line: number; message: string }[];
}

export function findKeepBlocks(text: string): KeepScan {
  const lines = text.split(/\r?\n/);
  const blocks: KeepBlock[] = [];
  const problems: KeepScan['problems'] = [];
  let section: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('## ')) section = line;
    const m = OPEN.exec(line);
    if (!m) {
      if (CLOSE.test(line)) problems.push({ line: i + 1, message: 'a berth:keep closing marker without its opening marker' });
      else if (LOOKS_LIKE_MARKER.test(line)) problems.push({ line: i + 1, message: 'not a berth:keep marker berth can read (write "<!-- berth:keep NAME -->" ... "<!-- /berth:keep NAME -->", each on a line of its own, NAME of letters, digits, ".", "_" or "-")' });
      continue;
    }
    const name = m[1]!;
    const end = lines.findIndex((l, at) => at > i && CLOSE.exec(l)?.[1] === name);
    if (end < 0) {
      problems.push({ line: i + 1, message: `berth:keep ${name} is never closed (add "${close(name)}")` });
      continue;
    }
    if (blocks.some((b) => b.name === name)) problems.push({ line: i + 1, message: `berth:keep ${name} appears twice; names must be unique` });
    else blocks.push({ name, body: lines.slice(i + 1, end), ...(section ? { section } : {}) });
    i = end;
  }
  return { blocks, problems };
}

/** The freshly rendered page with the committed page's keep blocks put back. */
export function mergeKeepBlocks(rendered: string, previous: string | undefined): string {
  if (!previous) return rendered;
  const { blocks } = findKeepBlocks(previous);
  if (!blocks.length) return rendered;
  const lines = rendered.replace(/\n$/, '').split('\n');
  const orphans: KeepBlock[] = [];
  for (const block of blocks) {
    const slot = lines.indexOf(`<!-- berth:keep ${block.name} -->`);
    if (slot >= 0 && lines[slot + 1] === close(block.name)) {
      lines.splice(slot + 1, 0, ...block.body);
      continue;
    }
    const at = block.section ? lines.indexOf(block.section) : -1;
    if (at < 0) {
      orphans.push(block);
      continue;
    }
    let end = lines.findIndex((l, i) => i > at && /^## /.test(l));
    if (end < 0) end = lines.length;
    while (end > at + 1 && lines[end - 1] === '') end--;
    lines.splice(end, 0, '', `<!-- berth:keep ${block.name} -->`, ...block.body, close(block.name));
  }
  for (const block of orphans) lines.push('', `<!-- berth:keep ${block.name} -->`, ...block.body, close(block.name));
  return `${lines.join('\n')}\n`;
}
