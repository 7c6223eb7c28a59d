import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { formatProblem } from '@berth/spec';
import { checkEcosystem, loadEcosystem } from '../src/index.js';
import { renderEcosystemPages } from '../src/render/index.js';
import { DATA, REGISTRY, WEB, makeTree, type Tree } from '../src/testing/fixture.js';

/** The pages `berth ecosystem docs` renders, on the real multi-repo fixture (each test edits one thing). */
let tree: Tree | undefined;
afterEach(() => tree?.cleanup());

async function pages(files: Parameters<typeof makeTree>[0] = {}) {
  tree = makeTree(files);
  const load = await loadEcosystem(join(tree.root, 'orchestrator'), { cwd: tree.root });
  expect(load.problems.map(formatProblem)).toEqual([]);
  const report = checkEcosystem(load.ecosystem!);
  return { report, pages: renderEcosystemPages(load.ecosystem!, report, join(tree.root, 'orchestrator/docs')) };
}

/** A table's row whose first cell is `first`. */
function row(page: string, first: string): string | undefined {
  return page.split('\n').find((l) => l.startsWith(`| ${first} |`));
}

describe('PORTS.md: Free Ranges Worth Knowing', () => {
  it('lists as free only what `berth ports suggest` would offer: no reserved range (a repo\'s or kept free), no ephemeral port', async () => {
    const { pages: p } = await pages({
      registry: REGISTRY.replace('ports:\n', 'reserved:\n  - { range: "8101-8104", repo: web, purpose: web apps }\n  - { range: "8190-8199", purpose: kept free }\nports:\n') + '  - { port: 32760, repo: data, service: cache }\n',
      data: DATA.replace('    ports: [5440]\n', '    ports: [5440]\n  cache:\n    ports: [32760]\n'),
    });
    const ports = p['PORTS.md'];
    expect(row(ports, '8100-8199')).toBe('| 8100-8199 | 8100 | 8105-8189 |');
    expect(row(ports, '32700-32799')).toBe('| 32700-32799 | 32760 | 32700-32759, 32761-32767 |');
  });
});

describe('Shared Services', () => {
  it('are sorted by port in PORTS.md and GLOBAL_INFRASTRUCTURE.md, as every other table there, not in registry order', async () => {
    const { pages: p } = await pages({
      registry: `${REGISTRY}  - { port: 5434, service: postgres, shared: true, description: PostgreSQL }\n`,
      web: WEB.replace('  qdrant: { port: 6333 }\n', '  qdrant: { port: 6333 }\n  postgres: { port: 5434 }\n'),
    });
    const section = (page: string) => page.slice(page.indexOf('## Shared Services'), page.indexOf('\n## ', page.indexOf('## Shared Services') + 1));
    expect(section(p['PORTS.md']).split('\n').filter((l) => /^\| \d/.test(l)).map((l) => l.split(' | ')[0])).toEqual(['| 5434', '| 6333']);
    expect(section(p['GLOBAL_INFRASTRUCTURE.md']).split('\n').filter((l) => /^\| [a-z]/.test(l)).map((l) => l.split(' | ')[1])).toEqual(['5434', '6333']);
  });
});

describe('GLOBAL_INFRASTRUCTURE.md: How Repos Connect', () => {
  it('shows the owner of a stdio (MCP) connection', async () => {
    const { pages: p } = await pages({ web: WEB.replace('  qdrant: { port: 6333 }', '  qdrant: { port: 6333 }\n  mcp: { name: Data MCP, transport: stdio, server: data, owner: data }') });
    expect(row(p['GLOBAL_INFRASTRUCTURE.md'], 'web | Data MCP')).toBe('| web | Data MCP | stdio (`data`) | MCP server of data, registered in `.mcp.json` or `~/.claude.json` |');
  });
});

describe('GLOBAL_INFRASTRUCTURE.md: Members', () => {
  it("names each member's owner and version, as a catalog's system page does, and a dash where the spec says none", async () => {
    const { pages: p } = await pages({ data: DATA.replace(/repo: \{ name: data/, 'repo: { name: data, owner: data-team, version: 2.4.0') });
    const global = p['GLOBAL_INFRASTRUCTURE.md'];
    expect(global).toContain('| Repo | Purpose | Owner | Role | Status | Version | Owns (ports) | Spec |');
    expect(row(global, '`data`')).toMatch(/^\| `data` \| [^|]* \| data-team \| owner \| [A-Z]+ \| 2\.4\.0 \| /);
    expect(row(global, '`web`')).toMatch(/^\| `web` \| [^|]* \| — \| \w+ \| [A-Z]+ \| — \| /);
  });
});

describe('PORTS.md: a member publishing a port registered to another repo', () => {
  it("shows the clash as `berth ports list` and `ecosystem check` do: the member's row says conflict, and so does the owner's entry", async () => {
    // web's ui moves onto 8100, which the registry gives to data/api
    const { report, pages: p } = await pages({ web: WEB.replace('host: 8200', 'host: 8100') });
    expect(report.problems.map((x) => x.code)).toContain('port-conflict');
    const ports = p['PORTS.md'];
    const all = ports.slice(ports.indexOf('## All Allocations'), ports.indexOf('## By Repo'));
    expect(all.split('\n').filter((l) => l.startsWith('| 8100 |'))).toEqual([
      '| 8100 | data | api | `DATA_API_PORT` | — | conflict |',
      '| 8100 | web | ui | `WEB_UI_PORT` | — | conflict (not registered) |',
    ]);
    const web = ports.slice(ports.indexOf('### web'), ports.indexOf('\n### ', ports.indexOf('### web') + 1));
    expect(web).toContain('| 8100 | ui | `WEB_UI_PORT` | *published, conflict (not registered)* |');
    expect(web).toContain('| 8200 | ui | `WEB_UI_PORT` | — |');
  });
});

describe('DIAGRAMS.md: a connection that reaches only a stale registry entry of a member', () => {
  it('draws that member once, with the edge dashed and marked "registry only", in both charts', async () => {
    // web's ui moves from 8200 to 8201; tools still connects to 8200, which only the registry gives to web
    const { pages: p } = await pages({ web: WEB.replace('host: 8200', 'host: 8201') });
    const diagrams = p['DIAGRAMS.md'];
    const who = diagrams.slice(diagrams.indexOf('## Who Uses Whom'));
    expect(who.split('\n').filter((l) => l.includes('"web"'))).toEqual(['  repo_web["web"]']);
    expect(who).toContain('  repo_tools -.->|"8200 (registry only)"| repo_web');
    expect(diagrams.slice(0, diagrams.indexOf('## Who Uses Whom'))).toContain('  repo_tools -.->|"8200 (registry only)"| ext_web_ui');
  });
});
