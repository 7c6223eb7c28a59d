import { describe, expect, it } from 'vitest';
import { dockerfileBaseImage } from './dockerfile-base.js';

const MULTI = ['ARG VARIANT=18-bullseye', 'FROM mcr.microsoft.com/devcontainers/javascript-node:${VARIANT} AS base', 'FROM base AS dev', 'RUN npm i', 'FROM --platform=linux/amd64 node:${VARIANT}-slim AS prod'].join('\n');

describe('the base image of a Dockerfile', () => {
  it('is the FROM of the last stage, or of the target, followed through earlier stages', () => {
    expect(dockerfileBaseImage(MULTI)).toBe('node:18-bullseye-slim');
    expect(dockerfileBaseImage(MULTI, { target: 'dev' })).toBe('mcr.microsoft.com/devcontainers/javascript-node:18-bullseye');
    expect(dockerfileBaseImage(MULTI, { target: 'DEV', args: { VARIANT: '20-bookworm' } })).toBe('mcr.microsoft.com/devcontainers/javascript-node:20-bookworm');
  });

  it('fills ${ARG:-default} and line continuations, and skips comments', () => {
    expect(dockerfileBaseImage('# syntax=docker/dockerfile:1\nARG CUDA\nFROM \\\n  nvidia/cuda:${CUDA:-12.1.1}-runtime-ubuntu22.04\n')).toBe('nvidia/cuda:12.1.1-runtime-ubuntu22.04');
  });

  it('cannot tell without a FROM, with an ARG that has no value, or from scratch', () => {
    expect(dockerfileBaseImage('RUN true\n')).toBeUndefined();
    expect(dockerfileBaseImage('ARG BASE\nFROM ${BASE}\n')).toBeUndefined();
    expect(dockerfileBaseImage('FROM scratch\nCOPY x /\n')).toBeUndefined();
    expect(dockerfileBaseImage(MULTI, { target: 'nope' })).toBeUndefined();
  });
});
