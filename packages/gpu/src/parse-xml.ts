import type { Gpu, GpuDetection, GpuProcess, MigDevice } from './types.js';
import { child, childrenNamed, parseXml, textAt, type XmlElement } from './xml-reader.js';
import { compact, driverOsOf, migModeOf, presentInt, presentMiB, presentNumber, presentText } from './values.js';
import { finishDetection } from './finish-detection.js';

/**
 * Parses `nvidia-smi -q -x`. Handles the v10-v13 schemas, the 610+ renamed version fields
 * (kmd_version / cuda_umd_version next to the deprecated driver_version / cuda_version), trimmed
 * documents without a header, and output cut off mid-document (kept, flagged truncated).
 */
export function parseNvidiaSmiXml(xml: string): GpuDetection {
  const doc = parseXml(xml);
  const root = doc.root;
  if (!root) return { status: 'unparseable', message: `nvidia-smi printed no XML (${doc.error ?? 'empty output'})` };
  if (root.name !== 'nvidia_smi_log') {
    return { status: 'unparseable', message: `nvidia-smi printed XML whose root is <${root.name}>, not <nvidia_smi_log>` };
  }
  const gpus = childrenNamed(root, 'gpu').map((el, i) => gpuFromXml(el, i));
  const warnings: string[] = [];
  if (doc.error) warnings.push(`the XML is malformed after the GPUs that parsed (${doc.error})`);
  const driverModel = childrenNamed(root, 'gpu').map((g) => textAt(g, 'driver_model', 'current_dm')).find((v) => presentText(v));
  return finishDetection({
    format: 'xml',
    driverVersion: presentText(textAt(root, 'kmd_version')) ?? presentText(textAt(root, 'driver_version')),
    cudaVersion: presentText(textAt(root, 'cuda_umd_version')) ?? presentText(textAt(root, 'cuda_version')),
    announcedGpus: presentInt(textAt(root, 'attached_gpus')),
    gpus,
    cutOff: !doc.complete,
    warnings,
    driverOs: driverOsOf(driverModel),
  });
}

function gpuFromXml(el: XmlElement, position: number): Gpu {
  const power = child(el, 'gpu_power_readings') ?? child(el, 'power_readings'); // v12+ renamed power_readings
  const powerW = firstNumber(power, ['power_draw', 'instant_power_draw', 'average_power_draw']);
  const mig = child(el, 'mig_mode');
  return compact({
    index: position,
    name: presentText(textAt(el, 'product_name')) ?? 'NVIDIA GPU (name not reported)',
    brand: presentText(textAt(el, 'product_brand')),
    uuid: presentText(textAt(el, 'uuid')),
    busId: presentText(el.attrs.id) ?? presentText(textAt(el, 'pci', 'pci_bus_id')),
    memoryTotalMiB: presentMiB(textAt(el, 'fb_memory_usage', 'total')),
    memoryUsedMiB: presentMiB(textAt(el, 'fb_memory_usage', 'used')),
    utilizationPct: presentNumber(textAt(el, 'utilization', 'gpu_util')),
    temperatureC: presentNumber(textAt(el, 'temperature', 'gpu_temp')),
    powerW,
    powerLimitW: firstNumber(power, ['current_power_limit', 'power_limit', 'enforced_power_limit']),
    migMode: migModeOf(textAt(mig, 'current_mig')),
    migDevices: childrenNamed(child(el, 'mig_devices'), 'mig_device').map(migFromXml),
    processes: childrenNamed(child(el, 'processes'), 'process_info').flatMap(processFromXml),
  });
}

function firstNumber(el: XmlElement | undefined, names: string[]): number | undefined {
  for (const name of names) {
    const n = presentNumber(textAt(el, name));
    if (n !== undefined) return n;
  }
  return undefined;
}

function migFromXml(el: XmlElement, position: number): MigDevice {
  return compact({
    index: presentInt(textAt(el, 'index')) ?? position,
    gpuInstanceId: presentInt(textAt(el, 'gpu_instance_id')),
    computeInstanceId: presentInt(textAt(el, 'compute_instance_id')),
    multiprocessorCount: presentInt(textAt(el, 'device_attributes', 'shared', 'multiprocessor_count')),
    memoryTotalMiB: presentMiB(textAt(el, 'fb_memory_usage', 'total')),
    memoryUsedMiB: presentMiB(textAt(el, 'fb_memory_usage', 'used')),
  });
}

function processFromXml(el: XmlElement): GpuProcess[] {
  const pid = presentInt(textAt(el, 'pid'));
  if (pid === undefined) return [];
  return [
    compact({
      pid,
      name: presentText(textAt(el, 'process_name')),
      type: presentText(textAt(el, 'type')),
      usedMemoryMiB: presentMiB(textAt(el, 'used_memory')),
      gpuInstanceId: presentInt(textAt(el, 'gpu_instance_id')),
      computeInstanceId: presentInt(textAt(el, 'compute_instance_id')),
    }),
  ];
}
