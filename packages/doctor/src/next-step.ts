import type { CheckResult } from '@berth/health';
import type { BerthSpec } from '@berth/spec';

/**
 * The one thing to do next about a check that did not pass, from what failed and what the spec
 * says about the subject (how it runs, who owns it, which profile enables it). Pure.
 */
export function nextStep(result: CheckResult, spec: BerthSpec): string | undefined {
  if (result.status === 'passing') return undefined;
  const { subject, reason } = result;
  const hint = typeof result.details?.hint === 'string' ? result.details.hint : undefined;
  if (/Docker engine not reachable/.test(reason)) return 'start the Docker engine (see the Docker engine section)';
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
  const down = /refused|no container|has not been started|exited|timed out after .* connecting/.test(reason);
  if (down) {
    if (runtime.kind === 'devcontainer') return `start it in the devcontainer: ${runtime.command ?? subject.id}`;
    if (runtime.kind === 'host') return `start it on the host: ${runtime.command ?? subject.id}`;
    const profile = service.profiles?.length ? ` --profile ${service.profiles[0]}` : '';
    return `start it: berth up${profile} ${subject.id}`;
  }
  if (/unhealthy|restarting|status 5\d\d|timed out|reset|cut/.test(reason)) return readItsOutput(subject.id, runtime);
  if (/status 4\d\d/.test(reason)) return `check the URL of its check, or that port ${portOf(result)} is really ${subject.id}`;
  return readItsOutput(subject.id, runtime);
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
