/** One line of `nvidia-smi -q`: "Key : Value" or a section header, with the lines indented under it. */
export interface QueryNode {
  key: string;
  value?: string;
  indent: number;
  children: QueryNode[];
}

const KEY_VALUE = /^(\s*)(\S.*?)\s+:(?:\s(.*))?$/;

/**
 * Reads `nvidia-smi -q` text into a tree by indentation. A line is "Key<spaces>: value" or a bare
 * header ("GPU 00000000:07:00.0", "FB Memory Usage"); the colons inside a bus id have no space
 * before them, so they never split a header. Indentation need not be regular.
 */
export function readQueryTree(text: string): QueryNode {
  const root: QueryNode = { key: '', indent: -1, children: [] };
  const stack: QueryNode[] = [root];
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim() || /^=+\s*NVSMI LOG\s*=+$/.test(raw.trim())) continue;
    const m = KEY_VALUE.exec(raw);
    const indent = (m ? m[1]! : /^\s*/.exec(raw)![0]).length;
    const node: QueryNode = m
      ? { key: m[2]!.trim(), value: (m[3] ?? '').trim(), indent, children: [] }
      : { key: raw.trim(), indent, children: [] };
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  }
  return root;
}

/** The first child with this key (case-insensitive). */
export function node(parent: QueryNode | undefined, key: string): QueryNode | undefined {
  const k = key.toLowerCase();
  return parent?.children.find((c) => c.key.toLowerCase() === k);
}

/** The value at a path of keys. */
export function valueAt(parent: QueryNode | undefined, ...path: string[]): string | undefined {
  let cur = parent;
  for (const key of path) cur = node(cur, key);
  return cur?.value;
}
