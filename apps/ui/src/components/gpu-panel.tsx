import type { GpuResponse } from '@berth/api/contract';
import { formatMiB } from '../format/format.js';
import { Unavailable } from './panel.js';

const verdictClass: Record<string, string> = { full: 's-passing', 'minor-version': 's-warning', incompatible: 's-critical' };

/** The GPU card: what nvidia-smi sees and whether the devcontainer's CUDA fits the driver. */
export function GpuPanel({ gpu }: { gpu: GpuResponse }) {
  if (!gpu.available) return <Unavailable reason={gpu.reason} />;
  return (
    <>
      {gpu.detection === 'ok' ? (
        <p>
          Driver <strong>{gpu.driverVersion ?? '?'}</strong>
          {gpu.cudaVersion && <> · CUDA {gpu.cudaVersion}</>} · {gpu.gpus.length} GPU{gpu.gpus.length === 1 ? '' : 's'}
        </p>
      ) : (
        <p className="muted">
          No GPU: {gpu.detection}
          {gpu.message && ` — ${gpu.message}`}
        </p>
      )}
      {gpu.gpus.map((g) => (
        <div key={g.index} className="gpu">
          <strong>
            #{g.index} {g.name}
          </strong>
          <span className="sub">
            memory {formatMiB(g.memoryUsedMiB)} / {formatMiB(g.memoryTotalMiB)}
            {g.utilizationPct != null && ` · ${g.utilizationPct}% busy`}
            {g.temperatureC != null && ` · ${g.temperatureC} °C`}
          </span>
        </div>
      ))}
      {gpu.verdict && (
        <p>
          <span className={`badge ${verdictClass[gpu.verdict.status] ?? 's-unknown'}`}>CUDA {gpu.verdict.status}</span> {gpu.verdict.reason}
          {gpu.verdict.minimumDriver && <span className="sub">needs driver ≥ {gpu.verdict.minimumDriver}</span>}
        </p>
      )}
    </>
  );
}
