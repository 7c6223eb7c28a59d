import { z } from 'zod';
import { Identifier, PortNumber } from '@berth/spec';
import { summaries } from './summaries.js';

/** Hints a client shows its user before a call (MCP tool annotations). */
export interface ToolHints {
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint: boolean;
}

/** One MCP tool: the berth command it runs, the input it takes, and how its answer reads in one line. */
export interface BerthTool<S extends z.ZodObject = z.ZodObject> {
  /** The tool's name: part of the contract, never renamed. */
  name: string;
  title: string;
  description: string;
  /** The only place its input is written down: the SDK derives the JSON Schema clients see from it. */
  input: S;
  /** Changes something (containers, the registry): exists only with `--allow-write`. */
  write: boolean;
  hints: ToolHints;
  /** The berth command line, without --json and the global flags. */
  argv(args: z.output<S>): string[];
  /** How the answer is shaped: one JSON document, or one JSON document per line (logs). */
  output: 'json' | 'json-lines';
}

/** The longest service, module or profile name a tool takes: names are short, and a long one only fills the answer that echoes it. */
export const MAX_NAME_LENGTH = 128;
/** A name of the spec (a service, a module, a profile): the spec's own rule for names, with a bound on its length. */
const Name = Identifier.max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`);
const ServiceName = Name.describe('A service of the spec, as named under `services:`.');
const Modules = z.array(Name).max(50).optional().describe('Modules whose env variables must be complete (as in `berth env check -m`). Default: every enabled module.');
const Services = (what: string) => z.array(Name).max(100).optional().describe(what);
const flags = (name: string, values: readonly string[] | undefined) => (values ?? []).flatMap((v) => [name, v]);
/** Ends the options, so a name can never be read as one (they cannot start with "-" anyway). */
const names = (values: readonly string[] | undefined) => (values?.length ? ['--', ...values] : []);

const read: ToolHints = { readOnlyHint: true, openWorldHint: false };
/** Reads, but asks something outside the spec: the Docker engine, the services' own endpoints. */
const probe: ToolHints = { readOnlyHint: true, openWorldHint: true };

const tool = <S extends z.ZodObject>(t: BerthTool<S>): BerthTool => t as unknown as BerthTool;

/**
 * A tool's arguments: these and no others. An argument the tool does not take is refused, naming it and what the
 * tool takes, rather than dropped: `restart { service: "mlflow" }` (for `services`) restarted every container,
 * `ports_register { dryRun: true }` (for `dry_run`) wrote the registry. The JSON Schema clients see says it too
 * (`additionalProperties: false`).
 */
function args<T extends z.ZodRawShape>(tool: string, shape: T) {
  const takes = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const named = issue.keys.map((k) => JSON.stringify(k.slice(0, 100))).join(', ');
      return `unknown argument${issue.keys.length === 1 ? '' : 's'} ${named} (${tool} takes ${takes.length ? takes.join(', ') : 'none'})`;
    },
  });
}

/** Every tool berth offers, in the order `tools/list` shows them. */
export const TOOLS: readonly BerthTool[] = [
  tool({
    name: 'validate',
    title: 'Validate the spec',
    description: 'Check berth.yaml and its port registry: schema, references, port conflicts, env schema and naming conventions. Same answer as `berth validate --json`.',
    input: args('validate', {}),
    write: false,
    hints: read,
    argv: () => ['validate'],
    output: 'json',
  }),
  tool({
    name: 'ports_list',
    title: 'List ports',
    description: 'Every registry entry and every port the spec publishes: port, protocol, repo, service, env var, status. Same answer as `berth ports list --json`.',
    input: args('ports_list', {}),
    write: false,
    hints: read,
    argv: () => ['ports', 'list'],
    output: 'json',
  }),
  tool({
    name: 'ports_suggest',
    title: 'Suggest free ports',
    description:
      'Free ports for a service (of the spec, or a new one): not in the registry, not reserved for another repo, not bound on this host. Nearest to `near`, else to the service\'s current port. Same answer as `berth ports suggest --json`.',
    input: args('ports_suggest', {
      service: ServiceName.describe('The service: one of the spec, or the name of a new one.'),
      near: PortNumber.optional().describe('Search outward from this port (default: the service\'s current port).'),
      count: z.number().int('must be a whole number').min(1, 'must be from 1 to 100').max(100, 'must be from 1 to 100').optional().describe('How many ports (default 3).'),
      protocol: z.enum(['tcp', 'udp']).optional().describe('tcp (default) or udp.'),
    }),
    write: false,
    hints: read,
    argv: (a) => ['ports', 'suggest', ...(a.near ? ['--near', String(a.near)] : []), ...(a.count ? ['--count', String(a.count)] : []), ...(a.protocol ? ['--protocol', a.protocol] : []), '--', a.service],
    output: 'json',
  }),
  tool({
    name: 'ports_check',
    title: 'Check ports',
    description: 'Check the ports against the registry and each other: conflicts, ownership, ranges, env agreement. Same answer as `berth ports check --json`.',
    input: args('ports_check', {}),
    write: false,
    hints: read,
    argv: () => ['ports', 'check'],
    output: 'json',
  }),
  tool({
    name: 'env_check',
    title: 'Check env variables',
    description: 'Check the environment and the .env file against the spec\'s env schema: missing, wrong type, likely typos. Never returns a value. Same answer as `berth env check --json`.',
    input: args('env_check', { modules: Modules }),
    write: false,
    hints: read,
    argv: (a) => ['env', 'check', ...flags('--module', a.modules)],
    output: 'json',
  }),
  tool({
    name: 'docs',
    title: 'Infrastructure page',
    description: 'The spec rendered as its INFRASTRUCTURE.md page (Markdown): services, ports, profiles, env, connections. Same answer as `berth docs --json`.',
    input: args('docs', {}),
    write: false,
    hints: read,
    argv: () => ['docs'],
    output: 'json',
  }),
  tool({
    name: 'health',
    title: 'Health checks',
    description: 'Run every health check of the spec (or of the named services and connections): status, latency and why. Same answer as `berth health --json`.',
    input: args('health', { services: Services('Services or connections to check (default: all, and the devcontainer).') }),
    write: false,
    hints: probe,
    argv: (a) => ['health', ...names(a.services)],
    output: 'json',
  }),
  tool({
    name: 'status',
    title: 'Container status',
    description: 'The project\'s services on the Docker engine: state, health, ports, uptime, image. Same answer as `berth status --json`.',
    input: args('status', {}),
    write: false,
    hints: probe,
    argv: () => ['status'],
    output: 'json',
  }),
  tool({
    name: 'doctor',
    title: 'Doctor',
    description: 'Is the stack working? Spec, registry, ports, env, Docker engine, GPU and every check at once, each problem with the one thing to do next. Same answer as `berth doctor --json`.',
    input: args('doctor', { modules: Modules }),
    write: false,
    hints: probe,
    argv: (a) => ['doctor', ...flags('--module', a.modules)],
    output: 'json',
  }),
  tool({
    name: 'logs',
    title: 'Container logs',
    description: 'The last lines of the project\'s container logs (one service, or every one), stdout and stderr. Never follows. Same lines as `berth logs --json --tail N`.',
    input: args('logs', {
      service: ServiceName.optional().describe('Only this service (default: every service).'),
      tail: z.number().int('must be a whole number').min(1, 'must be from 1 to 1000').max(1000, 'must be from 1 to 1000').default(100).describe('Lines per service, at most 1000 (default 100).'),
    }),
    write: false,
    hints: probe,
    argv: (a) => ['logs', '--tail', String(a.tail), ...names(a.service ? [a.service] : undefined)],
    output: 'json-lines',
  }),
  tool({
    name: 'ecosystem_check',
    title: 'Check the ecosystem',
    description:
      'Check every repo of the ecosystem this repo belongs to (the ecosystem.yaml beside its port registry, or the one in this folder) against the registry and each other: a port published by two repos, stale allocations, connections and their owners, hand-written consumers, env conventions. Each problem names the repos it concerns; the graph says which repo uses which repo\'s service on which port. Same answer as `berth ecosystem check --json`.',
    input: args('ecosystem_check', {}),
    write: false,
    hints: read,
    argv: () => ['ecosystem', 'check'],
    output: 'json',
  }),

  // The tools below change things; they exist only when the server runs with --allow-write.
  tool({
    name: 'up',
    title: 'Start services',
    description:
      'Start the services of the enabled profiles (Compose semantics) in dependency order and wait for their health. Says, per service, what it did: create, recreate, start, restart or keep. Same answer as `berth up --json`.',
    input: args('up', {
      profiles: z.array(Name).max(50).optional().describe('Profiles to enable (default: COMPOSE_PROFILES, else none).'),
      services: Services('Only these services and their dependencies; naming a service enables its profiles.'),
      dry_run: z.boolean().optional().describe('Return the plan and change nothing.'),
      wait: z.boolean().optional().describe('Wait for health after starting (default true).'),
      timeout: z.number().int('must be a whole number').min(1, 'must be from 1 to 600').max(600, 'must be from 1 to 600').optional().describe('Seconds to wait for health (default 120).'),
    }),
    write: true,
    hints: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    argv: (a) => [
      'up',
      ...flags('--profile', a.profiles),
      ...(a.dry_run ? ['--dry-run'] : []),
      ...(a.wait === false ? ['--no-wait'] : []),
      ...(a.timeout ? ['--timeout', String(a.timeout)] : []),
      ...names(a.services),
    ],
    output: 'json',
  }),
  tool({
    name: 'down',
    title: 'Take the project down',
    description: 'Stop and remove every container of the project, whatever profile started it, and its network (and, with volumes, its named volumes). Lists what it removed. Same answer as `berth down --json`.',
    input: args('down', { volumes: z.boolean().optional().describe("Also remove the project's named volumes.") }),
    write: true,
    hints: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    argv: (a) => ['down', ...(a.volumes ? ['--volumes'] : [])],
    output: 'json',
  }),
  tool({
    name: 'restart',
    title: 'Restart services',
    description: "Restart the project's containers (all, or the named services). Lists what it restarted. Same answer as `berth restart --json`.",
    input: args('restart', { services: Services('Only these services (default: all).') }),
    write: true,
    hints: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    argv: (a) => ['restart', ...names(a.services)],
    output: 'json',
  }),
  tool({
    name: 'ports_register',
    title: 'Register ports',
    description: "Add the service's unregistered ports to the port registry file (keeps its comments and order; refuses on a conflict). Lists the entries it added. Same answer as `berth ports register --json`.",
    input: args('ports_register', { service: ServiceName, dry_run: z.boolean().optional().describe('Return the entries it would add and write nothing.') }),
    write: true,
    hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    argv: (a) => ['ports', 'register', ...(a.dry_run ? ['--dry-run'] : []), '--', a.service],
    output: 'json',
  }),
];

/** The tools a server offers: the read tools always, the write tools only when allowed. */
export function offeredTools(allowWrite: boolean): BerthTool[] {
  return TOOLS.filter((t) => allowWrite || !t.write);
}

/** The one-line summary of a tool's answer (the structured content carries the whole of it). */
export function summarize(tool: BerthTool, json: unknown): string {
  return summaries[tool.name]?.(json) ?? `${tool.name}: done`;
}
