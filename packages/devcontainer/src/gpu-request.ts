import type { DevcontainerGpu } from '@berth/spec';
import type { DevcontainerJson, HostGpuRequirement } from './config-schema.js';
import { composeServiceGpu } from './compose-service.js';

/** What a devcontainer asks of the GPU, as the spec's `devcontainer.gpu` says it (without the CUDA facts). */
export interface GpuAsk {
  optional?: boolean;
  cores?: number;
  memory?: string;
  /** How many GPUs it gets (`--gpus 2`); absent with `devices` absent: every GPU. */
  count?: number;
  /** The GPUs it gets, by index or UUID (`--gpus "device=0,1"`). */
  devices?: string[];
}

/** Which GPUs a request gives the container: every one (neither field), a number of them, or those named. */
export interface GpuSelection {
  count?: number;
  devices?: string[];
}

/** A warning about the GPU request, at its place in devcontainer.json. */
export interface GpuWarning {
  path: (string | number)[];
  code: string;
  message: string;
}

/** GPUs given the container by flags in runArgs or by its Compose service's reservation. */
export interface GpuFlags extends GpuSelection {
  /** Indices into runArgs of the flags, values included (none for a Compose reservation). */
  indices: number[];
  /** What docker would read otherwise than as written (an unquoted device list), at its place in runArgs. */
  warnings: GpuWarning[];
}

/** Splits a `--gpus` value as docker does (a CSV record: `"device=0,1"` in double quotes is one field). */
function csvFields(value: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * What a `--gpus` value selects, as docker reads it: `all`, a number, `count=N`, `device=0,1` (quoted, since the
 * value is a CSV record: `"device=0,1"`); driver, capabilities and options select nothing. An unquoted list
 * (`device=0,1`) is read for what it means, the GPUs named, with a warning: docker reads it as device 0 and a count.
 */
export function gpusFlagSelection(value: string): GpuSelection & { warning?: string } {
  const out: GpuSelection & { warning?: string } = {};
  const fields = csvFields(value.trim());
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!.trim();
    const [key, val] = f.includes('=') ? [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)] : [undefined, f];
    if (key === undefined || key === 'count') {
      if (/^\d+$/.test(val) && Number(val) >= 1) out.count = Number(val);
    } else if (key === 'device') {
      out.devices = val.split(',').map((d) => d.trim()).filter(Boolean);
      // docker takes the words after an unquoted `device=0` as fields of their own: `1` as a count
      while (i + 1 < fields.length && /^\s*[^=\s]+\s*$/.test(fields[i + 1]!) && !/^\s*all\s*$/.test(fields[i + 1]!)) {
        out.devices.push(fields[++i]!.trim());
        out.warning = `docker reads --gpus ${value} as device ${out.devices[0]} and then a count, and refuses it; write the list in double quotes: --gpus "device=${out.devices.join(',')}"`;
      }
    }
  }
  if (out.devices && !out.devices.length) delete out.devices;
  if (out.devices) delete out.count;
  return out;
}

/** NVIDIA_VISIBLE_DEVICES as a selection: `all` (or unset: the image's own value, all in NVIDIA's images) is every GPU; none, void or empty give none. */
function visibleDevicesSelection(value: string | undefined): GpuSelection | undefined {
  const v = value?.trim();
  if (v === undefined || v === 'all') return {};
  if (v === '' || v === 'none' || v === 'void') return undefined;
  return { devices: v.split(',').map((d) => d.trim()).filter(Boolean) };
}

const ENV_FLAG = /^(?:-e|--env)$/;

/**
 * The runArgs entries that give the container GPUs, and which: `--gpus all`, `--gpus=all`, `--gpus 2`,
 * `--gpus "device=0,1"`, `--device nvidia.com/gpu=all` and `--device=nvidia.com/gpu=0` (CDI), and the
 * nvidia-docker2 way, `--runtime=nvidia` with the NVIDIA_VISIBLE_DEVICES it is given (`--env`, `-e`, containerEnv).
 * Undefined: none.
 */
export function gpuRunArgs(config: Pick<DevcontainerJson, 'runArgs'>): GpuFlags | undefined {
  const runArgs = config.runArgs ?? [];
  const indices: number[] = [];
  const warnings: GpuWarning[] = [];
  const unquoted = (at: number, message: string | undefined) => message && warnings.push({ path: ['runArgs', at], code: 'devcontainer-gpu-flag', message });
  let selection: GpuSelection | undefined;
  const select = (s: GpuSelection) => {
    // several flags: docker gives the container what each asks for; the widest wins here
    if (!selection || (!s.count && !s.devices)) selection = s;
    else if (s.devices) selection = { devices: [...new Set([...(selection.devices ?? []), ...s.devices])] };
  };
  let runtime = false;
  const visible: { indices: number[]; value: string }[] = [];
  for (let i = 0; i < runArgs.length; i++) {
    const a = runArgs[i]!;
    const cdi = (v: string) => select(v === 'all' ? {} : { devices: [v] });
    if (a.startsWith('--gpus=')) {
      indices.push(i);
      const s = gpusFlagSelection(a.slice('--gpus='.length));
      unquoted(i, s.warning);
      select({ ...(s.count ? { count: s.count } : {}), ...(s.devices ? { devices: s.devices } : {}) });
    } else if (a === '--gpus' && i + 1 < runArgs.length) {
      indices.push(i, i + 1);
      const s = gpusFlagSelection(runArgs[++i]!);
      unquoted(i, s.warning);
      select({ ...(s.count ? { count: s.count } : {}), ...(s.devices ? { devices: s.devices } : {}) });
    } else if (/^--device=nvidia\.com\/gpu=/.test(a)) {
      indices.push(i);
      cdi(a.slice('--device=nvidia.com/gpu='.length));
    } else if (a === '--device' && /^nvidia\.com\/gpu=/.test(runArgs[i + 1] ?? '')) {
      indices.push(i, i + 1);
      cdi(runArgs[++i]!.slice('nvidia.com/gpu='.length));
    } else if (a === '--runtime=nvidia') {
      indices.push(i);
      runtime = true;
    } else if (a === '--runtime' && runArgs[i + 1] === 'nvidia') {
      indices.push(i, ++i);
      runtime = true;
    } else if (ENV_FLAG.test(a) && /^NVIDIA_VISIBLE_DEVICES=/.test(runArgs[i + 1] ?? '')) {
      visible.push({ indices: [i, i + 1], value: runArgs[++i]!.slice('NVIDIA_VISIBLE_DEVICES='.length) });
    } else if (/^(?:-e=?|--env=)NVIDIA_VISIBLE_DEVICES=/.test(a)) {
      // --env=, -e= and -eNAME=VALUE (a shorthand's value may follow it directly, as docker's flag parser takes it)
      visible.push({ indices: [i], value: a.slice(a.indexOf('NVIDIA_VISIBLE_DEVICES=') + 'NVIDIA_VISIBLE_DEVICES='.length) });
    }
  }
  if (runtime) {
    const containerEnv = (config as { containerEnv?: unknown }).containerEnv;
    const fromContainerEnv = containerEnv && typeof containerEnv === 'object' ? (containerEnv as Record<string, unknown>).NVIDIA_VISIBLE_DEVICES : undefined;
    const value = visible.length ? visible[visible.length - 1]!.value : typeof fromContainerEnv === 'string' ? fromContainerEnv : undefined;
    for (const v of visible) indices.push(...v.indices);
    const s = visibleDevicesSelection(value);
    if (s) select(s);
  }
  if (!selection) return undefined;
  return { ...selection, indices: indices.sort((a, b) => a - b), warnings };
}

/** The indices of gpuRunArgs, for a caller that only needs to know which entries they are. */
export function gpuRunArgIndices(config: Pick<DevcontainerJson, 'runArgs'>): number[] {
  return gpuRunArgs(config)?.indices ?? [];
}

/**
 * The GPU the devcontainer's Compose service reserves, read off the last of the Compose files that says (a later
 * file overrides an earlier one): a device reservation with the gpu capability (or the nvidia driver), or `gpus`.
 */
export function composeGpuOf(config: DevcontainerJson, readBeside: ((path: string) => string | undefined) | undefined): (GpuSelection & { file: string }) | undefined {
  if (config.dockerComposeFile === undefined || !config.service || !readBeside) return undefined;
  const files = Array.isArray(config.dockerComposeFile) ? config.dockerComposeFile : [config.dockerComposeFile];
  for (const file of [...files].reverse()) {
    const text = readBeside(file);
    const gpu = text === undefined ? undefined : composeServiceGpu(text, config.service);
    if (gpu) return { ...gpu, file };
  }
  return undefined;
}

/** Where the GPU flags come from: runArgs (an image or Dockerfile setup), or the Compose service (a Compose setup, where runArgs do nothing). */
export function gpuFlagsOf(config: DevcontainerJson, readBeside?: (path: string) => string | undefined): GpuFlags | undefined {
  if (config.dockerComposeFile !== undefined && !config.image && !config.build && !config.dockerFile) {
    const compose = composeGpuOf(config, readBeside);
    return compose ? { ...(compose.count ? { count: compose.count } : {}), ...(compose.devices ? { devices: compose.devices } : {}), indices: [], warnings: [] } : undefined;
  }
  return gpuRunArgs(config);
}

const selectionOf = (s: GpuSelection | undefined): GpuSelection => ({ ...(s?.count !== undefined ? { count: s.count } : {}), ...(s?.devices ? { devices: s.devices } : {}) });

/**
 * The GPU a devcontainer.json asks for: `hostRequirements.gpu` (true, "optional", {cores, memory}), or GPU flags
 * in `runArgs` (or a GPU its Compose service reserves), which make the GPU required whatever hostRequirements says
 * and say how many GPUs, or which. Undefined: no GPU.
 */
export function gpuAskOf(config: DevcontainerJson, readBeside?: (path: string) => string | undefined): { ask?: GpuAsk; warnings: GpuWarning[] } {
  const host = config.hostRequirements?.gpu;
  const flags = gpuFlagsOf(config, readBeside);
  const warnings = [...(flags?.warnings ?? [])];
  const where = flags && !flags.indices.length ? "its Compose service reserves a GPU, so it" : 'runArgs gives the container GPUs, which';
  if (host === 'optional') {
    if (!flags) return { ask: { optional: true }, warnings };
    warnings.unshift({ path: ['hostRequirements', 'gpu'], code: 'devcontainer-gpu-contradiction', message: `hostRequirements.gpu says "optional", but ${where} fails without one: the GPU is required` });
    return { ask: selectionOf(flags), warnings };
  }
  if (typeof host === 'object') return { ask: { ...(host.cores !== undefined ? { cores: host.cores } : {}), ...(host.memory !== undefined ? { memory: host.memory } : {}), ...selectionOf(flags) }, warnings };
  if (host === true || flags) return { ask: selectionOf(flags), warnings };
  return { warnings };
}

/** The `hostRequirements.gpu` value that says `ask` (how many GPUs, or which, is for runArgs to say). */
export function hostGpuValue(ask: GpuAsk): HostGpuRequirement {
  if (ask.optional) return 'optional';
  if (ask.cores !== undefined || ask.memory !== undefined) return { ...(ask.cores !== undefined ? { cores: ask.cores } : {}), ...(ask.memory !== undefined ? { memory: ask.memory } : {}) };
  return true;
}

/** The ask of the spec's devcontainer.gpu; undefined for `false` and for none. */
export function gpuAskOfSpec(gpu: DevcontainerGpu | false | undefined): GpuAsk | undefined {
  if (!gpu) return undefined;
  return {
    ...(gpu.optional ? { optional: true } : {}),
    ...(gpu.cores !== undefined ? { cores: gpu.cores } : {}),
    ...(gpu.memory !== undefined ? { memory: gpu.memory } : {}),
    ...selectionOf(gpu),
  };
}

/** The `--gpus` value docker reads as `s`: `all`, `2`, `"device=0,1"` (a CSV record: the list is quoted). */
export function gpusFlagValue(s: GpuSelection): string {
  if (s.devices) return s.devices.length > 1 ? `"device=${s.devices.join(',')}"` : `device=${s.devices[0]}`;
  return s.count !== undefined ? String(s.count) : 'all';
}

/** `--gpus 2` for a selection, in words. */
export function gpuSelectionText(s: GpuSelection): string {
  if (s.devices) return `GPU${s.devices.length > 1 ? 's' : ''} ${s.devices.join(', ')}`;
  return s.count !== undefined ? `${s.count} GPU${s.count > 1 ? 's' : ''}` : 'every GPU';
}

export const sameSelection = (a: GpuSelection, b: GpuSelection): boolean => a.count === b.count && JSON.stringify(a.devices ?? null) === JSON.stringify(b.devices ?? null);
