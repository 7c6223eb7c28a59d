import type { GpuResponse } from '@berth/api/contract';
import { formatMiB } from '../format/format.js';
import { Unavailable } from './panel.js';

/** Verdicts of @berth/gpu: the report's (fits, not-needed, does-not-fit) or the CUDA check's (full, minor-version, incompatible). */
const verdictLook: Record<string, { word: string; cls: string }> = {
  fits: { word: 'fits', cls: 's-passing' },
  full: { word: 'CUDA fits', cls: 's-passing' },
  'minor-version': { word: 'CUDA minor-version compatible', cls: 's-warning' },
  'not-needed': { word: 'no GPU needed', cls: 's-unknown' },
  'does-not-fit': { word: 'does not fit', cls: 's-critical' },
  incompatible: { word: 'CUDA incompatible', cls: 's-critical' },
};
const detectionWord: Record<string, string> = {
  'no-binary': 'nvidia-smi not found',
  'no-driver': 'no NVIDIA driver',
  'no-gpu': 'the driver sees no GPU',
  timeout: 'nvidia-smi timed out',
  failed: 'nvidia-smi failed',
  unparseable: 'nvidia-smi output unreadable',
};

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
          No GPU ({detectionWord[gpu.detection] ?? gpu.detection})
          {gpu.message && `: ${gpu.message}`}
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
          <span className={`badge ${verdictLook[gpu.verdict.status]?.cls ?? 's-unknown'}`} data-verdict={gpu.verdict.status}>
            {verdictLook[gpu.verdict.status]?.word ?? gpu.verdict.status}
          </span>{' '}
          {gpu.verdict.reason.startsWith(`${gpu.verdict.status}: `) ? gpu.verdict.reason.slice(gpu.verdict.status.length + 2) : gpu.verdict.reason}
          {gpu.verdict.minimumDriver && <span className="sub">needs driver ≥ {gpu.verdict.minimumDriver}</span>}
        </p>
      )}
    </>
  );
}
