import { describe, expect, it } from 'vitest';
import { externalImages, readDockerfile, stageNames, substituteArgs } from './dockerfile.js';

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
  });

  it('honours the escape directive and Windows-style continuations', () => {
    const info = readDockerfile('# escape=`\nFROM base `\n  AS first\nRUN --mount=type=bind,source=. `\n  make\n');
    expect(info.stages.map((s) => [s.name, s.from])).toEqual([['first', 'base']]);
    expect(info.buildkit.map((n) => n.what)).toEqual(['RUN --mount=type=bind']);
  });
});
