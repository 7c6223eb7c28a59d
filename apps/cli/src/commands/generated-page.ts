import { displayPath, readFileIfExists, type Problem } from '@berth/spec';
import { findKeepBlocks, mergeKeepBlocks } from '@berth/spec/render';

/** A generated page as it would be written: the rendered text with the committed page's berth:keep blocks put back. */
export interface PreparedPage {
  /** Absolute path. */
  path: string;
  /** As shown to the user. */
  file: string;
  /** The committed page, when there is one. */
  previous?: string;
  page: string;
  /** Broken berth:keep markers in the committed page: bad input, nothing is written. */
  problems: Problem[];
}

/** What `berth docs` and `berth ecosystem docs` write or compare: one rule for keeping hand-written blocks. */
export function preparePage(path: string, rendered: string, cwd: string, readPrevious = true): PreparedPage {
  const file = displayPath(path, cwd);
  const previous = readPrevious ? readFileIfExists(path) : undefined;
  const scan = previous === undefined ? { problems: [] } : findKeepBlocks(previous);
  const problems = scan.problems.map((p): Problem => ({ code: 'keep-marker', severity: 'error', file, line: p.line, col: 1, message: p.message }));
  return { path, file, ...(previous === undefined ? {} : { previous }), page: mergeKeepBlocks(rendered, previous), problems };
}
