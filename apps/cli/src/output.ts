import type { BerthError, Problem } from '@berth/spec';
import { formatProblem } from '@berth/spec';
import { ExitCode, exitCodeOf } from './exit-codes.js';

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

type Paint = (text: string) => string;
export interface Palette {
  red: Paint;
  yellow: Paint;
  green: Paint;
  dim: Paint;
  bold: Paint;
  cyan: Paint;
}

const code = (open: number, close: number): Paint => (t) => `\u001b[${open}m${t}\u001b[${close}m`;
const plain: Paint = (t) => t;

/** Colour only on a TTY, never with NO_COLOR set (any value) or --no-color; FORCE_COLOR forces it. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return takesEscapes(stream, env);
}

/**
 * Whether `stream` is a terminal that takes escape sequences (colour, the cursor moves of a redraw): a TTY whose TERM
 * is not `dumb`. NO_COLOR is about colour only: a `--watch` redraw still moves the cursor under it.
 */
export function takesEscapes(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return !!stream.isTTY && env.TERM !== 'dumb';
}

export function palette(enabled: boolean): Palette {
  if (!enabled) return { red: plain, yellow: plain, green: plain, dim: plain, bold: plain, cyan: plain };
  return { red: code(31, 39), yellow: code(33, 39), green: code(32, 39), dim: code(2, 22), bold: code(1, 22), cyan: code(36, 39) };
}

/** How many problems of one kind (code) are printed; the rest are counted ("... and N more like this") unless --all-problems. */
export const PROBLEMS_PER_KIND = 10;

/** The problems to print: the first PROBLEMS_PER_KIND of each code, in order, and how many of each code were left out. */
export function capProblems(problems: readonly Problem[], all = false): { shown: Problem[]; omitted: Map<string, number> } {
  const omitted = new Map<string, number>();
  if (all) return { shown: [...problems], omitted };
  const seen = new Map<string, number>();
  const shown: Problem[] = [];
  for (const p of problems) {
    const n = (seen.get(p.code) ?? 0) + 1;
    seen.set(p.code, n);
    if (n <= PROBLEMS_PER_KIND) shown.push(p);
    else omitted.set(p.code, (omitted.get(p.code) ?? 0) + 1);
  }
  return { shown, omitted };
}

/** Characters of `--json` past which the document is written on one line (writeJson). */
const LARGE_JSON = 1 << 20;
/** Characters written at a time of such a document. */
const WRITE_SLICE = 1 << 16;
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * What every command writes through: plain lines, coloured when allowed, JSON when asked. Every line,
 * note and JSON document passes the run's redactor (no secret value is printed); `raw` writes are for
 * documents and a container's own logs.
 */
export class Output {
  readonly paint: Palette;
  constructor(
    readonly streams: Streams,
    readonly json: boolean,
    readonly color: boolean,
    private readonly redact: (text: string) => string = (t) => t,
    /** --all-problems: print every problem, not only the first of each kind. */
    readonly allProblems = false,
  ) {
    this.paint = palette(color);
  }
  line(text = ''): void {
    this.streams.stdout.write(`${this.redact(text)}\n`);
  }
  /** Notices and progress go to stderr so stdout stays parseable. */
  note(text: string): void {
    this.streams.stderr.write(`${this.redact(text)}\n`);
  }
  /**
   * The document indented for a person to read; past a megabyte (an ecosystem of hundreds of repos: tens of
   * thousands of problems and edges) on one line, for the program that reads it: indenting would double its size.
   */
  writeJson(value: unknown): void {
    const compact = JSON.stringify(value);
    if (compact === undefined || compact.length <= LARGE_JSON) {
      this.streams.stdout.write(`${this.redact(JSON.stringify(value, null, 2))}\n`);
      return;
    }
    // In slices: the document is never copied whole again (joined to its newline, or encoded into one buffer).
    const text = this.redact(compact);
    for (let from = 0; from < text.length; ) {
      let to = Math.min(text.length, from + WRITE_SLICE);
      if (to < text.length && isHighSurrogate(text.charCodeAt(to - 1))) to++; // never split a character
      this.streams.stdout.write(text.slice(from, to));
      from = to;
    }
    this.streams.stdout.write('\n');
  }
  /** One JSON document on one line (a --watch round, a log line as data). */
  writeJsonLine(value: unknown): void {
    this.streams.stdout.write(`${this.redact(JSON.stringify(value))}\n`);
  }
  /**
   * One line per problem: `file:line:col: message`, errors red, warnings yellow; past the first few of one
   * kind, one line saying how many more there are (all of them with --all-problems).
   */
  problems(problems: readonly Problem[], stream: 'stdout' | 'stderr' = 'stdout'): void {
    const write = (text: string) => (stream === 'stdout' ? this.line(text) : this.note(text));
    const { shown, omitted } = capProblems(problems, this.allProblems);
    for (const p of shown) {
      const text = formatProblem(p);
      write(p.severity === 'error' ? this.paint.red(text) : this.paint.yellow(text));
    }
    for (const [code, n] of omitted) write(this.paint.dim(`... and ${n.toLocaleString('en-US')} more like this (${code}; --all-problems prints every one)`));
  }

  /** Problems for --json: the same cap as the text (with the count of what was left out), or every one with --all-problems. */
  problemsJson(problems: readonly Problem[]): { problems: Problem[]; problemCount: number; omittedProblems?: Record<string, number> } {
    const { shown, omitted } = capProblems(problems, this.allProblems);
    return { problems: shown, problemCount: problems.length, ...(omitted.size ? { omittedProblems: Object.fromEntries(omitted) } : {}) };
  }
  /**
   * A command's failure as `--json` prints it: `ok: false`, the error, and its problems. An engine out of reach (exit 3)
   * that carries no list of its own is its one problem (`engine-unreachable`), so the problems name the lost engine.
   */
  errorJson(err: BerthError): { ok: false; error: { code: string; message: string; hint?: string }; problems: Problem[]; problemCount: number; omittedProblems?: Record<string, number> } {
    const problems: Problem[] =
      !err.problems.length && exitCodeOf(err.code) === ExitCode.EngineUnreachable
        ? [{ code: 'engine-unreachable', severity: 'error', message: err.message, ...(err.hint ? { hint: err.hint } : {}) }]
        : err.problems;
    return { ok: false, error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) }, ...this.problemsJson(problems) };
  }
  /** A simple aligned table. */
  table(headers: string[], rows: string[][]): void {
    // eslint-disable-next-line no-control-regex -- stripping ANSI colour codes
    const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => strip(r[i] ?? '').length)));
    const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - strip(c).length))).join('  ');
    this.line(this.paint.bold(fmt(headers)));
    for (const r of rows) this.line(fmt(r));
  }
}
