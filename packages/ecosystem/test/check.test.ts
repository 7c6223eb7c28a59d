import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { formatProblem } from '@berth/spec';
import { checkEcosystem, consumersOf, loadEcosystem, problemsConcerning } from '../src/index.js';
import { DATA, REGISTRY, TOOLS, WEB, makeTree, type Tree } from '../src/testing/fixture.js';

/**
 * Each cross-repo problem class on a real multi-repo tree (three repos side by side, one read at a git tag, a
 * registry and a manifest), with the exact line berth prints. Lines are relative to the tree's root.
 */
let tree: Tree | undefined;
afterEach(() => tree?.cleanup());

async function check(files: Parameters<typeof makeTree>[0] = {}) {
  tree = makeTree(files);
  const load = await loadEcosystem(join(tree.root, 'orchestrator'), { cwd: tree.root });
  expect(load.problems.map(formatProblem)).toEqual([]);
  const report = checkEcosystem(load.ecosystem!);
  return { report, lines: report.problems.map(formatProblem) };
}

describe('the clean fixture', () => {
  it('has nothing to say, and its graph says who uses what, on which port', async () => {
    const { report, lines } = await check();
    expect(lines).toEqual([]);
    const edges = report.graph.edges.map((e) => `${e.from.repo}.${e.from.connection} -> ${e.to.kind}:${e.to.repo ?? '-'}/${e.to.service} :${e.port}`);
    expect(edges).toEqual(['web.data-api -> member:data/api :8100', 'web.qdrant -> shared:-/qdrant :6333', 'tools.web-ui -> member:web/ui :8200']);
    expect(report.graph.shared).toEqual([{ service: 'qdrant', port: '6333', protocol: 'tcp', description: 'Qdrant', usedBy: ['web'] }]);
    expect(report.graph.repos.map((r) => `${r.repo} ${r.origin.kind} ${r.file}`)).toEqual(['data path data/berth.yaml', 'web path web/berth.yaml', 'tools git tools@v1:berth.yaml']);
    expect(consumersOf(report.graph, 'data')).toEqual([{ repo: 'web', services: ['api'] }]);
    expect(consumersOf(report.graph, 'web')).toEqual([{ repo: 'tools', services: ['ui'] }]);
    expect(consumersOf(report.graph, 'tools')).toEqual([]);
  });

  it('reads the member at its git ref, not the checked-out file', async () => {
    const { report } = await check();
    expect(report.graph.repos.find((r) => r.repo === 'tools')?.services).toEqual([{ id: 'docs', ports: [{ port: '8300', protocol: 'tcp' }] }]);
  });
});

describe("each member's spec on its own, as its validate judges it", () => {
  it('a secret with a default and a password written into the spec: said, with the repo, never the value', async () => {
    const { report, lines } = await check({
      data: DATA.replace('    ports: [5440]\n', '    ports: [5440]\n    environment: { DATA_DB_PASSWORD: hunter2-PLANTED }\n').replace('consumers:', 'env:\n  DATA_KEY: { secret: true, default: hunter3-PLANTED }\nconsumers:'),
    });
    expect(lines).toEqual([
      expect.stringMatching(/^data\/berth\.yaml:9:\d+: warning: data: .*DATA_DB_PASSWORD/),
      'data/berth.yaml:11:38: data: DATA_KEY is secret, so it must not have a default (it would sit in the spec and in .env.example)',
    ]);
    expect(report.problems.every((p) => (p as { repos?: string[] }).repos?.includes('data'))).toBe(true);
    expect(JSON.stringify(report)).not.toContain('PLANTED');
  });
  it("a devcontainer forward its validate warns of, and an image the engine would refuse: said as its validate says them", async () => {
    const { report, lines } = await check({
      data: DATA.replace('  db:\n    ports: [5440]\n', '  db:\n    image: Bad/Image\n    ports: [5440]\n  notebook:\n    runtime: devcontainer\n    ports: [{ host: 8110, protocol: udp }]\n').replace('consumers:', 'devcontainer: { image: berth-test/busybox:1 }\nconsumers:'),
      registry: REGISTRY.replace('  - { port: 5440, repo: data, service: db }\n', '  - { port: 5440, repo: data, service: db }\n  - { port: 8110, protocol: udp, repo: data, service: notebook }\n'),
    });
    expect(lines).toEqual([
      'data/berth.yaml:8:12: data: service "db": image "Bad/Image" is not an image reference the engine accepts: its name "Bad/Image" has capitals, which an image name cannot have',
      'data/berth.yaml:12:13: warning: data: the devcontainer does not forward port 8110/udp of notebook: the editor forwards TCP only',
    ]);
    expect(report.problems.map((p) => p.code)).toEqual(['image-reference', 'devcontainer-forward-udp']);
    expect(report.problems.every((p) => (p as { repos?: string[] }).repos?.includes('data'))).toBe(true);
  });
});

describe('every per-repo port problem, through @berth/spec\'s port analysis', () => {
  it('an unregistered port', async () => {
    const { lines } = await check({ web: WEB.replace('    ports: [{ host: 8200, env: WEB_UI_PORT }]', '    ports: [{ host: 8200, env: WEB_UI_PORT }, 8201]') });
    expect(lines).toEqual(['web/berth.yaml:6:47: web: port 8201/tcp of web/ui is not in the port registry (register it: berth ports register ui)']);
  });

  it('two services of one repo on one port, declared exclusive: a warning, not a cross-repo error', async () => {
    const { lines } = await check({
      data: DATA.replace('    ports: [5440]\n', '    ports: [5440]\n  db2:\n    ports: [5440]\n    exclusiveWith: [db]\n'),
      registry: REGISTRY.replace('  - { port: 5440, repo: data, service: db }\n', '  - { port: 5440, repo: data, service: db }\n  - { port: 5440, repo: data, service: db2 }\n'),
    });
    expect(lines).toEqual(['data/berth.yaml:10:13: warning: data: port 5440/tcp is published by both db (data/berth.yaml:8:13) and db2; they are declared exclusive, so they cannot run together']);
  });
});

describe('one port published by two repos', () => {
  it('names both repos, services and places; the member read at a git ref included', async () => {
    const { report, lines } = await check({ tools: TOOLS.replace('ports: [8300]', 'ports: [8100]') });
    expect(lines).toEqual([
      'orchestrator/ports.yaml:7:5: warning: port 8300/tcp is registered to tools/docs, but that service does not publish it (remove the entry, or publish the port in the spec)',
      'tools@v1:berth.yaml:6:13: tools: port 8100/tcp is published by both data/api (data/berth.yaml:6:13) and tools/docs; only one of them can bind it (give one of them another port (`berth ports suggest <service>`))',
      'tools@v1:berth.yaml:6:13: tools: port 8100/tcp of tools/docs is registered to data/api (orchestrator/ports.yaml:4:5) (pick a free port: berth ports suggest docs)',
    ]);
    // Each side is shown the conflict.
    expect(problemsConcerning(report, 'data').map((p) => p.code)).toEqual(['port-conflict', 'port-registered-elsewhere']);
    expect(problemsConcerning(report, 'web')).toEqual([]);
  });

  it('a shared registry entry claimed by two repos', async () => {
    const { lines } = await check({
      data: DATA.replace('    ports: [5440]\n', '    ports: [5440]\n  qdrant:\n    ports: [6333]\n'),
      web: WEB.replace('env:\n', '  qdrant:\n    ports: [6333]\nenv:\n').replace('  qdrant: { port: 6333 }\n', ''),
    });
    expect(lines).toEqual(['web/berth.yaml:8:13: web: port 6333/tcp is published by both data/qdrant (data/berth.yaml:10:13) and web/qdrant; only one of them can bind it (give one of them another port (`berth ports suggest <service>`))']);
  });

  it('a shared entry claimed by one repo is that repo\'s to run: connections reach its service', async () => {
    // data runs qdrant now, so web uses two of data's services: its consumers list says so, or would be told.
    const { report, lines } = await check({ data: DATA.replace('    ports: [5440]\n', '    ports: [5440]\n  qdrant:\n    ports: [6333]\n').replace('services: [api]', 'services: [api, qdrant]') });
    expect(lines).toEqual([]);
    expect(report.graph.shared).toEqual([{ service: 'qdrant', port: '6333', protocol: 'tcp', repo: 'data', description: 'Qdrant', usedBy: ['web'] }]);
    expect(report.graph.edges.find((e) => e.from.connection === 'qdrant')?.to).toMatchObject({ kind: 'member', repo: 'data', service: 'qdrant' });
  });
});

describe('stale registry allocations', () => {
  it('an entry of a repo that is not a member (with a did-you-mean), and a shared entry nobody uses', async () => {
    const { lines } = await check({ registry: `${REGISTRY}  - { port: 9000, repo: wbe, service: minio }\n  - { port: 11434, service: ollama, shared: true }\n` });
    expect(lines).toEqual([
      'orchestrator/ports.yaml:9:5: warning: port 9000/tcp is allocated to wbe/minio, but wbe is not a member of the ecosystem (did you mean "web"?) (remove the entry, or add wbe to the members in orchestrator/ecosystem.yaml)',
      "orchestrator/ports.yaml:10:5: warning: port 11434/tcp is allocated to ollama (shared), but no member publishes it and no member's connection reaches it (remove the entry, or add the connection to the specs that use it)",
    ]);
  });
});

describe('connections', () => {
  it('one that reaches nothing', async () => {
    const { lines } = await check({ web: WEB.replace('  qdrant: { port: 6333 }', '  qdrant: { port: 6333 }\n  cache: { port: 6379 }') });
    expect(lines).toEqual(['web/berth.yaml:12:18: web: connection cache (localhost:6379) reaches nothing: no registry entry and no member publishes port 6379/tcp (register it in orchestrator/ports.yaml (a shared entry if no member runs it), or fix the port)']);
  });

  it('an owner that disagrees with the member that publishes the port', async () => {
    const { lines } = await check({ web: WEB.replace('owner: data }', 'owner: publisher }') });
    expect(lines).toEqual(['web/berth.yaml:10:51: web: connection data-api (localhost:8100) names owner publisher, but port 8100/tcp is published by data/api (data/berth.yaml:6:13) (owner: data)']);
  });

  it('an owner that disagrees with the registry', async () => {
    const { report, lines } = await check({ registry: `${REGISTRY}  - { port: 9100, repo: data, service: cache }\n`, web: WEB.replace('  qdrant: { port: 6333 }', '  qdrant: { port: 6333 }\n  cache: { port: 9100, owner: web }') });
    expect(lines).toEqual([
      'orchestrator/ports.yaml:9:5: warning: port 9100/tcp is registered to data/cache, but data has no service "cache" (remove the entry, or publish the port in the spec)',
      'web/berth.yaml:12:31: web: connection cache (localhost:9100) names owner web, but the registry gives port 9100/tcp to data/cache (orchestrator/ports.yaml:9:5) (owner: data)',
    ]);
    expect(report.problems[1]!.repos).toEqual(['web', 'data']);
  });

  it('an owner that is no repo of the ecosystem', async () => {
    const { lines } = await check({ web: WEB.replace('  qdrant: { port: 6333 }', '  qdrant: { port: 6333, owner: nonexistent-repo }') });
    expect(lines).toEqual(['web/berth.yaml:11:32: web: connection qdrant (localhost:6333) names owner nonexistent-repo, which is not a member of the ecosystem (members: data, web, tools)']);
  });

  it('a stdio (MCP) connection whose owner is no repo of the ecosystem, as for a TCP one; a member is fine', async () => {
    const mcp = (owner: string) => WEB.replace('  qdrant: { port: 6333 }', `  qdrant: { port: 6333 }\n  mcp: { transport: stdio, server: data, owner: ${owner} }`);
    const { lines } = await check({ web: mcp('dta') });
    expect(lines).toEqual(['web/berth.yaml:12:49: web: connection mcp (stdio) names owner dta, which is not a member of the ecosystem (did you mean "data"?)']);
    tree?.cleanup();
    expect((await check({ web: mcp('data') })).lines).toEqual([]);
  });
});

describe('a stdio (MCP) connection that names its owner', () => {
  // data runs its MCP server as a host service with no port; web uses it over stdio
  const data = (consumers: string) => DATA.replace('    ports: [5440]\n', '    ports: [5440]\n  mcp-server:\n    runtime: host\n    command: data-mcp\n').replace('  - { repo: web, services: [api] }\n', consumers);
  const web = (conn: string) => WEB.replace('  qdrant: { port: 6333 }', `  qdrant: { port: 6333 }\n  mcp: { transport: stdio, server: data, owner: data${conn} }`);

  it("is a use of the owner's service it names: the consumers list that says so is clean, and Consumed By shows it", async () => {
    const { report, lines } = await check({ data: data('  - { repo: web, services: [api, mcp-server] }\n  - { repo: tools, services: [mcp-server] }\n'), web: web(', service: mcp-server'), tools: TOOLS.replace('connections:\n', 'connections:\n  data-mcp: { transport: stdio, owner: data, service: mcp-server }\n') });
    expect(lines).toEqual([]);
    expect(consumersOf(report.graph, 'data')).toEqual([{ repo: 'tools', services: ['mcp-server'] }, { repo: 'web', services: ['api', 'mcp-server'] }]);
    expect(report.graph.stdio.map((u) => `${u.from.repo}.${u.from.connection} -> ${u.owner}/${u.service ?? '-'}`)).toEqual(['web.mcp -> data/mcp-server', 'tools.data-mcp -> data/mcp-server']);
  });

  it('counts for consumer-*: a consumer left out is missing, and one listed is no unknown consumer', async () => {
    const { lines } = await check({ data: data('  - { repo: web, services: [api] }\n'), tools: TOOLS.replace('connections:\n', 'connections:\n  data-mcp: { transport: stdio, owner: data, service: mcp-server }\n'), web: web('') });
    expect(lines).toEqual(["data/berth.yaml:12:1: data: consumers leaves out tools, whose connection data-mcp (tools@v1:berth.yaml:8:3) uses data/mcp-server over stdio (MCP) (add { repo: tools, services: [mcp-server] })"]);
    tree?.cleanup();
    // web's connection names no service: listing the server's service for it cannot be contradicted
    expect((await check({ data: data('  - { repo: web, services: [api, mcp-server] }\n'), web: web('') })).lines).toEqual([]);
    tree?.cleanup();
    const only = await check({ data: data('  - { repo: web }\n'), web: WEB.replace('  data-api: { host: localhost, port: 8100, owner: data }\n', '').replace('  qdrant: { port: 6333 }', '  qdrant: { port: 6333 }\n  mcp: { transport: stdio, owner: data }') });
    expect(only.lines).toEqual([]);
    expect(consumersOf(only.report.graph, 'data')).toEqual([{ repo: 'web', services: [] }]);
  });

  it("a service its owner does not have is an error at the field, as for a TCP connection", async () => {
    const { lines } = await check({ data: data('  - { repo: web, services: [api] }\n'), web: web(', service: mcp-srever') });
    expect(lines).toEqual(['web/berth.yaml:12:64: web: connection mcp (stdio) names service mcp-srever, but data has no service "mcp-srever" (did you mean "mcp-server"?)']);
  });
});

describe('a renamed service (data/api is now data/core-api, on the same port)', () => {
  it("says to rename the registry entry's service, suggests the service on the port to a connection naming the old one, and gives each consumers entry one line", async () => {
    const { lines } = await check({
      data: DATA.replace('  api:\n', '  core-api:\n'),
      web: WEB.replace('  data-api: { host: localhost, port: 8100, owner: data }', '  data-api: { host: localhost, port: 8100, owner: data, service: api }'),
    });
    const rename = "if api was renamed core-api, rename the entry's service to core-api in the registry";
    expect(lines).toEqual([
      `orchestrator/ports.yaml:4:5: warning: port 8100/tcp is registered to data/api, but data has no service "api" (${rename})`,
      `data/berth.yaml:6:13: data: port 8100/tcp of data/core-api is registered to data/api (orchestrator/ports.yaml:4:5) (${rename})`,
      'data/berth.yaml:10:28: data: lists web as using api (data has no service "api"), but its connection data-api (web/berth.yaml:10:3) uses data/core-api on port 8100 (services: [core-api])',
      'web/berth.yaml:10:66: web: connection data-api (localhost:8100) names service api, but data has no service "api" (did you mean "core-api"? it publishes 8100)',
    ]);
  });

  it('another service of the repo still there keeps the advice to pick a free port', async () => {
    const { lines } = await check({ data: DATA.replace('ports: [5440]', 'ports: [8100]').replace('host: 8100', 'host: 8101'), registry: `${REGISTRY}  - { port: 8101, repo: data, service: api }\n` });
    expect(lines).toContain('data/berth.yaml:8:13: data: port 8100/tcp of data/db is registered to data/api (orchestrator/ports.yaml:4:5) (pick a free port: berth ports suggest db)');
  });
});

describe('a connection that reaches a port only through a stale allocation', () => {
  it("is an error at the connection, saying what the owner publishes now; the owner's consumers entry points there", async () => {
    // data's api moves from 8100 to 8101; the registry and web's connection still say 8100
    const { report, lines } = await check({ data: DATA.replace('host: 8100', 'host: 8101') });
    expect(lines).toEqual([
      "orchestrator/ports.yaml:4:5: warning: port 8100/tcp is registered to data/api, but that service does not publish it (if api moved to 8101, change the entry's port to 8101)",
      'data/berth.yaml:6:13: data: port 8101/tcp of data/api is not in the port registry (if api moved from 8100, change the port of its entry (orchestrator/ports.yaml:4:5) to 8101)',
      "data/berth.yaml:10:13: data: lists web as a consumer, but web's connection data-api (web/berth.yaml:10:3) reaches data only through the registry, on port 8100, which data no longer publishes (fix that connection's port, or publish 8100 again)",
      'web/berth.yaml:10:38: web: connection data-api (localhost:8100) reaches data/api only through the registry (orchestrator/ports.yaml:4:5), but data no longer publishes port 8100/tcp (api publishes 8101) (connect to the port data publishes now, or publish 8100 again in its spec)',
    ]);
    expect(report.problems.find((p) => p.code === 'connection-unpublished')?.repos).toEqual(['web', 'data']);
  });

  it('a shared entry, or a registry entry of a repo that is not loaded, is no stale allocation: nothing new is said', async () => {
    const { lines } = await check({ registry: `${REGISTRY}  - { port: 9100, repo: elsewhere, service: cache }\n`, web: WEB.replace('  qdrant: { port: 6333 }', '  qdrant: { port: 6333 }\n  cache: { port: 9100 }') });
    expect(lines.filter((l) => l.includes('through the registry'))).toEqual([]);
  });
});

describe('a connection that names the service it uses, on a port two exclusive services share', () => {
  // data runs mlflow and marquez on 5000, never together; web uses mlflow.
  const data = (consumer: string) =>
    DATA.replace('    ports: [5440]\n', '    ports: [5440]\n  mlflow:\n    ports: [5000]\n    exclusiveWith: [marquez]\n  marquez:\n    ports: [5000]\n    exclusiveWith: [mlflow]\n').replace('{ repo: web, services: [api] }', consumer);
  const registry = `${REGISTRY}  - { port: 5000, repo: data, service: mlflow }\n  - { port: 5000, repo: data, service: marquez }\n`;
  const web = (conn: string) => WEB.replace('  qdrant: { port: 6333 }', `  qdrant: { port: 6333 }\n  mlflow: { port: 5000, ${conn} }`);
  const exclusive = 'data/berth.yaml:13:13: warning: data: port 5000/tcp is published by both mlflow (data/berth.yaml:10:13) and marquez; they are declared exclusive, so they cannot run together';

  it('reaches only that service: the graph, the derived consumers and a hand-written list that says so agree', async () => {
    const { report, lines } = await check({ registry, data: data('{ repo: web, services: [api, mlflow] }'), web: web('owner: data, service: mlflow') });
    expect(lines).toEqual([exclusive]);
    expect(report.graph.edges.filter((e) => e.from.connection === 'mlflow').map((e) => `${e.to.repo}/${e.to.service}`)).toEqual(['data/mlflow']);
    expect(consumersOf(report.graph, 'data')).toEqual([{ repo: 'web', services: ['api', 'mlflow'] }]);
  });

  it('without it, every service on the port is reached, as before', async () => {
    const { lines } = await check({ registry, data: data('{ repo: web, services: [api, mlflow] }'), web: web('owner: data') });
    expect(lines).toEqual([exclusive, 'data/berth.yaml:16:28: data: consumers leaves out that web uses data/marquez: its connection mlflow (web/berth.yaml:12:3) reaches it on port 5000 (add marquez to its services)']);
  });

  it('a service its owner does not have, or one that does not publish the port, is an error at the field', async () => {
    const { lines } = await check({ registry, data: data('{ repo: web, services: [api, mlflow, marquez] }'), web: web('owner: data, service: mlfow') });
    expect(lines).toEqual([exclusive, 'web/berth.yaml:12:47: web: connection mlflow (localhost:5000) names service mlfow, but data has no service "mlfow" (did you mean "mlflow"?)']);
    tree?.cleanup();
    const second = await check({ registry, data: data('{ repo: web, services: [api, mlflow, marquez] }'), web: web('owner: data, service: api') });
    expect(second.lines).toEqual([exclusive, 'web/berth.yaml:12:47: web: connection mlflow (localhost:5000) names service data/api, which does not publish port 5000/tcp: it publishes 8100 (fix the port, or name the service that publishes it)']);
  });
});

describe('hand-written consumers against the derived graph', () => {
  it('a misspelt consumer, and the real one left out', async () => {
    const { lines } = await check({ data: DATA.replace('{ repo: web,', '{ repo: webb,') });
    expect(lines).toEqual([
      'data/berth.yaml:9:1: data: consumers leaves out web, whose connection data-api (web/berth.yaml:10:3) uses data/api on port 8100 (add { repo: web, services: [api] })',
      'data/berth.yaml:10:13: data: lists webb as a consumer, but webb is not a member of the ecosystem (did you mean "web"?) (remove it from consumers, or add the connection to its spec)',
    ]);
  });

  it('a consumer that uses none of the services, and services listed wrongly', async () => {
    const { lines } = await check({ data: DATA.replace('  - { repo: web, services: [api] }', '  - { repo: web, services: [db] }\n  - { repo: tools }') });
    // the entry lists db instead of api: one problem, at its services, with the list that would be right
    expect(lines).toEqual([
      'data/berth.yaml:10:28: data: lists web as using db, but its connection data-api (web/berth.yaml:10:3) uses data/api on port 8100 (services: [api])',
      "data/berth.yaml:11:13: data: lists tools as a consumer, but no connection of tools uses data's services (remove it from consumers, or add the connection to its spec)",
    ]);
    tree?.cleanup();
    // one service too many, or one left out: each said where it is
    expect((await check({ data: DATA.replace('services: [api] }', 'services: [api, db] }') })).lines).toEqual(["data/berth.yaml:10:34: data: lists web as using db, but web's connections use only data/api"]);
    tree?.cleanup();
    const left = await check({
      data: DATA.replace('    ports: [5440]\n', '    ports: [5440]\n  admin:\n    ports: [8101]\n'),
      registry: `${REGISTRY}  - { port: 8101, repo: data, service: admin }\n`,
      web: WEB.replace('  qdrant: { port: 6333 }', '  qdrant: { port: 6333 }\n  admin: { port: 8101, owner: data }'),
    });
    expect(left.lines).toEqual(['data/berth.yaml:12:28: data: consumers leaves out that web uses data/admin: its connection admin (web/berth.yaml:12:3) reaches it on port 8101 (add admin to its services)']);
  });

  it('a list that agrees, by service id or display name, says nothing; an absent list is not checked', async () => {
    expect((await check({ data: DATA.replace('services: [api] }', 'services: [API] }') })).lines).toEqual([]);
    tree?.cleanup();
    expect((await check({ data: DATA.replace(/consumers:[^]*$/, '') })).lines).toEqual([]);
  });
});

describe('env vars across the ecosystem', () => {
  it('a name that breaks a convention the member inherits from the manifest', async () => {
    const { lines } = await check({ web: WEB.replace('  DEMO_DB_URL:', '  DEMO_DATABASE_URL:') });
    expect(lines).toEqual(['web/berth.yaml:8:3: warning: web: DEMO_DATABASE_URL looks like the DEMO_DB_ prefix (application database config) (name it DEMO_DB_URL)']);
  });

  it('a member that redefines an inherited prefix', async () => {
    const { lines } = await check({ web: `${WEB}conventions:\n  env:\n    - { prefix: DEMO_DB_, purpose: the database container, scope: container }\n` });
    expect(lines).toEqual([
      "web/berth.yaml:14:67: warning: web: declares DEMO_DB_ container-scoped here, but the ecosystem (orchestrator/ecosystem.yaml:15:7) declares it application-scoped (application database config); the ecosystem's convention applies (drop DEMO_DB_ from this file's conventions, or change it in the ecosystem's)",
    ]);
  });

  it('one name that means different things in two repos: another port than the registry gives it, secret in one only', async () => {
    const { report, lines } = await check({
      tools: TOOLS.replace('ports: [8300]', 'ports: [{ host: 8300, env: DATA_API_PORT }]'),
      web: WEB.replace('env:\n', 'env:\n  SEARCH_API_KEY: { secret: true }\n'),
      data: `${DATA}env:\n  SEARCH_API_KEY: { purpose: not marked }\n`,
    });
    expect(lines).toEqual([
      'data/berth.yaml:12:3: warning: data: SEARCH_API_KEY looks like a secret but is not marked secret: .env.example and env check treat it as an ordinary variable, though berth hides its value by the name (add `secret: true`)',
      'web/berth.yaml:8:3: warning: web: SEARCH_API_KEY is secret here but not in data (data/berth.yaml:12:3), where berth may print it (give one of them another name, or make them agree)',
      "tools@v1:berth.yaml:6:27: warning: tools: DATA_API_PORT carries port 8300 here but port 8100 in the registry's entry for data/api (orchestrator/ports.yaml:4:5) (give one of them another name, or make them agree)",
    ]);
    expect(problemsConcerning(report, 'data').map((p) => p.code)).toEqual(['env-secret-unmarked', 'env-meaning', 'env-meaning']);
  });

  it('types that differ', async () => {
    const { lines } = await check({ web: WEB.replace('env:\n', 'env:\n  LOG_LEVEL: { type: enum, values: [debug, info] }\n'), data: `${DATA}env:\n  LOG_LEVEL: { type: string }\n` });
    expect(lines).toEqual(['web/berth.yaml:8:3: warning: web: LOG_LEVEL is an enum here but a string in data (data/berth.yaml:12:3) (give one of them another name, or make them agree)']);
  });
});
