import { z } from 'zod';
import { deferred } from './deferred.js';
import { alsoInJsonSchema } from './json-schema-extra.js';

/** The name of the engine berth finds as the docker CLI does (DOCKER_HOST, DOCKER_CONTEXT, the current context, the default sockets). */
export const DEFAULT_ENGINE = 'default';

const HOST_RE = /^(ssh|tcp|unix):\/\/\S+$/;

const EXPECTED = 'expected unix://, tcp:// or ssh://';

/**
 * Why berth can never reach an engine at this URL, or undefined when it may: the one rule for what an engine URL may
 * be, for a spec's `engines.NAME.host` (berth validate), DOCKER_HOST and a context's endpoint. As the docker CLI reads
 * one: unix:///path (`unix://` alone is the default socket), npipe://, tcp://host:port (http://, https://), and
 * ssh://[user@]host[:port][/path/to/docker.sock] with no password (berth never prompts; a key does it), query or fragment.
 * Its words never repeat the URL (which may hold a password). Pure.
 */
export function engineHostProblem(url: string): string | undefined {
  if (url.startsWith('unix://') || url.startsWith('npipe://')) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `not a Docker host URL (${EXPECTED})`;
  }
  if (['tcp:', 'http:', 'https:'].includes(u.protocol)) return undefined;
  if (u.protocol !== 'ssh:') return `unsupported scheme ${u.protocol} (${EXPECTED})`;
  if (u.password) return 'a password in an ssh:// URL is not supported (use a key, through the agent or ~/.ssh/config)';
  if (u.search || u.hash) return 'an ssh:// URL takes no query or fragment';
  if (!u.hostname) return 'the ssh:// URL names no host';
  return undefined;
}

/**
 * A Docker engine the spec places services on: by a Docker context of this machine (`context: gpu-box`)
 * or by an endpoint (`host: ssh://dev@gpu-box`, `tcp://gpu-box:2376`, `unix:///run/docker.sock`).
 */
export const EngineDeclaration = deferred(
  () =>
    alsoInJsonSchema(
      z
      .strictObject({
        context: z.string().min(1).optional().describe('A Docker context of this machine (`docker context ls`); its endpoint and TLS material are read from ~/.docker/contexts.'),
        host: z
          .string()
          .regex(HOST_RE, 'must be an endpoint such as ssh://user@host, tcp://host:2376 or unix:///var/run/docker.sock')
          .superRefine((host, ctx) => {
            const problem = HOST_RE.test(host) ? engineHostProblem(host) : undefined;
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          })
          .optional()
          .describe('An endpoint: ssh://[user@]host[:port] (through the ssh command, as the docker CLI does), tcp://host:port (TLS with the material in DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set), or unix:///path.'),
        mode: z.enum(['containers', 'swarm']).default('containers').describe('containers: plain containers, as Compose runs them; swarm: the profile is deployed as the services of one swarm stack.'),
        description: z.string().optional().describe('What the machine is, such as "the CUDA box under the desk".'),
      })
      .refine((e) => (e.context === undefined) !== (e.host === undefined), { message: 'give either context or host (exactly one)' }),
      { oneOf: [{ required: ['context'] }, { required: ['host'] }] },
    ),
);
export type EngineDeclaration = z.output<typeof EngineDeclaration>;
