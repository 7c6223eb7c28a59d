/**
 * The parts of the engine's `GET /info` answer (what `docker info` shows; @berth/docker's
 * `engine.api.info()`, or `EngineInfo.raw`) that speak about GPUs. Other fields are ignored.
 */
export interface DockerInfoLike {
  Runtimes?: Record<string, unknown> | undefined;
  DefaultRuntime?: string | undefined;
  /** Docker 25+: where CDI specs are read from; empty when CDI is off. */
  CDISpecDirs?: string[] | undefined;
  /** Docker 28.2+: devices the engine discovered, e.g. { Source: 'cdi', ID: 'nvidia.com/gpu=0' }. */
  DiscoveredDevices?: unknown[] | undefined;
  OperatingSystem?: string | undefined;
  [k: string]: unknown;
}

export interface DockerGpuVerdict {
  status: 'likely-works' | 'unknown' | 'no-gpu-support';
  reason: string;
  hint?: string;
  /** What the verdict rests on. */
  evidence: {
    nvidiaRuntime: boolean;
    defaultRuntime?: string;
    /** undefined: the engine does not report CDI (older than 25). */
    cdiEnabled?: boolean;
    cdiGpuDevices: string[];
  };
}

export interface DockerGpuOptions {
  /** Whether the host itself has a working NVIDIA driver (from detectGpus); undefined when not checked. */
  hostHasGpu?: boolean | undefined;
}

/**
 * What the engine's info says about running containers with NVIDIA GPUs (gpu-facts.md #9).
 * `--gpus all` works when the NVIDIA container toolkit's hook is on the daemon's PATH, which `docker
 * info` does not show; an `nvidia` entry in Runtimes is neither required (the hook works without it)
 * nor enough (the runtime binary may be missing or broken). CDI devices named nvidia.com/gpu are the
 * strongest sign. So the verdict never claims certainty: "likely works", "unknown: ...", or "no GPU
 * support: ..." only when the host has no working driver at all.
 */
export function dockerGpuSupport(info: DockerInfoLike, options: DockerGpuOptions = {}): DockerGpuVerdict {
  const runtimes = info.Runtimes && typeof info.Runtimes === 'object' ? Object.keys(info.Runtimes) : [];
  const nvidiaRuntime = runtimes.includes('nvidia');
  const cdiEnabled = Array.isArray(info.CDISpecDirs) ? info.CDISpecDirs.length > 0 : undefined;
  const cdiGpuDevices = (Array.isArray(info.DiscoveredDevices) ? info.DiscoveredDevices : [])
    .map((d) => (d && typeof d === 'object' ? (d as { ID?: unknown }).ID : undefined))
    .filter((id): id is string => typeof id === 'string' && /^nvidia\.com\/gpu=/.test(id));
  const evidence = {
    nvidiaRuntime,
    ...(typeof info.DefaultRuntime === 'string' ? { defaultRuntime: info.DefaultRuntime } : {}),
    ...(cdiEnabled !== undefined ? { cdiEnabled } : {}),
    cdiGpuDevices,
  };

  if (options.hostHasGpu === false) {
    return {
      status: 'no-gpu-support',
      reason: 'no GPU support: the host has no working NVIDIA driver, so no container can get a GPU whatever the engine says',
      hint: 'fix the host driver first (see the detection verdict)',
      evidence,
    };
  }
  if (cdiGpuDevices.length > 0) {
    return {
      status: 'likely-works',
      reason: `likely works: the engine lists CDI GPU devices (${cdiGpuDevices.slice(0, 3).join(', ')}${cdiGpuDevices.length > 3 ? ', ...' : ''}); request them with --device nvidia.com/gpu=all or --gpus all`,
      evidence,
    };
  }
  if (nvidiaRuntime) {
    return {
      status: 'likely-works',
      reason: `likely works: the NVIDIA container toolkit is registered as the "nvidia" runtime${info.DefaultRuntime === 'nvidia' ? ' (the default)' : ''}; only starting a container with --gpus proves it`,
      evidence,
    };
  }
  const cdi = cdiEnabled === false ? 'CDI is off' : cdiEnabled ? 'CDI is on but lists no nvidia.com/gpu device' : 'the engine does not report CDI devices';
  return {
    status: 'unknown',
    reason: `unknown: no "nvidia" runtime and ${cdi}; --gpus still works if the NVIDIA container toolkit hook is on the daemon's PATH, which docker info does not show`,
    hint: 'install nvidia-container-toolkit and run `nvidia-ctk runtime configure --runtime=docker` (or generate CDI specs with `nvidia-ctk cdi generate`), then restart Docker',
    evidence,
  };
}
