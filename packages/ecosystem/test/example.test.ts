import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem } from '@berth/spec';
import { mergeKeepBlocks } from '@berth/spec/render';
import { checkEcosystem, loadEcosystem } from '../src/index.js';
import { ECOSYSTEM_PAGES, renderEcosystemPages } from '../src/render/index.js';

/** The workspace's own ecosystem: semops-data and berth itself, with the orchestrator's manifest and registry. */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const orchestrator = join(root, 'examples/semops-dx-orchestrator');

describe('the bundled ecosystem (examples/semops-dx-orchestrator/ecosystem.yaml)', async () => {
  const load = await loadEcosystem(orchestrator, { cwd: orchestrator });
  const report = checkEcosystem(load.ecosystem!);

  it('loads its two real members, and reports nothing false: only semops-data\'s own exclusive pair on 5000', () => {
    expect(load.problems).toEqual([]);
    expect(load.ecosystem!.members.map((m) => `${m.repo} ${m.file}`)).toEqual(['semops-data ../semops-data/berth.yaml', 'berth ../../apps/api/berth.yaml']);
    expect(report.problems.map(formatProblem)).toEqual([
      '../semops-data/berth.yaml:85:9: warning: semops-data: port 5000/tcp is published by both mlflow (../semops-data/berth.yaml:68:9) and marquez (api); they are declared exclusive, so they cannot run together',
    ]);
    expect(report.graph.shared.map((s) => `${s.service}:${s.port} <- ${s.usedBy.join(',')}`)).toEqual(['qdrant:6333 <- semops-data', 'postgres:5434 <- semops-data', 'ollama:11434 <- semops-data']);
  });

  it.each(ECOSYSTEM_PAGES)('docs/%s is what `berth ecosystem docs --write docs` writes (regenerate it so in the orchestrator\'s folder)', (name) => {
    const dir = join(orchestrator, 'docs');
    const committed = readFileSync(join(dir, name), 'utf8');
    expect(committed).toBe(mergeKeepBlocks(renderEcosystemPages(load.ecosystem!, report, dir)[name], committed));
  });

  it('draws Mermaid that GitHub renders: a fenced flowchart with safe node ids and every connection', () => {
    const page = readFileSync(join(orchestrator, 'docs/DIAGRAMS.md'), 'utf8');
    const charts = [...page.matchAll(/```mermaid\n([^]*?)```/g)].map((m) => m[1]!);
    expect(charts).toHaveLength(2);
    for (const chart of charts) {
      expect(chart.startsWith('flowchart LR\n')).toBe(true);
      for (const line of chart.trim().split('\n').slice(1)) expect(line).toMatch(/^ {2,4}(end|subgraph [A-Za-z0-9_]+\["[^"]*"\]|[A-Za-z0-9_]+(\["[^"]*"\]|\[\("[^"]*"\)\])|[A-Za-z0-9_]+ -->\|[0-9, ]+\| [A-Za-z0-9_]+)$/);
    }
    expect(charts[0]).toContain('repo_semops_data -->|6333| shared_qdrant');
  });
});
