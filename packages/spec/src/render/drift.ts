/** A short summary of how a committed page differs from the one berth would write: counts and the first changed lines. */
export interface Drift {
  added: number;
  removed: number;
  /** Up to `limit` lines, each `+ text` or `- text` with its line number in the committed page. */
  sample: string[];
}

/** Line diff by longest common subsequence; pages are a few hundred lines, so the quadratic table is small. */
export function lineDrift(committed: string, expected: string, limit = 8): Drift {
  const a = committed.split('\n');
  const b = expected.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const sample: string[] = [];
  let added = 0;
  let removed = 0;
  let i = 0;
  let j = 0;
  const note = (s: string) => {
    if (sample.length < limit) sample.push(s.length > 120 ? `${s.slice(0, 117)}...` : s);
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      added++;
      note(`line ${i + 1}: + ${b[j]}`);
      j++;
    } else {
      removed++;
      note(`line ${i + 1}: - ${a[i]}`);
      i++;
    }
  }
  return { added, removed, sample };
}
