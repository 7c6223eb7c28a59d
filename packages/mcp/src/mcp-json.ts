import { join } from 'node:path';
import { BerthError, SPEC_FILE_NAME, displayPath, updateFileLocked, type FileLockOptions } from '@berth/spec';

/** How a client starts a stdio server, as `.mcp.json` holds it (`type` may be left out: stdio is the default). */
export interface McpServerEntry {
  type?: 'stdio';
  command: string;
  args: string[];
}

export interface Registration {
  /** added: new; updated: an entry of that name was replaced; unchanged: it was there already, as is. */
  action: 'added' | 'updated' | 'unchanged';
  /** The other servers the file registers, untouched. */
  kept: string[];
  /** The entry as the file now holds it (the user's launcher, env and other keys kept). */
  entry: McpServerEntry;
}

/** The entry `berth mcp --register` writes: npx finds the project's own berth and never installs one (`--no`). */
export function berthServerEntry(options: { allowWrite?: boolean; spec?: string } = {}): McpServerEntry {
  return { type: 'stdio', command: 'npx', args: ['--no', 'berth', ...(options.spec ? ['--spec', options.spec] : []), 'mcp', ...(options.allowWrite ? ['--allow-write'] : [])] };
}

/** What can follow a value inside each kind of container, for the words of an error. */
const CLOSE = { '{': '}', '[': ']' } as const;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/**
 * Where strict JSON (RFC 8259) first goes wrong in `text`, and why, found by berth's own scan rather than read from
 * JSON.parse's message, whose words and position differ with the Node version (Node 20's has no position at all).
 * Undefined when the scan finds nothing wrong. Iterative: a deeply nested file cannot overflow the stack.
 */
export function jsonSyntaxError(text: string): { offset: number; message: string } | undefined {
  const stack: ('{' | '[')[] = [];
  let i = 0;
  let want: 'value' | 'key' | 'after' = 'value';
  const found = () => (i >= text.length ? 'the end of the file' : JSON.stringify(String.fromCodePoint(text.codePointAt(i)!)));
  const fail = (expected: string) => ({ offset: i, message: `expected ${expected}, found ${found()}` });
  /** Reads a string from its opening quote; an error when it is not one. */
  const string = (): { offset: number; message: string } | undefined => {
    const start = i++;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) return { offset: start, message: 'unclosed string' };
      if (c === 0x22) return void i++;
      if (c < 0x20) return { offset: i, message: 'a raw line break or control character in a string (write it as an escape)' };
      if (c === 0x5c) {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) return { offset: i, message: 'bad escape in a string' };
        i = ESCAPE.lastIndex;
      } else i++;
    }
  };
  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
    const c = text[i];
    const top = stack.at(-1);
    if (want === 'key') {
      if (c !== '"') return fail('a property name in double quotes');
      const bad = string();
      if (bad) return bad;
      while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
      if (text[i] !== ':') return fail('":"');
      i++;
      want = 'value';
    } else if (want === 'value') {
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
        if (text[i] === CLOSE[c]) {
          stack.pop();
          i++;
          want = 'after';
        } else want = c === '{' ? 'key' : 'value';
        continue;
      }
      want = 'after';
      if (c === '"') {
        const bad = string();
        if (bad) return bad;
        continue;
      }
      const literal = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
      NUMBER.lastIndex = i;
      if (literal) i += literal.length;
      else if (NUMBER.test(text)) i = NUMBER.lastIndex;
      else return fail('a value');
    } else if (!top) {
      return i < text.length ? fail('the end of the file after the top-level value') : undefined;
    } else if (c === ',') {
      i++;
      want = top === '{' ? 'key' : 'value';
    } else if (c === CLOSE[top]) {
      stack.pop();
      i++;
    } else return fail(`"," or "${CLOSE[top]}"`);
  }
}

/** 1-based line and column of a 0-based offset. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before.at(-1)!.length + 1 };
}

/** A UTF-8 byte order mark, which editors on Windows write and JSON.parse refuses: read past, and written back. */
const BOM = '\uFEFF';

function parse(text: string, file: string): Record<string, unknown> {
  const bad = (message: string, at: { line: number; col: number } = { line: 1, col: 1 }) =>
    new BerthError('ERR_BERTH_MCP_JSON', `${file}: not a valid .mcp.json; nothing written`, { problems: [{ code: 'mcp-json', severity: 'error', file, ...at, message }] });
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    const found = jsonSyntaxError(body);
    // the scan and JSON.parse agree on what JSON is; should they ever not, V8's first line still says why
    throw found ? bad(`not valid JSON: ${found.message}`, lineCol(body, found.offset)) : bad(`not valid JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw bad('expected an object ({"mcpServers": {...}})');
  const servers = (json as Record<string, unknown>).mcpServers;
  if (servers !== undefined && (!servers || typeof servers !== 'object' || Array.isArray(servers))) throw bad('"mcpServers" must be an object of servers by name');
  return json as Record<string, unknown>;
}

/** A command or argument that starts berth itself: `berth`, `node_modules/.bin/berth`, `berth.cjs`, `berth.cmd`. */
const RUNS_BERTH = /(^|[/\\])berth(\.c?js|\.cmd|\.exe)?$/i;

/**
 * The entry to write over `existing`, an entry of the same name: berth owns what berth runs with (the arguments after
 * the word that starts berth), the user keeps the rest: `env`, `cwd` and any other key, and how they start berth
 * (`"command": "berth"` from the PATH, `npx --no berth`, a path to it). An entry that starts something else, or is
 * not a stdio server (a `url`), is replaced by berth's whole.
 */
function mergedEntry(existing: unknown, entry: McpServerEntry): unknown {
  if (!existing || typeof existing !== 'object' || Array.isArray(existing)) return entry;
  const theirs = existing as Record<string, unknown>;
  if ('url' in theirs || (theirs.type !== undefined && theirs.type !== 'stdio')) return entry;
  const args = Array.isArray(theirs.args) && theirs.args.every((a) => typeof a === 'string') ? (theirs.args as string[]) : [];
  // how many of their arguments start berth: none when the command is berth, up to `berth` after npx, node...
  const launcher = typeof theirs.command === 'string' && RUNS_BERTH.test(theirs.command) ? 0 : args.findIndex((a) => RUNS_BERTH.test(a)) + 1;
  if (typeof theirs.command !== 'string' || launcher === 0 && !RUNS_BERTH.test(theirs.command)) return { ...theirs, ...entry };
  return { ...theirs, args: [...args.slice(0, launcher), ...entry.args.slice(entry.args.indexOf('berth') + 1)] };
}

/**
 * Adds (or updates) one server in a project's `.mcp.json`, keeping every other server and key as they were, the
 * file's indentation, line endings and byte order mark, and, in an entry of that name already there, everything
 * berth does not own (see mergedEntry).
 * Through @berth/spec's locked writer: under the file's lock, read again under it, written atomically and
 * only when something changes, never when it does not parse or was changed meanwhile by a tool that takes
 * no lock. Two berths registering at once cannot lose an entry; the user's file is never lost or half-written.
 */
export async function registerMcpServer(path: string, name: string, entry: McpServerEntry, file = path, lock: FileLockOptions = {}): Promise<Registration> {
  let registration: Registration = { action: 'unchanged', kept: [], entry };
  await updateFileLocked(
    path,
    (before) => {
      const json = before === undefined ? {} : parse(before, file);
      const servers = { ...((json.mcpServers as Record<string, unknown> | undefined) ?? {}) };
      const kept = Object.keys(servers).filter((n) => n !== name);
      const there = Object.hasOwn(servers, name);
      const written = there ? mergedEntry(servers[name], entry) : entry;
      const action: Registration['action'] = !there ? 'added' : JSON.stringify(servers[name]) === JSON.stringify(written) ? 'unchanged' : 'updated';
      registration = { action, kept, entry: written as McpServerEntry };
      if (action === 'unchanged') return undefined;
      servers[name] = written;
      const indent = /^( +|\t)"/m.exec(before ?? '')?.[1] ?? '  ';
      const text = `${JSON.stringify({ ...json, mcpServers: servers }, null, indent)}\n`;
      return `${before?.startsWith(BOM) ? BOM : ''}${before?.includes('\r\n') ? text.replace(/\n/g, '\r\n') : text}`;
    },
    { ...lock, display: file, purpose: `registering ${name}` },
  );
  return registration;
}

/**
 * berth in `dir/.mcp.json` (what `berth mcp --register` and `berth init` do). `spec` is the spec's path relative
 * to `dir`; the entry names it only when berth would not find it from there by itself.
 */
export async function registerBerth(dir: string, options: { spec?: string; allowWrite?: boolean; cwd?: string; lock?: FileLockOptions } = {}): Promise<Registration & { file: string }> {
  const path = join(dir, '.mcp.json');
  const file = displayPath(path, options.cwd);
  const spec = options.spec && options.spec !== SPEC_FILE_NAME ? options.spec : undefined;
  const entry = berthServerEntry({ ...(options.allowWrite ? { allowWrite: true } : {}), ...(spec ? { spec } : {}) });
  return { ...(await registerMcpServer(path, 'berth', entry, file, options.lock)), file };
}
