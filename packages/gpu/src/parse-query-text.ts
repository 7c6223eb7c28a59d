import type { Gpu, GpuDetection, GpuProcess, MigDevice } from './types.js';
import { node, readQueryTree, valueAt, type QueryNode } from './query-text-tree.js';
import { compact, driverOsOf, migModeOf, presentInt, presentMiB, presentNumber, presentText } from './values.js';
import { finishDetection } from './finish-detection.js';

/**
 * Parses `nvidia-smi -q` (plain text). Same result as the XML parser; reads the 610+ "KMD Version" /
 * "CUDA UMD Version" lines before the deprecated ones, and keeps the GPUs of output that stops early.
 */
export function parseNvidiaSmiQueryText(text: string): GpuDetection {
  const tree = readQueryTree(text);
  const gpuNodes = tree.children.filter((c) => c.value === undefined && /^GPU\s+[0-9A-Fa-f]+:/.test(c.key));
  if (gpuNodes.length === 0 && !/NVSMI LOG/.test(text) && valueAt(tree, 'Driver Version') === undefined) {
    return { status: 'unparseable', message: 'the output is not `nvidia-smi -q` text (no NVSMI LOG header, no GPU section)' };
  }
  const gpus = gpuNodes.map((g, i) => gpuFromQuery(g, i));
  const last = gpuNodes[gpuNodes.length - 1];
  // A complete GPU section always ends with its Processes entry; one without it was cut off.
  const cutOff = last !== undefined && node(last, 'Processes') === undefined;
  const driverModel = gpuNodes.map((g) => valueAt(g, 'Driver Model', 'Current')).find((v) => presentText(v));
  return finishDetection({
    format: 'query-text',
    driverVersion: presentText(valueAt(tree, 'KMD Version')) ?? presentText(valueAt(tree, 'Driver Version')),
    cudaVersion: presentText(valueAt(tree, 'CUDA UMD Version')) ?? presentText(valueAt(tree, 'CUDA Version')),
    announcedGpus: presentInt(valueAt(tree, 'Attached GPUs')),
    gpus,
    cutOff,
    warnings: [],
    driverOs: driverOsOf(driverModel),
  });
}

function gpuFromQuery(g: QueryNode, position: number): Gpu {
  const power = node(g, 'GPU Power Readings') ?? node(g, 'Power Readings');
  const powerW = presentNumber(valueAt(power, 'Power Draw')) ?? presentNumber(valueAt(power, 'Instant Power Draw')) ?? presentNumber(valueAt(power, 'Average Power Draw'));
  return compact({
    index: position,
    name: presentText(valueAt(g, 'Product Name')) ?? 'NVIDIA GPU (name not reported)',
    brand: presentText(valueAt(g, 'Product Brand')),
    uuid: presentText(valueAt(g, 'GPU UUID')),
    busId: g.key.replace(/^GPU\s+/, ''),
    memoryTotalMiB: presentMiB(valueAt(g, 'FB Memory Usage', 'Total')),
    memoryUsedMiB: presentMiB(valueAt(g, 'FB Memory Usage', 'Used')),
    utilizationPct: presentNumber(valueAt(g, 'Utilization', 'Gpu')),
    temperatureC: presentNumber(valueAt(g, 'Temperature', 'GPU Current Temp')),
    powerW,
    powerLimitW: presentNumber(valueAt(power, 'Current Power Limit')) ?? presentNumber(valueAt(power, 'Power Limit')),
    migMode: migModeOf(valueAt(g, 'MIG Mode', 'Current')),
    migDevices: g.children.filter((c) => c.key === 'MIG Device').map(migFromQuery),
    processes: processesFromQuery(node(g, 'Processes')),
  });
}

function migFromQuery(m: QueryNode, position: number): MigDevice {
  const fb = node(m, 'Shared FB Memory Usage') ?? node(m, 'FB Memory Usage');
  return compact({
    index: presentInt(valueAt(m, 'Index')) ?? position,
    gpuInstanceId: presentInt(valueAt(m, 'GPU Instance ID')),
    computeInstanceId: presentInt(valueAt(m, 'Compute Instance ID')),
    multiprocessorCount: presentInt(valueAt(m, 'Device Attributes', 'Shared', 'Multiprocessor count')),
    memoryTotalMiB: presentMiB(valueAt(fb, 'Total')),
    memoryUsedMiB: presentMiB(valueAt(fb, 'Used')),
  });
}

/** Entries come flat: "GPU instance ID", "Compute instance ID", then "Process ID" with Type/Name/memory under it. */
function processesFromQuery(section: QueryNode | undefined): GpuProcess[] {
  const out: GpuProcess[] = [];
  let gi: number | undefined;
  let ci: number | undefined;
  for (const c of section?.children ?? []) {
    const key = c.key.toLowerCase();
    if (key === 'gpu instance id') gi = presentInt(c.value);
    else if (key === 'compute instance id') ci = presentInt(c.value);
    else if (key === 'process id') {
      const pid = presentInt(c.value);
      if (pid !== undefined) {
        out.push(
          compact({
            pid,
            name: presentText(valueAt(c, 'Name')),
            type: presentText(valueAt(c, 'Type')),
            usedMemoryMiB: presentMiB(valueAt(c, 'Used GPU Memory')),
            gpuInstanceId: gi,
            computeInstanceId: ci,
          }),
        );
      }
      gi = ci = undefined;
    }
  }
  return out;
}
