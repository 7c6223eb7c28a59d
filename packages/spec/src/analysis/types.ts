import type { BerthSpec } from '../schema/spec.js';
import type { PortRegistry } from '../schema/registry.js';
import type { SourceDocument } from '../load/yaml-document.js';
import type { Problem } from '../problem.js';
import type * as z from 'zod/mini';
import type { EnvVarStatus, PortBindingInfo, PortConflict, PortSpanInfo as PortSpanInfoSchema } from './report-schemas.js';

/** One repo's spec as the analysis sees it. `file` is the path shown to users. */
export interface SpecInput {
  spec: BerthSpec;
  file: string;
  source?: SourceDocument;
}

/** The cross-repo port registry as the analysis sees it. */
export interface RegistryInput {
  value: PortRegistry;
  file: string;
  source?: SourceDocument;
}

/** Where an env value came from, so a problem can point at the `.env` line. Never holds the value. */
export interface EnvOrigin {
  file: string;
  line?: number;
  col?: number;
}

export type { PortStatus, PortBindingInfo, PortConflict, EnvVarStatus } from './report-schemas.js';

/** A port or range bound by one of a service's ports, as both the specs and the registry describe it. */
type PortSpanInfo = z.infer<typeof PortSpanInfoSchema>;

/** An allocation of the registry, with what the analysis found about it. */
export interface RegistryEntryInfo extends PortSpanInfo {
  index: number;
  repo?: string;
  shared: boolean;
}

export interface PortReport {
  bindings: PortBindingInfo[];
  entries: RegistryEntryInfo[];
  conflicts: PortConflict[];
  problems: Problem[];
  /**
   * The env vars carrying a binding's port (its `env`, its registry entry's), whose values this analysis judges when
   * given the env: pass them to analyzeEnv's `portCarriers`, so a bad value is reported once.
   */
  envCarriers: string[];
}

export interface EnvReport {
  modules: string[];
  /** The Compose profiles the analysis took as on (`*`: all). */
  profiles: string[];
  vars: EnvVarStatus[];
  problems: Problem[];
}
