import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSpec, type BerthSpec } from '@berth/spec';
import { exportCompose, importCompose } from '@berth/docker';
import { composeConfig, hasDockerCompose, noDockerComposeReason } from './compose-roundtrip.js';

const COMPOSE = `
services:
  web:
    image: shop/web:\${TAG:-dev}
    build:
      context: ./web
      dockerfile: docker/Dockerfile.prod
      target: runtime
      args:
        - NODE_VERSION=\${NODE_VERSION:-20}
        - GIT_SHA
      labels:
        org.opencontainers.image.source: https://example.com/shop
      cache_from: [shop/web:cache]
      additional_contexts:
        shared: ../shared
        base: docker-image://busybox:1.36
      network: host
      shm_size: 2gb
      extra_hosts: ["mirror.local=10.0.0.5"]
      no_cache: true
      pull: false
      platforms: [linux/amd64, linux/arm64]
      tags: [shop/web:latest]
      ssh: [default]
      secrets: [npmrc]
      x-note: kept as written
  tool:
    build: ./tool
  inline:
    image: inline:1
    build:
      dockerfile_inline: |
        FROM busybox:1.36
        RUN echo "price: $$5" > /price
`;

describe('build: imported from Compose and exported back without loss', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-build-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'app'));
  for (const d of ['app/web', 'app/tool', 'shared']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'app', 'compose.yaml'), COMPOSE);
  // the spec goes one directory up: relative contexts are rewritten to stay the same directories
  const first = importCompose({ files: ['app/compose.yaml'], cwd: dir, env: {}, output: join(dir, 'berth.yaml') });
  const loaded = parseSpec(first.yaml ?? '', 'berth.yaml');
  const spec = loaded.value as BerthSpec;

  it('carries every build field Compose has, in camelCase, text as written', () => {
    expect(first.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(spec.services.web!.build).toEqual({
      context: './app/web',
      dockerfile: 'docker/Dockerfile.prod',
      target: 'runtime',
      args: { NODE_VERSION: '${NODE_VERSION:-20}', GIT_SHA: null },
      labels: { 'org.opencontainers.image.source': 'https://example.com/shop' },
      cacheFrom: ['shop/web:cache'],
      additionalContexts: { shared: './shared', base: 'docker-image://busybox:1.36' },
      network: 'host',
      shmSize: '2gb',
      extraHosts: { 'mirror.local': '10.0.0.5' },
      noCache: true,
      pull: false,
      platforms: ['linux/amd64', 'linux/arm64'],
      tags: ['shop/web:latest'],
    });
    expect(spec.services.tool!.build).toEqual({ context: './app/tool' });
    // no context is the Compose file's directory, written out now that the spec lives elsewhere
    expect(spec.services.inline!.build).toEqual({ context: './app', dockerfileInline: 'FROM busybox:1.36\nRUN echo "price: $$5" > /price\n' });
  });

  it('keeps what berth cannot act on yet under x-compose.build, saying why, and nothing else', () => {
    expect(spec.services.web!['x-compose']).toEqual({ build: { ssh: ['default'], secrets: ['npmrc'], 'x-note': 'kept as written' } });
    expect(first.problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '25:7 services.web.build.ssh: not carried (berth cannot act on it yet: it needs a BuildKit session, which berth does not open yet); kept under x-compose.build',
      '26:7 services.web.build.secrets: not carried (berth cannot act on it yet: it needs a BuildKit session, which berth does not open yet); kept under x-compose.build',
    ]);
    expect(first.yaml).not.toContain('berth does not build images');
  });

  const out = exportCompose(spec, { raw: loaded.source!.value, specDir: dir, outDir: join(dir, 'app') });
  const services = out.compose.services as Record<string, Record<string, unknown>>;

  it('exports build in Compose\'s names; fields docker-compose 1.29 refuses travel under build.x-berth, with a warning each', () => {
    expect(services.web!.build).toEqual({
      context: './web',
      dockerfile: 'docker/Dockerfile.prod',
      target: 'runtime',
      args: { NODE_VERSION: '${NODE_VERSION:-20}', GIT_SHA: null },
      labels: { 'org.opencontainers.image.source': 'https://example.com/shop' },
      cache_from: ['shop/web:cache'],
      network: 'host',
      shm_size: '2gb',
      extra_hosts: { 'mirror.local': '10.0.0.5' },
      'x-note': 'kept as written',
      'x-berth': { additional_contexts: { shared: '../shared', base: 'docker-image://busybox:1.36' }, no_cache: true, pull: false, platforms: ['linux/amd64', 'linux/arm64'], tags: ['shop/web:latest'], ssh: ['default'], secrets: ['npmrc'] },
    });
    expect(services.tool!.build).toBe('./tool');
    expect(services.inline!.build).toEqual({ context: '.', 'x-berth': { dockerfile_inline: 'FROM busybox:1.36\nRUN echo "price: $$$$5" > /price\n' } });
    expect(out.problems.map((p) => p.code)).toEqual(Array(8).fill('compose-export-build-field'));
    // each at its place in the spec: the build, or the x-compose.build the import kept it under
    const located = (path: string) => out.problems.find((p) => p.path?.join('.') === path);
    expect(located('services.web.build.noCache')).toBeDefined();
    for (const kept of ['ssh', 'secrets']) expect(located(`services.web.x-compose.build.${kept}`), kept).toBeDefined();
  });

  it('imports the exported file back to the same builds', () => {
    writeFileSync(join(dir, 'app', 'exported.yaml'), out.yaml);
    const again = importCompose({ files: ['app/exported.yaml'], cwd: dir, env: {}, output: join(dir, 'berth.yaml') });
    expect(again.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const back = parseSpec(again.yaml!, 'berth.yaml').value!;
    for (const id of ['web', 'tool', 'inline']) expect(back.services[id]!.build, id).toEqual(spec.services[id]!.build);
    expect(back.services.web!['x-compose']).toEqual(spec.services.web!['x-compose']);
  });

  describe.skipIf(!hasDockerCompose)(`against docker-compose config ${hasDockerCompose ? '' : noDockerComposeReason}`, () => {
    it('writes builds docker-compose 1.29 accepts', () => {
      const r = composeConfig(out.yaml, { 'web/docker/Dockerfile.prod': 'FROM scratch\n', 'tool/Dockerfile': 'FROM scratch\n' }, { GIT_SHA: 'abc' });
      rmSync(r.dir, { recursive: true, force: true });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  });
});

describe('build labels in list form', () => {
  it('are carried as a map, as Compose reads a labels list (an entry without = is an empty label)', () => {
    const d = mkdtempSync(join(tmpdir(), 'berth-compose-labels-'));
    try {
      mkdirSync(join(d, 'ctx'));
      writeFileSync(join(d, 'compose.yaml'), 'services:\n  s:\n    build:\n      context: ctx\n      labels: ["x.y=z", "a=b=c", "bare"]\n');
      const imported = importCompose({ files: ['compose.yaml'], cwd: d, env: {}, output: join(d, 'berth.yaml') });
      expect(imported.problems.map((p) => p.message)).toEqual([]);
      const spec = parseSpec(imported.yaml ?? '', 'berth.yaml').value as BerthSpec;
      expect(spec.services.s!.build).toEqual({ context: 'ctx', labels: { 'x.y': 'z', a: 'b=c', bare: '' } });
      expect(spec.services.s!['x-compose']).toBeUndefined();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
