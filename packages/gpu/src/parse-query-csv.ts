import type { Gpu, GpuDetection, GpuProcess } from './types.js';
import { compact, migModeOf, presentInt, presentMiB, presentNumber, presentText } from './values.js';
import { finishDetection } from './finish-detection.js';

export interface CsvTable {
  /** Column names without their unit ("memory.used", not "memory.used [MiB]"). */
  columns: string[];
  rows: Record<string, string>[];
}

/** Free-text columns that may hold commas, in order of preference; nvidia-smi does not quote them. */
const FREE_TEXT = ['process_name', 'name', 'gpu_name'];

/**
 * Reads `--format=csv` output: a header line with units, values separated by ", ", nothing quoted.
 * When a row has more fields than the header (a process name with a comma), the extra fields are
 * folded back into the one free-text column: the columns before it are taken from the left, those
 * after it from the right.
 */
export function readQueryCsv(text: string): CsvTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const header = lines.shift();
  if (!header) return { columns: [], rows: [] };
  const columns = header.split(',').map((c) => c.trim().replace(/\s*\[[^\]]*\]$/, ''));
  const free = FREE_TEXT.map((f) => columns.indexOf(f)).find((i) => i >= 0);
  const rows = lines.map((line) => {
    let fields = line.split(', ');
    if (fields.length > columns.length && free !== undefined) {
      const after = columns.length - free - 1;
      fields = [...fields.slice(0, free), fields.slice(free, fields.length - after).join(', '), ...fields.slice(fields.length - after)];
    }
    const row: Record<string, string> = {};
    columns.forEach((c, i) => {
      if (fields[i] !== undefined) row[c] = fields[i]!.trim();
    });
    return row;
  });
  return { columns, rows };
}

/** Parses `--query-gpu=... --format=csv`. It carries no CUDA version (gpu-facts.md #4). */
export function parseQueryGpuCsv(text: string, computeAppsCsv?: string): GpuDetection {
  const table = readQueryCsv(text);
  if (!table.columns.includes('name') && !table.columns.includes('uuid')) {
    return { status: 'unparseable', message: 'the output is not `--query-gpu` CSV (no name or uuid column)' };
  }
  const processes = computeAppsCsv ? readComputeApps(computeAppsCsv) : new Map<string, GpuProcess[]>();
  const gpus = table.rows.map((r, i): Gpu => {
    const uuid = presentText(r['uuid']);
    return compact({
      index: presentInt(r['index']) ?? i,
      name: presentText(r['name']) ?? 'NVIDIA GPU (name not reported)',
      uuid,
      busId: presentText(r['pci.bus_id']),
      memoryTotalMiB: presentMiB(r['memory.total']),
      memoryUsedMiB: presentMiB(r['memory.used']),
      utilizationPct: presentNumber(r['utilization.gpu']),
      temperatureC: presentNumber(r['temperature.gpu']),
      powerW: presentNumber(r['power.draw']) ?? presentNumber(r['power.draw.instant']),
      powerLimitW: presentNumber(r['power.limit']),
      migMode: migModeOf(r['mig.mode.current']),
      migDevices: [],
      processes: (uuid && processes.get(uuid)) || [],
    });
  });
  const first = table.rows[0];
  return finishDetection({
    format: 'query-csv',
    driverVersion: presentText(first?.['kmd_version']) ?? presentText(first?.['driver_version']),
    announcedGpus: presentInt(first?.['count']),
    gpus,
    cutOff: false,
    warnings: [],
  });
}

/** `--query-compute-apps=...,gpu_uuid,pid,process_name,used_gpu_memory --format=csv`, grouped by GPU UUID. */
export function readComputeApps(text: string): Map<string, GpuProcess[]> {
  const byGpu = new Map<string, GpuProcess[]>();
  for (const r of readQueryCsv(text).rows) {
    const pid = presentInt(r['pid']);
    const uuid = presentText(r['gpu_uuid']);
    if (pid === undefined || !uuid) continue;
    const list = byGpu.get(uuid) ?? [];
    list.push(compact({ pid, name: presentText(r['process_name']), usedMemoryMiB: presentMiB(r['used_gpu_memory'] ?? r['used_memory']) }));
    byGpu.set(uuid, list);
  }
  return byGpu;
}
