import type { BerthSpec, PortRegistry, Problem, SourceDocument } from '@berth/spec';
import { worstStatus, type CheckResult, type HealthStatus } from '@berth/health';

/** One thing doctor found, with the one thing to do next. */
export interface DoctorFinding {
  status: HealthStatus;
  /** What it is about: "mlflow", "port 5000", "OPENAI_API_KEY". */
  subject?: string;
  message: string;
  /** The single next step, when there is one. */
  next?: string;
}

export type DoctorSectionId = 'spec' | 'ports' | 'env' | 'engine' | 'gpu' | 'health';

export interface DoctorSection {
  id: DoctorSectionId;
  title: string;
  status: HealthStatus;
  /** One line: what this section concluded. */
  summary: string;
  findings: DoctorFinding[];
  durationMs: number;
}

export interface DoctorReport {
  status: HealthStatus;
  spec: string;
  sections: DoctorSection[];
  /** Every health check result, for --json and the dashboard. */
  checks: CheckResult[];
  durationMs: number;
}

export interface DoctorInput {
  spec: BerthSpec;
  /** The spec file as shown to users, and its folder (where .mcp.json and relative paths resolve). */
  specFile: string;
  baseDir: string;
  source?: SourceDocument;
  registry?: { value: PortRegistry; file: string; source?: SourceDocument };
  /** Problems (warnings) loading already found. */
  loadWarnings?: Problem[];
  env: Record<string, string | undefined>;
  envFile?: { file: string; values: Record<string, string>; lines?: Record<string, number> };
  /** Enabled modules for the env check. */
  modules?: string[];
  /** The Compose profiles on (`--profile`); default: COMPOSE_PROFILES in env. Services of the others are not expected. */
  profiles?: string[];
  signal?: AbortSignal;
  /** Engine connect timeout (default 2 s). */
  engineTimeoutMs?: number;
}

/** The section's status: the worst of its findings, passing when it has none. */
export function sectionOf(id: DoctorSectionId, title: string, started: number, summary: string, findings: DoctorFinding[], status?: HealthStatus): DoctorSection {
  return { id, title, status: status ?? worstStatus(findings), summary, findings, durationMs: Math.round(performance.now() - started) };
}

/** A section that could not run because a package it needs is missing or threw. */
export function unavailableSection(id: DoctorSectionId, title: string, started: number, what: string): DoctorSection {
  return sectionOf(id, title, started, `unknown: ${what}`, [], 'unknown');
}

export const problemStatus = (p: Problem): HealthStatus => (p.severity === 'error' ? 'critical' : 'warning');
