import type { HealthStatus } from '@berth/api/contract';

/** How each health status reads at a glance: a word, a shape and a colour class (never colour alone). */
export const statusLook: Record<HealthStatus, { word: string; mark: string }> = {
  passing: { word: 'up', mark: '●' },
  warning: { word: 'warning', mark: '▲' },
  critical: { word: 'down', mark: '✕' },
  starting: { word: 'starting', mark: '◐' },
  unknown: { word: 'unknown', mark: '?' },
};

const rank: Record<HealthStatus, number> = { critical: 4, warning: 3, starting: 2, unknown: 1, passing: 0 };

/** The worst of some statuses, in the order critical > warning > starting > unknown > passing. */
export function worst(statuses: Iterable<HealthStatus>): HealthStatus {
  let out: HealthStatus | undefined;
  for (const s of statuses) if (out === undefined || rank[s] > rank[out]) out = s;
  return out ?? 'unknown';
}

/** 3 ms, 42 ms, 1.2 s, 12 s: latency short enough for a table cell. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** A fraction 0..1 as an uptime percentage that never rounds a failure up to 100%. */
export function formatUptime(fraction: number | null | undefined): string {
  if (fraction == null || !Number.isFinite(fraction)) return 'no data';
  const pct = Math.max(0, Math.min(1, fraction)) * 100;
  if (pct === 100) return '100%';
  if (pct >= 99.9) return `${(Math.floor(pct * 100) / 100).toFixed(2)}%`;
  return `${(Math.floor(pct * 10) / 10).toFixed(1)}%`;
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago" relative to `now`. */
export function formatAgo(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'never';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** 90 s -> "1 min", 3 h 20 min -> "3 h 20 min": how long a container has run. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '—';
  const min = Math.floor(ms / 60_000);
  if (min < 1) return `${Math.floor(ms / 1000)} s`;
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** A port range as "5000" or "8000-8010", with "/udp" when not TCP. */
export function formatPorts(from: number, to: number, protocol: string): string {
  const range = from === to ? String(from) : `${from}-${to}`;
  return protocol === 'tcp' ? range : `${range}/${protocol}`;
}

/** 1536 MiB -> "1.5 GiB". */
export function formatMiB(mib: number | null | undefined): string {
  if (mib == null || !Number.isFinite(mib)) return '—';
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${Math.round(mib)} MiB`;
}
