import type { CheckResult, HealthStatus } from './contract.js';
import { STATUS_NAMES } from './store/stats.js';

/** A label value in the Prometheus text format: backslash, double quote and newline escaped. */
export function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * The Prometheus text exposition format (version 0.0.4): per check, its status as a
 * one-hot state set, an up gauge and its latency; per subject, uptime from the store; for the stack, the worst status.
 */
export function renderMetrics(
  results: CheckResult[],
  overall: HealthStatus,
  extra: { sseClients: number; checks: number; uptime?: Map<string, { uptime24h: number | null; uptime7d: number | null }> },
): string {
  const lines: string[] = [];
  const labels = (r: CheckResult) => `check="${labelValue(r.id)}",subject="${labelValue(r.subject.id)}",kind="${r.subject.kind}",type="${labelValue(r.type)}"`;
  lines.push('# HELP berth_check_status Current status of a check (1 for the status it is in).', '# TYPE berth_check_status gauge');
  for (const r of results) for (const s of STATUS_NAMES) lines.push(`berth_check_status{${labels(r)},status="${s}"} ${r.status === s ? 1 : 0}`);
  lines.push('# HELP berth_check_up Whether a check passes or only warns (1) or not (0).', '# TYPE berth_check_up gauge');
  for (const r of results) lines.push(`berth_check_up{${labels(r)}} ${r.status === 'passing' || r.status === 'warning' ? 1 : 0}`);
  lines.push('# HELP berth_check_latency_seconds Latency of the last run of a check.', '# TYPE berth_check_latency_seconds gauge');
  for (const r of results) lines.push(`berth_check_latency_seconds{${labels(r)}} ${r.latencyMs / 1000}`);
  lines.push('# HELP berth_check_last_run_timestamp_seconds When a check last ran.', '# TYPE berth_check_last_run_timestamp_seconds gauge');
  for (const r of results) lines.push(`berth_check_last_run_timestamp_seconds{${labels(r)}} ${Date.parse(r.checkedAt) / 1000}`);
  lines.push('# HELP berth_health_status Worst status of the stack (1 for the status it is in).', '# TYPE berth_health_status gauge');
  for (const s of STATUS_NAMES) lines.push(`berth_health_status{status="${s}"} ${overall === s ? 1 : 0}`);
  if (extra.uptime?.size) {
    lines.push('# HELP berth_subject_uptime_ratio Share of passing or warning results of a subject, from the history store.', '# TYPE berth_subject_uptime_ratio gauge');
    for (const [subject, u] of extra.uptime) {
      if (u.uptime24h !== null) lines.push(`berth_subject_uptime_ratio{subject="${labelValue(subject)}",window="24h"} ${u.uptime24h}`);
      if (u.uptime7d !== null) lines.push(`berth_subject_uptime_ratio{subject="${labelValue(subject)}",window="7d"} ${u.uptime7d}`);
    }
  }
  lines.push('# HELP berth_checks Checks the scheduler runs.', '# TYPE berth_checks gauge', `berth_checks ${extra.checks}`);
  lines.push('# HELP berth_sse_clients Dashboards connected to the event stream.', '# TYPE berth_sse_clients gauge', `berth_sse_clients ${extra.sseClients}`);
  return `${lines.join('\n')}\n`;
}
