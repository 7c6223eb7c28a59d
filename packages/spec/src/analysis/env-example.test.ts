import { describe, expect, it } from 'vitest';
import { renderEnvExample } from './env-example.js';
import { parseDotEnv } from './dotenv.js';
import { specFrom } from './fixtures.test-helpers.js';

describe('renderEnvExample', () => {
  const s = specFrom(`berth: 1
repo: { name: app }
modules:
  ai: { description: Model calls }
services:
  web: { ports: [{ host: 8080, env: WEB_PORT, description: Web UI }] }
env:
  OPENAI_API_KEY: { purpose: Embeddings, secret: true, required: { module: ai } }
  LOG_LEVEL: { purpose: Verbosity, type: enum, values: [debug, info], default: info }
  GREETING: { purpose: Shown on start, example: "hello # world" }
  DATABASE_URL: { type: url, required: true }
`);
  const text = renderEnvExample(s.spec, { specFile: 'berth.yaml' });
  it('groups variables by module, with purposes as comments', () => {
    expect(text).toBe(`# .env.example for app, written by \`berth env example\` from berth.yaml.
# Copy it to .env and fill it in. Secrets are left blank here: never commit their values.

# ---- General ----
# Verbosity (enum, optional)
# one of: debug, info
LOG_LEVEL=info

# Shown on start (optional)
GREETING="hello # world"

# no purpose given (url, required)
DATABASE_URL=

# ---- Module ai: Model calls ----
# Embeddings (secret, required when module ai is enabled)
OPENAI_API_KEY=

# ---- Ports (the port registry is the authority) ----
# port of Web UI (web) (port, optional)
WEB_PORT=8080
`);
  });
  it('reads back as a .env file with secrets blank', () => {
    expect(parseDotEnv(text)).toEqual({ LOG_LEVEL: 'info', GREETING: 'hello # world', DATABASE_URL: '', OPENAI_API_KEY: '', WEB_PORT: '8080' });
  });

  it('leaves blank a variable whose name looks secret or that a secret refers to, marked secret or not, and hides a secret written inside a value', () => {
    const values = ['sk-live-4f9a8b7c6d5e4f3a2b1c', 'pubpass123', 'ExamplePw99', 'tok_ABCDEF123456', 'dbpass-from-service'];
    const e = specFrom(`berth: 1
repo: { name: app }
services:
  db: { image: postgres, environment: { POSTGRES_PASSWORD: "\${DB_PASS}" } }
env:
  SEMOPS_API_TOKEN: { default: ${values[0]} }
  SEMOPS_DB_URL: { type: url, default: "postgresql://publisher:${values[1]}@localhost:5434/semops" }
  DATABASE_URL: { type: url, example: "postgres://report:${values[2]}@localhost:5434/semops" }
  HOOK_URL: { type: url, example: "https://hooks.example.com/in?token=${values[3]}&channel=ops" }
  DB_PASS: { default: ${values[4]} }
  LOG_LEVEL: { default: info }
`);
    const out = renderEnvExample(e.spec);
    expect(parseDotEnv(out)).toEqual({
      SEMOPS_API_TOKEN: '',
      SEMOPS_DB_URL: 'postgresql://publisher:[redacted]@localhost:5434/semops',
      DATABASE_URL: 'postgres://report:[redacted]@localhost:5434/semops',
      HOOK_URL: 'https://hooks.example.com/in?token=[redacted]&channel=ops',
      DB_PASS: '',
      LOG_LEVEL: 'info',
    });
    expect(out).toContain('# no purpose given (secret, optional)\nSEMOPS_API_TOKEN=\n');
    for (const v of values) expect(out).not.toContain(v);
  });

  it('groups variables required under a Compose profile by profile, each after the modules', () => {
    const p = specFrom(`berth: 1
repo: { name: app }
modules:
  ai: {}
profiles:
  preview: { description: Preview server }
  lineage: {}
env:
  PREVIEW_TOKEN: { purpose: Preview auth, secret: true, required: { profile: preview } }
  MARQUEZ_DB_URL: { type: url, required: { profile: [lineage, preview] }, example: "postgres://localhost/marquez" }
  OPENAI_API_KEY: { secret: true, required: { module: ai } }
`);
    expect(renderEnvExample(p.spec)).toBe(`# .env.example for app, written by \`berth env example\`.
# Copy it to .env and fill it in. Secrets are left blank here: never commit their values.

# ---- Module ai ----
# no purpose given (secret, required when module ai is enabled)
OPENAI_API_KEY=

# ---- Profile preview: Preview server ----
# Preview auth (secret, required when profile preview is on)
PREVIEW_TOKEN=

# ---- Profile lineage ----
# no purpose given (url, required when any of the profiles lineage, preview is on)
MARQUEZ_DB_URL=postgres://localhost/marquez
`);
  });
});
