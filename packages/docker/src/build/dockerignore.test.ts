import { describe, expect, it } from 'vitest';
import { cleanPath, IgnoreMatcher, readIgnoreFile, withBuildFiles } from './dockerignore.js';

// The tables below are moby/patternmatcher's own tests (patternmatcher_test.go, ignorefile_test.go).
const single: [pattern: string, path: string, ignored: boolean][] = [
  ['**', 'file', true],
  ['**', 'file/', true],
  ['**/', 'file', true],
  ['**/', 'file/', true],
  ['**', '/', true],
  ['**/', '/', true],
  ['**', 'dir/file', true],
  ['**/', 'dir/file', true],
  ['**', 'dir/file/', true],
  ['**/', 'dir/file/', true],
  ['**/**', 'dir/file', true],
  ['**/**', 'dir/file/', true],
  ['dir/**', 'dir/file', true],
  ['dir/**', 'dir/file/', true],
  ['dir/**', 'dir/dir2/file', true],
  ['dir/**', 'dir/dir2/file/', true],
  ['**/dir', 'dir', true],
  ['**/dir', 'dir/file', true],
  ['**/dir2/*', 'dir/dir2/file', true],
  ['**/dir2/*', 'dir/dir2/file/', true],
  ['**/dir2/**', 'dir/dir2/dir3/file', true],
  ['**/dir2/**', 'dir/dir2/dir3/file/', true],
  ['**file', 'file', true],
  ['**file', 'dir/file', true],
  ['**/file', 'dir/file', true],
  ['**file', 'dir/dir/file', true],
  ['**/file', 'dir/dir/file', true],
  ['**/file*', 'dir/dir/file', true],
  ['**/file*', 'dir/dir/file.txt', true],
  ['**/file*txt', 'dir/dir/file.txt', true],
  ['**/file*.txt', 'dir/dir/file.txt', true],
  ['**/file*.txt*', 'dir/dir/file.txt', true],
  ['**/**/*.txt', 'dir/dir/file.txt', true],
  ['**/**/*.txt2', 'dir/dir/file.txt', false],
  ['**/*.txt', 'file.txt', true],
  ['**/**/*.txt', 'file.txt', true],
  ['a**/*.txt', 'a/file.txt', true],
  ['a**/*.txt', 'a/dir/file.txt', true],
  ['a**/*.txt', 'a/dir/dir/file.txt', true],
  ['a/*.txt', 'a/dir/file.txt', false],
  ['a/*.txt', 'a/file.txt', true],
  ['a/*.txt**', 'a/file.txt', true],
  ['a[b-d]e', 'ae', false],
  ['a[b-d]e', 'ace', true],
  ['a[b-d]e', 'aae', false],
  ['a[^b-d]e', 'aze', true],
  ['.*', '.foo', true],
  ['.*', 'foo', false],
  ['abc.def', 'abcdef', false],
  ['abc.def', 'abc.def', true],
  ['abc.def', 'abcZdef', false],
  ['abc?def', 'abcZdef', true],
  ['abc?def', 'abcdef', false],
  ['a\\\\', 'a\\', true],
  ['**/foo/bar', 'foo/bar', true],
  ['**/foo/bar', 'dir/foo/bar', true],
  ['**/foo/bar', 'dir/dir2/foo/bar', true],
  ['abc/**', 'abc', false],
  ['abc/**', 'abc/def', true],
  ['abc/**', 'abc/def/ghi', true],
  ['**/.foo', '.foo', true],
  ['**/.foo', 'bar.foo', false],
  ['a(b)c/def', 'a(b)c/def', true],
  ['a(b)c/def', 'a(b)c/xyz', false],
  ['a.|)$(}+{bc', 'a.|)$(}+{bc', true],
  ['dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true],
  ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true],
  ['a\\*b', 'a*b', true],
];

const multi: [patterns: string[], path: string, ignored: boolean][] = [
  [['**', '!util/docker/web'], 'util/docker/web/foo', false],
  [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', true],
  [['**', '!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
  [['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
  // and Docker's documented examples: later rules win, a directory takes its contents along
  [['*.md', '!README.md'], 'README.md', false],
  [['*.md', '!README.md', 'README*.md'], 'README-secret.md', true],
  [['*.md', 'README-secret.md', '!README*.md'], 'README-secret.md', false],
  [['docs', '!docs/README.md'], 'docs/README.md', false],
  [['docs', '!docs/README.md'], 'docs/other.md', true],
  [['docs/*', '!docs/README.md'], 'docs/README.md', false],
  [['!fileutils.go', '*.go'], 'fileutils.go', true],
  [['*.go', '!fileutils.go'], 'fileutils.go', false],
];

// Go's filepath.Match tests, through patternmatcher's Matches
const glob: [pattern: string, path: string, ignored: boolean][] = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', true],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', '-', true],
  ['[\\-x]', 'a', false],
  ['*x', 'xxx', true],
];
const malformed = ['[]a]', '[-]', '[x-]', '[-x]', '\\', '[a-b-c]', '[', '[^', '[^bc', 'a[', '!'];

/** What a walk sees: each parent's match info handed down, as moby's archive walk does. */
function walkMatch(m: IgnoreMatcher, file: string): boolean {
  const slash = file.lastIndexOf('/');
  const parents = slash > 0 ? file.slice(0, slash).split('/') : [];
  let info: boolean[] | undefined;
  for (let i = 1; i <= parents.length; i++) info = m.matchesWith(parents.slice(0, i).join('/'), info).info;
  const ignored = m.matchesWith(file, info).ignored;
  expect(m.ignores(file, info)).toBe(ignored);
  return ignored;
}

describe('.dockerignore matching (moby/patternmatcher)', () => {
  it.each(single)('%s against %s → %s', (pattern, path, ignored) => {
    const m = new IgnoreMatcher([pattern]);
    expect(m.matches(path)).toBe(ignored);
    expect(m.ignores(path, undefined)).toBe(ignored);
    expect(walkMatch(m, path)).toBe(ignored);
  });

  it.each(multi)('%j against %s → %s', (patterns, path, ignored) => {
    const m = new IgnoreMatcher(patterns);
    expect(m.matches(path)).toBe(ignored);
    expect(walkMatch(m, path)).toBe(ignored);
  });

  it.each(glob)('glob %s against %s → %s', (pattern, path, ignored) => {
    expect(new IgnoreMatcher([pattern]).matches(path)).toBe(ignored);
  });

  it.each(malformed)('refuses the malformed pattern %s', (pattern) => {
    expect(() => new IgnoreMatcher([pattern])).toThrow();
  });

  it('cleans patterns and drops empty ones; a negation anywhere is an exclusion', () => {
    expect(new IgnoreMatcher(['docs', 'config', '']).matches('config/x')).toBe(true);
    expect(new IgnoreMatcher(['docs', '  !docs/README.md']).exclusions).toBe(true);
    expect(new IgnoreMatcher(['docs', '!docs/README.md  ']).matches('docs/README.md')).toBe(false);
    expect(new IgnoreMatcher(['./a//b/../c/']).matches('a/c/file')).toBe(true);
  });

  it('descends into an ignored directory only for a negation that starts with it', () => {
    const m = new IgnoreMatcher(['vendor', '!vendor/keep/this.txt', 'docs', '!**/*.md']);
    expect(m.mustDescend('vendor')).toBe(true);
    expect(m.mustDescend('vendor/keep')).toBe(true);
    expect(m.mustDescend('vendor/other')).toBe(false);
    // a wildcard negation does not reopen a directory: Docker skips it whole
    expect(m.mustDescend('docs')).toBe(false);
    expect(new IgnoreMatcher(['vendor']).mustDescend('vendor')).toBe(false);
  });
});

describe('reading a .dockerignore (ignorefile.ReadAll)', () => {
  it('skips comments and blank lines, trims, cleans, drops a leading slash, keeps ! in front', () => {
    const text = '\uFEFFtest1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! \n  # not a comment\r\nx/../y/\n';
    expect(readIgnoreFile(text).map((r) => r.pattern)).toEqual(['test1', 'test2', 'a/file/here', 'lastfile', '!inverted/abs/path', '!', '!', '# not a comment', 'y']);
    expect(readIgnoreFile(text).map((r) => r.line)).toEqual([1, 2, 3, 5, 7, 8, 9, 10, 11]);
  });

  it("trims as Go's strings.TrimSpace does, and drops a BOM only at the start of the file", () => {
    // unicode.IsSpace: U+0085 (NEL), U+00A0, U+1680, U+2000-U+200A, U+2028/9, U+202F, U+205F, U+3000; not U+FEFF
    const text = '\uFEFFfirst\nfoo\u0085\n\uFEFFbar\n\u00A0nb\u3000\n\u2028\u2029\u200A\n!\u0085neg\n';
    expect(readIgnoreFile(text).map((r) => r.pattern)).toEqual(['first', 'foo', '\uFEFFbar', 'nb', '!neg']);
    // the audit's case: Docker leaves foo out and sends bar
    const m = new IgnoreMatcher(readIgnoreFile('foo\u0085\n\uFEFFbar\n').map((r) => r.pattern));
    expect([m.matches('foo'), m.matches('bar')]).toEqual([true, false]);
    // PatternMatcher trims each pattern the same way
    expect(new IgnoreMatcher(['\u0085foo\u0085']).matches('foo')).toBe(true);
    expect(new IgnoreMatcher(['\uFEFFfoo']).matches('foo')).toBe(false);
  });

  it('cleans paths as Go does', () => {
    expect(cleanPath('')).toBe('.');
    expect(cleanPath('a/./b//c/')).toBe('a/b/c');
    expect(cleanPath('../a/../../b')).toBe('../../b');
    expect(cleanPath('/../a')).toBe('/a');
    expect(cleanPath('/')).toBe('/');
  });
});

describe('the build files are always sent', () => {
  it('adds !.dockerignore and !<dockerfile> only when the file would exclude them', () => {
    expect(withBuildFiles(['node_modules'], 'Dockerfile')).toEqual(['node_modules']);
    expect(withBuildFiles(['*', '!src'], 'Dockerfile')).toEqual(['*', '!src', '!.dockerignore', '!Dockerfile']);
    expect(withBuildFiles(['docker'], 'docker/api.Dockerfile')).toEqual(['docker', '!docker/api.Dockerfile']);
    const m = new IgnoreMatcher(withBuildFiles(['docker'], 'docker/api.Dockerfile'));
    expect(m.matches('docker/api.Dockerfile')).toBe(false);
    expect(m.matches('docker/other')).toBe(true);
    expect(m.mustDescend('docker')).toBe(true);
  });
});
