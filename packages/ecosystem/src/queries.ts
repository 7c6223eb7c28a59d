import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ECOSYSTEM_FILE_NAME, resolveRegistryPath, type BerthSpec, type Consumer } from '@berth/spec';
import type { EcosystemReport } from './check/check-ecosystem.js';
import { NO_SERVICE, usesByTarget } from './check/consumers.js';
import { realOr } from './real-path.js';
import type { EcosystemGraph, EcosystemProblem } from './model.js';

/**
 * The ecosystem manifest a repo belongs to, found through its registry's folder (the manifest lies beside the
 * registry in the orchestrator repo). Undefined when the spec names no registry, or no manifest lies beside it.
 */
export function findEcosystemFor(spec: Pick<BerthSpec, 'registry'>, specPath: string): string | undefined {
  const registry = resolveRegistryPath(spec, specPath).path;
  return registry ? ecosystemBeside(registry) : undefined;
}

/**
 * The ecosystem manifest beside a registry file (the orchestrator keeps both in one folder), or undefined. A registry
 * linked into a repo is the orchestrator's file: its manifest is beside the file the link leads to, so that folder is
 * looked in too, after the link's own.
 */
export function ecosystemBeside(registryPath: string): string | undefined {
  for (const dir of new Set([dirname(registryPath), dirname(realOr(registryPath))])) {
    const manifest = join(dir, ECOSYSTEM_FILE_NAME);
    if (existsSync(manifest)) return manifest;
  }
  return undefined;
}

/** The problems that concern one repo: in its spec, on its ports or registry entries, or about its services' use. */
export function problemsConcerning(report: Pick<EcosystemReport, 'problems'>, repo: string): EcosystemProblem[] {
  return report.problems.filter((p) => p.repos.includes(repo));
}

/**
 * Who uses a repo's services, derived from the other members' connections (its stdio MCP server's users included,
 * with the service that runs it when they name one): the shape of a spec's `consumers:`, repos and services
 * sorted, so `berth docs` can render "Consumed By" from it.
 */
export function consumersOf(graph: Pick<EcosystemGraph, 'edges' | 'stdio'>, repo: string): Consumer[] {
  const by = usesByTarget(graph).get(repo) ?? new Map<string, ReadonlyMap<string, unknown>>();
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([r, s]) => ({ repo: r, services: [...s.keys()].filter((x) => x !== NO_SERVICE).sort() }));
}
