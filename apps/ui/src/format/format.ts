import type { HealthStatus } from '@berth/api/contract';
import { formatDuration as duration } from '@berth/spec/format';

/** How each health status reads at a glance: a word, a shape and a colour class (never colour alone). */
export const statusLook: Record<HealthStatus, { word: string; mark: string }> = {
  passing: { word: 'up', mark: '●' },
  warning: { word: 'warning', mark: '▲' },
  critical: { word: 'down', mark: '✕' },
  starting: { word: 'starting', mark: '◐' },
  unknown: { word: 'unknown', mark: '?' },
};

/** 3 ms, 42 ms, 1.2 s, 12 s (@berth/spec's one duration formatter), or a dash for no number. */
export function formatLatency(ms: number | null | undefined): string {
  return ms == null || !Number.isFinite(ms) ? '—' : duration(ms);
}

/** A fraction 0..1 as an uptime percentage that never rounds a failure up to 100%. */
export function formatUptime(fraction: number | null | undefined): string {
  if (fraction == null || !Number.isFinite(fraction)) return 'no data';
  const pct = Math.max(0, Math.min(1, fraction)) * 100;
  if (pct === 100) return '100%';
  if (pct >= 99.9) return `${(Math.floor(pct * 100) / 100).toFixed(2)}%`;
  return `${(Math.floor(pct * 10) / 10).toFixed(1)}%`;
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago" relative to `now` (the one duration formatter). */
export function formatAgo(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'never';
  const ms = Math.max(0, now - t);
  return ms < 2000 ? 'just now' : `${duration(Math.round(ms / 1000) * 1000)} ago`;
}

/** 90 s -> "1 min", 3 h 20 min -> "3 h 20 min": how long a container has run, or a dash. */
export function formatDuration(ms: number | null | undefined): string {
  return ms == null || !Number.isFinite(ms) || ms < 0 ? '—' : duration(ms);
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
