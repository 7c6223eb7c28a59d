/** Dotted numeric versions: drivers ("530.30.02", "536.40") and CUDA ("12.1", "12.4.1"). */
export function parseVersion(text: string | undefined): number[] | undefined {
  const t = text?.trim();
  if (!t || !/^\d+(\.\d+)*$/.test(t)) return undefined;
  return t.split('.').map(Number);
}

/** Compares part by part; missing parts count as 0 ("525" == "525.0.0" < "525.60.13"). */
export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function versionAtLeast(have: string, need: string): boolean | undefined {
  const h = parseVersion(have);
  const n = parseVersion(need);
  return h && n ? compareVersions(h, n) >= 0 : undefined;
}

/** Compares only major.minor: nvidia-smi reports the driver's CUDA as X.Y, so 12.4 covers a required 12.4.1 at this level. */
export function cudaAtLeast(have: string, need: string): boolean | undefined {
  const h = parseVersion(have);
  const n = parseVersion(need);
  return h && n ? compareVersions(h.slice(0, 2), n.slice(0, 2)) >= 0 : undefined;
}
