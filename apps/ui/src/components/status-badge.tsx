import type { HealthStatus } from '@berth/api/contract';
import { statusLook } from '../format/format.js';

/** A status by shape, word and colour, so it reads without colour too. */
export function StatusBadge({ status, label }: { status: HealthStatus; label?: string }) {
  const look = statusLook[status];
  return (
    <span className={`badge s-${status}`} data-status={status} title={status}>
      <span aria-hidden="true">{look.mark}</span> {label ?? look.word}
    </span>
  );
}

/** A yes/no fact (set, valid, registered) as a small badge with a word. */
export function Flag({ ok, yes, no, warnOnly }: { ok: boolean; yes: string; no: string; warnOnly?: boolean }) {
  return <span className={`badge ${ok ? 's-passing' : warnOnly ? 's-warning' : 's-critical'}`}>{ok ? yes : no}</span>;
}
