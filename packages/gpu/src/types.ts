/** What berth knows about the host's NVIDIA GPUs. Plain data, JSON-serialisable. */

export interface GpuProcess {
  pid: number;
  /** Absent when nvidia-smi prints none (Windows, other PID namespaces). */
  name?: string;
  /** C (compute), G (graphics), C+G. */
  type?: string;
  usedMemoryMiB?: number;
  gpuInstanceId?: number;
  computeInstanceId?: number;
}

export interface MigDevice {
  index: number;
  gpuInstanceId?: number;
  computeInstanceId?: number;
  multiprocessorCount?: number;
  memoryTotalMiB?: number;
  memoryUsedMiB?: number;
}

/** One GPU. Every measurement nvidia-smi does not report (N/A, [Not Supported], ...) is absent, never 0. */
export interface Gpu {
  index: number;
  name: string;
  /** nvidia-smi's product brand ("Tesla", "GeForce", "NVIDIA", "Quadro RTX"): what NVIDIA_REQUIRE_CUDA's `brand=` compares. */
  brand?: string;
  uuid?: string;
  busId?: string;
  memoryTotalMiB?: number;
  memoryUsedMiB?: number;
  utilizationPct?: number;
  temperatureC?: number;
  powerW?: number;
  powerLimitW?: number;
  /** Absent on GPUs and drivers without MIG. */
  migMode?: 'enabled' | 'disabled';
  migDevices: MigDevice[];
  processes: GpuProcess[];
}

/** nvidia-smi answered and its output parsed. */
export interface GpuDetectionOk {
  status: 'ok';
  /** The kernel-mode driver version (`KMD Version` from 610 on). Absent only in trimmed output. */
  driverVersion?: string;
  /** The newest CUDA the driver supports (`CUDA UMD Version` from 610 on), not an installed toolkit. */
  cudaVersion?: string;
  /** "Attached GPUs" as nvidia-smi announced it. */
  announcedGpus?: number;
  /** Fewer GPUs printed than announced, or the output stopped mid-document: what parsed is kept. */
  truncated: boolean;
  gpus: Gpu[];
  /** Things worth saying that do not stop the detection (truncation, unknown exit code with usable output). */
  warnings: string[];
  /** 'windows' when the driver model says WDDM/TCC/MCDM. */
  driverOs?: 'linux' | 'windows';
  /** A Windows driver seen by a Linux nvidia-smi: WSL2 (this machine, or an engine's Linux container). */
  wsl?: true;
  format: 'xml' | 'query-text' | 'query-csv' | 'table';
}

export type GpuFailureStatus =
  | 'no-binary' // nvidia-smi is not on PATH
  | 'no-driver' // exit 9: the NVIDIA kernel driver is not loaded
  | 'no-gpu' // exit 6: "No devices were found": the driver is loaded but sees no GPU
  | 'driver-mismatch' // exit 18: driver/library version mismatch (usually: reboot after a driver upgrade)
  | 'gpu-lost' // exit 15: a GPU fell off the bus
  | 'timeout' // nvidia-smi hung and was killed
  | 'failed' // any other non-zero exit or spawn error
  | 'unparseable'; // it exited 0 but printed something that is not nvidia-smi output

export interface GpuDetectionFailure {
  status: GpuFailureStatus;
  /** One line a person understands. */
  message: string;
  /** The one thing to do next. */
  hint?: string;
  exitCode?: number;
}

export type GpuDetection = GpuDetectionOk | GpuDetectionFailure;
