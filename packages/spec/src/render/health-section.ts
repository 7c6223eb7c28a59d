import type { BerthSpec } from '../schema/spec.js';
import type { HealthCheck } from '../schema/check.js';
import { devcontainerPlace, type DevcontainerPlace } from '../analysis/devcontainer-place.js';
import { specChecks } from '../analysis/spec-checks.js';
import { fence, shellCommand, shellQuote } from './markdown.js';
import { REDACTED } from '../secrets/redactor.js';

type Section = string[];

interface Subject {
  title: string;
  /** The service or connection id `berth health` takes. */
  id?: string;
  /** The container an exec check runs in, when the check names none. */
  container?: string;
  /** The spec's devcontainer, for exec checks that run in it. */
  devcontainer?: DevcontainerPlace;
  /** The checks belong to the devcontainer: an exec check naming no container runs in it. */
  inDevcontainer?: boolean;
}

/**
 * A program run in the spec's devcontainer, as a command a developer can paste at the spec's folder: the Dev
 * Containers CLI's `devcontainer exec`, which finds the container by the labels it gave it (this workspace folder
 * and this devcontainer.json, the lookup `berth health` makes too) and runs the program as the editor's terminal
 * does: as `remoteUser`, with `remoteEnv`, in the workspace folder. The editor names the container itself, so no
 * name is assumed; `--config` is given where the folder alone does not name the devcontainer.json.
 */
export function devcontainerExecCommand(place: DevcontainerPlace, argv: readonly string[]): string {
  const config = place.onlyConfig ? '' : ` --config ${shellQuote(place.config)}`;
  return `devcontainer exec --workspace-folder ${shellQuote(place.workspace || '.')}${config} ${shellCommand([...argv])}`;
}

/**
 * A stdio MCP server's command line as the page shows it: an argument the page's spec hides (specWithoutSecrets:
 * `--token X`) reads `[redacted]`, not quoted as if it were the word to type.
 */
const serverCommand = (argv: readonly string[]) => argv.map((arg) => (arg === REDACTED ? arg : shellQuote(arg))).join(' ');

/** A health check as a command a person can paste into a shell, with what it expects as a comment. */
export function checkCommand(check: HealthCheck, subject: Subject): { command: string; expects?: string } {
  switch (check.type) {
    case 'http': {
      const status = check.expect.status?.length ? check.expect.status.join(' or ') : '2xx-3xx';
      const extra = [
        check.expect.bodyContains !== undefined ? `body contains ${JSON.stringify(check.expect.bodyContains)}` : '',
        check.expect.json ? `JSON ${check.expect.json.path}${check.expect.json.equals !== undefined ? ` = ${JSON.stringify(check.expect.json.equals)}` : ''}` : '',
        check.expect.unauthorizedIsUp ? '401/403 mean up, wants credentials' : '',
      ].filter(Boolean);
      const method = check.method === 'GET' ? '' : `-X ${check.method} `;
      return { command: `curl ${check.insecure ? '-k ' : ''}${method}${check.url}`, expects: [`expects ${status}`, ...extra].join('; ') };
    }
    case 'tcp':
      return { command: `nc -z ${shellQuote(check.host)} ${check.port}`, expects: 'expects the port to accept a connection' };
    case 'postgres':
      return { command: `pg_isready -h ${shellQuote(check.host)} -p ${check.port}${check.database ? ` -d ${shellQuote(check.database)}` : ''}`, expects: 'expects "accepting connections"' };
    case 'command':
      return { command: shellCommand(check.argv), expects: expectText(check.expect) };
    case 'exec': {
      const inDevcontainer = check.in === 'devcontainer' || (subject.inDevcontainer && !check.container && !check.service);
      if (inDevcontainer && subject.devcontainer) return { command: devcontainerExecCommand(subject.devcontainer, check.argv), expects: expectText(check.expect) };
      const target = shellQuote(check.container ?? check.service ?? subject.container ?? '<container>');
      return { command: `docker exec ${target} ${shellCommand(check.argv)}`, expects: expectText(check.expect) };
    }
    case 'container': {
      const target = check.service ?? subject.container ?? '<container>';
      return { command: `docker inspect --format '{{.State.Health.Status}}' ${shellQuote(target)}`, expects: 'expects healthy' };
    }
    case 'gpu':
      return { command: 'nvidia-smi --query-gpu=name,driver_version --format=csv', expects: `expects at least ${check.minCount} GPU${check.minCount > 1 ? 's' : ''}${check.cuda ? `, driver new enough for CUDA ${check.cuda}` : ''}` };
    case 'mcp': {
      // with no server named, berth health starts the one server registered there
      const server = check.command ? serverCommand([check.command, ...check.args]) : check.server ? `the "${check.server}" server from ${check.configFiles.join(' or ')}` : `the MCP server registered in ${check.configFiles.join(' or ')}`;
      return { command: `berth health ${shellQuote(subject.id ?? subject.title)}`, expects: `starts ${server} over stdio and lists its tools` };
    }
  }
}

function expectText(e: { exitCode: number; stdoutContains?: string | undefined; stdoutEquals?: string | undefined }): string {
  return [`expects exit ${e.exitCode}`, e.stdoutEquals !== undefined ? `output ${JSON.stringify(e.stdoutEquals)}` : '', e.stdoutContains !== undefined ? `output contains ${JSON.stringify(e.stdoutContains)}` : '']
    .filter(Boolean)
    .join(', ');
}

/** Whose a connection is: the repo that runs it (its `owner`), else shared infrastructure, whose owner the spec does not record. */
function connectionTag(spec: BerthSpec, id: string): string {
  return spec.connections?.[id]?.owner ?? 'shared';
}

/**
 * Every check `berth health` runs (specChecks), as runnable commands: services, then connections, then the
 * devcontainer. Those berth derives where the spec names no `checks:` are marked "default", so a reader can
 * tell them from the written ones; a connection is marked with the repo that runs it, or "shared".
 */
export function healthSection(spec: BerthSpec): Section {
  const place = spec.devcontainer ? { devcontainer: devcontainerPlace(spec.devcontainer.config) } : {};
  const lines: string[] = [];
  let anyDerived = false;
  for (const { subject: s, checks, derived } of specChecks(spec)) {
    const subject: Subject =
      s.kind === 'service' ? { title: s.name ?? s.id, id: s.id, container: s.id, ...place } : s.kind === 'connection' ? { title: s.name ?? s.id, id: s.id, ...place } : { title: 'DevContainer', id: s.id, ...place, inDevcontainer: true };
    const tags = [s.kind === 'connection' ? connectionTag(spec, s.id) : '', derived ? 'default' : ''].filter(Boolean);
    const tagged = tags.length ? `${subject.title} (${tags.join(', ')})` : subject.title;
    for (const check of checks) {
      anyDerived ||= derived;
      const { command, expects } = checkCommand(check, subject);
      const title = check.type === 'gpu' ? `${check.name ?? 'GPU'}${derived ? ' (default)' : ''}` : check.name ? `${tagged}: ${check.name}` : tagged;
      if (lines.length) lines.push('');
      lines.push(`# ${title}${expects ? ` — ${expects}` : ''}`, command);
    }
  }
  if (!lines.length) return [];
  const intro = anyDerived ? ['What `berth health` runs. A check marked *default* is the one berth derives where the spec writes no `checks:` (from the ports and their `appProtocol`, or the connection).', ''] : [];
  return ['## Health Checks', '', ...intro, ...fence('bash', lines)];
}
