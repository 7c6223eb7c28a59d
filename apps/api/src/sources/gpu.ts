import type { BerthSpec } from '@berth/spec';
import type { GpuReport } from '@berth/gpu';
import type { GpuResponse } from '../contract.js';
import { errorLine } from './error-line.js';
import { PolledSource } from './poller.js';

/** @berth/gpu's report as the API shows it: the detection, each GPU's figures, the report's own verdict. */
export function toGpuResponse(report: GpuReport): GpuResponse {
  const d = report.detection;
  const gpus = d.status === 'ok' ? d.gpus : [];
  return {
    available: true,
    detection: d.status,
    ...(d.status === 'ok' ? { driverVersion: d.driverVersion, cudaVersion: d.cudaVersion } : { message: d.message }),
    gpus: gpus.map(({ index, name, uuid, memoryTotalMiB, memoryUsedMiB, utilizationPct, temperatureC }) => ({ index, name, uuid, memoryTotalMiB, memoryUsedMiB, utilizationPct, temperatureC })),
    verdict: { status: report.status, reason: report.summary, minimumDriver: report.cuda?.minimumDriver },
    report: JSON.parse(JSON.stringify(report)) as Record<string, unknown>,
  };
}

/** GPUs polled in the background (nvidia-smi takes a while); requests read the last report. */
export class GpuSource {
  private source: PolledSource<GpuResponse>;

  /** `specDir`: the spec's folder, where its devcontainer.json is found (what it sets over the image's environment counts, as in `berth gpu`). */
  constructor(spec: BerthSpec, options: { intervalMs?: number; env?: NodeJS.ProcessEnv; specDir?: string } = {}) {
    this.source = new PolledSource<GpuResponse>({
      initial: { available: false, reason: 'GPUs have not been detected yet' },
      read: async () => {
        const { gpuReport } = await import('@berth/gpu');
        // read at each poll: devcontainer.json may be edited while the API runs
        const containerEnv = spec.devcontainer && options.specDir ? (await import('@berth/devcontainer')).specDevcontainerEnv(options.specDir, spec.devcontainer) : undefined;
        return toGpuResponse(await gpuReport(spec, { env: options.env, ...(containerEnv ? { containerEnv } : {}) }));
      },
      failed: (err) => ({ available: false, reason: `GPU detection failed: ${errorLine(err)}` }),
      intervalMs: options.intervalMs ?? 60_000,
    });
  }

  start(): void {
    this.source.start();
  }

  stop(): Promise<void> {
    return this.source.stop();
  }

  report(): GpuResponse {
    return this.source.last;
  }
}
