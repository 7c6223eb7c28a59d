import { InvalidArgumentError } from 'commander';

// How the CLI reads the values of its number-valued options: one rule for each kind, given to commander as the
// option's parser, so a bad value is one line naming the option and its value, exit 2, before anything runs
// (`error: option '--timeout <seconds>' argument 'soon' is invalid. ...`), never a silent default.

/** A number as written: digits with an optional fraction ("1.5", "010"); no sign, exponent, hex or blank. */
const number = (value: string): number => (/^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN);

/** A duration in seconds, more than 0; a fraction is allowed (`--timeout 0.5`). */
export function seconds(value: string): number {
  const n = number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number of seconds, more than 0');
  return n;
}

/** A whole number of milliseconds, more than 0. */
export function milliseconds(value: string): number {
  const n = number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of milliseconds');
  return n;
}

/** A whole number of milliseconds, 0 (not at all) or more. */
export function millisecondsOrZero(value: string): number {
  const n = number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a whole number of milliseconds, 0 or more');
  return n;
}

/** How many lines, as `docker compose logs --tail` takes it: a whole number (0 or more), or `all` (undefined: no limit). */
export function lineCount(value: string): number | undefined {
  if (value.trim().toLowerCase() === 'all') return undefined;
  const n = number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a whole number of lines (0 or more), or all');
  return n;
}

/** A path as an option takes it: anything but nothing (`--spec ""` once meant "no --spec" and fell back to the bundled example). */
export function path(value: string): string {
  if (!value.trim()) throw new InvalidArgumentError('must be a path (it is empty)');
  return value;
}
