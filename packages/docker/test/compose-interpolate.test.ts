import { describe, expect, it } from 'vitest';
import { interpolate, parseEnvFile } from '@berth/docker';

const env: Record<string, string> = { SET: 'value', EMPTY: '', PORT: '5000' };
const lookup = (n: string) => env[n];

describe('interpolate (Compose variable substitution)', () => {
  it.each([
    ['${SET}', 'value'],
    ['$SET-x', 'value-x'],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${UNSET-fallback}', 'fallback'],
    ['${SET:+alt}', 'alt'],
    ['${UNSET:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['cost $$5', 'cost $5'],
    ['${UNSET:-${PORT}}:80', '5000:80'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['a $ b', 'a $ b'],
  ])('%s -> %s', (text, expected) => {
    expect(interpolate(text, lookup).value).toBe(expected);
  });

  it('reports variables used without a default that are unset, and only those', () => {
    const r = interpolate('${A}/${B:-b}/$C/${SET:-${D}}', lookup);
    expect(r.value).toBe('/b//value');
    expect(r.unset).toEqual(['A', 'C']);
  });

  it('reports ${VAR:?message} and ${VAR?message} with the variable and the message', () => {
    expect(interpolate('${TOKEN:?set TOKEN in .env}', lookup).required).toEqual([{ name: 'TOKEN', message: 'set TOKEN in .env', at: 0 }]);
    expect(interpolate('at ${EMPTY:?needs a value}', lookup).required).toEqual([{ name: 'EMPTY', message: 'needs a value', at: 3 }]);
    expect(interpolate('${EMPTY?only when unset}', lookup).required).toEqual([]);
    expect(interpolate('${SET:?never}', lookup)).toMatchObject({ value: 'value', required: [] });
  });

  it('flags an unclosed reference as invalid instead of guessing', () => {
    expect(interpolate('${SET', lookup)).toMatchObject({ invalid: '${SET', invalidAt: 0 });
    expect(interpolate('ok ${}', lookup)).toMatchObject({ invalid: 'ok ${}', invalidAt: 3 });
    expect(interpolate('${SET:-${PORT}', lookup)).toMatchObject({ invalid: '${SET:-${PORT}', invalidAt: 0 });
  });
});

describe('parseEnvFile (.env)', () => {
  it('reads quotes, comments, export and references to earlier values and the environment', () => {
    const text = [
      '# comment',
      'export A=1',
      "B='literal ${A}'",
      'C="line\\nnext ${A}"',
      'D=plain # trailing comment',
      'E=${A}-${FROM_ENV}',
      'EMPTY=',
      'not a line',
    ].join('\n');
    expect(parseEnvFile(text, (n) => (n === 'FROM_ENV' ? 'env' : undefined))).toEqual({
      A: '1',
      B: 'literal ${A}',
      C: 'line\nnext 1',
      D: 'plain',
      E: '1-env',
      EMPTY: '',
    });
  });

  it('lets the process environment win over the file inside references', () => {
    expect(parseEnvFile('A=file\nB=${A}', (n) => (n === 'A' ? 'process' : undefined)).B).toBe('process');
  });
});
