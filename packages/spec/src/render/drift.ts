/** A short summary of how a committed page differs from the one berth would write: counts and the first changed lines. */
export interface Drift {
  added: number;
  removed: number;
  /** Up to `limit` lines: `- text` with its line number in the committed page, `+ text` with its line number in the page berth would write. */
  sample: string[];
}

/** The most cells the longest-common-subsequence table may have (4 bytes each); a larger middle is counted, not aligned. */
const MAX_TABLE_CELLS = 4_000_000;

/** A committed page as berth compares it: a checkout's CRLF line endings (Git on Windows) are not a difference. */
const lines = (text: string) => text.replace(/\r\n/g, '\n').split('\n');

/** Whether the committed page is what berth would write, line endings aside. */
export function samePage(committed: string, expected: string): boolean {
  return committed === expected || committed.replace(/\r\n/g, '\n') === expected;
}

/**
 * Line diff by longest common subsequence over what lies between the common first and last lines (a page's drift is
 * usually a few lines in one place, so the table is small). Where that middle is still too large to align (two
 * unrelated pages of thousands of lines), the lines are counted instead: added are those of the new page the old
 * one lacks, as many times as it lacks them, and the sample shows them in order.
 */
export function lineDrift(committed: string, expected: string, limit = 8): Drift {
  const a = lines(committed);
  const b = lines(expected);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const sample: string[] = [];
  const note = (s: string) => {
    if (sample.length < limit) sample.push(s.length > 120 ? `${s.slice(0, 117)}...` : s);
  };
  const n = endA - start;
  const m = endB - start;
  if ((n + 1) * (m + 1) > MAX_TABLE_CELLS) return countedDrift(a, b, start, endA, endB, note, sample);
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[start + i] === b[start + j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  let added = 0;
  let removed = 0;
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      added++;
      note(`line ${start + j + 1}: + ${b[start + j]}`);
      j++;
    } else {
      removed++;
      note(`line ${start + i + 1}: - ${a[start + i]}`);
      i++;
    }
  }
  return { added, removed, sample };
}

/** The drift of a middle too large to align: how many of each line one side has more of; linear in time and memory. */
function countedDrift(a: string[], b: string[], start: number, endA: number, endB: number, note: (s: string) => void, sample: string[]): Drift {
  // `note` keeps the sample to its limit
  const balance = new Map<string, number>();
  for (let i = start; i < endA; i++) balance.set(a[i]!, (balance.get(a[i]!) ?? 0) + 1);
  for (let j = start; j < endB; j++) balance.set(b[j]!, (balance.get(b[j]!) ?? 0) - 1);
  let added = 0;
  let removed = 0;
  for (const count of balance.values()) {
    if (count > 0) removed += count;
    else added -= count;
  }
  // the sample: the old page's lines the new one lacks, then the new one's lines the old one lacks, in order
  const left = new Map([...balance].filter(([, c]) => c > 0));
  for (let i = start; i < endA; i++) {
    const c = left.get(a[i]!);
    if (!c) continue;
    left.set(a[i]!, c - 1);
    note(`line ${i + 1}: - ${a[i]}`);
  }
  const wanted = new Map([...balance].filter(([, c]) => c < 0).map(([l, c]) => [l, -c]));
  for (let j = start; j < endB; j++) {
    const c = wanted.get(b[j]!);
    if (!c) continue;
    wanted.set(b[j]!, c - 1);
    note(`line ${j + 1}: + ${b[j]}`);
  }
  return { added, removed, sample };
}
