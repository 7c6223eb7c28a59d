import type { Gpu } from './types.js';
import { compareVersions, parseVersion } from './versions.js';

/**
 * The NVIDIA container runtime's own check of an image (gpu-facts.md #10, cuda-driver-compat.md §3): before a
 * container gets a GPU, libnvidia-container evaluates every `NVIDIA_REQUIRE_*` variable of the image against the
 * driver and each visible GPU, and refuses to start it ("requirement error: unsatisfied condition: cuda >= 12.4")
 * unless `NVIDIA_DISABLE_REQUIRE` is true. A requirement is space-separated alternatives (OR), each a
 * comma-separated list of conditions (AND): `cuda>=12.4 brand=tesla,driver>=470,driver<471` admits a driver that
 * supports CUDA 12.4, or a Tesla GPU on a 470 driver (forward compatibility through the image's cuda-compat).
 * CUDA minor version compatibility is a fact of the CUDA runtime inside the container: it does not get past this.
 */
export interface RuntimeRequirements {
  /** Each requirement the runtime evaluates (all must hold), as the image states it. */
  constraints: string[];
  /** image-env: NVIDIA_REQUIRE_* (or CUDA_VERSION) from the image's environment; image-tag: `cuda>=X.Y` from an nvidia/cuda tag. */
  source: 'image-env' | 'image-tag';
  /** NVIDIA_DISABLE_REQUIRE is true in the container's environment: the runtime skips the check. */
  disabled?: true;
  /** Where NVIDIA_DISABLE_REQUIRE was set when `disabled`: in the image, or by the devcontainer over it. */
  disabledBy?: 'image' | 'devcontainer';
}

/** NAME=VALUE entries as a map; a later entry for a name wins, as docker's `--env` over the image's ENV does. */
function envVars(env: readonly string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const entry of env) {
    const eq = entry.indexOf('=');
    if (eq > 0) vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return vars;
}

/** NVIDIA_DISABLE_REQUIRE is true (strconv.ParseBool, as the toolkit reads it); undefined: not set. */
function disablesRequire(vars: ReadonlyMap<string, string>): boolean | undefined {
  const value = vars.get('NVIDIA_DISABLE_REQUIRE');
  return value === undefined ? undefined : ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value.trim());
}

/** What the image's environment asks of the runtime; undefined when it asks nothing (pytorch/pytorch images). */
export function runtimeRequirementsFromEnv(env: readonly string[]): RuntimeRequirements | undefined {
  const vars = envVars(env);
  // NVIDIA_REQUIRE_CUDA first: its alternatives say how the image is admitted
  const constraints = [...vars]
    .filter(([name, value]) => name.startsWith('NVIDIA_REQUIRE_') && value.trim())
    .sort(([a], [b]) => Number(b === 'NVIDIA_REQUIRE_CUDA') - Number(a === 'NVIDIA_REQUIRE_CUDA'))
    .map(([, value]) => value.trim());
  // nvidia-container-toolkit: an image with CUDA_VERSION and no NVIDIA_REQUIRE_CUDA (a legacy CUDA image) requires cuda>=its major.minor
  const legacy = vars.get('CUDA_VERSION')?.trim();
  const legacyVersion = !vars.get('NVIDIA_REQUIRE_CUDA')?.trim() && legacy ? parseVersion(legacy) : undefined;
  if (legacyVersion && legacyVersion.length >= 2) constraints.push(`cuda>=${legacyVersion[0]}.${legacyVersion[1]}`);
  if (!constraints.length) return undefined;
  return { constraints, source: 'image-env', ...(disablesRequire(vars) ? { disabled: true as const, disabledBy: 'image' as const } : {}) };
}

/**
 * What the runtime checks of the container the devcontainer starts: its image's environment (undefined: not read
 * here, so an nvidia/cuda tag's `cuda>=X.Y` stands for it) with what the devcontainer sets over it (devcontainer.json
 * `containerEnv`, `--env` in `runArgs`): the runtime reads the container's environment, so NVIDIA_DISABLE_REQUIRE
 * or NVIDIA_REQUIRE_CUDA given there count as the image's would.
 */
export function containerRuntimeRequirements(
  imageEnv: readonly string[] | undefined,
  containerEnv: readonly string[] | undefined,
  tagCuda: string | undefined,
): RuntimeRequirements | undefined {
  const given = envVars(containerEnv ?? []);
  const disabledByDevcontainer = disablesRequire(given) === true;
  const base = imageEnv
    ? runtimeRequirementsFromEnv([...imageEnv, ...(containerEnv ?? [])])
    : tagCuda
      ? runtimeRequirementsFromTagCuda(tagCuda)
      : undefined;
  if (!base) return undefined;
  if (disabledByDevcontainer) return { ...base, disabled: true, disabledBy: 'devcontainer' };
  return base;
}

/** The hard requirement an nvidia/cuda tag implies when its environment cannot be read here. */
export function runtimeRequirementsFromTagCuda(cuda: string): RuntimeRequirements | undefined {
  const v = parseVersion(cuda);
  return v && v.length >= 2 ? { constraints: [`cuda>=${v[0]}.${v[1]}`], source: 'image-tag' } : undefined;
}

export interface RuntimeFacts {
  driverVersion?: string | undefined;
  /** The newest CUDA the driver supports (what libnvidia-container compares `cuda` with). */
  cudaVersion?: string | undefined;
  gpus: readonly Pick<Gpu, 'brand'>[];
}

export interface RequirementOutcome {
  /** true: the runtime starts it; false: it refuses; undefined: a fact it compares is not known here. */
  satisfied: boolean | undefined;
  /** The alternative that admits it ("brand=tesla,driver>=470,driver<471"), when one does. */
  admittedBy?: string;
  /** The condition the runtime names when it refuses ("cuda >= 12.4"), or "invalid expression". */
  unsatisfied?: string;
}

type Tri = boolean | undefined;
const OPERATORS = ['!=', '<=', '>=', '=', '<', '>'] as const;

/** libnvidia-container's brand names: NVML's brand, as nvidia-smi prints it ("Quadro RTX"), lower-cased without spaces. */
export function runtimeBrand(brand: string): string {
  const virtual: Record<string, string> = {
    'nvidia virtual applications': 'nvidiavapps',
    'nvidia virtual pc': 'nvidiavpc',
    'nvidia virtual compute server': 'nvidiavcs',
    'nvidia rtx virtual workstation': 'nvidiavws',
    'nvidia cloud gaming': 'nvidiavgaming',
  };
  const lower = brand.trim().toLowerCase();
  return virtual[lower] ?? lower.replace(/\s+/g, '');
}

/** One condition (`driver>=470`) against the driver and one GPU (none: the runtime assumes brand and arch are fine). */
function condition(text: string, facts: RuntimeFacts, gpu: Pick<Gpu, 'brand'> | undefined): Tri | 'invalid' {
  const at = text.search(/[<>=!]/);
  if (at <= 0) return 'invalid';
  const key = text.slice(0, at);
  const rest = text.slice(at);
  const op = OPERATORS.find((o) => rest.startsWith(o) && !/[<>=!]/.test(rest.charAt(o.length)));
  const value = op ? rest.slice(op.length) : '';
  if (!op || !value) return 'invalid';
  const test = (c: number) => ({ '=': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 })[op];
  const version = (have: string | undefined): Tri | 'invalid' => {
    if (!/^[\d.]+$/.test(value)) return 'invalid';
    const h = parseVersion(have);
    return h ? test(compareVersions(h, value.split('.').map((n) => Number(n) || 0))) : undefined;
  };
  switch (key) {
    case 'cuda':
      return version(facts.cudaVersion);
    case 'driver':
      return version(facts.driverVersion);
    case 'brand':
      if (!gpu) return true;
      if (op !== '=' && op !== '!=') return 'invalid';
      return gpu.brand === undefined ? undefined : (runtimeBrand(gpu.brand) === value.toLowerCase()) === (op === '=');
    case 'arch':
      // the GPU's compute capability: nvidia-smi -q -x does not print it
      return gpu ? undefined : true;
    default:
      return 'invalid';
  }
}

/** One requirement for one GPU: OR over the space-separated alternatives, AND over each one's conditions. */
function evaluateFor(constraint: string, facts: RuntimeFacts, gpu: Pick<Gpu, 'brand'> | undefined): RequirementOutcome {
  let unknown = false;
  let lastFailed: string | undefined;
  for (const alternative of constraint.split(' ').filter(Boolean)) {
    let all: Tri = true;
    for (const cond of alternative.split(',').filter(Boolean)) {
      const r = condition(cond, facts, gpu);
      if (r === 'invalid') return { satisfied: false, unsatisfied: 'invalid expression' };
      if (r === false) {
        all = false;
        const op = OPERATORS.find((o) => cond.includes(o))!;
        lastFailed = cond.replace(op, ` ${op} `);
        break;
      }
      if (r === undefined) all = undefined;
    }
    if (all === true) return { satisfied: true, admittedBy: alternative };
    if (all === undefined) unknown = true;
  }
  return unknown ? { satisfied: undefined } : { satisfied: false, ...(lastFailed ? { unsatisfied: lastFailed } : {}) };
}

/**
 * Whether the NVIDIA container runtime starts a container with these requirements on this host: every requirement
 * must hold for every visible GPU (with no GPU visible, once, brand and arch assumed fine), as libnvidia-container's
 * `configure` checks them.
 */
export function evaluateRuntimeRequirements(constraints: readonly string[], facts: RuntimeFacts): RequirementOutcome {
  const targets = facts.gpus.length ? facts.gpus : [undefined];
  let unknown = false;
  let admittedBy: string | undefined;
  for (const constraint of constraints) {
    for (const gpu of targets) {
      const r = evaluateFor(constraint, facts, gpu);
      if (r.satisfied === false) return r;
      if (r.satisfied === undefined) unknown = true;
      // the first constraint is NVIDIA_REQUIRE_CUDA's when the image has one: its alternative says how it is admitted
      else admittedBy ??= r.admittedBy;
    }
  }
  return unknown ? { satisfied: undefined } : { satisfied: true, ...(admittedBy ? { admittedBy } : {}) };
}
