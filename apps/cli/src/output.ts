import type { Problem } from '@berth/spec';
import { formatProblem } from '@berth/spec';

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
  return !!stream.isTTY && env.TERM !== 'dumb';
}

export function palette(enabled: boolean): Palette {
  if (!enabled) return { red: plain, yellow: plain, green: plain, dim: plain, bold: plain, cyan: plain };
  return { red: code(31, 39), yellow: code(33, 39), green: code(32, 39), dim: code(2, 22), bold: code(1, 22), cyan: code(36, 39) };
}

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
  writeJson(value: unknown): void {
    this.streams.stdout.write(`${this.redact(JSON.stringify(value, null, 2))}\n`);
  }
  /** One JSON document on one line (a --watch round, a log line as data). */
  writeJsonLine(value: unknown): void {
    this.streams.stdout.write(`${this.redact(JSON.stringify(value))}\n`);
  }
  /** One line per problem: `file:line:col: message`, errors red, warnings yellow. */
  problems(problems: readonly Problem[], stream: 'stdout' | 'stderr' = 'stdout'): void {
    for (const p of problems) {
      const text = formatProblem(p);
      const painted = p.severity === 'error' ? this.paint.red(text) : this.paint.yellow(text);
      if (stream === 'stdout') this.line(painted);
      else this.note(painted);
    }
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
