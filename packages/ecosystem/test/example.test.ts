import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem } from '@berth/spec';
import { loadWorkspace } from '@berth/spec';
import { mergeKeepBlocks, renderInfrastructurePage } from '@berth/spec/render';
import { checkEcosystem, ecosystemBeside, loadEcosystem, viewAsMember } from '../src/index.js';
import { ECOSYSTEM_PAGES, renderEcosystemPages } from '../src/render/index.js';

/** The workspace's own ecosystem: semops-data and berth itself, with the orchestrator's manifest and registry. */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const orchestrator = join(root, 'examples/semops-dx-orchestrator');

describe('the bundled ecosystem (examples/semops-dx-orchestrator/ecosystem.yaml)', async () => {
  const load = await loadEcosystem(orchestrator, { cwd: orchestrator });
  const report = checkEcosystem(load.ecosystem!);

  it('loads its two real members, and reports nothing false: only what semops-data\'s own validate warns of, its exclusive pair on 5000', () => {
    expect(load.problems).toEqual([]);
    expect(load.ecosystem!.members.map((m) => `${m.repo} ${m.file}`)).toEqual(['semops-data ../semops-data/berth.yaml', 'berth ../../apps/api/berth.yaml']);
    expect(report.problems.map(formatProblem)).toEqual([
      '../semops-data/berth.yaml:70:9: warning: semops-data: port 5000/tcp is forwarded by the devcontainer for mlflow and published by Compose service marquez (../semops-data/berth.yaml:88:9): while the devcontainer is open the editor holds localhost:5000, so marquez cannot start, though the two are declared exclusive (give one of them another port, or close the devcontainer before starting marquez)',
      '../semops-data/berth.yaml:88:9: warning: semops-data: port 5000/tcp is published by both mlflow (../semops-data/berth.yaml:70:9) and marquez (api); they are declared exclusive, so they cannot run together',
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

  // The example's INFRASTRUCTURE.md is committed, as a repo using berth would commit it; it must be exactly what
  // `berth docs --write` renders today (Consumed By from the ecosystem's connections), or `berth docs --check` fails for users too.
  it('semops-data\'s INFRASTRUCTURE.md is what berth docs renders, "Consumed By" derived from the other member\'s connections', async () => {
    const dir = join(root, 'examples/semops-data');
    const ws = loadWorkspace({ specPath: join(dir, 'berth.yaml'), cwd: dir, withEnv: false });
    const spec = ws.spec.value!;
    const registry = ws.registry!;
    const manifest = ecosystemBeside(registry.path!)!;
    expect(manifest).toBe(join(orchestrator, 'ecosystem.yaml'));
    const view = await viewAsMember(manifest, { spec: { spec, file: ws.spec.file, source: ws.spec.source!, path: join(dir, 'berth.yaml') }, registry: { value: registry.value!, file: registry.file, source: registry.source!, path: registry.path! } }, { cwd: dir });
    expect(view.consumers).toEqual([]);
    const committed = readFileSync(join(dir, 'INFRASTRUCTURE.md'), 'utf8');
    expect(mergeKeepBlocks(renderInfrastructurePage(spec, { specFile: 'berth.yaml', derivedConsumers: { ecosystem: view.name!, consumers: view.consumers! } }), committed)).toBe(committed);
  });
});
