import { describe, expect, it } from 'vitest';
import { parseSpec } from '../load/load.js';
import { dockerSection } from './docker-section.js';

describe('the devcontainer on the page', () => {
  const spec = (devcontainer: string, services = '') => parseSpec(`berth: 1\nrepo: { name: r }\n${services}devcontainer:\n${devcontainer}`).value!;

  it("shows how it is made, what it asks of the GPU, its features and forwarded ports, and where devcontainer.json is", () => {
    const s = spec(
      [
        '  config: .devcontainer/gpu/devcontainer.json',
        '  build: { dockerfile: ../Dockerfile, target: dev, args: { VARIANT: "3.12" } }',
        '  image: python:3.12',
        '  gpu: { memory: 8gb }',
        '  features: { "ghcr.io/devcontainers/features/node:1": {} }',
        '  postCreateCommand: { deps: [pip, install, -e, .], db: make migrate }',
      ].join('\n'),
      'services:\n  web:\n    runtime: devcontainer\n    ports: [{ host: 8000, appProtocol: http }]\n',
    );
    expect(dockerSection(s).join('\n')).toContain(
      [
        '| **Base Image** | `python:3.12` |',
        '| **Build** | `.devcontainer/Dockerfile` (target `dev`, `VARIANT` build arg) |',
        '| **GPU Support** | NVIDIA; needs 8gb of GPU memory |',
        '| **Features** | `ghcr.io/devcontainers/features/node:1` |',
        '| **Forwarded Ports** | 8000 (web) |',
        '| **postCreateCommand** | deps: `pip install -e .`; db: `make migrate` |',
        '| **Config** | `.devcontainer/gpu/devcontainer.json` |',
      ].join('\n'),
    );
    const compose = spec('  compose: { files: [../compose.yaml], service: app, runServices: [app, db] }\n  gpu: { optional: true }\n');
    expect(dockerSection(compose).join('\n')).toContain('| **Compose** | service `app` of `compose.yaml`, with `app`, `db` |\n| **GPU Support** | NVIDIA; optional: it also opens without a GPU |');
  });

  it('says how many GPUs it gets, or which; gpu: false shows no GPU row', () => {
    const gpuRow = (gpu: string) => dockerSection(spec(`  image: python:3.12\n  gpu: ${gpu}\n`)).find((l) => l.includes('**GPU Support**'));
    expect(gpuRow('{ count: 2, memory: 8gb }')).toBe('| **GPU Support** | NVIDIA; needs 2 GPUs and 8gb of GPU memory |');
    expect(gpuRow('{ count: 1 }')).toBe('| **GPU Support** | NVIDIA; needs 1 GPU |');
    expect(gpuRow('{ devices: ["0", "1"] }')).toBe('| **GPU Support** | NVIDIA; needs GPUs 0, 1 |');
    expect(gpuRow('false')).toBeUndefined();
  });

});
