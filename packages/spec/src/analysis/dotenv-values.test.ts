import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeEnv } from './analyze-env.js';
import { envOverDotEnv, readDotEnv, shellValue } from './dotenv-values.js';
import { parseSpec } from '../load/load.js';
import { loadEnvFile, loadEnvFiles } from '../load/env-file.js';
import { loadWorkspace } from '../load/workspace.js';

const read = (text: string, env: Record<string, string | undefined> = {}) => readDotEnv([{ file: '.env', text }], env);
const values = (text: string, env: Record<string, string | undefined> = {}) => ({ ...read(text, env).values });

describe('.env values interpolated as Compose does (readDotEnv)', () => {
  it.each([
    ['A=${SET}', 'value'],
    ['A=$SET/x', 'value/x'],
    ['A=${UNSET:-fallback}', 'fallback'],
    ['A=${EMPTY:-fallback}', 'fallback'],
    ['A=${EMPTY-fallback}', ''],
    ['A=${UNSET-fallback}', 'fallback'],
    ['A=${SET:?never}', 'value'],
    ['A=${EMPTY?only when unset}', ''],
    ['A=${SET:+alt}', 'alt'],
    ['A=${EMPTY:+alt}', ''],
    ['A=${EMPTY+alt}', 'alt'],
    ['A=${UNSET+alt}', ''],
    ['A=cost $$5', 'cost $5'],
    ['A=${UNSET}', ''],
    ['A=${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['A=a $ b', 'a $ b'],
  ])('%s -> %j', (line, expected) => {
    expect(values(line, { SET: 'value', EMPTY: '' }).A).toBe(expected);
  });

  it('interpolates unquoted and double-quoted values; single-quoted ones are literal', () => {
    const text = ['B=two', 'U=x-${B}', 'D="x-${B} \\$B $$B\\tend"', "S='x-${B} $B'", "Q='Let\\'s go ${B}'", 'E="a \\"${B}\\""'].join('\n');
    expect(values(text)).toEqual({ B: 'two', U: 'x-two', D: 'x-two $B $B\tend', S: 'x-${B} $B', Q: "Let's go ${B}", E: 'a "two"' });
  });

  it('reads earlier lines only, a later assignment wins, and the process env comes first', () => {
    expect(values('A=${B:-unset}\nB=file\nC=${B}\nB=again\nD=${B}')).toEqual({ A: 'unset', B: 'again', C: 'file', D: 'again' });
    expect(values('B=file\nC=${B}\nD=${B:?never}', { B: 'shell' })).toEqual({ B: 'file', C: 'shell', D: 'shell' });
    expect(values('B=file\nC=${B:-default}', { B: '' })).toEqual({ B: 'file', C: 'default' });
    expect(values('B=file\nC=${B-default}', { B: '' })).toEqual({ B: 'file', C: '' });
  });

  it('several files merge in order: each reads the earlier ones, the later one wins', () => {
    const r = readDotEnv(
      [
        { file: 'a.env', text: 'HOST=db\nPORT=5432\nURL=postgres://${HOST}:${PORT}' },
        { file: 'b.env', text: 'PORT=6543\nURL2=postgres://${HOST}:${PORT}' },
      ],
      {},
    );
    expect({ ...r.values }).toEqual({ HOST: 'db', PORT: '6543', URL: 'postgres://db:5432', URL2: 'postgres://db:6543' });
    expect({ ...r.files }).toEqual({ HOST: 'a.env', PORT: 'b.env', URL: 'a.env', URL2: 'b.env' });
    expect({ ...r.lines }).toEqual({ HOST: 1, PORT: 1, URL: 3, URL2: 2 });
  });

  it('a failed ${VAR:?message} or ${VAR?message} is an error at the reference, naming the variable and the message', () => {
    const r = read('OK=1\nX=pre-${NEED:?set NEED first}\nY= ${EMPTY?unused}${UNSET?gone}', { EMPTY: '' });
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'env-file-required', severity: 'error', file: '.env', line: 2, col: 7, message: 'X: required variable NEED is missing a value: set NEED first' }),
      expect.objectContaining({ code: 'env-file-required', severity: 'error', file: '.env', line: 3, col: 19, message: 'Y: required variable UNSET is missing a value: gone' }),
    ]);
  });

  it('text that is no valid interpolation is an error at its ${, the value never quoted', () => {
    const secret = 'S3cr3tXYZ123';
    const r = read(`GOOD=1\nA=${secret}\${oops\nB="${secret}\\n\${}"\nC=\${X:-\${Y}`);
    expect(r.problems.map((p) => [p.code, p.line, p.col])).toEqual([
      ['env-file-interpolation', 2, 15],
      ['env-file-interpolation', 3, 18],
      ['env-file-interpolation', 4, 3],
    ]);
    expect(r.problems[0]!.message).toBe('A: invalid interpolation: this ${ is not closed, or names no variable');
    expect(JSON.stringify(r.problems)).not.toContain(secret);
  });

  it('a value nested deeper than Compose-style interpolation allows says so, not that a ${ is unclosed', () => {
    const deep = `${'${A:-'.repeat(70)}x${'}'.repeat(70)}`;
    const r = read(`DEEP=${deep}\n`);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'env-file-interpolation', line: 1, message: 'DEEP: invalid interpolation: ${...} nested more than 64 levels deep' });
  });

  it('a problem inside a double-quoted value that spans lines is at its own line and column', () => {
    const r = read('FIRST=1\nCERT="-----BEGIN-----\nabc\\t\n  ${KEY:?the key}\n-----END-----"\nAFTER=${CERT:+ok}');
    expect(r.problems).toEqual([expect.objectContaining({ code: 'env-file-required', line: 4, col: 3, message: 'CERT: required variable KEY is missing a value: the key' })]);
    expect(r.values.AFTER).toBe('ok');
  });

  it('a quote never closed is one error at the quote, and the lines after it are still read', () => {
    const r = read('GREETING="hello world\nAPP_DB_URL=http://db:5000\nAPP_TOKEN=S3cr3tXYZ123\n');
    expect(r.problems).toEqual([
      { code: 'env-file-quote', severity: 'error', file: '.env', line: 1, col: 10, message: 'unterminated quoted value: the quote opened here is never closed', hint: 'close it: Compose refuses the file' },
    ]);
    expect({ ...r.values }).toEqual({ APP_DB_URL: 'http://db:5000', APP_TOKEN: 'S3cr3tXYZ123' });
    expect(JSON.stringify(r.problems)).not.toContain('hello');
  });

  it("takes a process-env value that is the file's own uninterpolated text for Node's copy of the file (nodejs/node#54232)", () => {
    const text = 'B=${X:-4}\nC=x$${B}\nD=plain';
    // Node loaded B, C and D as written; a shell value of its own still wins
    const env = { B: '${X:-4}', C: 'x$${B}', D: 'plain', SHELL_ONLY: '1' };
    const r = read(text, env);
    expect({ ...r.values }).toEqual({ B: '4', C: 'x${B}', D: 'plain' });
    expect(shellValue(env, 'B', r.written)).toBeUndefined();
    expect(shellValue({ B: '7' }, 'B', r.written)).toBe('7');
    expect(shellValue(env, 'D', r.written)).toBe('plain');
    expect({ ...envOverDotEnv(env, r) }).toEqual({ B: '4', C: 'x${B}', D: 'plain', SHELL_ONLY: '1' });
    expect(values('A=${B}-y\nB=${X:-4}', env).A).toBe('-y');
  });
});

describe('loading .env files (loadEnvFile, loadEnvFiles, loadWorkspace)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-dotenv-values-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const SPEC = 'berth: 1\nrepo: { name: r1 }\nservices: {}\nenv:\n  SEMOPS_DB_URL: { type: url, required: true }\n  QDRANT_URL: { type: url }\n  WORKERS: { type: int }\n';

  it('the loader gives the interpolated values, so the env check judges what Compose would pass', () => {
    writeFileSync(join(dir, 'berth.yaml'), SPEC);
    writeFileSync(join(dir, '.env'), 'SEMOPS_DB_URL=postgres://app@${DB_HOST:-localhost}:5434/semops\nQDRANT_URL=${QDRANT_BASE:-http://localhost:6333}\nWORKERS=${NPROC:-4}\n');
    const ws = loadWorkspace({ specPath: 'berth.yaml', cwd: dir, env: {} });
    expect(ws.problems).toEqual([]);
    expect({ ...ws.env!.values }).toEqual({ SEMOPS_DB_URL: 'postgres://app@localhost:5434/semops', QDRANT_URL: 'http://localhost:6333', WORKERS: '4' });
    const report = analyzeEnv(parseSpec(SPEC).value!, { env: {}, envFile: ws.env! });
    expect(report.problems).toEqual([]);
    // Node's own copy of the file (`node --env-file`) changes nothing
    const copied = analyzeEnv(parseSpec(SPEC).value!, { env: { WORKERS: '${NPROC:-4}' }, envFile: ws.env! });
    expect(copied.problems).toEqual([]);
    expect(copied.vars.find((v) => v.name === 'WORKERS')).toMatchObject({ source: 'env-file', valid: true });
    expect(loadWorkspace({ specPath: 'berth.yaml', cwd: dir, env: { NPROC: 'many' } }).env!.values.WORKERS).toBe('many');
  });

  it('a .env Compose refuses fails the load: every error at its line, the command reports bad input', () => {
    writeFileSync(join(dir, '.env'), 'A=abc${oops\nX=${Y:?need Y}\n');
    const ws = loadWorkspace({ specPath: 'berth.yaml', cwd: dir, env: {} });
    expect(ws.failed).toBe('env');
    expect(ws.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`)).toEqual([
      '.env:1:6: A: invalid interpolation: this ${ is not closed, or names no variable',
      '.env:2:3: X: required variable Y is missing a value: need Y',
    ]);
  });

  it('several files: merged in order, each name with its own file and line; a missing named one is an error naming its flag', () => {
    writeFileSync(join(dir, 'a.env'), 'APP_DB_URL=http://a\nHOST=a\n');
    writeFileSync(join(dir, 'b.env'), 'OTHER=1\nHOST=b\nURL=http://${HOST}\n');
    const r = loadEnvFiles([{ path: 'a.env', from: '--dotenv' }, { path: 'b.env', from: '--env-file' }], { cwd: dir, env: {} });
    expect(r.problems).toEqual([]);
    expect(r.env).toMatchObject({ file: 'a.env, b.env', path: join(dir, 'b.env') });
    expect({ ...r.env!.values }).toEqual({ APP_DB_URL: 'http://a', HOST: 'b', OTHER: '1', URL: 'http://b' });
    expect({ ...r.env!.files }).toEqual({ APP_DB_URL: 'a.env', HOST: 'b.env', OTHER: 'b.env', URL: 'b.env' });
    expect({ ...r.env!.lines }).toEqual({ APP_DB_URL: 1, HOST: 2, OTHER: 1, URL: 3 });
    expect(loadEnvFiles([{ path: 'a.env', from: '--dotenv' }, { path: 'gone.env', from: '--dotenv' }], { cwd: dir }).problems).toEqual([
      { code: 'file-not-found', severity: 'error', file: 'gone.env', message: 'no such file (from --dotenv)' },
    ]);
    expect(loadEnvFile('a.env', { cwd: dir }).env!.files).toBeUndefined();
  });
});
