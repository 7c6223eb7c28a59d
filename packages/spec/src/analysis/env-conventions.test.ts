import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadSpecFile } from '../load/load.js';
import { formatProblem } from '../problem.js';
import { checkEnvConventions, toUpperSnake } from './env-conventions.js';
import { checkEnvSchema } from './env-schema-checks.js';
import { specFrom } from './fixtures.test-helpers.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const CONVENTIONS = `conventions:
  env:
    - { prefix: SEMOPS_DB_, purpose: application database config, scope: application }
    - { prefix: POSTGRES_, purpose: Supabase container config, scope: container }
`;
const spec = (env: string, services = '{}') => specFrom(`berth: 1\nrepo: { name: app }\nservices: ${services}\n${CONVENTIONS}env:\n${env}`);
const conventions = (env: string, services?: string) => {
  const s = spec(env, services);
  return checkEnvConventions(s.spec, s.file, s.source);
};

describe('checkEnvConventions', () => {
  it('finds nothing wrong in the bundled example', () => {
    const s = loadSpecFile('examples/semops-data/berth.yaml', root);
    expect(checkEnvConventions(s.value!, s.file, s.source)).toEqual([]);
    expect(checkEnvSchema(s.value!, s.file, s.source)).toEqual([]);
  });
  it('wants UPPER_SNAKE_CASE, and says the name to use', () => {
    expect(conventions('  openaiApiKey: { secret: true }\n').map(formatProblem)).toEqual(['berth.yaml:9:3: warning: openaiApiKey is not UPPER_SNAKE_CASE (name it OPENAI_API_KEY)']);
    expect(toUpperSnake('semops-db.host')).toBe('SEMOPS_DB_HOST');
  });
  it('keeps a container prefix out of the application schema unless a service passes it on', () => {
    expect(conventions('  POSTGRES_HOST: {}\n').map(formatProblem)).toEqual([
      'berth.yaml:9:3: warning: POSTGRES_HOST uses POSTGRES_ (Supabase container config, read by a container), but no service passes it to a container (application settings use SEMOPS_DB_ (application database config))',
    ]);
    expect(conventions('  POSTGRES_PASSWORD: { secret: true }\n', '\n  db:\n    environment: { POSTGRES_PASSWORD: "${POSTGRES_PASSWORD}" }')).toEqual([]);
  });
  it('catches near misses of a declared prefix, synonyms included', () => {
    expect(conventions('  SEMOPS_DATABASE_HOST: {}\n  SEMOP_DB_USER: {}\n').map((p) => p.hint)).toEqual(['name it SEMOPS_DB_HOST', 'name it SEMOPS_DB_USER']);
  });
  it('asks for secrets to be marked and types to follow the suffix', () => {
    expect(conventions('  STRIPE_API_KEY: {}\n  GITHUB_TOKEN: {}\n  SSH_PUBLIC_KEY: {}\n  WEB_PORT: {}\n  SEMOPS_DB_URL: {}\n').map((p) => `${p.code} ${p.message.split(' ')[0]}`)).toEqual([
      'env-secret-unmarked STRIPE_API_KEY',
      'env-secret-unmarked GITHUB_TOKEN',
      'env-type-convention WEB_PORT',
      'env-type-convention SEMOPS_DB_URL',
    ]);
  });
  it('says what an unmarked secret costs without claiming berth prints it (no value is ever printed)', () => {
    expect(conventions('  GITHUB_TOKEN: {}\n').map(formatProblem)).toEqual([
      'berth.yaml:9:3: warning: GITHUB_TOKEN looks like a secret but is not marked secret: .env.example and env check treat it as an ordinary variable, though berth hides its value by the name (add `secret: true`)',
    ]);
  });
});

describe('checkEnvSchema', () => {
  it('reports defaults of the wrong type, broken patterns, secret defaults and port vars of another type', () => {
    const s = specFrom(`berth: 1
repo: { name: app }
services:
  web:
    ports: [{ host: 8080, env: WEB_PORT }]
env:
  WORKERS: { type: int, default: many }
  NAME: { pattern: "([a-z" }
  TOKEN: { secret: true, default: abc }
  WEB_PORT: { type: int, default: 8081 }
`);
    expect(checkEnvSchema(s.spec, s.file, s.source).map(formatProblem)).toEqual([
      'berth.yaml:7:34: WORKERS: the default is not a whole number',
      'berth.yaml:8:20: NAME: pattern is not a valid regular expression',
      'berth.yaml:9:35: TOKEN is secret, so it must not have a default (it would sit in the spec and in .env.example)',
      'berth.yaml:10:21: WEB_PORT carries the port of web, but is declared type int (declare `type: port`)',
      'berth.yaml:10:35: WEB_PORT: the default is not the port web publishes (8080)',
    ]);
  });
});
