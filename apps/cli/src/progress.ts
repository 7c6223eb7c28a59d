import type { Streams } from './output.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Progress {
  /** Updates the current step's text. */
  update(text: string): void;
  /** Writes a finished line (kept on screen) and continues. */
  log(text: string): void;
  stop(): void;
}

/**
 * Progress for anything slower than a second: a spinner on a TTY that appears only after
 * `delayMs`, plain lines when not a TTY or when `escapes` is false (NO_COLOR, --no-color: the spinner's
 * `\r` and ESC [2K are escape sequences too), nothing with --json (stdout stays JSON, progress is on stderr).
 * Not on a TTY (a CI log, `2>file`), a run that has written no line of its own after a second (or `delayMs`,
 * if longer) writes its text once, so a wait (a lock, a slow engine) is never silent there either.
 */
export function startProgress(streams: Streams, options: { enabled: boolean; delayMs?: number; text?: string; escapes?: boolean }): Progress {
  const out = streams.stderr;
  if (!options.enabled) return { update() {}, log() {}, stop() {} };
  // A terminal where no escape sequence may be written (NO_COLOR, --no-color) gets the plain lines a log gets.
  const tty = !!out.isTTY && options.escapes !== false;
  let text = options.text ?? '';
  let frame = 0;
  let shown = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPlain = '';
  let wrote = false;
  const draw = () => {
    shown = true;
    out.write(`\r\u001b[2K${FRAMES[frame++ % FRAMES.length]} ${fitLine(text, out.columns)}`);
  };
  const clear = () => {
    if (shown) out.write('\r\u001b[2K');
  };
  if (tty) {
    timer = setTimeout(() => {
      draw();
      timer = setInterval(draw, 100);
      timer.unref();
    }, options.delayMs ?? 1000);
    timer.unref();
  } else if (text) {
    timer = setTimeout(() => {
      if (wrote) return;
      wrote = true;
      lastPlain = text;
      out.write(`${text}\n`);
    }, Math.max(options.delayMs ?? 1000, 1000));
    timer.unref();
  }
  return {
    update(next) {
      text = next;
      if (!tty && next !== lastPlain) {
        lastPlain = next;
        wrote = true;
        out.write(`${next}\n`);
      }
    },
    log(line) {
      wrote = true;
      if (tty) clear();
      out.write(`${line}\n`);
      if (tty && shown) draw();
    },
    stop() {
      if (timer) {
        clearTimeout(timer);
        clearInterval(timer);
      }
      if (tty) clear();
    },
  };
}

/**
 * TEXT cut to what fits on one line of a terminal COLUMNS wide after the spinner and its space, an ellipsis marking
 * the cut: a line that wrapped would leave a row behind at every redraw, since ESC [2K clears only the cursor's row.
 * A wide (East Asian, emoji) character counts two columns; no width known (not a terminal), no cut.
 */
export function fitLine(text: string, columns: number | undefined): string {
  if (!columns || columns < 8) return text;
  const room = columns - 3; // the spinner, its space, and the column the cursor rests in
  const chars = [...text].map((ch) => ({ ch, w: isWide(ch.codePointAt(0)!) ? 2 : 1 }));
  if (chars.reduce((n, c) => n + c.w, 0) <= room) return text;
  let width = 0;
  let kept = '';
  for (const { ch, w } of chars) {
    if (width + w > room - 1) break;
    width += w;
    kept += ch;
  }
  return `${kept}…`;
}

/** Whether a code point takes two terminal columns: the East Asian Wide and Fullwidth blocks, and emoji. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}
