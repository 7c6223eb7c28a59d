import { SPEC_SCHEMA_ID } from '../json-schema.js';

/** A repo name as a spec identifier: "My Repo" -> "my-repo". */
export function repoIdentifier(dirName: string): string {
  const id = dirName.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '').replace(/-+$/, '');
  return id || 'my-repo';
}

/**
 * The commented starter berth.yaml `berth init` writes: valid as it stands, with every section the
 * spec knows shown and explained, the optional ones commented out.
 */
export function starterSpecText(options: { repo: string; schema?: string }): string {
  return `# yaml-language-server: $schema=${options.schema ?? SPEC_SCHEMA_ID}
#
# This repo's development infrastructure, as one spec. Check it with \`berth validate\`,
# render its INFRASTRUCTURE.md with \`berth docs --write\`. Every field: \`berth schema\` (JSON Schema),
# or docs/spec-reference.md in berth's repository.
berth: 1

repo:
  name: ${repoIdentifier(options.repo)}
  # owner: my-team
  role: owner              # owner: this repo operates these services; consumer: it only uses them
  status: experimental     # active | experimental | deprecated | archived
  version: 0.1.0
  # lastUpdated: 2026-01-31

# The cross-repo port registry (a path, or { package: "@org/ports", file: ports.yaml }).
# registry: ../orchestrator/ports.yaml

# Compose profiles: services that name none always start.
profiles:
  tools:
    description: Occasional tools

services:
  app:
    name: App
    purpose: What this service is for
    runtime: compose       # compose | devcontainer | host, or a list of { kind, command, network }
    # image: ghcr.io/org/app:1.0
    # ports:
    #   - host: 8080
    #     env: APP_PORT    # the env var that carries the port
    #     appProtocol: http
    # checks:
    #   - type: http
    #     url: http://localhost:8080/health
  # admin:
  #   profiles: [tools]
  #   exclusiveWith: [app]   # two services on one port: declare they never run together

# Optional features; an env var can be required only when its module is enabled.
modules:
  search:
    description: Full-text search

env:
  LOG_LEVEL:
    purpose: How much the app logs
    type: enum
    values: [debug, info, warn, error]
    default: info
  SEARCH_API_KEY:
    purpose: Key for the search provider
    secret: true           # never printed, not even with --json
    required: { module: search }

# conventions:
#   env:
#     - { prefix: APP_DB_, purpose: application database config }

# Shared services this repo uses but does not run.
# connections:
#   postgres: { name: PostgreSQL, host: localhost, port: 5432, protocol: postgres }

# devcontainer:
#   image: mcr.microsoft.com/devcontainers/python:3.12
#   python: "3.12"

# stack:
#   language: python
#   packageManager: uv
#   dependencies:
#     - { name: pydantic, purpose: Settings and data models }

# Who uses these services. Leave it out until you know: a list, even an empty one, is a claim
# the ecosystem check holds every other repo's connections to.
# consumers:
#   - { repo: other-repo, services: [app] }
docs: []
`;
}
