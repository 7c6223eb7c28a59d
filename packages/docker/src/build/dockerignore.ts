/**
 * `.dockerignore` with Docker's own rules: the file is read as moby/patternmatcher's `ignorefile.ReadAll`
 * reads it, and each path is matched as its `PatternMatcher` matches it (negations with `!`, `**`, a
 * later rule overriding an earlier one, a pattern that matches a directory matching everything in it).
 * Ported pattern for pattern, quirks included (`**file` matches `dir/xfile`), so berth sends the
 * context `docker build` would send.
 */

/** Go's `path.Clean` for slash paths: no `.`, no `x/..`, no doubled or trailing slash. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

/**
 * Go's `strings.TrimSpace`: trims what `unicode.IsSpace` calls space (the White_Space property: tab to CR, space,
 * U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000). Not JavaScript's `trim()`,
 * which also trims U+FEFF and leaves U+0085.
 */
const GO_TRIM = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+|[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$/g;
export const goTrimSpace = (text: string) => text.replace(GO_TRIM, '');

/** One pattern of a `.dockerignore`, as written there (after cleaning) and where. */
export interface IgnoreRule {
  pattern: string;
  /** 1-based line in the file. */
  line: number;
}

/**
 * The patterns of a `.dockerignore`, as `ignorefile.ReadAll` returns them: a UTF-8 BOM dropped at the start of
 * the file only, lines that start with `#` skipped (before trimming, so `  # x` is a pattern), blank lines
 * skipped, each pattern trimmed as Go trims (goTrimSpace) and cleaned, a leading `/` dropped, `!` kept in front.
 */
export function readIgnoreFile(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.startsWith('#')) return;
    let pattern = goTrimSpace(raw);
    if (!pattern) return;
    const invert = pattern.startsWith('!');
    if (invert) pattern = goTrimSpace(pattern.slice(1));
    if (pattern) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    rules.push({ pattern: invert ? `!${pattern}` : pattern, line: i + 1 });
  });
  return rules;
}

/**
 * Go's `filepath.Match` syntax check: a trailing backslash, an unclosed `[`, a class that is empty or has a
 * bare `-` or `]` where a character belongs (`[]a]`, `[-x]`, `[x-]`, `[a-b-c]`) are malformed.
 */
function validGlob(chars: readonly string[]): boolean {
  let i = 0;
  const esc = (): boolean => {
    if (i >= chars.length || chars[i] === '-' || chars[i] === ']') return false;
    if (chars[i] === '\\' && ++i >= chars.length) return false;
    return ++i < chars.length;
  };
  while (i < chars.length) {
    const c = chars[i++];
    if (c === '\\') {
      if (i++ >= chars.length) return false;
    } else if (c === '[') {
      if (chars[i] === '^') i++;
      for (let ranges = 0; ; ranges++) {
        if (chars[i] === ']' && ranges > 0) {
          i++;
          break;
        }
        if (!esc()) return false;
        if (chars[i] === '-') {
          i++;
          if (!esc()) return false;
        }
      }
    }
  }
  return true;
}

type MatchType = 'exact' | 'prefix' | 'suffix' | 'regexp';

const ESCAPED = new Set([...'.+()|{}$']);

/** One compiled pattern: how patternmatcher's `Pattern.compile` would match it. */
class Pattern {
  readonly exclusion: boolean;
  readonly cleaned: string;
  private type: MatchType = 'exact';
  private regexp: RegExp | undefined;

  constructor(written: string) {
    let p = cleanPath(goTrimSpace(written));
    this.exclusion = p.startsWith('!');
    if (this.exclusion) {
      if (p.length === 1) throw new Error('illegal exclusion pattern: "!"');
      p = p.slice(1);
    }
    this.cleaned = p;
    this.compile();
  }

  private compile(): void {
    const chars = [...this.cleaned];
    let re = '^';
    let type: MatchType = 'exact';
    for (let i = 0, at = 0; at < chars.length; i++) {
      const ch = chars[at++]!;
      if (ch === '*') {
        if (chars[at] === '*') {
          at++;
          if (chars[at] === '/') at++; // `**/` is `**`
          if (at >= chars.length) {
            // `**` at the end accepts everything, as .gitignore does
            if (type === 'exact') type = 'prefix';
            else {
              re += '.*';
              type = 'regexp';
            }
          } else {
            re += '(.*/)?';
            type = 'regexp';
          }
          if (i === 0) type = 'suffix';
        } else {
          re += '[^/]*';
          type = 'regexp';
        }
      } else if (ch === '?') {
        re += '[^/]';
        type = 'regexp';
      } else if (ESCAPED.has(ch)) {
        re += `\\${ch}`;
      } else if (ch === '\\') {
        if (at < chars.length) {
          re += `\\${chars[at++]!}`;
          type = 'regexp';
        } else re += '\\\\';
      } else if (ch === '[' || ch === ']') {
        re += ch;
        type = 'regexp';
      } else re += ch;
    }
    // Docker checks each pattern with filepath.Match first, and refuses what it refuses
    if (!validGlob(chars)) throw new Error(`bad pattern "${this.cleaned}"`);
    if (type === 'regexp') {
      try {
        this.regexp = new RegExp(`${re}$`);
      } catch {
        throw new Error(`bad pattern "${this.cleaned}"`);
      }
    }
    this.type = type;
  }

  match(path: string): boolean {
    switch (this.type) {
      case 'exact':
        return path === this.cleaned;
      case 'prefix':
        return path.startsWith(this.cleaned.slice(0, -2));
      case 'suffix': {
        const suffix = this.cleaned.slice(2);
        if (path.endsWith(suffix)) return true;
        // `**/foo` matches "foo"
        return suffix.startsWith('/') && path === suffix.slice(1);
      }
      default:
        return this.regexp!.test(path);
    }
  }
}

/** Which patterns a directory matched, handed to its children (patternmatcher's `MatchInfo`). */
export type ParentMatches = readonly boolean[] | undefined;

const parentDirs = (file: string): string[] => {
  const slash = file.lastIndexOf('/');
  if (slash < 0) return [];
  const parts = file.slice(0, slash).split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
};

const NOTHING = { ignored: false, info: [] as boolean[] };

/** patternmatcher's `PatternMatcher`: the ordered patterns of one `.dockerignore`. */
export class IgnoreMatcher {
  private readonly patterns: Pattern[];
  /** Some pattern is a negation (`!...`). */
  readonly exclusions: boolean;

  /** Throws with the pattern's text when one cannot be compiled (`[` unclosed, a lone `!`). */
  constructor(patterns: readonly string[]) {
    this.patterns = patterns.filter((p) => goTrimSpace(p) !== '').map((p) => new Pattern(p));
    this.exclusions = this.patterns.some((p) => p.exclusion);
  }

  /** `MatchesOrParentMatches`: the path (slash-separated, relative to the context) is ignored. */
  matches(file: string): boolean {
    return this.matchesWith(file, undefined).ignored;
  }

  /**
   * `MatchesUsingParentResults`: as `matches`, given what the parent directory matched (undefined: not
   * known, so the parents are checked here). What a walk of the context uses, as Docker's does.
   */
  matchesWith(file: string, parent: ParentMatches): { ignored: boolean; info: boolean[] } {
    if (!this.patterns.length) return NOTHING;
    let ignored = false;
    const info = new Array<boolean>(this.patterns.length).fill(false);
    const parents = parent ? [] : parentDirs(file);
    this.patterns.forEach((pattern, i) => {
      let match = parent?.[i] ?? false;
      if (!match) {
        // an inclusion after a match, or an exclusion before one, cannot change the answer
        if (pattern.exclusion !== ignored) return;
        match = pattern.match(file) || (!parent && parents.some((dir) => pattern.match(dir)));
      }
      info[i] = match;
      if (match) ignored = !pattern.exclusion;
    });
    return { ignored, info };
  }

  /** `matchesWith(file, parent).ignored`, without keeping what each pattern matched (for files, which have no children). */
  ignores(file: string, parent: ParentMatches): boolean {
    if (!this.patterns.length) return false;
    let ignored = false;
    let parents: string[] | undefined;
    for (let i = 0; i < this.patterns.length; i++) {
      const pattern = this.patterns[i]!;
      let match = parent?.[i] ?? false;
      if (!match) {
        if (pattern.exclusion !== ignored) continue;
        match = pattern.match(file) || (!parent && (parents ??= parentDirs(file)).some((dir) => pattern.match(dir)));
      }
      if (match) ignored = !pattern.exclusion;
    }
    return ignored;
  }

  /**
   * Whether an ignored directory must still be walked: only when a negation starts with it
   * (`!dir/keep.txt` for `dir`), as Docker decides; otherwise nothing inside it is sent.
   */
  mustDescend(dir: string): boolean {
    if (!this.exclusions) return false;
    return this.patterns.some((p) => p.exclusion && `${p.cleaned}/`.startsWith(`${dir}/`));
  }
}

/**
 * The patterns Docker matches with: the file's own, then `!.dockerignore` and `!<dockerfile>` when the
 * file would exclude them (the docker CLI's `TrimBuildFilesFromExcludes`): both are always sent, and
 * the engine drops them from what `COPY` sees.
 */
export function withBuildFiles(patterns: readonly string[], dockerfile: string | undefined): string[] {
  const out = [...patterns];
  if (new IgnoreMatcher(out).matches('.dockerignore')) out.push('!.dockerignore');
  if (dockerfile !== undefined && new IgnoreMatcher(out).matches(dockerfile)) out.push(`!${dockerfile}`);
  return out;
}
