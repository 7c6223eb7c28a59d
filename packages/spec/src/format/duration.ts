/**
 * How long something took or has run, as a person reads it: "<1 ms", "42 ms", "1.5 s", "12 s",
 * "3 min", "3 h 20 min", "2 d". berth's one duration formatter, for check latencies and timeouts,
 * nvidia-smi's deadline, container uptimes and the dashboard. Pure (no imports), so a browser bundle
 * may take it through `@berth/spec/format`.
 *
 * Precision falls as the number grows: whole milliseconds below a second, a tenth of a second below
 * ten (dropped when zero: "2 s"), whole seconds below a minute, then minutes, hours and minutes below
 * two days, then days.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms > 0 && ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s`;
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d`;
}
