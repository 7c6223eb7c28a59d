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
