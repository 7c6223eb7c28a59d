import { describe, expect, it } from 'vitest';
import { dockerfileBaseImage, externalImages, readDockerfile, stageNames, substituteArgs } from './dockerfile.js';

const multi = `# syntax=docker/dockerfile:1.7
# escape=\\
ARG BASE=registry.local/base:1
ARG TAG
FROM \${BASE} AS deps
RUN --mount=type=cache,target=/root/.npm \\
    # a comment inside a continuation
    npm ci
FROM deps AS build
COPY --from=tools:2 /bin/tool /bin/tool
RUN --mount=type=secret,id=npmrc cat /run/secrets/npmrc
FROM scratch AS unused
COPY --from=never/pulled /x /x
FROM --platform=linux/amd64 runtime:\${TAG:-latest} AS final
COPY --link --from=build /app /app
RUN <<EOF
FROM not-an-instruction
EOF
RUN --mount=type=ssh git clone x
`;

describe('reading a Dockerfile', () => {
  it('finds its stages, bases, args and what needs BuildKit or a session', () => {
    const info = readDockerfile(multi, { TAG: '3' });
    expect(info.syntax).toBe('docker/dockerfile:1.7');
    expect(info.stages.map((s) => [s.name, s.from, s.uses])).toEqual([
      ['deps', 'registry.local/base:1', []],
      ['build', 'deps', ['tools:2']],
      ['unused', 'scratch', ['never/pulled']],
      ['final', 'runtime:3', ['build']],
    ]);
    expect(info.session).toEqual([
      { what: 'RUN --mount=type=secret', line: 11 },
      { what: 'RUN --mount=type=ssh', line: 19 },
    ]);
    expect(info.buildkit.map((n) => `${n.line}:${n.what}`).sort()).toEqual(['15:COPY --link', '16:a heredoc (<<EOF)', '6:RUN --mount=type=cache'].sort());
    expect(stageNames(info)).toEqual(['deps', 'build', 'unused', 'final']);
  });

  it('reads mount types in any case, as BuildKit lowercases them (commands_runmount.go)', () => {
    const info = readDockerfile('FROM a\nRUN --mount=type=Secret,id=x cat /run/secrets/x\nRUN --mount=TYPE=SSH git clone x\nRUN --mount=type=Cache,target=/c make\n');
    expect(info.session).toEqual([
      { what: 'RUN --mount=type=secret', line: 2 },
      { what: 'RUN --mount=type=ssh', line: 3 },
    ]);
    expect(info.buildkit).toEqual([{ what: 'RUN --mount=type=cache', line: 4 }]);
  });

  it('lists the images a target needs, not those of stages it does not use', () => {
    const info = readDockerfile(multi, { TAG: '3' });
    expect(externalImages(info).sort()).toEqual(['registry.local/base:1', 'runtime:3', 'tools:2']);
    expect(externalImages(info, 'deps')).toEqual(['registry.local/base:1']);
    expect(externalImages(info, 'unused')).toEqual(['never/pulled']);
    expect(externalImages(readDockerfile('FROM a\nFROM b\nCOPY --from=0 / /\n'))).toEqual(['b', 'a']);
    // a base it cannot name (an arg without a value) is left to the builder
    expect(externalImages(readDockerfile('ARG IMG\nFROM $IMG\n'))).toEqual([]);
  });

  it('substitutes build args as FROM lines use them', () => {
    expect(substituteArgs('${A}:${B:-x}-${C:+y}$D', { A: 'a', C: 'c', D: 'd' })).toBe('a:x-yd');
    expect(substituteArgs('${MISSING}', {})).toBeUndefined();
    expect(substituteArgs('${MISSING:-dflt}', {})).toBe('dflt');
    // with a colon an empty value counts as unset; without one only an unset name does
    expect(substituteArgs('${E:-d}|${E-d}|${U-d}|${E:+a}|${E+a}|${U+a}', { E: '', U: undefined })).toBe('d||d||a|');
  });

  it('reads ARG values as the shell does: quotes, spaces in quotes, several on a line, earlier args', () => {
    const info = readDockerfile(`ARG A="x y" B='$A' C=\${A}-z
FROM img:\${B}
FROM img:"\${C}"
`);
    expect(info.stages.map((s) => s.from)).toEqual(['img:$A', 'img:x y-z']);
    expect(readDockerfile('ARG V="1.2"\nFROM node:${V}\n').stages[0]!.from).toBe('node:1.2');
  });

  it('honours the escape directive and Windows-style continuations', () => {
    const info = readDockerfile('# escape=`\nFROM base `\n  AS first\nRUN --mount=type=bind,source=. `\n  make\n');
    expect(info.stages.map((s) => [s.name, s.from])).toEqual([['first', 'base']]);
    expect(info.buildkit.map((n) => n.what)).toEqual(['RUN --mount=type=bind']);
  });
});

const MULTI = ['ARG VARIANT=18-bullseye', 'FROM mcr.microsoft.com/devcontainers/javascript-node:${VARIANT} AS base', 'FROM base AS dev', 'RUN npm i', 'FROM --platform=linux/amd64 node:${VARIANT}-slim AS prod'].join('\n');

describe('the base image of a Dockerfile (what a devcontainer runs on)', () => {
  it('is the FROM of the last stage, or of the target, followed through earlier stages', () => {
    expect(dockerfileBaseImage(MULTI)).toBe('node:18-bullseye-slim');
    expect(dockerfileBaseImage(MULTI, { target: 'dev' })).toBe('mcr.microsoft.com/devcontainers/javascript-node:18-bullseye');
    expect(dockerfileBaseImage(MULTI, { target: 'DEV', args: { VARIANT: '20-bookworm' } })).toBe('mcr.microsoft.com/devcontainers/javascript-node:20-bookworm');
  });

  it('fills ${ARG:-default}, follows line continuations, and skips comments and parser directives', () => {
    expect(dockerfileBaseImage('# syntax=docker/dockerfile:1\nARG CUDA\nFROM \\\n  nvidia/cuda:${CUDA:-12.1.1}-runtime-ubuntu22.04\n')).toBe('nvidia/cuda:12.1.1-runtime-ubuntu22.04');
    expect(dockerfileBaseImage("ARG TAG='22'\nFROM node:${TAG}\n")).toBe('node:22');
  });

  it('takes a FROM of a stage by name only (a number is an image, as BuildKit reads it)', () => {
    expect(dockerfileBaseImage('FROM alpine AS a\nFROM 0\n')).toBe('0');
  });

  it('cannot tell without a FROM, with an ARG that has no value, from scratch, or for a target that is not there', () => {
    expect(dockerfileBaseImage('RUN true\n')).toBeUndefined();
    expect(dockerfileBaseImage('ARG BASE\nFROM ${BASE}\n')).toBeUndefined();
    expect(dockerfileBaseImage('FROM scratch\nCOPY x /\n')).toBeUndefined();
    expect(dockerfileBaseImage(MULTI, { target: 'nope' })).toBeUndefined();
  });
});
