import type { Gpu, GpuDetection } from './types.js';
import { compact, presentNumber, presentText } from './values.js';
import { finishDetection } from './finish-detection.js';

const GPU_ROW = /^\|\s+(\d+)\s+(\S.*?)\s+(On|Off)\s+\|/;
const USAGE_ROW = /^\|\s*(\S+)\s+(\S+)\s+(P\d+|\S+)\s+(\S+)\s*\/\s*(\S+)\s*\|\s*(\S+)\s*\/\s*(\S+)\s*\|\s*(\S+)/;

/**
 * Parses the default `nvidia-smi` table: the header (driver and CUDA versions, either the classic
 * "Driver Version"/"CUDA Version" or the 610+ "KMD Version"/"CUDA UMD Version") and one GPU per
 * two-line row. Names there are cut at the column width ("NVIDIA GeForce ..."); prefer XML.
 */
export function parseNvidiaSmiTable(text: string): GpuDetection {
  const header = text.split(/\r?\n/).find((l) => /NVIDIA-SMI\s+\S+/.test(l));
  if (!header) return { status: 'unparseable', message: 'the output is not an nvidia-smi table (no NVIDIA-SMI header)' };
  const driverVersion = /KMD Version:\s*(\S+)/.exec(header)?.[1] ?? /Driver Version:\s*(\S+)/.exec(header)?.[1];
  const cudaVersion = /CUDA UMD Version:\s*(\S+)/.exec(header)?.[1] ?? /CUDA Version:\s*(\S+)/.exec(header)?.[1];
  const lines = text.split(/\r?\n/);
  const gpus: Gpu[] = [];
  let inProcesses = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/\|\s*(Processes|MIG devices):/.test(line)) inProcesses = true;
    if (inProcesses) continue;
    const m = GPU_ROW.exec(line);
    if (!m) continue;
    const usage = USAGE_ROW.exec(lines[i + 1] ?? '');
    gpus.push(
      compact({
        index: Number(m[1]),
        name: presentText(m[2]) ?? 'NVIDIA GPU (name not reported)',
        temperatureC: presentNumber(usage?.[2]),
        powerW: presentNumber(usage?.[4]),
        powerLimitW: presentNumber(usage?.[5]),
        memoryUsedMiB: presentNumber(usage?.[6]),
        memoryTotalMiB: presentNumber(usage?.[7]),
        utilizationPct: presentNumber(usage?.[8]),
        migDevices: [],
        processes: [],
      }),
    );
  }
  return finishDetection({ format: 'table', driverVersion: presentText(driverVersion), cudaVersion: presentText(cudaVersion), gpus, cutOff: false, warnings: [] });
}
