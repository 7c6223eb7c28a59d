import type { CheckResult } from '@berth/health';
import type { BerthSpec } from '@berth/spec';

/**
 * The one thing to do next about a check that did not pass, from what failed and what the spec
 * says about the subject (how it runs, who owns it, which profile enables it). Pure.
 */
export function nextStep(result: CheckResult, spec: BerthSpec): string | undefined {
  if (result.status === 'passing') return undefined;
  const { subject } = result;
  // the runner's note of its retries says nothing of what failed
  const reason = result.reason.replace(/ \(after \d+ attempts\)$/, '');
  const hint = typeof result.details?.hint === 'string' ? result.details.hint : undefined;
  if (/Docker engine not reachable/.test(reason)) return 'start the Docker engine (see the Docker engine section)';
  // what berth could not send, and what the peer's certificate or port says: the same for a service and a connection
  const request = requestStep(reason);
  if (request) return request;
  const tls = tlsStep(reason);
  if (tls) return tls;
  // inside its start period (or Docker says its healthcheck is starting): it is on its way, not down
  if (result.status === 'starting') return `wait for it to finish starting, then check again: berth health ${subject.id}`;
  if (subject.kind === 'connection') {
    const conn = spec.connections[subject.id];
    if (result.type === 'mcp') {
      if (/no MCP server registered/.test(reason)) return `register the server in .mcp.json: {"mcpServers": {"${subject.id}": {"command": "...", "args": []}}}`;
      if (/name one with/.test(reason)) return `name the server: connections.${subject.id}.server`;
      if (/non-protocol line/.test(reason)) return 'make the server log to stderr; stdout carries only MCP messages';
      if (/program not found/.test(reason)) return 'install the server, or fix its command in .mcp.json';
      return 'run the server by hand with its command from .mcp.json and read its stderr';
    }
    const owner = conn?.owner ? ` (operated by ${conn.owner})` : '';
    if (/refused|timed out .*connecting|host not found|unreachable/.test(reason)) {
      return `start ${conn?.name ?? subject.id}${owner}${conn && 'env' in conn && conn.env ? `, or point ${conn.env} at where it runs` : ''}`;
    }
    return `look at ${conn?.name ?? subject.id}'s logs${owner}`;
  }
  if (subject.kind === 'devcontainer') {
    if (hint) return hint;
    if (result.type === 'exec' && /no container|not running|^container \S+ is (exited|paused|created|dead|restarting)$/.test(reason)) return 'start the devcontainer (Dev Containers: Reopen in Container, or devcontainer up)';
    if (result.type === 'exec') return 'open a shell in the devcontainer and run the check\'s command to see why';
    if (result.type === 'gpu') return 'install the NVIDIA driver and the NVIDIA Container Toolkit on the host';
    return undefined;
  }
  const service = spec.services[subject.id];
  if (!service) return undefined;
  const runtime = service.runtime?.[0] ?? { kind: 'compose' as const };
  // a container that exited (`web exited with code 1`); not a check's program that exited non-zero (`curl exited 22`)
  const down = /refused|no container|has not been started|exited with code|is (exited|dead|created)$|timed out after .* connecting/.test(reason);
  if (down) {
    if (runtime.kind === 'devcontainer') return `start it in the devcontainer: ${runtime.command ?? subject.id}`;
    if (runtime.kind === 'host') return `start it on the host: ${runtime.command ?? subject.id}`;
    const profile = service.profiles?.length ? ` --profile ${service.profiles[0]}` : '';
    return `start it: berth up${profile} ${subject.id}`;
  }
  if (/unhealthy|restarting|status 5\d\d|timed out|reset|cut/.test(reason)) return readItsOutput(subject.id, runtime);
  if (/status 4\d\d/.test(reason)) return `check the URL of its check, or that port ${portOf(result)} is really ${subject.id}`;
  if (/^host not found: /.test(reason)) return `fix the host name in its check, or make it resolve (${reason.replace(/^host not found: (\S+).*$/, '$1')} is not found)`;
  if (/answered, but not in HTTP/.test(reason)) return `check that port ${portOf(result)} is really ${subject.id}: another program answers there`;
  return readItsOutput(subject.id, runtime);
}

/** A check berth could not send: a `${VAR}` set nowhere, or a url that is none once they are filled in. */
function requestStep(reason: string): string | undefined {
  const unset = /uses \$\{([A-Za-z_][A-Za-z0-9_]*)\}, which is set neither in the environment nor in (.+)$/.exec(reason);
  if (unset) return `set ${unset[1]} in the environment or in ${unset[2]}`;
  // an MCP server's registration (.mcp.json) refers to a variable its client fills in from the environment
  const registered = /uses \$\{([A-Za-z_][A-Za-z0-9_]*)\}, which is not set in the environment/.exec(reason);
  if (registered) return `set ${registered[1]} in the environment the client (and berth) run in`;
  const required = /^(?:url|headers\.\S+) needs ([A-Za-z_][A-Za-z0-9_]*):/.exec(reason);
  if (required) return `set ${required[1]} in the environment or in the .env beside the spec`;
  if (/url is not an http:\/\/ or https:\/\/ URL once its variables are substituted/.test(reason)) return "fix the variables in its check's url: they must make an http:// or https:// URL";
  return undefined;
}

/** What to change for a TLS failure: the certificate, or what the check accepts (as the reason says it). */
function tlsStep(reason: string): string | undefined {
  if (!reason.startsWith('TLS: ')) return undefined;
  if (/does not speak TLS/.test(reason)) return "use http:// in its check's url (it answers in plain text)";
  if (/self-signed|signed by a CA this machine does not trust/.test(reason)) return 'trust its CA (NODE_EXTRA_CA_CERTS=/path/ca.pem), or set insecure: true on its check';
  if (/has expired/.test(reason)) return 'renew its certificate, or set insecure: true on its check';
  if (/does not name/.test(reason)) return "use a name its certificate holds in its check's url, or set insecure: true on its check";
  if (/wants a client certificate/.test(reason)) return 'check it with a command check that sends one (curl --cert ...): an http check sends no client certificate';
  if (/too weak/.test(reason)) return 'give it a certificate with a stronger key (RSA 2048 bits or more), or set insecure: true on its check';
  return undefined;
}

/** Where a running service says what went wrong: `berth logs` reads only the containers berth runs, not a host or devcontainer process. */
function readItsOutput(id: string, runtime: { kind: 'compose' | 'devcontainer' | 'host'; command?: string | undefined }): string {
  const what = runtime.command ? `the output of \`${runtime.command}\`` : `${id}'s output`;
  if (runtime.kind === 'host') return `read ${what} where it runs on the host`;
  if (runtime.kind === 'devcontainer') return `read ${what} in the devcontainer`;
  return `read its logs: berth logs ${id}`;
}

function portOf(result: CheckResult): string {
  return /:(\d+)/.exec(result.label)?.[1] ?? '?';
}
