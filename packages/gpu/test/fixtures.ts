import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The package's own small hand-written fixtures (test/fixtures). */
export const ownFixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function ownFixture(name: string): string {
  return readFileSync(resolve(ownFixturesDir, name), 'utf8');
}

/** The shared nvidia-smi corpus (../shared/fixtures/nvidia-smi, real outputs from public projects), when it is there. */
export const sharedFixturesDir = resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/fixtures/nvidia-smi');

export function sharedFixture(name: string): string {
  return readFileSync(resolve(sharedFixturesDir, name), 'utf8');
}

/** nvidia/cuda 12.4's NVIDIA_REQUIRE_CUDA (as `docker inspect` shows it for images built FROM nvidia/cuda:12.4.1-*). */
export const REQUIRE_CUDA_12_4 = [
  'cuda>=12.4',
  ...['470', '525', '535'].flatMap((branch) =>
    ['tesla', 'unknown', 'nvidia', 'nvidiartx', 'geforce', 'geforcertx', 'quadro', 'quadrortx', 'titan', 'titanrtx'].map((brand) => `brand=${brand},driver>=${branch},driver<${Number(branch) + 1}`),
  ),
].join(' ');
