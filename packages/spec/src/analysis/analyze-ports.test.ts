import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegistryFile, loadSpecFile } from '../load/load.js';
import { formatProblem } from '../problem.js';
import { analyzePorts } from './analyze-ports.js';
import { registryFrom, specFrom, specWith } from './fixtures.test-helpers.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const codes = (r: { problems: { code: string }[] }) => r.problems.map((p) => p.code).sort();

const REG = (ports: string, extra = '') => `registry: 1\nowner: orchestrator\n${extra}ports:\n${ports}\n`;

describe('analyzePorts on the bundled example', () => {
  it('reports only the MLflow/Marquez API 5000 clash, as a warning that they cannot run together', () => {
    const s = loadSpecFile('examples/semops-data/berth.yaml', root);
    const r = loadRegistryFile('examples/semops-dx-orchestrator/ports.yaml', root);
    const report = analyzePorts({ specs: [{ spec: s.value!, file: s.file, source: s.source }], registry: { value: r.value!, file: r.file, source: r.source } });
    expect(report.problems.map(formatProblem)).toEqual([
      'examples/semops-data/berth.yaml:88:9: warning: port 5000/tcp is published by both mlflow (examples/semops-data/berth.yaml:70:9) and marquez (api); they are declared exclusive, so they cannot run together',
    ]);
    expect(report.conflicts).toEqual([{ port: 5000, protocol: 'tcp', holders: [{ repo: 'semops-data', service: 'mlflow' }, { repo: 'semops-data', service: 'marquez' }], exclusive: true }]);
    expect(report.bindings.every((b) => b.registered)).toBe(true);
    expect(report.entries.filter((e) => e.status === 'exclusive').map((e) => e.service)).toEqual(['mlflow', 'marquez']);
  });
});

describe('two services on one port', () => {
  const two = (a: string, b: string, excl = '') => specFrom(specWith('r', `  a:\n    ports: [${a}]\n${excl}  b:\n    ports: [${b}]\n`));

  it('is an error at the second binding, naming the first by file:line:col', () => {
    const report = analyzePorts({ specs: [two('5000', '5000')] });
    expect(report.problems.map(formatProblem)).toEqual([
      'berth.yaml:8:13: port 5000/tcp is published by both a (berth.yaml:6:13) and b; only one of them can bind it (give one of them another port, or declare them `exclusiveWith` each other if they never run together)',
    ]);
    expect(report.conflicts[0]!.exclusive).toBe(false);
  });
  it('names three holders without "both"', () => {
    const report = analyzePorts({ specs: [specFrom(specWith('r', '  a:\n    ports: [5000]\n  b:\n    ports: [5000]\n  c:\n    ports: [5000]\n'))] });
    expect(report.problems.map((p) => p.message)).toEqual(['port 5000/tcp is published by a (berth.yaml:6:13), b (berth.yaml:8:13) and c; only one of them can bind it']);
  });
  it('is a warning when declared exclusive on either side', () => {
    const report = analyzePorts({ specs: [two('5000', '5000', '    exclusiveWith: [b]\n')] });
    expect(report.problems.map((p) => [p.code, p.severity])).toEqual([['port-exclusive', 'warning']]);
  });
  it('treats an absent or wildcard host IP as overlapping every address, and two addresses as separate', () => {
    expect(codes(analyzePorts({ specs: [two('"127.0.0.1:5000:80"', '"0.0.0.0:5000:80"')] }))).toEqual(['port-conflict']);
    expect(codes(analyzePorts({ specs: [two('"127.0.0.1:5000:80"', '"[::]:5000:80"')] }))).toEqual(['port-conflict']);
    expect(codes(analyzePorts({ specs: [two('"127.0.0.1:5000:80"', '"10.0.0.2:5000:80"')] }))).toEqual([]);
  });
  it('judges two addresses as Linux binds them, however they are spelt (the one rule, hostIpsOverlap)', () => {
    expect(codes(analyzePorts({ specs: [two('"[::1]:5000:80"', '{ host: 5000, hostIp: "0:0:0:0:0:0:0:1" }')] }))).toEqual(['port-conflict']);
    expect(codes(analyzePorts({ specs: [two('{ host: 5000, hostIp: "0:0:0:0:0:0:0:0" }', '"127.0.0.1:5000:80"')] }))).toEqual(['port-conflict']);
    expect(codes(analyzePorts({ specs: [two('{ host: 5000, hostIp: "::ffff:7f00:1" }', '"127.0.0.1:5000:80"')] }))).toEqual(['port-conflict']);
    // 0.0.0.0 is every IPv4 address, not ::1
    expect(codes(analyzePorts({ specs: [two('"0.0.0.0:5000:80"', '"[::1]:5000:80"')] }))).toEqual([]);
  });
  it('keeps tcp and udp apart, and finds overlapping ranges', () => {
    expect(codes(analyzePorts({ specs: [two('"5000:5000/udp"', '5000')] }))).toEqual([]);
    const report = analyzePorts({ specs: [two('"3000-3005:3000-3005"', '3004')] });
    expect(report.conflicts).toEqual([{ port: 3004, protocol: 'tcp', holders: [{ repo: 'r', service: 'a' }, { repo: 'r', service: 'b' }], exclusive: false }]);
  });
  it('is an error across repos, whatever they declare', () => {
    const a = specFrom(specWith('one', '  web:\n    ports: [8080]\n'), 'one/berth.yaml');
    const b = specFrom(specWith('two', '  api:\n    ports: [8080]\n'), 'two/berth.yaml');
    const report = analyzePorts({ specs: [a, b] });
    expect(report.problems.map(formatProblem)).toEqual([
      'two/berth.yaml:6:13: port 8080/tcp is published by both one/web (one/berth.yaml:6:13) and two/api; only one of them can bind it (give one of them another port (`berth ports suggest <service>`))',
    ]);
  });
  it('groups three holders into one conflict', () => {
    const s = specFrom(specWith('r', '  a:\n    ports: [7000]\n  b:\n    ports: [7000]\n  c:\n    ports: [7000]\n'));
    const report = analyzePorts({ specs: [s] });
    expect(report.conflicts).toHaveLength(1);
    expect(report.conflicts[0]!.holders.map((h) => h.service)).toEqual(['a', 'b', 'c']);
    expect(report.problems).toHaveLength(1);
  });
});

describe('ports against the registry', () => {
  const spec = specFrom(specWith('app', '  web:\n    ports:\n      - { host: 8080, env: WEB_PORT }\n  db:\n    ports: ["6000-6002:6000-6002"]\n'));
  const check = (ports: string, extra = '', env?: Record<string, string>) => analyzePorts({ specs: [spec], registry: registryFrom(REG(ports, extra)), ...(env ? { env } : {}) });

  it('is clean when every port is registered to its service', () => {
    const r = check('  - { port: 8080, repo: app, service: web, env: WEB_PORT }\n  - { port: "6000-6002", repo: app, service: db }');
    expect(r.problems).toEqual([]);
    expect(r.bindings.map((b) => b.registered)).toEqual([true, true]);
  });
  it('reports an unregistered port with the command that registers it', () => {
    const r = check('  - { port: "6000-6002", repo: app, service: db }');
    expect(r.problems.map(formatProblem)).toEqual(['berth.yaml:7:9: port 8080/tcp of app/web is not in the port registry (register it: berth ports register web)']);
    expect(r.bindings[0]!.status).toBe('unregistered');
  });
  it('reports a port registered to someone else, pointing at that entry', () => {
    const r = check('  - { port: 8080, repo: other, service: proxy }\n  - { port: "6000-6002", repo: app, service: db }');
    expect(r.problems.map(formatProblem)).toEqual(['berth.yaml:7:9: port 8080/tcp of app/web is registered to other/proxy (ports.yaml:4:5) (pick a free port: berth ports suggest web)']);
  });
  it("says to rename the entry of a renamed service (same repo, same port, its old service gone), on the port and on the entry", () => {
    const r = check('  - { port: 8080, repo: app, service: frontend, env: WEB_PORT }\n  - { port: "6000-6002", repo: app, service: db }');
    const rename = "if frontend was renamed web, rename the entry's service to web in the registry";
    expect(r.problems.map(formatProblem)).toEqual([
      `berth.yaml:7:9: port 8080/tcp of app/web is registered to app/frontend (ports.yaml:4:5) (${rename})`,
      `ports.yaml:4:5: warning: port 8080/tcp is registered to app/frontend, but app has no service "frontend" (${rename})`,
    ]);
  });
  it("says to change the port of a moved service's entry (its service's one entry no port uses), on the port and on the entry", () => {
    const r = check('  - { port: 8081, repo: app, service: web, env: WEB_PORT }\n  - { port: "6000-6002", repo: app, service: db }');
    expect(r.problems.map(formatProblem)).toEqual([
      'berth.yaml:7:9: port 8080/tcp of app/web is not in the port registry (if web moved from 8081, change the port of its entry (ports.yaml:4:5) to 8080)',
      "ports.yaml:4:5: warning: port 8081/tcp is registered to app/web, but that service does not publish it (if web moved to 8080, change the entry's port to 8080)",
    ]);
  });
  it("marks the owner's entry conflict when another repo publishes its port, as the bindings are (ports list and PORTS.md show that row)", () => {
    const other = specFrom(specWith('other', '  proxy:\n    ports: [8080]\n'), 'other/berth.yaml');
    const r = analyzePorts({ specs: [other, spec], registry: registryFrom(REG('  - { port: 8080, repo: other, service: proxy }\n  - { port: "6000-6002", repo: app, service: db }')) });
    expect(r.entries.map((e) => [e.service, e.status])).toEqual([['proxy', 'conflict'], ['db', 'ok']]);
    expect(r.bindings.filter((b) => b.from === 8080).map((b) => [b.repo, b.registered, b.status])).toEqual([['other', true, 'conflict'], ['app', false, 'conflict']]);
  });
  it('reports a port registered to someone else on an address that clashes, however either is spelt', () => {
    const local = specFrom(specWith('app', '  web:\n    ports: ["127.0.0.1:8080:80", "[::1]:8081:81"]\n'));
    const r = analyzePorts({ specs: [local], registry: registryFrom(REG('  - { port: 8080, hostIp: "0:0:0:0:0:0:0:0", repo: other, service: thing }\n  - { port: 8081, hostIp: "0.0.0.0", repo: other, service: thing }')) });
    expect(r.problems.map(formatProblem)).toEqual([
      'berth.yaml:6:13: port 8080/tcp of app/web is registered to other/thing (ports.yaml:4:5) (pick a free port: berth ports suggest web)',
      'berth.yaml:6:34: port 8081/tcp of app/web is not in the port registry (register it: berth ports register web)',
    ]);
    const registry = (a: string, b: string) => registryFrom(REG(`  - { port: 7000, hostIp: "${a}", repo: one, service: x }\n  - { port: 7000, hostIp: "${b}", repo: two, service: y }`));
    expect(codes(analyzePorts({ specs: [], registry: registry('::1', '0:0:0:0:0:0:0:1') }))).toEqual(['registry-conflict']);
    expect(codes(analyzePorts({ specs: [], registry: registry('0.0.0.0', '::1') }))).toEqual([]);
  });
  it('reports a range only partly registered, and an env name that differs from the registry', () => {
    const r = check('  - { port: 8080, repo: app, service: web, env: HTTP_PORT }\n  - { port: "6000-6001", repo: app, service: db }');
    expect(codes(r)).toEqual(['port-env-name', 'port-partly-registered']);
  });
  it('reports duplicated and conflicting registry entries, and unused ones of a loaded repo', () => {
    const r = check(
      '  - { port: 8080, repo: app, service: web }\n  - { port: 8080, repo: app, service: web }\n  - { port: "6000-6002", repo: app, service: db }\n  - { port: 6001, repo: other, service: x }\n  - { port: 9000, repo: app, service: wbe }',
    );
    expect(codes(r)).toEqual(['registry-conflict', 'registry-duplicate', 'registry-entry-unused']);
    const unused = r.problems.find((p) => p.code === 'registry-entry-unused')!;
    expect(formatProblem(unused)).toContain('ports.yaml:8:5: warning: port 9000/tcp is registered to app/wbe, but app has no service "wbe" (did you mean "web"?)');
  });
  it('warns, without a spec to say so, when one repo registers two services on one port', () => {
    const r = check('  - { port: 8080, repo: app, service: web }\n  - { port: "6000-6002", repo: app, service: db }\n  - { port: 9100, repo: far, service: a }\n  - { port: 9100, repo: far, service: b }');
    expect(r.problems.map((p) => [p.code, p.severity])).toEqual([['registry-shared-port', 'warning']]);
  });
  it('refuses privileged ports unless the registry allows them, and warns about ephemeral ones', () => {
    const s = specFrom(specWith('app', '  web:\n    ports: [80, 40000]\n'));
    const reg = (extra: string) => registryFrom(REG('  - { port: 80, repo: app, service: web }\n  - { port: 40000, repo: app, service: web }', extra));
    expect(analyzePorts({ specs: [s], registry: reg('') }).problems.map((p) => [p.code, p.severity])).toEqual([
      ['port-privileged', 'error'],
      ['port-ephemeral', 'warning'],
    ]);
    expect(codes(analyzePorts({ specs: [s], registry: reg('allowPrivileged: true\n') }))).toEqual(['port-ephemeral']);
    expect(analyzePorts({ specs: [s] }).problems.find((p) => p.code === 'port-privileged')!.severity).toBe('warning');
  });
  it('keeps repos out of each other\'s reserved bands and their own ports inside theirs', () => {
    const reserved = 'reserved:\n  - { range: "8000-8099", repo: other, purpose: other stack }\n  - { range: "6000-6099", repo: app, purpose: app stack }\n  - { range: "6050-6150", purpose: kept free }\n';
    const r = check('  - { port: 8080, repo: app, service: web, env: WEB_PORT }\n  - { port: "6000-6002", repo: app, service: db }', reserved);
    expect(codes(r)).toEqual(['port-outside-reservation', 'port-reserved', 'reservation-overlap']);
  });
  it('catches an env value that disagrees with the registry, pointing at the .env line, never quoting the value', () => {
    const reg = registryFrom(REG('  - { port: 8080, repo: app, service: web, env: WEB_PORT }\n  - { port: "6000-6002", repo: app, service: db }'));
    const wrong = analyzePorts({ specs: [spec], registry: reg, env: { WEB_PORT: '8081' }, envOrigins: { WEB_PORT: { file: '.env', line: 3 } } });
    expect(wrong.problems.map(formatProblem)).toEqual(['.env:3:1: WEB_PORT (set in .env) disagrees with the registry, which gives app/web port 8080 (set WEB_PORT=8080, or register the port you use)']);
    const junk = analyzePorts({ specs: [spec], registry: reg, env: { WEB_PORT: 'hunter2-secret' } });
    expect(junk.problems.map((p) => p.code)).toEqual(['port-env-invalid']);
    expect(JSON.stringify(junk)).not.toContain('hunter2');
    expect(analyzePorts({ specs: [spec], registry: reg, env: { WEB_PORT: '8080' } }).problems).toEqual([]);
  });
  it('asks for localhost connections to be in the registry', () => {
    const s = specFrom(specWith('app', '  {}', 'connections:\n  qdrant: { host: localhost, port: 6333 }\n  remote: { host: db.example.com, port: 5432 }\n'));
    const r = analyzePorts({ specs: [s], registry: registryFrom(REG('  - { port: 1234, repo: x, service: y }')) });
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([['connection-unregistered', 7]]);
  });
});
