import { readFileSync } from 'node:fs';
import { unreadableReason } from '@berth/spec';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { errorLines, parseJson } from './answer.js';
import type { BerthHost, CliRun, WorkspaceFiles } from './host.js';

/** The URIs of berth's resources: part of the contract, like the tool names. */
export const RESOURCE_URIS = {
  spec: 'berth://spec',
  registry: 'berth://registry',
  docs: 'berth://docs/INFRASTRUCTURE.md',
  specSchema: 'berth://schema/berth.yaml',
  registrySchema: 'berth://schema/ports.yaml',
} as const;

/** Runs a berth command for a resource; the queue and the signal are the server's business. */
export type RunForResource = (label: string, argv: string[]) => Promise<CliRun>;

export interface BerthResource {
  name: string;
  uri: string;
  title: string;
  description: string;
  mimeType: string;
  read(host: BerthHost, run: RunForResource): Promise<string>;
}

/** A resource that cannot be read: a protocol error carrying the lines the CLI prints. */
function unreadable(lines: string[]): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InternalError, lines.join('\n'));
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw unreadable([`berth: ${path}: ${unreadableReason(err)}`]);
  }
}

/** The CLI's own answer, or its error lines as a protocol error. */
async function cliText(run: RunForResource, label: string, argv: string[], pick: (stdout: string) => string): Promise<string> {
  const r = await run(label, argv);
  const json = parseJson(r.stdout);
  const errors = json && errorLines(json);
  if (errors) throw unreadable(errors);
  if (r.exitCode !== 0) throw unreadable(r.stderr.split('\n').filter(Boolean));
  return pick(r.stdout);
}

/** The registry's file; when there is none, why, in the CLI's words (a spec that does not load says so). */
async function registryPath(files: WorkspaceFiles, run: RunForResource): Promise<string> {
  if (files.registry) return files.registry;
  const answer = await cliText(run, 'registry', ['ports', 'list'], (stdout) => stdout);
  const spec = (JSON.parse(answer) as { spec?: string }).spec ?? files.spec;
  throw new ProtocolError(ProtocolErrorCode.ResourceNotFound, `berth: ${spec} names no port registry`, { uri: RESOURCE_URIS.registry });
}

/** Every resource berth offers. The spec is served even when it does not load: that is when an agent needs to read it. */
export const RESOURCES: readonly BerthResource[] = [
  {
    name: 'spec',
    uri: RESOURCE_URIS.spec,
    title: 'berth.yaml',
    description: "The repo's infrastructure spec (berth.yaml) as written. Subscribe to hear when it changes.",
    mimeType: 'application/yaml',
    read: async (host) => readText(host.files().spec),
  },
  {
    name: 'registry',
    uri: RESOURCE_URIS.registry,
    title: 'Port registry',
    description: 'The cross-repo port registry the spec names (ports.yaml) as written. Subscribe to hear when it changes.',
    mimeType: 'application/yaml',
    read: async (host, run) => readText(await registryPath(host.files(), run)),
  },
  {
    name: 'infrastructure-page',
    uri: RESOURCE_URIS.docs,
    title: 'INFRASTRUCTURE.md',
    description: 'The spec rendered as its infrastructure page (what `berth docs` prints). Changes with the spec.',
    mimeType: 'text/markdown',
    read: (_host, run) => cliText(run, 'docs', ['docs'], (stdout) => String((JSON.parse(stdout) as { markdown?: string }).markdown ?? '')),
  },
  {
    name: 'spec-schema',
    uri: RESOURCE_URIS.specSchema,
    title: 'berth.yaml JSON Schema',
    description: 'The JSON Schema of berth.yaml (what `berth schema spec` prints).',
    mimeType: 'application/schema+json',
    read: (_host, run) => cliText(run, 'schema', ['schema', 'spec'], (stdout) => stdout),
  },
  {
    name: 'registry-schema',
    uri: RESOURCE_URIS.registrySchema,
    title: 'ports.yaml JSON Schema',
    description: 'The JSON Schema of the port registry (what `berth schema registry` prints).',
    mimeType: 'application/schema+json',
    read: (_host, run) => cliText(run, 'schema', ['schema', 'registry'], (stdout) => stdout),
  },
];

/** Which resources change when a file changes. */
export function urisChangedBy(files: WorkspaceFiles, path: string): string[] {
  if (path === files.spec) return [RESOURCE_URIS.spec, RESOURCE_URIS.docs];
  if (path === files.registry) return [RESOURCE_URIS.registry];
  return [];
}
