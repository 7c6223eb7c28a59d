import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSpec } from '../load/load.js';
import { IMAGE_REFERENCE_PATTERN, checkImageReferences, imageReferenceProblem } from './image-reference.js';

describe('imageReferenceProblem', () => {
  // the cases of distribution/reference's reference_test.go and normalize_test.go that the engine accepts
  it.each([
    'busybox',
    'busybox:latest',
    'library/busybox',
    'docker.io/library/busybox:1.36',
    'pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime',
    'localhost/foo',
    'localhost:5000/foo/bar:tag',
    'Registry.Example.COM/team/app',
    '[::1]:5000/app:dev',
    '127.0.0.1:5000/a__b/c-d--e.f:v1.2_3',
    `busybox@sha256:${'a'.repeat(64)}`,
    `busybox:1@sha256:${'a'.repeat(64)}`,
    'ghcr.io/berth/cli:' + 'x'.repeat(128),
  ])('accepts %s', (ref) => {
    expect(imageReferenceProblem(ref)).toBeUndefined();
  });

  it.each([
    ['', 'it is empty'],
    ['MyImage', 'its name "MyImage" has capitals, which an image name cannot have'],
    ['team/MyImage:1', 'its name "team/MyImage" has capitals, which an image name cannot have'],
    ['my image', 'it has white space'],
    ['busybox:', 'its tag "" is not 1 to 128 letters'],
    ['busybox:-dev', 'its tag "-dev" is not 1 to 128 letters'],
    ['busybox:' + 'x'.repeat(129), 'is not 1 to 128 letters'],
    ['busybox@sha256:abc', 'its digest "sha256:abc" is not algorithm:hex'],
    ['a..b', '"a..b" in its name is not lowercase letters and digits'],
    ['foo//bar', '"" in its name is not lowercase letters and digits'],
    ['-foo', '"-foo" in its name'],
    ['bad_host.example.com/app', 'its registry "bad_host.example.com" is not a host name'],
    [':1', 'it has no name'],
    ['a'.repeat(256), 'its name is longer than 255 characters'],
  ])('refuses %j: %s', (ref, why) => {
    expect(imageReferenceProblem(ref)).toContain(why);
  });
});

describe("IMAGE_REFERENCE_PATTERN (the JSON Schema's pattern for image)", () => {
  // as a JSON Schema validator runs a pattern: unanchored, with the u flag
  const pattern = new RegExp(IMAGE_REFERENCE_PATTERN, 'u');
  const agrees = (ref: string) => expect(pattern.test(ref), JSON.stringify(ref)).toBe(ref.includes('$') || imageReferenceProblem(ref) === undefined);
  const known = [
    'busybox', 'library/busybox', 'localhost:5000/foo/bar:tag', 'Registry.Example.COM/team/app', '[::1]:5000/app:dev', '127.0.0.1:5000/a__b/c-d--e.f:v1.2_3',
    `busybox:1@sha256:${'a'.repeat(64)}`, 'ghcr.io/berth/cli:' + 'x'.repeat(128), 'Foo/bar', 'Foo/Bar', 'foo_bar/x', 'a_b.c/x', 'a__b.c/x', 'localhost',
    '', 'MyImage', 'team/MyImage:1', 'my image', 'busybox:', 'busybox:-dev', 'busybox:' + 'x'.repeat(129), 'busybox@sha256:abc', 'a..b', 'foo//bar',
    '-foo', 'bad_host.example.com/app', ':1', 'a'.repeat(255), 'a'.repeat(256), `${'a'.repeat(250)}/bcdef:1`, `${'a'.repeat(250)}/bcdefg:1`, 'app:${TAG}', '${IMAGE}',
  ];
  it.each(known)('agrees with imageReferenceProblem on %j', agrees);
  it('agrees with imageReferenceProblem on generated references', () => {
    const part = fc.stringMatching(/^[a-zA-Z0-9._:@/-]{0,12}$/);
    const ref = fc.oneof(part, fc.tuple(part, fc.constantFrom('', '/', ':', '@sha256:', '.'), part, fc.constantFrom('', ':1', '@sha256:' + 'f'.repeat(64))).map((p) => p.join('')));
    fc.assert(fc.property(ref, (r) => pattern.test(r) === (imageReferenceProblem(r) === undefined)), { numRuns: 3000 });
  });
});

describe('checkImageReferences', () => {
  it('locates each image the engine would refuse, and leaves one with ${VAR} to berth up', () => {
    const text = [
      'berth: 1',
      'repo: { name: demo }',
      'services:',
      '  ok: { image: "busybox:1" }',
      '  caps: { image: "Team/App" }',
      '  later: { image: "app:${TAG}" }',
      'devcontainer:',
      '  image: "pytorch/pytorch:2.2.0 cuda"',
      '',
    ].join('\n');
    const loaded = parseSpec(text, 'berth.yaml');
    const problems = checkImageReferences(loaded.value!, 'berth.yaml', loaded.source);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.code} ${p.severity} ${p.message}`)).toEqual([
      'berth.yaml:5:18 image-reference error service "caps": image "Team/App" is not an image reference the engine accepts: its name "Team/App" has capitals, which an image name cannot have',
      'berth.yaml:8:10 image-reference error the devcontainer: image "pytorch/pytorch:2.2.0 cuda" is not an image reference the engine accepts: it has white space',
    ]);
  });
});
