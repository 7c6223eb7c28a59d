import { describe, expect, it } from 'vitest';
import { cudaVersionFromImage, cudaVersionFromImageEnv } from './cuda-image.js';

describe('cudaVersionFromImage', () => {
  it.each([
    ['pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime', '12.1'],
    ['pytorch/pytorch:1.13.1-cuda11.6-cudnn8-devel', '11.6'],
    ['docker.io/pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime@sha256:abcdef', '12.4'],
    ['nvidia/cuda:12.4.1-runtime-ubuntu22.04', '12.4.1'],
    ['nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04', '11.8.0'],
    ['nvcr.io/nvidia/cuda:12.1.0-base-ubuntu20.04', '12.1.0'],
    ['registry.local:5000/team/trainer:torch2.3-cu121', '12.1'],
    ['ghcr.io/org/img:py3.11-cu118', '11.8'],
    ['vllm/vllm-openai:v0.6.0-cu130', '13.0'],
    ['pytorch/manylinux-builder:cu100', '10.0'],
    ['team/legacy:torch1.4-cu92', '9.2'],
    // a two-digit cu1N is a major only, never 1.2 / 1.1
    ['myorg/trainer:2.3-cu12', '12'],
    ['myorg/trainer:2.3-cu11', '11'],
  ])('%s -> %s', (image, cuda) => expect(cudaVersionFromImage(image)).toBe(cuda));

  it.each(['nvcr.io/nvidia/pytorch:24.01-py3', 'python:3.11', 'ubuntu', 'registry.local:5000/img', 'nvidia/cuda', 'pytorch/pytorch:latest', 'team/cuda-tools:1.2'])(
    '%s says nothing about CUDA',
    (image) => expect(cudaVersionFromImage(image)).toBeUndefined(),
  );
});

describe('cudaVersionFromImageEnv', () => {
  it('reads the constraint nvidia/cuda images declare', () => {
    expect(cudaVersionFromImageEnv(['PATH=/usr/bin', 'NVIDIA_REQUIRE_CUDA=cuda>=12.1 brand=tesla,driver>=470,driver<471 brand=unknown,driver>=470,driver<471', 'CUDA_VERSION=12.1.1'])).toBe('12.1');
  });
  it('falls back to CUDA_VERSION', () => {
    expect(cudaVersionFromImageEnv({ CUDA_VERSION: '12.4.1' })).toBe('12.4.1');
  });
  it('says nothing for pytorch/pytorch images, which declare neither', () => {
    expect(cudaVersionFromImageEnv(['NVIDIA_VISIBLE_DEVICES=all', 'NVIDIA_DRIVER_CAPABILITIES=compute,utility'])).toBeUndefined();
  });
});
