/**
 * The CUDA version an image is built for, read off its reference (gpu-facts.md #10): pytorch/pytorch
 * tags say `cuda12.1` (`2.2.0-cuda12.1-cudnn8-runtime`), nvidia/cuda tags start with the toolkit
 * version (`12.4.1-runtime-ubuntu22.04`), wheels-style tags say `cu121` (`cu12` names the major only: "12").
 * Undefined when the reference does not say (NGC date tags such as `nvcr.io/nvidia/pytorch:24.01-py3`, `latest`).
 */
export function cudaVersionFromImage(image: string): string | undefined {
  const tag = repoAndTag(image)?.tag;
  if (tag === undefined) return undefined;
  const official = nvidiaCudaTagVersion(image);
  if (official) return official;
  const named = /(?:^|[-_.])cuda[-_]?(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)(?=$|[-_a-z])/i.exec(tag);
  if (named) return named[1];
  const short = /(?:^|[-_.])cu(\d{2,3})(?=$|[-_.])/i.exec(tag);
  if (short) {
    // cu118 = 11.8, cu121 = 12.1, cu130 = 13.0, cu92 = 9.2: the last digit is the minor version. But a two-digit
    // cu1N names a major only (cu12, cu11: CUDA 10 and later always spell the minor out, cu100 = 10.0), never 1.2.
    const digits = short[1]!;
    if (digits.length === 2 && digits.startsWith('1')) return digits;
    return `${digits.slice(0, -1)}.${digits.slice(-1)}`;
  }
  return undefined;
}

/** `{ repo, tag }` of a reference with a tag (registry, port and digest aside); undefined without a tag. */
function repoAndTag(image: string): { repo: string; tag: string } | undefined {
  const ref = image.trim().split('@')[0]!;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon <= slash ? undefined : { repo: ref.slice(0, colon).toLowerCase(), tag: ref.slice(colon + 1) };
}

/**
 * The toolkit version of an official nvidia/cuda image's tag (`12.4.1-runtime-ubuntu22.04` -> 12.4.1): such an image
 * carries NVIDIA_REQUIRE_CUDA=cuda>=12.4 ..., which the NVIDIA container runtime enforces.
 */
export function nvidiaCudaTagVersion(image: string): string | undefined {
  const parts = repoAndTag(image);
  if (!parts || !/(^|\/)nvidia\/cuda$/.test(parts.repo)) return undefined;
  return /^(\d+\.\d+(?:\.\d+)?)(?=$|[-_])/.exec(parts.tag)?.[1];
}

/**
 * The CUDA version an image declares in its environment (`docker image inspect` Config.Env): official
 * nvidia/cuda images set `NVIDIA_REQUIRE_CUDA=cuda>=12.1 brand=tesla,driver>=470,...` (the constraint the
 * NVIDIA container runtime enforces) and `CUDA_VERSION=12.1.1`. pytorch/pytorch images set neither.
 */
export function cudaVersionFromImageEnv(env: readonly string[] | Record<string, string | undefined>): string | undefined {
  const get = (name: string) =>
    Array.isArray(env)
      ? (env as readonly string[]).find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1)
      : (env as Record<string, string | undefined>)[name];
  const require = /(?:^|\s)cuda>=(\d+\.\d+(?:\.\d+)?)/.exec(get('NVIDIA_REQUIRE_CUDA') ?? '')?.[1];
  if (require) return require;
  const declared = get('CUDA_VERSION')?.trim();
  return declared && /^\d+\.\d+(\.\d+)?$/.test(declared) ? declared : undefined;
}
