import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A real multi-repo ecosystem in a temp folder, cloned side by side as teams have them: the orchestrator
 * (registry and manifest), `data` and `web` by path, and `tools` as a git ref (`v1`) of a real local clone made
 * with git init and git commit. Clean as written; each test edits one thing.
 */
export const REGISTRY = `registry: 1
owner: orchestrator
ports:
  - { port: 8100, repo: data, service: api, env: DATA_API_PORT }
  - { port: 5440, repo: data, service: db }
  - { port: 8200, repo: web, service: ui, env: WEB_UI_PORT }
  - { port: 8300, repo: tools, service: docs }
  - { port: 6333, service: qdrant, shared: true, description: Qdrant }
`;

export const MANIFEST = `ecosystem: 1
name: demo
owner: orchestrator
registry: ports.yaml
members:
  - repo: data
    path: ../data
  - repo: web
    path: ../web/berth.yaml
  - repo: tools
    git: ../tools
    ref: v1
conventions:
  env:
    - { prefix: DEMO_DB_, purpose: application database config, scope: application }
  network: Cross-repo access uses localhost port mapping.
`;

export const DATA = `berth: 1
repo: { name: data }
registry: ../orchestrator/ports.yaml
services:
  api:
    ports: [{ host: 8100, env: DATA_API_PORT }]
  db:
    ports: [5440]
consumers:
  - { repo: web, services: [api] }
`;

export const WEB = `berth: 1
repo: { name: web }
registry: ../orchestrator/ports.yaml
services:
  ui:
    ports: [{ host: 8200, env: WEB_UI_PORT }]
env:
  DEMO_DB_URL: { type: url, purpose: the app database }
connections:
  data-api: { host: localhost, port: 8100, owner: data }
  qdrant: { port: 6333 }
`;

export const TOOLS = `berth: 1
repo: { name: tools }
registry: ../orchestrator/ports.yaml
services:
  docs:
    ports: [8300]
connections:
  web-ui: { port: 8200, owner: web }
`;

export interface Tree {
  root: string;
  write(rel: string, text: string): void;
  /** Commits `text` as berth.yaml in the tools clone and moves tag v1 there. */
  commitTools(text: string): void;
  /** Makes `dir` a git repo (if it is not one) and commits `files` (path -> text) on main. */
  commit(dir: string, files: Record<string, string>): void;
  git(dir: string, ...args: string[]): string;
  cleanup(): void;
}

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'berth test', GIT_AUTHOR_EMAIL: 'test@berth.invalid', GIT_COMMITTER_NAME: 'berth test', GIT_COMMITTER_EMAIL: 'test@berth.invalid', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() };

export function makeTree(files: Partial<Record<'registry' | 'manifest' | 'data' | 'web' | 'tools', string>> = {}): Tree {
  const root = mkdtempSync(join(tmpdir(), 'berth-eco-'));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', join(root, dir), ...args], { env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  write('orchestrator/ports.yaml', files.registry ?? REGISTRY);
  write('orchestrator/ecosystem.yaml', files.manifest ?? MANIFEST);
  write('data/berth.yaml', files.data ?? DATA);
  write('web/berth.yaml', files.web ?? WEB);
  mkdirSync(join(root, 'tools'));
  git('tools', 'init', '-q', '-b', 'main');
  const commitTools = (text: string) => {
    write('tools/berth.yaml', text);
    git('tools', 'add', 'berth.yaml');
    git('tools', 'commit', '-q', '-m', 'spec');
    git('tools', 'tag', '-f', 'v1');
  };
  commitTools(files.tools ?? TOOLS);
  const commit = (dir: string, contents: Record<string, string>) => {
    mkdirSync(join(root, dir), { recursive: true });
    if (!existsSync(join(root, dir, '.git'))) git(dir, 'init', '-q', '-b', 'main');
    for (const [rel, text] of Object.entries(contents)) {
      write(join(dir, rel), text);
      git(dir, 'add', rel);
    }
    git(dir, 'commit', '-q', '-m', 'files');
  };
  // The working tree moves on after the tag: the ecosystem must read v1, not what is checked out.
  write('tools/berth.yaml', 'this is not the version the ecosystem reads\n');
  return { root, write, commitTools, commit, git, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
