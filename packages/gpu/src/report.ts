import type { BerthSpec } from '@berth/spec';
import type { GpuDetection, GpuDetectionOk } from './types.js';
import { detectGpus, type DetectOptions } from './detect.js';
import { NVIDIA_SMI_BY_HAND } from './finish-detection.js';
import { cudaVersionFromImage, cudaVersionFromImageEnv, nvidiaCudaTagVersion } from './cuda-image.js';
import { checkCudaCompatibility, checkHostCudaMinimum, findToolkitRelease, type CudaVerdict, type HostCudaVerdict } from './cuda-compat.js';
import { containerRuntimeRequirements, evaluateRuntimeRequirements, runtimeBrand, type RuntimeRequirements } from './cuda-require.js';
import { dockerGpuSupport, type DockerGpuVerdict, type DockerInfoLike } from './docker-gpu.js';
import { gpuEngineInputs, type GpuEngineApi, type GpuEngineInputs } from './engine-inputs.js';

export interface GpuRequirement {
  /** The spec asks for a GPU (devcontainer.gpu, a service's gpu, or the caller). */
  wanted: boolean;
  /** Where in the spec the GPU is asked for ("devcontainer.gpu", "services.trainer.gpu"). */
  wantedBy: string[];
  image?: string;
  /** The CUDA version the devcontainer needs. */
  cuda?: string;
  cudaSource?: 'spec' | 'image-tag' | 'image-env' | 'caller';
  hostCudaAtLeast?: string;
  /** What the NVIDIA container runtime checks before it starts the image (NVIDIA_REQUIRE_CUDA, or an nvidia/cuda tag's CUDA). */
  runtimeRequirements?: RuntimeRequirements;
  minCount: number;
  /** The number of GPUs the devcontainer gets (`--gpus 2`, devcontainer.gpu.count). */
  count?: number;
  /** The GPUs the devcontainer gets, by index or UUID (`--gpus "device=0,1"`, devcontainer.gpu.devices): each must be here. */
  devices?: string[];
  /** The devcontainer opens without a GPU too (`hostRequirements.gpu: "optional"`): nothing about the GPU blocks it. */
  optional?: boolean;
  /** GPU memory it needs (`hostRequirements.gpu.memory`), in MiB. */
  memoryMiB?: number;
  /** GPU cores it asks for (`hostRequirements.gpu.cores`); nvidia-smi does not report cores, so this is not checked. */
  cores?: number;
}

const UNIT = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 } as const;

/** "8gb" as MiB; binary units, as the Dev Containers CLI reads hostRequirements sizes. */
export function sizeToMiB(size: string): number | undefined {
  const m = /^(\d+)([tgmk]b)?$/.exec(size);
  if (!m) return undefined;
  const bytes = Number(m[1]) * (m[2] ? UNIT[m[2][0] as keyof typeof UNIT] : 1);
  return bytes / 2 ** 20;
}

/** A finding of the verdict: an error always says the one thing to do about it (`berth doctor`'s next step). */
export type GpuProblem = { severity: 'error'; message: string; hint: string } | { severity: 'warning'; message: string; hint?: string };

/** The NVIDIA container runtime's requirement check (NVIDIA_REQUIRE_*), as it would come out on this host. */
export interface RuntimeRequirementVerdict {
  /**
   * satisfied: it starts the container. forward-compatibility: it starts it because an alternative for this GPU's
   * brand and driver branch admits it (the image's cuda-compat runs it). refused: "unsatisfied condition", the
   * container does not start. disabled: NVIDIA_DISABLE_REQUIRE. unknown: a fact it compares is not known here.
   */
  status: 'satisfied' | 'forward-compatibility' | 'refused' | 'unknown' | 'disabled';
  reason: string;
  /** The alternative that admits it ("brand=tesla,driver>=470,driver<471"). */
  admittedBy?: string;
  /** The condition the runtime names when it refuses ("cuda >= 12.4"). */
  unsatisfied?: string;
}

export interface GpuReport {
  /** fits: exit 0; not-needed: the spec wants no GPU (exit 0); does-not-fit: exit 1. */
  status: 'fits' | 'not-needed' | 'does-not-fit';
  fits: boolean;
  /** One line for people. */
  summary: string;
  requirement: GpuRequirement;
  detection: GpuDetection;
  cuda?: CudaVerdict;
  hostCuda?: HostCudaVerdict;
  runtime?: RuntimeRequirementVerdict;
  docker?: DockerGpuVerdict;
  /** The engine was asked (`engine`), but its `docker info` could not be read: why, in one line. */
  dockerUnreachable?: string;
  /** Errors make it not fit when a GPU is wanted; warnings never do. */
  problems: GpuProblem[];
}

export interface GpuReportOptions extends DetectOptions {
  /** Use this detection instead of running nvidia-smi (tests, callers that already ran it). */
  detection?: GpuDetection;
  /** `docker info` of the engine (from @berth/docker), for the Docker GPU verdict; skipped when absent. */
  dockerInfo?: DockerInfoLike;
  /** The OS whose driver table applies; default: what the driver model says, else this process's platform. */
  os?: 'linux' | 'windows';
  /** Overrides the CUDA version the spec asks for (a health check's `cuda`). */
  requiredCuda?: string;
  /** GPUs needed (a health check's `minCount`); default 1. */
  minCount?: number;
  /** The devcontainer image's environment (`docker image inspect` Config.Env): its NVIDIA_REQUIRE_CUDA, and its CUDA version when the tag says none. */
  imageEnv?: readonly string[];
  /**
   * What the devcontainer sets over its image's environment, as NAME=VALUE (devcontainer.json `containerEnv`, then
   * `--env` in `runArgs`: @berth/devcontainer's `devcontainerEnv`): the NVIDIA container runtime reads the container's
   * environment, so an NVIDIA_DISABLE_REQUIRE set there skips its check as one in the image does.
   */
  containerEnv?: readonly string[];
  /**
   * The engine to read `docker info` (unless `dockerInfo` is given) and the devcontainer image's environment from
   * (`gpuEngineInputs`), while nvidia-smi runs; undefined (or a promise of it): no engine.
   */
  engine?: GpuEngineApi | PromiseLike<GpuEngineApi | undefined> | undefined;
}

/** What the spec asks of the GPU. */
export function gpuRequirement(spec: BerthSpec | undefined, options: Pick<GpuReportOptions, 'requiredCuda' | 'minCount' | 'imageEnv' | 'containerEnv'> = {}): GpuRequirement {
  const dc = spec?.devcontainer;
  // `gpu: false` asks for none, as an absent gpu does
  const gpu = dc?.gpu || undefined;
  const wantedBy: string[] = [];
  if (gpu) wantedBy.push('devcontainer.gpu');
  for (const [name, service] of Object.entries(spec?.services ?? {})) if (service.gpu) wantedBy.push(`services.${name}.gpu`);
  if (options.requiredCuda || options.minCount) wantedBy.push('caller');
  const fromTag = dc?.image ? cudaVersionFromImage(dc.image) : undefined;
  const fromEnv = options.imageEnv ? cudaVersionFromImageEnv(options.imageEnv) : undefined;
  // the runtime reads the image's environment; where berth cannot, an nvidia/cuda tag says what it holds
  const tagCuda = dc?.image ? nvidiaCudaTagVersion(dc.image) : undefined;
  const runtimeRequirements = containerRuntimeRequirements(options.imageEnv, options.containerEnv, tagCuda);
  const [cuda, cudaSource] = options.requiredCuda
    ? [options.requiredCuda, 'caller' as const]
    : gpu?.cuda
      ? [gpu.cuda, 'spec' as const]
      : fromTag
        ? [fromTag, 'image-tag' as const]
        : fromEnv
          ? [fromEnv, 'image-env' as const]
          : [undefined, undefined];
  return {
    wanted: wantedBy.length > 0,
    wantedBy,
    ...(dc?.image ? { image: dc.image } : {}),
    ...(cuda ? { cuda, cudaSource } : {}),
    ...(gpu?.hostCudaAtLeast ? { hostCudaAtLeast: gpu.hostCudaAtLeast } : {}),
    ...(runtimeRequirements ? { runtimeRequirements } : {}),
    // the more of the caller's (a health check's minCount) and the devcontainer's (its count, or the GPUs it names)
    minCount: Math.max(options.minCount ?? 1, gpu?.count ?? gpu?.devices?.length ?? 1),
    ...(gpu?.count !== undefined ? { count: gpu.count } : {}),
    ...(gpu?.devices ? { devices: gpu.devices } : {}),
    ...(gpu?.optional ? { optional: true } : {}),
    ...(gpu?.memory && sizeToMiB(gpu.memory) !== undefined ? { memoryMiB: sizeToMiB(gpu.memory)! } : {}),
    ...(gpu?.cores !== undefined ? { cores: gpu.cores } : {}),
  };
}

/**
 * Detection + the devcontainer's compatibility verdict + (given `docker info`) the engine's GPU verdict,
 * as plain data. Never throws: every failure is a verdict.
 */
export async function gpuReport(spec: BerthSpec | undefined, options: GpuReportOptions = {}): Promise<GpuReport> {
  const { engine, ...rest } = options;
  const [detection, inputs] = await Promise.all([
    options.detection ?? detectGpus(options),
    Promise.resolve(engine).then((api): Promise<GpuEngineInputs> | GpuEngineInputs => (api ? gpuEngineInputs(spec?.devcontainer?.image, api, options) : {})),
  ]);
  const { dockerUnreachable, ...read } = inputs;
  const report = gpuVerdict(spec, detection, { ...rest, ...read, ...(options.imageEnv ? { imageEnv: options.imageEnv } : {}) });
  return dockerUnreachable ? { ...report, dockerUnreachable } : report;
}

/**
 * The verdict of `gpuReport` for a detection already made, with no I/O: can this host give the spec's devcontainer
 * (its image, `devcontainer.gpu`: CUDA, hostCudaAtLeast, optional, memory) the GPU it asks for, before anyone opens it?
 * An optional GPU never blocks: what would, only warns that the devcontainer opens without one.
 */
export function gpuVerdict(spec: BerthSpec | undefined, detection: GpuDetection, options: Omit<GpuReportOptions, 'detection'> = {}): GpuReport {
  const requirement = gpuRequirement(spec, options);
  const problems: GpuProblem[] = [];
  const ok = detection.status === 'ok' ? detection : undefined;
  const os = options.os ?? ok?.driverOs ?? (process.platform === 'win32' ? 'windows' : 'linux');
  const blocks = requirement.wanted && !requirement.optional;
  /** What would block a required GPU: an optional one opens without it. */
  const unusable: string[] = [];
  // Every error carries the one thing to do about it: `berth doctor` shows it as the next step.
  const err = (message: string, hint: string) => {
    if (requirement.wanted && requirement.optional) unusable.push(message);
    problems.push(blocks ? { severity: 'error', message, hint } : { severity: 'warning', message, hint });
  };
  const warn = (message: string, hint?: string) => problems.push({ severity: 'warning', message, ...(hint ? { hint } : {}) });

  if (!ok) {
    const failure = detection as Exclude<GpuDetection, { status: 'ok' }>;
    err(`no usable NVIDIA GPU: ${failure.message}`, failure.hint ?? NVIDIA_SMI_BY_HAND);
  } else {
    if (ok.gpus.length < requirement.minCount) {
      err(`${ok.gpus.length} GPU(s) found, ${requirement.minCount} needed`, `use a host with at least ${requirement.minCount} NVIDIA GPU(s); \`nvidia-smi -L\` lists the ones its driver sees`);
    }
    // `--gpus device=1` fails to start on a host without GPU 1: each GPU named, by index or UUID, must be here (a MIG UUID is not checked)
    const missing = (requirement.devices ?? []).filter((d) => (/^\d+$/.test(d) ? !ok.gpus.some((g) => g.index === Number(d)) : d.startsWith('GPU-') && !ok.gpus.some((g) => g.uuid === d)));
    if (missing.length) {
      err(`the devcontainer asks for GPU ${missing.join(', ')}, which this host does not have (it has ${ok.gpus.map((g) => g.index).join(', ') || 'none'})`, 'name GPUs this host has in devcontainer.gpu.devices (`nvidia-smi -L` lists them), or use a host that has these');
    }
    for (const w of ok.warnings) warn(w);
    if (requirement.memoryMiB !== undefined) {
      const usable = ok.gpus.map(usableMemory).filter((m): m is { mib: number; mig: boolean } => m !== undefined);
      const largest = usable.reduce<{ mib: number; mig: boolean } | undefined>((a, b) => (a && a.mib >= b.mib ? a : b), undefined);
      if (!largest) warn(`cannot tell whether a GPU has the ${spec?.devcontainer?.gpu?.memory} of memory the devcontainer needs: nvidia-smi reports no memory size`);
      else if (largest.mib < requirement.memoryMiB) {
        const memory = spec?.devcontainer?.gpu?.memory;
        const what = largest.mig ? ` (a MIG instance: with MIG on, a CUDA process sees one instance, not the whole GPU)` : '';
        err(
          `the devcontainer needs a GPU with ${memory} of memory; the largest here has ${largest.mib} MiB${what}`,
          `use a host whose GPU has ${memory} or more${largest.mig ? ' (or a larger MIG instance)' : ''}, or lower devcontainer.gpu.memory if the devcontainer needs less`,
        );
      }
    }
  }

  let cuda: CudaVerdict | undefined;
  let hostCuda: HostCudaVerdict | undefined;
  let runtime: RuntimeRequirementVerdict | undefined;
  if (ok) {
    if (requirement.runtimeRequirements) runtime = runtimeVerdict(requirement.runtimeRequirements, ok, requirement.image ?? 'the image');
    if (requirement.cuda) cuda = checkCudaCompatibility({ requiredCuda: requirement.cuda, driverVersion: ok.driverVersion, driverCudaVersion: ok.cudaVersion, os });
    if (runtime?.status === 'refused') {
      // Minor version compatibility does not get past this check; and a devcontainer whose GPU is optional does not open
      // either where the host has one: the Dev Containers CLI then asks for it (--gpus all).
      const hint = runtimeRefusalHint(requirement.runtimeRequirements!, cuda, os);
      const message = `${runtime.reason}${requirement.optional ? ' (an optional GPU too: the Dev Containers CLI asks for the GPU it finds)' : ''}`;
      if (requirement.wanted && (!requirement.optional || ok.gpus.length > 0)) problems.push({ severity: 'error', message, hint });
      else warn(message, hint);
    }
    // admitted for this GPU's brand and driver branch: the CUDA verdict's "too old" is what forward compatibility is for
    const forward = runtime?.status === 'forward-compatibility' && cuda?.status !== 'full';
    if (forward || runtime?.status === 'unknown') warn(forward && requirement.cuda ? `the devcontainer needs CUDA ${requirement.cuda}: ${runtime!.reason}` : runtime!.reason);
    if (requirement.cuda && cuda && runtime?.status !== 'refused' && !forward) {
      if (cuda.status === 'incompatible') err(`the devcontainer needs CUDA ${requirement.cuda}: ${cuda.reason}`, cuda.minimumDriver ? `upgrade the host driver to ${cuda.minimumDriver} or newer` : `upgrade the host driver to one that supports CUDA ${requirement.cuda}`);
      else if (cuda.status === 'minor-version') warn(`the devcontainer needs CUDA ${requirement.cuda}: ${cuda.reason}`, cuda.minimumDriver ? `driver ${cuda.minimumDriver} or newer gives every feature` : undefined);
      else if (cuda.status === 'unknown') warn(cuda.reason);
    } else if (!requirement.cuda && requirement.wanted && requirement.image) {
      warn(`cannot tell which CUDA version ${requirement.image} needs`, 'set devcontainer.gpu.cuda in the spec');
    }
    if (requirement.hostCudaAtLeast) {
      hostCuda = checkHostCudaMinimum(requirement.hostCudaAtLeast, ok.cudaVersion);
      if (hostCuda.status === 'too-old') err(hostCuda.reason, 'upgrade the host driver, or lower devcontainer.gpu.hostCudaAtLeast if the team agrees');
      else if (hostCuda.status === 'unknown') warn(hostCuda.reason);
    }
  }

  let docker: DockerGpuVerdict | undefined;
  if (options.dockerInfo) {
    docker = dockerGpuSupport(options.dockerInfo, { hostHasGpu: ok ? ok.gpus.length > 0 : false });
    if (docker.status === 'no-gpu-support' && ok) err(`Docker: ${docker.reason}`, docker.hint ?? 'install the NVIDIA Container Toolkit and restart the Docker engine');
    else if (docker.status === 'unknown') warn(`Docker: ${docker.reason}`, docker.hint);
  }

  const blocking = problems.some((p) => p.severity === 'error');
  const status = !requirement.wanted ? 'not-needed' : blocking ? 'does-not-fit' : 'fits';
  return {
    status,
    fits: status !== 'does-not-fit',
    summary: unusable.length && !blocking ? `the devcontainer's GPU is optional: it opens here, but without a usable GPU (${unusable[0]})` : summarize(status, requirement, detection, cuda, hostCuda, runtime),
    requirement,
    detection,
    ...(cuda ? { cuda } : {}),
    ...(hostCuda ? { hostCuda } : {}),
    ...(runtime ? { runtime } : {}),
    ...(docker ? { docker } : {}),
    problems,
  };
}

function summarize(status: GpuReport['status'], req: GpuRequirement, detection: GpuDetection, cuda: CudaVerdict | undefined, hostCuda: { status: string } | undefined, runtime: RuntimeRequirementVerdict | undefined): string {
  const found =
    detection.status === 'ok'
      ? `${detection.gpus.length} GPU(s), driver ${detection.driverVersion ?? 'unknown'}${detection.wsl ? ' (Windows, through WSL)' : ''}, CUDA ${detection.cudaVersion ?? 'unknown'}`
      : `no usable GPU (${detection.status})`;
  const need = req.cuda ? `CUDA ${req.cuda}` : 'a GPU';
  if (status === 'not-needed') return `the spec asks for no GPU; ${found}`;
  const how =
    runtime?.status === 'forward-compatibility' && cuda?.status !== 'full'
      ? ' (forward compatibility)'
      : cuda?.status === 'minor-version'
        ? ' (minor version compatibility, limited features)'
        : '';
  if (status !== 'fits') return `does not fit: the devcontainer needs ${need}; ${found}`;
  // nothing blocks it, but what would have been compared could not be read (a driver that prints N/A): no "fits"
  const unsure = cuda?.status === 'unknown' || hostCuda?.status === 'unknown' || runtime?.status === 'unknown';
  return unsure ? `may fit (berth could not tell the driver's CUDA version): the devcontainer needs ${need}; ${found}` : `fits: the devcontainer needs ${need}; ${found}${how}`;
}

/** The NVIDIA container runtime's check of the image on this host (cuda-require.ts). */
function runtimeVerdict(req: RuntimeRequirements, ok: GpuDetectionOk, image: string): RuntimeRequirementVerdict {
  // the alternative a person can act on: cuda>=X.Y (the image's toolkit), not the brand/driver list after it
  const base = req.constraints[0]?.split(' ').find((alternative) => alternative.startsWith('cuda')) ?? req.constraints[0] ?? '';
  const whose =
    req.source === 'image-env'
      ? `${image}'s NVIDIA_REQUIRE_CUDA`
      : `the nvidia/cuda tag (the image's NVIDIA_REQUIRE_CUDA; its environment was not read here, so any alternatives it lists for older data-center drivers are unknown)`;
  if (req.disabled) {
    const where = req.disabledBy === 'devcontainer' ? "the devcontainer's environment (devcontainer.json)" : image;
    return { status: 'disabled', reason: `NVIDIA_DISABLE_REQUIRE is set in ${where}: the NVIDIA container runtime does not check ${base}` };
  }
  const driver = `driver ${ok.driverVersion ?? '(unknown)'} (CUDA ${ok.cudaVersion ?? 'unknown'})`;
  const r = evaluateRuntimeRequirements(req.constraints, ok);
  if (r.satisfied === undefined) return { status: 'unknown', reason: `cannot tell whether the NVIDIA container runtime starts ${image} on ${driver}: it checks ${base} from ${whose}` };
  if (r.satisfied) {
    const admittedBy = r.admittedBy ? { admittedBy: r.admittedBy } : {};
    if (!r.admittedBy || /(^|,)cuda/.test(r.admittedBy)) return { status: 'satisfied', reason: `${driver} meets ${base} (${whose})`, ...admittedBy };
    // Forward compatibility (the image's cuda-compat libraries) is for data-center GPUs on Linux (not WSL); elsewhere the runtime starts it
    // and CUDA runs as far as the driver does (minor version compatibility at most).
    const dataCenter = !ok.wsl && ok.gpus.length > 0 && ok.gpus.every((g) => g.brand !== undefined && DATA_CENTER_BRANDS.has(runtimeBrand(g.brand)));
    const admits = `${whose} admits this GPU's brand and driver branch (${r.admittedBy})`;
    return dataCenter
      ? { status: 'forward-compatibility', reason: `${driver} is older than ${base}, but ${admits}: it runs through forward compatibility (the image's cuda-compat libraries; Linux, data-center GPUs)`, ...admittedBy }
      : { status: 'satisfied', reason: `${driver} is older than ${base}, but ${admits}: the runtime starts it (forward compatibility is for data-center GPUs: CUDA runs only as far as this driver does)`, ...admittedBy };
  }
  return {
    status: 'refused',
    reason:
      `the NVIDIA container runtime will refuse to start ${image} ("unsatisfied condition"): ${driver} does not meet ${base}, which ${whose} requires` +
      `${req.source === 'image-env' && req.constraints.join(' ').includes(' ') ? ', and no other alternative there admits this GPU' : ''}; minor version compatibility does not get past this check`,
    ...(r.unsatisfied ? { unsatisfied: r.unsatisfied } : {}),
  };
}

/** Brands of data-center GPUs, the ones forward compatibility serves (Tesla V100/T4; A100, H100: "NVIDIA"). */
const DATA_CENTER_BRANDS = new Set(['tesla', 'nvidia']);

/** What to do about a refusal: the driver the image's `cuda>=X.Y` wants, or, where CUDA itself would run, NVIDIA_DISABLE_REQUIRE. */
function runtimeRefusalHint(req: RuntimeRequirements, cuda: CudaVerdict | undefined, os: 'linux' | 'windows'): string {
  const base = /(?:^|\s)cuda>=(\d+\.\d+)/.exec(req.constraints.join(' '))?.[1];
  const driver = base ? findToolkitRelease(base)?.[os] : undefined;
  const upgrade = base ? `upgrade the host driver to one that reports CUDA ${base} or newer${driver ? ` (${driver} or newer)` : ''}` : 'upgrade the host driver';
  return cuda?.status === 'minor-version' || cuda?.status === 'full'
    ? `${upgrade}, or set NVIDIA_DISABLE_REQUIRE=true in the devcontainer's environment to skip the runtime's check (CUDA then runs under minor version compatibility, with limited features)`
    : upgrade;
}

/** The memory one CUDA process can get on this GPU: with MIG on, the largest instance's; otherwise the whole GPU's. */
function usableMemory(gpu: GpuDetectionOk['gpus'][number]): { mib: number; mig: boolean } | undefined {
  const instances = gpu.migMode === 'enabled' ? gpu.migDevices.map((d) => d.memoryTotalMiB).filter((m): m is number => m !== undefined) : [];
  if (instances.length) return { mib: Math.max(...instances), mig: true };
  return gpu.memoryTotalMiB === undefined ? undefined : { mib: gpu.memoryTotalMiB, mig: false };
}
