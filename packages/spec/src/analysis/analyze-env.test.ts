import { describe, expect, it } from 'vitest';
import { formatProblem } from '../problem.js';
import { analyzeEnv, analyzeEnvironment } from './analyze-env.js';
import { analyzePorts } from './analyze-ports.js';
import { registryFrom, specFrom } from './fixtures.test-helpers.js';

const SPEC = `berth: 1
repo: { name: app }
modules:
  coherence: {}
  lineage: {}
services:
  web:
    ports: [{ host: 8080, env: WEB_PORT }]
env:
  OPENAI_API_KEY: { secret: true, required: { module: coherence } }
  DATABASE_URL: { type: url, required: always }
  WORKERS: { type: int, default: 4 }
  DEBUG: { type: bool }
  LOG_LEVEL: { type: enum, values: [debug, info, warn] }
  REGION: { pattern: "^[a-z]+-[0-9]$" }
  API_TOKEN: { secret: true, type: int, required: never }
`;
const input = specFrom(SPEC);
const run = (env: Record<string, string>, opts: { modules?: string[]; file?: Record<string, string>; lines?: Record<string, number> } = {}) =>
  analyzeEnv(input.spec, { env, modules: opts.modules, file: input.file, source: input.source, ...(opts.file ? { envFile: { file: '.env', values: opts.file, lines: opts.lines } } : {}) });
const GOOD = { DATABASE_URL: 'postgres://db:5432/app' };

describe('analyzeEnv', () => {
  it('is clean with the required variables set, and reports every variable without a value', () => {
    const r = run(GOOD);
    expect(r.problems).toEqual([]);
    expect(r.vars.find((v) => v.name === 'WORKERS')).toEqual({ name: 'WORKERS', required: false, secret: false, set: true, valid: true, source: 'default' });
    expect(r.vars.map((v) => v.name)).toEqual(['OPENAI_API_KEY', 'DATABASE_URL', 'WORKERS', 'DEBUG', 'LOG_LEVEL', 'REGION', 'API_TOKEN', 'WEB_PORT']);
  });
  it('requires module variables only when their module is enabled', () => {
    expect(run(GOOD, { modules: ['lineage'] }).problems).toEqual([]);
    expect(run(GOOD, { modules: ['coherence'] }).problems.map(formatProblem)).toEqual([
      'berth.yaml:10:3: OPENAI_API_KEY is required by module coherence but not set (set it in the environment or in .env)',
    ]);
  });
  it('reports a missing always-required variable and an empty one', () => {
    expect(run({}).problems.map((p) => p.code)).toEqual(['env-missing']);
    expect(run({}, { file: { DATABASE_URL: '' }, lines: { DATABASE_URL: 2 } }).problems.map(formatProblem)).toEqual(['.env:2:1: DATABASE_URL is required always but empty in .env']);
  });
  it('checks url, port, int, bool, enum and pattern', () => {
    const r = run({ DATABASE_URL: 'not a url', WEB_PORT: '99999', WORKERS: '4.5', DEBUG: 'maybe', LOG_LEVEL: 'trace', REGION: 'EU' });
    expect(r.problems.map((p) => `${p.code} ${p.message}`)).toEqual([
      'env-type DATABASE_URL (set in the environment) is not a URL (expected scheme://host..., such as http://localhost:5000)',
      'env-type WORKERS (set in the environment) is not a whole number',
      'env-type DEBUG (set in the environment) is not a boolean (true/false, 1/0, yes/no, on/off)',
      'env-type LOG_LEVEL (set in the environment) is not one of debug, info, warn',
      'env-type REGION (set in the environment) does not match the pattern ^[a-z]+-[0-9]$',
      'env-type WEB_PORT (set in the environment) is not a port number (1-65535)',
    ]);
    expect(run({ ...GOOD, WEB_PORT: '8080', WORKERS: '-3', DEBUG: 'On', LOG_LEVEL: 'info', REGION: 'eu-1' }).problems).toEqual([]);
  });
  it('judges a default the app gets (nothing sets the variable) as a set value is judged, at the default in the spec', () => {
    const odd = specFrom(SPEC.replace('WORKERS: { type: int, default: 4 }', 'WORKERS: { type: int, default: abc }'));
    const r = analyzeEnv(odd.spec, { env: GOOD, file: odd.file, source: odd.source });
    expect(r.problems.map(formatProblem)).toEqual(['berth.yaml:12:34: WORKERS: the default is not a whole number']);
    expect(r.vars.find((v) => v.name === 'WORKERS')).toMatchObject({ set: true, valid: false, source: 'default', reason: 'the default is not a whole number' });
    // set in the environment, the default is not what the app gets
    expect(analyzeEnv(odd.spec, { env: { ...GOOD, WORKERS: '8' }, file: odd.file, source: odd.source }).problems).toEqual([]);
  });
  it('lets the process env win over the .env file, as Compose does', () => {
    const r = run({ DATABASE_URL: 'http://ok' }, { file: { DATABASE_URL: 'broken' } });
    expect(r.problems).toEqual([]);
    expect(r.vars.find((v) => v.name === 'DATABASE_URL')!.source).toBe('env');
  });
  it('points a typo in the .env file at its line and hints it on the missing variable', () => {
    const r = run(GOOD, { modules: ['coherence'], file: { OPENAI_APIKEY: 'sk-abc' }, lines: { OPENAI_APIKEY: 4 } });
    expect(r.problems.map(formatProblem)).toEqual([
      'berth.yaml:10:3: OPENAI_API_KEY is required by module coherence but not set (OPENAI_APIKEY (in .env) looks like a typo of it)',
      '.env:4:1: warning: OPENAI_APIKEY (in .env) is not in the env schema; did you mean OPENAI_API_KEY? (rename it to OPENAI_API_KEY (a secret))',
    ]);
  });
  it('is strict about typos in the process env, which holds many unrelated names', () => {
    expect(run({ ...GOOD, LOGLEVEL: 'x', PATH: '/bin', HOME: '/root', DEBUX: '1' }).problems.map((p) => p.message)).toEqual(['LOGLEVEL (in the environment) is not in the env schema; did you mean LOG_LEVEL?']);
  });
  it('never puts a value in the report, not even of a secret of the wrong type', () => {
    const secret = 'sk-live-THIS-MUST-NOT-LEAK';
    const r = run({ ...GOOD, API_TOKEN: secret, OPENAI_API_KEY: secret }, { modules: ['coherence'], file: { OPENAI_APIKEY: secret, DATABASE_URL: secret } });
    expect(r.problems.map((p) => p.code)).toContain('env-type');
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(JSON.stringify(r)).not.toContain('LEAK');
  });
  it('rejects an unknown module with a did-you-mean', () => {
    expect(run(GOOD, { modules: ['coherense'] }).problems.map(formatProblem)).toEqual(['--module: module "coherense" does not exist (did you mean "coherence"?)']);
  });
});

describe('a bad value of a port variable, reported once', () => {
  const registry = registryFrom('registry: 1\nowner: orchestrator\nports:\n  - { port: 8080, repo: app, service: web, env: WEB_PORT }\n');
  it('by the port analysis, which names the port the registry gives; the env analysis yields to it and still marks it invalid', () => {
    const file = { WEB_PORT: '8080x' };
    const ports = analyzePorts({ specs: [input], registry, env: file, envOrigins: { WEB_PORT: { file: '.env', line: 2, col: 1 } } });
    expect(ports.envCarriers).toEqual(['WEB_PORT']);
    const env = analyzeEnv(input.spec, { env: GOOD, envFile: { file: '.env', values: file, lines: { WEB_PORT: 2 } }, file: input.file, source: input.source, portCarriers: ports.envCarriers });
    const problems = [...env.problems, ...ports.problems.filter((p) => p.code.startsWith('port-env-'))];
    expect(problems.map(formatProblem)).toEqual(['.env:2:1: WEB_PORT (set in .env) is not a port number; the registry gives app/web port 8080']);
    expect(env.vars.find((v) => v.name === 'WEB_PORT')).toMatchObject({ valid: false, reason: 'is not a port number (1-65535)' });
  });
  it('by the env analysis when no port analysis judges the variable', () => {
    expect(run(GOOD, { file: { WEB_PORT: '8080x' }, lines: { WEB_PORT: 2 } }).problems.map(formatProblem)).toEqual(['.env:2:1: WEB_PORT (set in .env) is not a port number (1-65535)']);
  });
});

describe('variables required under a Compose profile', () => {
  const profiled = specFrom(`berth: 1
repo: { name: app }
profiles:
  preview: {}
  lineage: {}
services:
  web: { ports: [{ host: 8080, env: WEB_PORT }] }
  preview: { profiles: [preview], ports: [{ host: 8090, env: PREVIEW_PORT }] }
env:
  APP_DB_URL: { type: url, required: true }
  PREVIEW_TOKEN: { secret: true, required: { profile: preview } }
  MARQUEZ_DB_URL: { type: url, required: { profile: [lineage, preview] } }
  WORKERS: { type: int }
`);
  const GOOD_APP = { APP_DB_URL: 'postgres://db/app' };
  const analyze = (env: Record<string, string>, opts: { profiles?: string[]; requiredOnly?: boolean; file?: Record<string, string>; lines?: Record<string, number> } = {}) =>
    analyzeEnv(profiled.spec, {
      env,
      ...(opts.profiles ? { profiles: opts.profiles } : {}),
      ...(opts.requiredOnly ? { requiredOnly: true } : {}),
      file: profiled.file,
      source: profiled.source,
      ...(opts.file ? { envFile: { file: '.env', values: opts.file, lines: opts.lines ?? {} } } : {}),
    });

  it('are required only while one of their profiles is on, and all of them under *', () => {
    expect(analyze(GOOD_APP).problems).toEqual([]);
    expect(analyze(GOOD_APP, { profiles: ['lineage'] }).problems.map(formatProblem)).toEqual(['berth.yaml:12:3: MARQUEZ_DB_URL is required by profile lineage but not set (set it in the environment or in .env)']);
    expect(analyze(GOOD_APP, { profiles: ['*'] }).problems.map(formatProblem)).toEqual([
      'berth.yaml:11:3: PREVIEW_TOKEN is required by profile preview but not set (set it in the environment or in .env)',
      'berth.yaml:12:3: MARQUEZ_DB_URL is required by profile lineage, preview but not set (set it in the environment or in .env)',
    ]);
    const r = analyze(GOOD_APP, { profiles: ['preview'] });
    expect(r.profiles).toEqual(['preview']);
    expect(r.vars.find((v) => v.name === 'PREVIEW_TOKEN')).toEqual({ name: 'PREVIEW_TOKEN', required: true, secret: true, set: false, valid: false, profiles: ['preview'], reason: 'required by profile preview but not set' });
    expect(analyze(GOOD_APP).vars.find((v) => v.name === 'PREVIEW_TOKEN')).toEqual({ name: 'PREVIEW_TOKEN', required: false, secret: true, set: false, valid: true, profiles: ['preview'] });
  });

  it('with only what is required judged (up), leave an optional variable of the wrong type, and typos, to env check', () => {
    const env = { ...GOOD_APP, WORKERS: 'many', PREVIEW_TOKN: 'x' };
    expect(analyze(env).problems.map((p) => p.code)).toEqual(['env-type', 'env-typo']);
    expect(analyze(env, { requiredOnly: true }).problems).toEqual([]);
    expect(analyze({ APP_DB_URL: 'notaurl' }, { requiredOnly: true }).problems.map(formatProblem)).toEqual(['berth.yaml:10:3: APP_DB_URL (set in the environment) is not a URL (expected scheme://host..., such as http://localhost:5000)']);
    expect(analyze(GOOD_APP, { requiredOnly: true, profiles: ['preview'], file: { PREVIEW_TOKEN: '' }, lines: { PREVIEW_TOKEN: 3 } }).problems.map(formatProblem)).toEqual([
      '.env:3:1: PREVIEW_TOKEN is required by profile preview but empty in .env',
      'berth.yaml:12:3: MARQUEZ_DB_URL is required by profile preview but not set (set it in the environment or in .env)',
    ]);
  });
});

describe('an empty required value', () => {
  it('is said where it comes from: the environment, which wins over the .env line, or the .env line', () => {
    expect(run({ DATABASE_URL: '' }).problems.map(formatProblem)).toEqual(['berth.yaml:11:3: DATABASE_URL is required always but set empty in the environment']);
    expect(run({ DATABASE_URL: '' }, { file: { DATABASE_URL: 'postgres://db/app' }, lines: { DATABASE_URL: 1 } }).problems.map(formatProblem)).toEqual([
      'berth.yaml:11:3: DATABASE_URL is required always but set empty in the environment, which wins over .env:1',
    ]);
    expect(run({}, { file: { DATABASE_URL: '' }, lines: { DATABASE_URL: 2 } }).problems.map(formatProblem)).toEqual(['.env:2:1: DATABASE_URL is required always but empty in .env']);
  });
});

describe('analyzeEnvironment: the env schema and the ports\' variables, each bad value said once', () => {
  const two = specFrom(`berth: 1
repo: { name: app }
services:
  web: { ports: [{ host: 8080, env: WEB_PORT }] }
  worker: { ports: [{ host: 8081, env: WORKER_PORT }] }
env:
  DATABASE_URL: { type: url, required: true }
`);
  const envFile = { file: '.env', values: { WEB_PORT: '9090', WORKER_PORT: 'abc' }, lines: { WEB_PORT: 1, WORKER_PORT: 2 } };
  it('holds every service\'s port variables to their ports, at the .env line, with validate\'s words', () => {
    const r = analyzeEnvironment({ spec: two, env: { DATABASE_URL: 'postgres://db/app' }, envFile });
    expect(r.problems.map(formatProblem)).toEqual([
      '.env:1:1: WEB_PORT (set in .env) disagrees with the spec, which gives app/web port 8080 (set WEB_PORT=8080, or register the port you use)',
      '.env:2:1: WORKER_PORT (set in .env) is not a port number; the spec gives app/worker port 8081',
    ]);
    expect(r.report.vars.find((v) => v.name === 'WORKER_PORT')).toMatchObject({ valid: false });
  });
  it('holds only the services named (those up starts) to their ports; another\'s variable is judged by the env schema alone', () => {
    const r = analyzeEnvironment({ spec: two, env: { DATABASE_URL: 'postgres://db/app' }, envFile, services: ['web'] });
    expect(r.problems.map(formatProblem)).toEqual([
      '.env:2:1: WORKER_PORT (set in .env) is not a port number (1-65535)',
      '.env:1:1: WEB_PORT (set in .env) disagrees with the spec, which gives app/web port 8080 (set WEB_PORT=8080, or register the port you use)',
    ]);
    // what up asks: only the required, and the ports of what it starts
    expect(analyzeEnvironment({ spec: two, env: { DATABASE_URL: 'postgres://db/app' }, envFile, services: ['web'], requiredOnly: true }).problems.map((p) => p.code)).toEqual(['port-env-mismatch']);
    expect(analyzeEnvironment({ spec: two, env: { DATABASE_URL: 'postgres://db/app', WEB_PORT: '8080' }, envFile, services: ['web'], requiredOnly: true }).problems).toEqual([]);
  });
});
