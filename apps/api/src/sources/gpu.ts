import type { BerthSpec } from '@berth/spec';
import type { GpuResponse } from '../contract.js';
import { errorLine } from './error-line.js';
import { Poller } from './poller.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** Maps @berth/gpu's report onto the API's shape, reading defensively (detection and verdict may sit at the top or nested). */
export function toGpuResponse(report: Record<string, unknown>): GpuResponse {
  const detection = isRecord(report.detection) ? report.detection : report;
  const cuda = [report.cuda, report.verdict].find(isRecord);
  // The report's own verdict (fits / not-needed / does-not-fit, with its summary), else the CUDA one.
  const verdictRaw = typeof report.summary === 'string' && typeof report.status === 'string' ? { status: report.status, reason: report.summary, minimumDriver: cuda?.minimumDriver } : cuda;
  const gpus = Array.isArray(detection.gpus) ? detection.gpus.filter(isRecord) : [];
  return {
    available: true,
    detection: str(detection.status) ?? 'unknown',
    message: str(detection.message),
    driverVersion: str(detection.driverVersion),
    cudaVersion: str(detection.cudaVersion),
    gpus: gpus.map((g, i) => ({
      index: num(g.index) ?? i,
      name: str(g.name) ?? 'GPU',
      uuid: str(g.uuid),
      memoryTotalMiB: num(g.memoryTotalMiB),
      memoryUsedMiB: num(g.memoryUsedMiB),
      utilizationPct: num(g.utilizationPct),
      temperatureC: num(g.temperatureC),
    })),
    verdict: verdictRaw ? { status: str(verdictRaw.status) ?? 'unknown', reason: str(verdictRaw.reason) ?? '', minimumDriver: str(verdictRaw.minimumDriver) } : null,
    report: JSON.parse(JSON.stringify(report)) as Record<string, unknown>,
  };
}

/** GPUs polled in the background (nvidia-smi takes a while); requests read the last report. */
export class GpuSource {
  private last: GpuResponse = { available: false, reason: 'GPUs have not been detected yet' };
  private poller: Poller;

  constructor(
    private spec: BerthSpec,
    private options: { intervalMs?: number; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.poller = new Poller(() => this.update(), options.intervalMs ?? 60_000);
  }

  start(): void {
    this.poller.start();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  private async update(): Promise<void> {
    try {
      const { gpuReport } = await import('@berth/gpu');
      this.last = toGpuResponse((await gpuReport(this.spec, { env: this.options.env })) as unknown as Record<string, unknown>);
    } catch (err) {
      this.last = { available: false, reason: `GPU detection failed: ${errorLine(err)}` };
    }
  }

  report(): GpuResponse {
    return this.last;
  }
}
