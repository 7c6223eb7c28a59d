import type { ServiceView } from '@berth/api/contract';
import { checkSummary } from '../format/check-summary.js';
import { formatAgo, formatLatency, formatUptime } from '../format/format.js';
import type { LatencySample } from '../format/sparkline.js';
import { Sparkline } from './sparkline.js';
import { StatusBadge } from './status-badge.js';

/** Every service and connection: live status and why, latency sparkline, uptime over 24 h and 7 d. */
export function ServicesTable({ services, samples, now }: { services: ServiceView[]; samples: Record<string, LatencySample[]>; now: number }) {
  if (services.length === 0) return <p className="muted">The spec declares no services or connections.</p>;
  return (
    <div className="scroll">
      <table className="services">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Service</th>
            <th scope="col">Why</th>
            <th scope="col">Latency</th>
            <th scope="col" className="num">Uptime 24 h</th>
            <th scope="col" className="num">Uptime 7 d</th>
            <th scope="col">Checked</th>
          </tr>
        </thead>
        <tbody>
          {services.map((s) => (
            <ServiceRow key={`${s.kind}:${s.id}`} service={s} samples={samples[s.id]} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ServiceRow({ service: s, samples, now }: { service: ServiceView; samples: LatencySample[] | undefined; now: number }) {
  const last = s.checks.reduce<string | null>((t, c) => (!t || c.checkedAt > t ? c.checkedAt : t), null);
  const ports = s.ports.map((p) => (p.name ? `${p.host} (${p.name})` : String(p.host))).join(', ');
  return (
    <tr data-service={s.id} data-status={s.status} className={`row-${s.status}`}>
      <td>
        <StatusBadge status={s.status} />
      </td>
      <th scope="row">
        <span className="name">{s.name}</span>
        <span className="sub">
          {s.kind === 'service' ? '' : `${s.kind} · `}
          {s.id}
          {ports && ` · :${ports}`}
          {s.profiles.length > 0 && ` · profile ${s.profiles.join(', ')}`}
        </span>
      </th>
      <td className="reason">
        {s.reason || (s.checks.length === 0 ? 'no checks' : '')}
        {s.checks.length > 1 && <span className="sub">{checkSummary(s)}</span>}
      </td>
      <td>
        <Sparkline samples={samples} label={s.name} />
        {s.latency && <span className="sub">p95 {formatLatency(s.latency.p95)}</span>}
      </td>
      <td className="num">{formatUptime(s.uptime24h)}</td>
      <td className="num">{formatUptime(s.uptime7d)}</td>
      <td className="muted">{formatAgo(last, now)}</td>
    </tr>
  );
}
