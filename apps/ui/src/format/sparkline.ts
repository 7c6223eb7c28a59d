/** True when a check result counts as a failed run on the sparkline: only critical does (unknown and starting are not failures). */
export const isFailed = (status: string): boolean => status === 'critical';

/** One latency sample for a sparkline; failed runs are marked in red. */
export interface LatencySample {
  t: number; // epoch ms
  latencyMs: number;
  ok: boolean;
}

/**
 * Averages samples into at most `buckets` points in time order, so an hour of 10 s checks
 * (or several checks per service) draws as one clean line. A bucket is failed if any sample in it failed.
 */
export function downsample(samples: readonly LatencySample[], buckets: number): LatencySample[] {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  if (sorted.length <= buckets) return sorted;
  const out: LatencySample[] = [];
  const size = sorted.length / buckets;
  for (let i = 0; i < buckets; i++) {
    const chunk = sorted.slice(Math.floor(i * size), Math.floor((i + 1) * size));
    if (chunk.length === 0) continue;
    const sum = chunk.reduce((acc, s) => acc + s.latencyMs, 0);
    out.push({ t: chunk[chunk.length - 1]!.t, latencyMs: sum / chunk.length, ok: chunk.every((s) => s.ok) });
  }
  return out;
}

export interface SparkGeometry {
  line: string; // SVG path `d` through every sample
  fails: { x: number; y: number }[]; // where a failed sample sits
  max: number; // the latency at the top edge
}

/** Lays samples out in a width x height box (y grows down; top = slowest). Pure, for the SVG. */
export function sparkGeometry(samples: readonly LatencySample[], width: number, height: number, pad = 2): SparkGeometry {
  if (samples.length === 0) return { line: '', fails: [], max: 0 };
  const max = Math.max(1, ...samples.map((s) => s.latencyMs));
  const step = samples.length > 1 ? (width - 2 * pad) / (samples.length - 1) : 0;
  const pts = samples.map((s, i) => ({
    x: round(samples.length > 1 ? pad + i * step : width / 2),
    y: round(height - pad - (s.latencyMs / max) * (height - 2 * pad)),
    ok: s.ok,
  }));
  const line = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ');
  return { line, fails: pts.filter((p) => !p.ok).map(({ x, y }) => ({ x, y })), max };
}

const round = (n: number): number => Math.round(n * 10) / 10;
