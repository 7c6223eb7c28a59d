import { downsample, sparkGeometry, type LatencySample } from '../format/sparkline.js';
import { formatLatency } from '../format/format.js';

const W = 120;
const H = 28;

/** Latency over the recent past as an inline SVG line; failed runs are red marks. */
export function Sparkline({ samples, label }: { samples: LatencySample[] | undefined; label: string }) {
  const points = downsample(samples ?? [], 60);
  if (points.length === 0) return <span className="muted small">no history yet</span>;
  if (points.length === 1) return <span className="muted small">collecting…</span>;
  const g = sparkGeometry(points, W, H);
  const fails = points.filter((p) => !p.ok).length;
  const last = points[points.length - 1]!;
  const summary = `${label}: latency over the last ${points.length} samples, latest ${formatLatency(last.latencyMs)}, peak ${formatLatency(g.max)}${fails ? `, ${fails} failed` : ''}`;
  return (
    <svg className="spark" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
      <title>{summary}</title>
      <path d={g.line} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
      {g.fails.map((p, i) => (
        <circle key={i} cx={p.x} cy={p.y} r="2.5" className="spark-fail" />
      ))}
    </svg>
  );
}
