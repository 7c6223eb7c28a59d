import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { parseDotEnv, parseSpec, type Problem } from '@berth/spec';
import { exportCompose, importCompose, loadComposeProject, parseComposePorts, resolvedModel } from '@berth/docker';
import { essentials, hasDockerCompose, noDockerComposeReason } from './compose-roundtrip.js';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
const corpus = join(resolve(workspaceRoot, '../shared/fixtures'), 'compose');
const present = existsSync(join(corpus, 'SOURCES.md'));

interface Entry {
  name: string;
  path: string;
  pairsWith: string[];
  projectEnv: boolean;
}

/** SOURCES.md: each fixture's upstream path and, for env files, the compose files they pair with. */
function readSources(): Entry[] {
  const text = readFileSync(join(corpus, 'SOURCES.md'), 'utf8');
  return text.split(/^## /m).slice(1).map((section) => {
    const name = /^`([^`]+)`/.exec(section)![1]!;
    const path = /- path: `([^`]+)`/.exec(section)![1]!;
    const role = /- role: (.*)$/m.exec(section)?.[1] ?? '';
    const pairsWith = [...(/pairs with (.*)$/.exec(role)?.[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    return { name, path, pairsWith, projectEnv: role.includes('interpolation source') };
  });
}

/** Lays a fixture out under its upstream paths, its paired env files beside it; the project env source also as `.env`. */
function layOut(root: string, compose: Entry, entries: Entry[]): string {
  const target = join(root, compose.path.replace(/\.yaml$/, '.yml'));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(corpus, compose.name), target);
  for (const env of entries.filter((e) => e.pairsWith.includes(compose.name))) {
    const at = join(root, env.path);
    mkdirSync(dirname(at), { recursive: true });
    copyFileSync(join(corpus, env.name), at);
    if (env.projectEnv) copyFileSync(join(corpus, env.name), join(dirname(target), '.env'));
  }
  return target;
}

const errorsOf = (problems: Problem[]) => problems.filter((p) => p.severity === 'error');
/** Variable names that say they hold a secret: passwords, secrets, tokens, keys. */
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|_KEY\b|KEY_|_PASS\b/i;

describe.skipIf(!present)(`compose import over ../shared/fixtures/compose${present ? '' : ` (skipped: ${corpus} is absent)`}`, () => {
  const entries = present ? readSources() : [];
  const composeFiles = present ? readdirSync(corpus).filter((f) => f.endsWith('.yml')).sort() : [];
  const tmp = mkdtempSync(join(tmpdir(), 'berth-compose-corpus-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('knows every fixture from SOURCES.md', () => {
    expect(composeFiles.length).toBeGreaterThan(20);
    for (const f of composeFiles) expect(entries.map((e) => e.name)).toContain(f);
  });

  it.each(composeFiles)('%s imports, loads clean and keeps every published port', (name) => {
    const entry = entries.find((e) => e.name === name)!;
    const root = join(tmp, name);
    const file = layOut(root, entry, entries);
    const env: Record<string, string> = {};
    let result = importCompose({ files: [file], cwd: root, env });

    // What the fixture set does not carry (netbox's env/*.env) or leaves empty on purpose (Graylog's
    // secrets behind ${VAR:?}) is an error naming it; supply it as a user would, then import again.
    const errors = errorsOf(result.problems);
    for (const e of errors) {
      expect(e.code, e.message).toMatch(/^compose-(env-file-missing|variable-required)$/);
      const missingFile = /env file (\S+) not found/.exec(e.message)?.[1];
      const variable = /required variable (\w+) is not set/.exec(e.message)?.[1];
      if (missingFile) {
        const at = resolve(dirname(file), missingFile);
        mkdirSync(dirname(at), { recursive: true });
        writeFileSync(at, '');
      }
      if (variable) env[variable] = 'set-by-the-corpus-test';
    }
    if (errors.length) result = importCompose({ files: [file], cwd: root, env });
    expect(errorsOf(result.problems)).toEqual([]);

    const loaded = parseSpec(result.yaml!, 'berth.yaml');
    expect(errorsOf(loaded.problems)).toEqual([]);
    const spec = loaded.value!;

    const project = loadComposeProject({ files: [file], cwd: root, env });
    const services = (resolvedModel(project).services ?? {}) as Record<string, { ports?: unknown[] }>;
    const written = (project.model.services ?? {}) as Record<string, { ports?: unknown[] }>;
    const published: { id: string; protocol: string; from: number; to: number; hostIp: string }[] = [];
    for (const [id, svc] of Object.entries(services)) {
      for (const [i, raw] of (svc.ports ?? []).entries()) {
        const parsed = parseComposePorts(raw);
        expect(parsed.ok, `${id}: ${JSON.stringify(raw)}`).toBe(true);
        if (!parsed.ok) continue;
        for (const p of parsed.ports) {
          const berthService = spec.services[id]!;
          if (!p.published) {
            // kept as written, references and all
            expect((berthService['x-compose'] as { ports?: unknown[] }).ports, `${id} keeps ${JSON.stringify(raw)}`).toContainEqual(written[id]!.ports![i]);
            continue;
          }
          published.push({ id, protocol: p.protocol, ...p.published!, hostIp: p.hostIp ?? '' });
          const match = berthService.ports?.find(
            (b) => b.protocol === p.protocol && b.host.from <= p.published!.from && b.host.to >= p.published!.to && (b.hostIp ?? '') === (p.hostIp ?? ''),
          );
          expect(match, `${id} publishes ${JSON.stringify(raw)}`).toBeDefined();
        }
      }
    }
    // ...and invents none: every port of the imported spec stands for a port the Compose file publishes.
    const berthPorts = Object.entries(spec.services).flatMap(([id, s]) => (s.ports ?? []).map((b) => ({ id, b })));
    for (const { id, b } of berthPorts) {
      const source = published.find((p) => p.id === id && p.protocol === b.protocol && b.host.from <= p.from && b.host.to >= p.to && (b.hostIp ?? '') === p.hostIp);
      expect(source, `${id}: ${JSON.stringify(b)} has no published Compose port`).toBeDefined();
    }
    expect(berthPorts.length > 0, `${published.length} published ports, ${berthPorts.length} in the spec`).toBe(published.length > 0);
  });

  it.each(composeFiles)('%s: no secret value, from its env files or the environment, lands in the spec', (name) => {
    const entry = entries.find((e) => e.name === name)!;
    const root = join(tmp, `secrets-${name}`);
    const file = layOut(root, entry, entries);
    const text = readFileSync(file, 'utf8');
    // every secret-looking variable the file refers to gets a value, as a user's shell or .env would give it
    const names = new Set([...text.replaceAll('$$', '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
    const env = Object.fromEntries([...names].filter((n) => SECRET_NAME.test(n)).map((n) => [n, `s3cret-${n.toLowerCase()}-${randomUUID().slice(0, 8)}`]));
    let result = importCompose({ files: [file], cwd: root, env });
    for (const e of errorsOf(result.problems)) {
      const missingFile = /env file (\S+) not found/.exec(e.message)?.[1];
      if (missingFile) {
        mkdirSync(dirname(resolve(dirname(file), missingFile)), { recursive: true });
        writeFileSync(resolve(dirname(file), missingFile), '');
      }
    }
    if (errorsOf(result.problems).length) result = importCompose({ files: [file], cwd: root, env });
    expect(errorsOf(result.problems)).toEqual([]);
    // and every secret-looking value of its env files, unless the Compose file itself spells it out
    const fromFiles = entries
      .filter((e) => e.pairsWith.includes(name))
      .flatMap((e) => Object.entries(parseDotEnv(readFileSync(join(corpus, e.name), 'utf8'))))
      .filter(([n, v]) => SECRET_NAME.test(n) && v.length >= 4 && !text.includes(v))
      .map(([, v]) => v);
    const secrets = [...Object.values(env), ...fromFiles];
    if (/supabase|Graylog|docker-elk|langfuse/.test(name)) expect(secrets.length, 'this file refers to secrets').toBeGreaterThan(0);
    for (const secret of secrets) expect(result.yaml, `a secret value (${secret.slice(0, 6)}...) is in the spec`).not.toContain(secret);
  });

  it.each(composeFiles)('%s exports to a file docker-compose accepts and imports back the same', (name) => {
    const entry = entries.find((e) => e.name === name)!;
    const root = join(tmp, `export-${name}`);
    const file = layOut(root, entry, entries);
    const dir = dirname(file);
    const env: Record<string, string> = {};
    let first = importCompose({ files: [file], cwd: root, env, output: join(dir, 'berth.yaml') });
    for (const e of errorsOf(first.problems)) {
      const missingFile = /env file (\S+) not found/.exec(e.message)?.[1];
      const variable = /required variable (\w+) is not set/.exec(e.message)?.[1];
      if (missingFile) {
        mkdirSync(dirname(resolve(dir, missingFile)), { recursive: true });
        writeFileSync(resolve(dir, missingFile), '');
      }
      if (variable) env[variable] = 'set-by-the-corpus-test';
    }
    if (errorsOf(first.problems).length) first = importCompose({ files: [file], cwd: root, env, output: join(dir, 'berth.yaml') });
    const spec = parseSpec(first.yaml!, 'berth.yaml');
    const out = exportCompose(spec.value!, { raw: spec.source!.value, specDir: dir, outDir: dir });
    const exported = join(dir, 'berth-export.yml');
    writeFileSync(exported, out.yaml);
    // the secrets the spec holds in a service's environment, which the export writes as references (docs/compose.md)
    const asReferences = out.problems.flatMap((p) => (p.code === 'compose-export-secret-value' && p.path?.[0] === 'services' && p.path[2] === 'environment' ? [[String(p.path[1]), String(p.path[3])] as const] : []));
    // the secret defaults the export leaves out (`--requirepass ${REDIS_AUTH:-pw}` becomes `${REDIS_AUTH}`), by the variable the warning names
    const withoutDefault = out.problems.flatMap((p) => (p.code === 'compose-export-secret-default' && p.path?.[0] === 'services' ? [...p.message.matchAll(/\$\{(\w+)\}/g)].map((m) => [p.path!, m[1]!] as const) : []));

    if (hasDockerCompose) {
      // The export keeps the references, so docker-compose reads the same .env; variables the fixture
      // set leaves unset (import named each) get a placeholder, as the original file would need too.
      const unset = first.problems.flatMap((p) => (/^compose-variable-(unset|required)$/.test(p.code ?? '') ? [/variable (\w+) is not set/.exec(p.message)![1]!] : []));
      // a secret the fixture writes into a service's environment is exported as ${NAME}, for the user's .env to give
      const fromDotenv = [...asReferences.map(([, variable]) => variable), ...withoutDefault.map(([, variable]) => variable)];
      const composeEnv = { ...process.env, ...Object.fromEntries([...unset, ...fromDotenv].map((v) => [v, '1'])), ...env };
      const config = () => spawnSync('docker-compose', ['-f', exported, 'config', '-q'], { cwd: dir, encoding: 'utf8', env: composeEnv });
      // the fixture set carries no build contexts: create each one docker-compose asks for
      let check = config();
      for (let i = 0; i < 10 && check.status !== 0; i++) {
        const missing = /build path (\S+) either does not exist/.exec(check.stderr)?.[1];
        if (!missing) break;
        mkdirSync(missing, { recursive: true });
        check = config();
      }
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
    } else console.log(`${name}: docker-compose config not run ${noDockerComposeReason}`);

    const again = importCompose({ files: [exported], cwd: root, env, output: join(dir, 'berth.yaml') });
    expect(errorsOf(again.problems)).toEqual([]);
    const back = parseSpec(again.yaml!, 'berth.yaml');
    expect(errorsOf(back.problems)).toEqual([]);
    const expected = essentials(spec.value!);
    for (const [service, variable] of asReferences) expected[service]!.environment![variable] = `\${${variable}}`;
    for (const [[, service, field, name], variable] of withoutDefault) {
      const environment = field === 'environment' ? expected[String(service)]!.environment : undefined;
      const value = environment?.[String(name)];
      if (typeof value === 'string') environment![String(name)] = value.replace(new RegExp(`\\$\\{${variable}:?-[^}]*\\}`), `\${${variable}}`);
    }
    expect(essentials(back.value!)).toEqual(expected);
    expect(back.value!.profiles).toEqual(spec.value!.profiles);
  });
});
