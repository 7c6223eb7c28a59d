import { parseSpec, specTextWithoutSecrets, type BerthSpec } from '@berth/spec';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { errorLines, parseJson } from './answer.js';
import type { BerthHost, CliRun, WorkspaceFiles } from './host.js';
import { readRegularFile, sizeText } from './regular-file.js';

/** The URIs of berth's resources: part of the contract, like the tool names. */
export const RESOURCE_URIS = {
  spec: 'berth://spec',
  registry: 'berth://registry',
  docs: 'berth://docs/INFRASTRUCTURE.md',
  specSchema: 'berth://schema/berth.yaml',
  registrySchema: 'berth://schema/ports.yaml',
} as const;

/** Whether `uri` is one of berth's resources (what a client may read or subscribe to). */
export const isResourceUri = (uri: string): boolean => (Object.values(RESOURCE_URIS) as string[]).includes(uri);

/** At most what one resource serves, as a logs answer (MAX_LOG_CHARS): an agent's context is not a file store. */
export const MAX_RESOURCE_BYTES = 1024 * 1024;

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

/**
 * A resource that cannot be read: MCP's resource error (the SDK sends it as -32602 with `data.uri`, as for an
 * unknown URI), its message the lines the CLI prints. Never "internal error": the spec, a file or the page is
 * what is wrong, and the lines say which.
 */
function resourceError(uri: string, lines: string[]): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.ResourceNotFound, lines.join('\n'), { uri });
}

/** A file as written, if it is a regular file within MAX_RESOURCE_BYTES; else the CLI's one line. */
function readText(uri: string, path: string): string {
  try {
    return readRegularFile(path, MAX_RESOURCE_BYTES);
  } catch (err) {
    throw resourceError(uri, [`berth: ${(err as Error).message}`]);
  }
}

/**
 * The spec's text with each secret it holds hidden where it is written, however short (@berth/spec's
 * specTextWithoutSecrets: a check URL's password, a literal under a secret name). A spec that does not match the
 * schema is read for its secrets as far as its YAML goes; one that is not YAML at all is left to the guard's redactor.
 */
function specAsServed(text: string, file: string): string {
  const { value, source } = parseSpec(text, file);
  const spec = value ?? source?.value;
  if (!source || !spec || typeof spec !== 'object' || Array.isArray(spec)) return text;
  try {
    return specTextWithoutSecrets(text, spec as BerthSpec, source);
  } catch {
    return text; // a shape the walk cannot read: the guard's redactor still hides every long secret
  }
}

/** The CLI's own answer, or its error lines as a resource error. */
async function cliText(uri: string, run: RunForResource, label: string, argv: string[], pick: (stdout: string) => string): Promise<string> {
  const r = await run(label, argv);
  const json = parseJson(r.stdout);
  const errors = json && errorLines(json);
  if (errors) throw resourceError(uri, errors);
  if (r.exitCode !== 0) throw resourceError(uri, r.stderr.split('\n').filter(Boolean));
  return pick(r.stdout);
}

/** The registry's file; when there is none, why, in the CLI's words (a spec that does not load says so). */
async function registryPath(files: WorkspaceFiles, run: RunForResource): Promise<string> {
  if (files.registry) return files.registry;
  const answer = await cliText(RESOURCE_URIS.registry, run, 'registry', ['ports', 'list'], (stdout) => stdout);
  const spec = (JSON.parse(answer) as { spec?: string }).spec ?? files.spec;
  throw resourceError(RESOURCE_URIS.registry, [`berth: ${spec} names no port registry`]);
}

/** A resource's text, refused with a resource error when it is more than MAX_RESOURCE_BYTES. */
export async function readResource(resource: BerthResource, host: BerthHost, run: RunForResource): Promise<string> {
  const text = await resource.read(host, run);
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_RESOURCE_BYTES) throw resourceError(resource.uri, [`berth: ${resource.uri} is ${bytes} bytes, more than the ${sizeText(MAX_RESOURCE_BYTES)} berth mcp serves`]);
  return text;
}

/** Every resource berth offers. The spec is served even when it does not load: that is when an agent needs to read it. */
export const RESOURCES: readonly BerthResource[] = [
  {
    name: 'spec',
    uri: RESOURCE_URIS.spec,
    title: 'berth.yaml',
    description: "The repo's infrastructure spec (berth.yaml) as written. Subscribe to hear when it changes.",
    mimeType: 'application/yaml',
    read: async (host) => specAsServed(readText(RESOURCE_URIS.spec, host.files().spec), host.files().spec),
  },
  {
    name: 'registry',
    uri: RESOURCE_URIS.registry,
    title: 'Port registry',
    description: 'The cross-repo port registry the spec names (ports.yaml) as written. Subscribe to hear when it changes.',
    mimeType: 'application/yaml',
    read: async (host, run) => readText(RESOURCE_URIS.registry, await registryPath(host.files(), run)),
  },
  {
    name: 'infrastructure-page',
    uri: RESOURCE_URIS.docs,
    title: 'INFRASTRUCTURE.md',
    description: 'The spec rendered as its infrastructure page (what `berth docs` prints). Changes with the spec.',
    mimeType: 'text/markdown',
    read: (_host, run) => cliText(RESOURCE_URIS.docs, run, 'docs', ['docs'], (stdout) => String((JSON.parse(stdout) as { markdown?: string }).markdown ?? '')),
  },
  {
    name: 'spec-schema',
    uri: RESOURCE_URIS.specSchema,
    title: 'berth.yaml JSON Schema',
    description: 'The JSON Schema of berth.yaml (what `berth schema spec` prints).',
    mimeType: 'application/schema+json',
    read: (_host, run) => cliText(RESOURCE_URIS.specSchema, run, 'schema', ['schema', 'spec'], (stdout) => stdout),
  },
  {
    name: 'registry-schema',
    uri: RESOURCE_URIS.registrySchema,
    title: 'ports.yaml JSON Schema',
    description: 'The JSON Schema of the port registry (what `berth schema registry` prints).',
    mimeType: 'application/schema+json',
    read: (_host, run) => cliText(RESOURCE_URIS.registrySchema, run, 'schema', ['schema', 'registry'], (stdout) => stdout),
  },
];

/** Which resources change when a file changes. */
export function urisChangedBy(files: WorkspaceFiles, path: string): string[] {
  if (path === files.spec) return [RESOURCE_URIS.spec, RESOURCE_URIS.docs];
  if (path === files.registry) return [RESOURCE_URIS.registry];
  return [];
}
