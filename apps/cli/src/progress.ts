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
    out.write(`\r\u001b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`);
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
