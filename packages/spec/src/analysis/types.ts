import type { BerthSpec } from '../schema/spec.js';
import type { PortRegistry } from '../schema/registry.js';
import type { SourceDocument } from '../load/yaml-document.js';
import type { Problem } from '../problem.js';

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

export type PortStatus = 'ok' | 'shared' | 'exclusive' | 'conflict' | 'unregistered' | 'unused';

/** A port or range bound by one of a service's ports, as both the specs and the registry describe it. */
interface PortSpanInfo {
  service: string;
  /** Which of the service's ports, such as "api". */
  name?: string;
  hostIp?: string;
  protocol: 'tcp' | 'udp';
  from: number;
  to: number;
  /** The env var that carries it. */
  env?: string;
  status: PortStatus;
}

/** A host port published by a service of a spec. */
export interface PortBindingInfo extends PortSpanInfo {
  repo: string;
  /** The registry allocates the whole port (range) to this repo and service. */
  registered: boolean;
  exclusiveWith: string[];
}

/** An allocation of the registry, with what the analysis found about it. */
export interface RegistryEntryInfo extends PortSpanInfo {
  index: number;
  repo?: string;
  shared: boolean;
}

/** Two or more holders of one port. Declared exclusive => a warning that they cannot run together; else an error. */
export interface PortConflict {
  port: number;
  protocol: 'tcp' | 'udp';
  holders: { repo?: string; service: string }[];
  exclusive: boolean;
}

export interface PortReport {
  bindings: PortBindingInfo[];
  entries: RegistryEntryInfo[];
  conflicts: PortConflict[];
  problems: Problem[];
}

/** What `berth env check` knows about one variable. NEVER its value. */
export interface EnvVarStatus {
  name: string;
  required: boolean;
  secret: boolean;
  set: boolean;
  valid: boolean;
  source?: 'env' | 'env-file' | 'default';
  /** The modules that require it, when required only for some modules. */
  modules?: string[];
  /** Why it is invalid or missing; never quotes the value. */
  reason?: string;
}

export interface EnvReport {
  modules: string[];
  vars: EnvVarStatus[];
  problems: Problem[];
}
