import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadSpecFile } from '../src/index.js';
import { renderInfrastructurePage } from '../src/render/index.js';

const example = fileURLToPath(new URL('../../../examples/semops-data/berth.yaml', import.meta.url));

/**
 * Every fact of semops-data's hand-kept INFRASTRUCTURE.md (the seed page), written out here so the
 * test runs on a fresh clone. Each entry is text the rendered page must contain.
 */
const SEED_FACTS: Record<string, string[]> = {
  header: ['`semops-data`', 'This repo owns and operates these services', 'ACTIVE', '1.3.0', '2026-02-23'],
  'port authority': ['[PORTS.md](https://github.com/semops-ai/semops-dx-orchestrator/blob/main/docs/PORTS.md)', 'single source of truth for all port allocations', 'Register new ports there before use'],
  services: [
    '| Jupyter Lab | 8888 | Notebook interface | DevContainer or docker-compose (`notebooks` profile) |',
    '| MLflow UI | 5000 | Experiment tracking | DevContainer |',
    '| Marquez API | 5000 | Data lineage API | docker-compose (`lineage` profile) — **conflicts with MLflow',
    '| Marquez Admin | 5002 | Data lineage admin | docker-compose (`lineage` profile) |',
    '| Marquez Web | 3005 | Data lineage UI | docker-compose (`lineage` profile) |',
  ],
  profiles: [
    'Alternative to DevContainer for specific workloads',
    '# Lineage stack (Marquez API + Web)',
    'docker compose --profile lineage up -d',
    '# Notebooks (Jupyter Lab)',
    'docker compose --profile notebooks up -d',
    '| *(default)* | python, dbt | — (no exposed ports) |',
    '| `lineage` | marquez, marquez-web | 5000, 5002, 3005 |',
    '| `notebooks` | jupyter | 8888 |',
  ],
  network: [
    '| Host network | Jupyter Lab, MLflow',
    'DevContainer port forwarding',
    'Cross-repo access uses `localhost` port mapping, not Docker internal networking.',
    '[GLOBAL_INFRASTRUCTURE.md](https://github.com/semops-ai/semops-dx-orchestrator/blob/main/docs/GLOBAL_INFRASTRUCTURE.md#how-repos-connect)',
  ],
  starting: [
    '# DevContainer (primary development environment)',
    '"Dev Containers: Reopen in Container"',
    '# Jupyter Lab (inside container)',
    'jupyter lab --port 8888',
    'mlflow ui --host 0.0.0.0 --port 5000',
  ],
  devcontainer: ['`pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime`', 'NVIDIA CUDA 12.1 (compatible with driver 12.9+)', '| **Python** | 3.10'],
  env: [
    '`SEMOPS_DB_*` for application database config',
    '`POSTGRES_*` for Supabase container config',
    'These are different — see [GLOBAL_INFRASTRUCTURE.md](https://github.com/semops-ai/semops-dx-orchestrator/blob/main/docs/GLOBAL_INFRASTRUCTURE.md#environment-variable-conventions)',
    '| `OPENAI_API_KEY` | Embeddings for coherence scoring | For coherence module |',
    '| `ANTHROPIC_API_KEY` | LLM synthesis | Optional |',
  ],
  connections: [
    'How this repo connects to shared infrastructure:',
    '| Qdrant | `localhost:6333` | Vector storage for coherence scoring |',
    '| PostgreSQL | `localhost:5434` | Shared database (direct access) |',
    '| Ollama | `localhost:11434` | Local embeddings |',
    '| MCP Server | stdio | Registered in `~/.claude.json` (global) or `.mcp.json` (project) |',
  ],
  stack: [
    '## Python Stack',
    '| **Python version** | `3.10` |',
    '| **Package manager** | `pip` with `pyproject.toml` (DevContainer; global standard is `uv`) |',
    '| **Virtual environment** | DevContainer (isolated) |',
    '| **Linter/formatter** | `ruff` |',
    '| **Test framework** | `pytest` |',
  ],
  dependencies: [
    '| `pandas` | Data manipulation | backoffice |',
    '| `numpy` | Numerical computing | — |',
    '| `sdv` | Synthetic data generation | — |',
    '| `faker` | Fake data generation | — |',
    '| `duckdb` | Local analytics engine | — |',
    '| `sqlalchemy` | Database abstraction | semops |',
    '| `pydantic` | Settings and data models | semops, publisher |',
    '| `click` | CLI framework | semops, publisher |',
    '| `pyyaml` | YAML handling | semops, publisher, backoffice, dx-hub |',
    '| `mlflow` | Experiment tracking | — |',
    '| `sentence-transformers` | Coherence scoring embeddings | — |',
    '| `torch` | Deep learning (GPU) | — |',
    '| `pyarrow` | Columnar data format (data interchange) | — |',
    '| `great-expectations` | Data quality and validation | — |',
    '| `loguru` | Structured logging (replaces stdlib logging) | — |',
    // The seed says `ysemops-dataofiling`: a search-and-replace of "ydata" gone wrong; the package is ydata-profiling.
    '| `ydata-profiling` | Data profiling | — |',
  ],
  'optional groups': [
    '#### Optional Groups (architecturally notable)',
    '| `dbt-core` + `dbt-duckdb` | `dbt` | Transform framework (DuckDB adapter) |',
    '| `openlineage-python` + `marquez-python` | `lineage` | Lineage standard — traces to Agentic Lineage capability |',
    '| `mlflow` | `mlops` | Experiment tracking for coherence scoring |',
    '| `sentence-transformers` + `torch` | `coherence` | Embedding models for SC formula |',
  ],
  setup: ['# In DevContainer (automatic via postCreateCommand)', 'pip install -e ".[dev,notebooks,mlops]"', '# Or specific groups', 'pip install -e ".[coherence]"'],
  health: ['curl http://localhost:8888/api/status', 'curl http://localhost:5000/health', '# GPU'],
  consumers: ['## Consumed By', '| *(none currently)* | — |'],
  docs: [
    '- [ARCHITECTURE.md](ARCHITECTURE.md) - This repo\'s architecture',
    '- [GLOBAL_INFRASTRUCTURE.md](https://github.com/semops-ai/semops-dx-orchestrator/blob/main/docs/GLOBAL_INFRASTRUCTURE.md) - Ecosystem connectivity, network conventions, env var standards',
    '- [PORTS.md](https://github.com/semops-ai/semops-dx-orchestrator/blob/main/docs/PORTS.md) - Port registry (single source of truth)',
    '- [DIAGRAMS.md](https://github.com/semops-ai/semops-dx-orchestrator/blob/main/docs/DIAGRAMS.md) - Infrastructure service diagrams',
    '- [ADR-0002](decisions/ADR-0002-devcontainer-mlops-environment.md) - DevContainer decision',
  ],
};

const SECTIONS = ['## Services', '## Docker Configuration', '### Network', '### Starting Services', '### DevContainer', '## Environment Variables', '## Connection Patterns', '## Python Stack', '### Key Dependencies', '### Setup', '## Health Checks', '## Consumed By', '## Related Documentation'];

describe('the rendered semops-data page', () => {
  const loaded = loadSpecFile(example);
  const page = renderInfrastructurePage(loaded.value!);

  it('loads the example without problems', () => {
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it.each(Object.entries(SEED_FACTS))('carries every %s fact of the seed page', (_group, facts) => {
    const missing = facts.filter((f) => !page.includes(f));
    expect(missing).toEqual([]);
  });

  it('has the seed page\'s sections in the seed page\'s order', () => {
    const at = SECTIONS.map((s) => page.split('\n').indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('renders the GPU check as the call, not the always-true function object', () => {
    expect(page).toContain('python -c "import torch; print(torch.cuda.is_available())"');
    expect(page).not.toMatch(/is_available[^(]/);
  });

  it('never prints the mangled package name the seed carries', () => {
    expect(page).not.toContain('ysemops-dataofiling');
  });

  it('is the same text every time (pure)', () => {
    expect(renderInfrastructurePage(loadSpecFile(example).value!)).toBe(page);
  });
});
