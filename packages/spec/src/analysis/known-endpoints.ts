/**
 * What berth knows about the services of the seed stack: the endpoint that says "ready" truthfully and
 * what its answer holds. Matched on the service or connection id, display name, image and port name.
 */
export interface KnownEndpoint {
  path: string;
  bodyContains?: string;
  unauthorizedIsUp?: boolean;
  why: string;
}

interface Rule {
  match: RegExp;
  /** Only for a port of this name (Marquez's admin port). */
  portName?: RegExp;
  endpoint: KnownEndpoint;
}

const RULES: Rule[] = [
  { match: /marquez[-_ ]?web/i, endpoint: { path: '/', why: 'the Marquez web UI serves its page at /' } },
  { match: /marquez/i, portName: /admin/i, endpoint: { path: '/healthcheck', why: "Marquez's admin port answers /healthcheck (Dropwizard)" } },
  { match: /marquez/i, endpoint: { path: '/api/v1/namespaces', why: 'the Marquez API lists namespaces once its database is up' } },
  { match: /mlflow/i, endpoint: { path: '/health', bodyContains: 'OK', why: 'the MLflow server answers /health with 200 OK' } },
  { match: /qdrant/i, endpoint: { path: '/readyz', why: 'Qdrant answers /readyz once collections are loaded (/healthz only says the process lives)' } },
  { match: /ollama/i, endpoint: { path: '/api/version', why: 'Ollama answers /api/version with its version' } },
  {
    match: /jupyter/i,
    endpoint: { path: '/api/status', unauthorizedIsUp: true, why: 'Jupyter answers /api/status with 403 without a token: up, wants a token' },
  },
];

export function knownEndpoint(names: (string | undefined)[], portName?: string): KnownEndpoint | undefined {
  const text = names.filter(Boolean).join(' ');
  return RULES.find((r) => r.match.test(text) && (!r.portName || (portName !== undefined && r.portName.test(portName))))?.endpoint;
}
