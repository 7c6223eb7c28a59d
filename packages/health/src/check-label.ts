import type { HealthCheck } from '@berth/spec';

/** A short label for a check in tables: its name, else its kind and target ("http :5000/health"). */
export function checkLabel(check: HealthCheck): string {
  if (check.name) return check.name;
  switch (check.type) {
    case 'http': {
      const method = check.method !== 'GET' ? `${check.method} ` : '';
      // a url with ${VAR}s (filled in when the check runs) is shown as written
      if (!URL.canParse(check.url)) return `${method}http ${check.url}`;
      const u = new URL(check.url);
      return `${method}${u.protocol.replace(':', '')} :${u.port || (u.protocol === 'https:' ? 443 : 80)}${u.pathname}`;
    }
    case 'tcp':
      return `tcp :${check.port}`;
    case 'postgres':
      return `postgres :${check.port}`;
    case 'command':
      return `command ${check.argv[0]}`;
    case 'exec':
      return `exec ${check.argv[0]}`;
    case 'container':
      return check.service ? `container ${check.service}` : 'container';
    case 'mcp':
      return `mcp ${check.server ?? check.command ?? 'stdio'}`;
    case 'gpu':
      return check.cuda ? `gpu cuda ${check.cuda}` : 'gpu';
  }
}
