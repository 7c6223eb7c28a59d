import { z } from 'zod';
import { HealthCheck } from './check.js';

const CudaVersion = z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'must be a CUDA version such as "12.1"');

export const DevcontainerGpu = z.strictObject({
  vendor: z.literal('nvidia').default('nvidia'),
  cuda: CudaVersion.optional().describe('CUDA version the image is built for; read off the image tag when absent.'),
  hostCudaAtLeast: CudaVersion.optional().describe('The "CUDA Version" the host driver must report at least, as the team states it.'),
});

export const Devcontainer = z.strictObject({
  image: z.string().describe('Base image, such as pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime.'),
  container: z.string().optional().describe('Container name, for exec checks into the running devcontainer.'),
  gpu: DevcontainerGpu.optional(),
  python: z.string().optional().describe('Python version the image provides.'),
  postCreateCommand: z.string().optional(),
  decision: z.string().optional().describe('The decision record behind it.'),
  checks: z.array(HealthCheck).optional(),
});
export type Devcontainer = z.output<typeof Devcontainer>;
