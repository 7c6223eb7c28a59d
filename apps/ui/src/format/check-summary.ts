import type { ServiceView } from '@berth/api/contract';
import { statusLook } from './format.js';

/** "1 of 3 checks down: http :5000/health (2 passing)" — which check the reason belongs to, when there are several. */
export function checkSummary(s: Pick<ServiceView, 'checks' | 'status'>): string {
  const worst = s.checks.filter((c) => c.status === s.status);
  const passing = s.checks.filter((c) => c.status === 'passing').length;
  if (s.status === 'passing') return `all ${s.checks.length} checks passing`;
  const names = worst.map((c) => c.label).join(', ');
  return `${worst.length} of ${s.checks.length} checks ${statusLook[s.status].word}: ${names}${passing ? ` (${passing} passing)` : ''}`;
}
