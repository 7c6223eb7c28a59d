import { describe, expect, it } from 'vitest';
import { parseDotEnv, parseDotEnvEntries } from './dotenv.js';

describe('parseDotEnv', () => {
  it('reads Compose-style .env files', () => {
    const text = [
      '# comment',
      '',
      'A=1',
      'export B = two words ',
      'C="quoted # not a comment\\nnext"',
      "D='single $NOT ${EXPANDED}'",
      'E=value # inline comment',
      'F=value#kept',
      'G=',
      'H="multi',
      'line"',
      'A=last wins',
    ].join('\n');
    expect(parseDotEnv(text)).toEqual({ A: 'last wins', B: 'two words', C: 'quoted # not a comment\nnext', D: 'single $NOT ${EXPANDED}', E: 'value', F: 'value#kept', G: '', H: 'multi\nline' });
    expect(parseDotEnvEntries(text).entries.map((e) => [e.name, e.line])).toEqual([
      ['A', 3],
      ['B', 4],
      ['C', 5],
      ['D', 6],
      ['E', 7],
      ['F', 8],
      ['G', 9],
      ['H', 10],
      ['A', 12],
    ]);
  });
  it('reports malformed lines by number without their text, and skips bare names', () => {
    const r = parseDotEnvEntries('OK=1\nthis is = not right\nBARE\nX="unterminated\r\n');
    expect(r.entries.map((e) => e.name)).toEqual(['OK']);
    expect(r.invalidLines).toEqual([2]);
    expect(r.unterminated).toEqual([{ line: 4, col: 3 }]);
  });

  it('a quote never closed is reported at the quote and swallows no later line', () => {
    const r = parseDotEnvEntries("GREETING=\"hello world\nAPP_DB_URL=http://db:5000\nexport  NOTE = 'it\\'s\nAPP_TOKEN=S3cr3tXYZ123\n");
    expect(r.unterminated).toEqual([
      { line: 1, col: 10 },
      { line: 3, col: 16 },
    ]);
    expect(r.entries.map((e) => [e.name, e.value, e.line])).toEqual([
      ['APP_DB_URL', 'http://db:5000', 2],
      ['APP_TOKEN', 'S3cr3tXYZ123', 4],
    ]);
  });

  it("reads a quote escaped with a backslash inside single quotes as Compose does ('Let\\'s go!')", () => {
    expect(parseDotEnv("A='Let\\'s go!'\nB='a\\b'\nC=next")).toEqual({ A: "Let's go!", B: 'a\\b', C: 'next' });
  });
});
