import { needsAttention, type ServiceStatus } from '@berth/docker/status';

/** A tool answer as JSON; read loosely, since the CLI's --json is the contract and these lines only sum it up. */
type Answer = Record<string, unknown>;

const obj = (v: unknown): Answer => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Answer) : {});
const list = (v: unknown): Answer[] => (Array.isArray(v) ? v.map(obj) : []);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const names = (items: Answer[], key = 'name') => items.map((i) => String(i[key])).join(', ');

/** "2 errors, 1 warning" / "no problems", from an answer's `errors` and `warnings` counts. */
function problemCounts(a: Answer): string {
  const errors = Number(a.errors ?? 0);
  const warnings = Number(a.warnings ?? 0);
  return errors || warnings ? [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ') : 'no problems';
}

/** What each step of an `up` did, grouped: "create: mlflow, postgres; keep: qdrant". */
function planSteps(a: Answer): string {
  const byAction = new Map<string, string[]>();
  for (const s of list(obj(a.plan).steps)) byAction.set(String(s.action), [...(byAction.get(String(s.action)) ?? []), String(s.service)]);
  return [...byAction].map(([action, services]) => `${action}: ${services.join(', ')}`).join('; ') || 'no services';
}

/** "exited 1", "running, unhealthy", "created, scaled to 0 by hand (...)": a service's state as the line names it. */
function stateWords(s: Answer): string {
  const tasks = obj(s.tasks);
  return [s.state === 'exited' ? `exited ${String(s.exitCode)}` : String(s.state), s.health === 'unhealthy' ? 'unhealthy' : '', typeof tasks.problem === 'string' ? tasks.problem : ''].filter(Boolean).join(', ');
}

/** One line per tool, read from its JSON answer. */
export const summaries: Record<string, (json: unknown) => string> = {
  validate: (j) => `${obj(j).spec}${obj(j).registry ? ` + ${obj(j).registry}` : ''}: ${Number(obj(j).errors) ? problemCounts(obj(j)) : `valid (${problemCounts(obj(j))})`}`,
  ports_list: (j) => `${plural(list(obj(j).ports).length, 'port')}, ${plural(list(obj(j).conflicts).length, 'conflict')}`,
  ports_suggest: (j) => {
    const a = obj(j);
    const ports = Array.isArray(a.ports) ? a.ports : [];
    return ports.length ? `free ${a.protocol} ports for ${a.service}: ${ports.join(', ')}` : `no free ${a.protocol} port found for ${a.service}`;
  },
  ports_check: (j) => `${plural(list(obj(j).bindings).length, 'port binding')} checked: ${problemCounts(obj(j))}`,
  env_check: (j) => {
    const vars = list(obj(j).vars);
    const missing = vars.filter((v) => v.required && !v.set).length;
    const invalid = vars.filter((v) => v.set && v.valid === false).length;
    return `${plural(vars.length, 'variable')}: ${missing} required missing, ${invalid} invalid (${problemCounts(obj(j))})`;
  },
  docs: (j) => `the INFRASTRUCTURE.md page rendered from ${obj(j).spec}`,
  ecosystem_check: (j) => {
    const a = obj(j);
    const graph = obj(a.graph);
    return `ecosystem ${a.ecosystem ?? '(specs named)'}: ${plural(list(a.members).length, 'member')}, ${plural(list(graph.edges).length, 'connection')} between repos and shared services: ${problemCounts(a)}`;
  },
  health: (j) => {
    const checks = list(obj(j).checks);
    const count = (s: string) => checks.filter((c) => c.status === s).length;
    return `health ${obj(j).status}: ${count('passing')} passing, ${count('warning')} warning, ${count('critical')} critical of ${plural(checks.length, 'check')}`;
  },
  status: (j) => {
    const services = list(obj(j).services);
    const running = services.filter((s) => s.state === 'running').length;
    // what makes `berth status` exit 1, named: an agent reads which service to look at from the line
    const attention = services.filter((s) => needsAttention(s as unknown as ServiceStatus)).map((s) => `${String(s.service)} (${stateWords(s)})`);
    return `project ${obj(j).project}: ${running} of ${plural(services.length, 'service')} running${attention.length ? `; needs attention: ${attention.join(', ')}` : ''}`;
  },
  doctor: (j) => `doctor: ${obj(j).status}; ${list(obj(j).sections).map((s) => `${s.id} ${s.status}`).join(', ')}`,
  logs: (j) => `${plural(list(obj(j).lines).length, 'log line')}${obj(j).truncated ? ' (truncated)' : ''}`,
  up: (j) => `${obj(j).dryRun ? 'plan for' : 'up'} project ${obj(j).project}: ${planSteps(obj(j))}`,
  down: (j) => {
    const a = obj(j);
    const named = (key: string, kind: string) => (Array.isArray(a[key]) ? (a[key] as unknown[]) : []).map((n) => `${kind} ${String(n)}`);
    // a swarm's down removes the stack's secrets and configs too
    const removed = [...list(a.removedContainers).map((c) => `container ${c.name}`), ...named('removedNetworks', 'network'), ...named('removedVolumes', 'volume'), ...named('removedSecrets', 'secret'), ...named('removedConfigs', 'config')];
    return removed.length ? `project ${a.project}: removed ${removed.join(', ')}` : `project ${a.project}: nothing to take down`;
  },
  restart: (j) => `project ${obj(j).project}: restarted ${names(list(obj(j).restarted)) || 'nothing'}`,
  ports_register: (j) => {
    const a = obj(j);
    const added = list(a.added).map((e) => `${e.port}/${e.protocol ?? 'tcp'}`);
    if (a.ok === false) return `refused to register ${a.service}: it would conflict with ${a.registry} (nothing written)`;
    return added.length ? `${a.dryRun ? 'would add' : 'added'} ${added.join(', ')} for ${a.service} to ${a.registry}` : `${a.service}: nothing to register in ${a.registry}`;
  },
};
