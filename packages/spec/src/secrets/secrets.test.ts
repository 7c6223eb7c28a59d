import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BerthSpecSchema } from '../schema/spec.js';
import { looksSecret } from './names.js';
import { makeRedactor, MIN_SECRET_LENGTH, REDACTED, redactValue } from './redactor.js';
import { clipText, CUT_MARK } from '../format/peer-text.js';
import { apiTokenFile, redactorFor, secretValues } from './known-secrets.js';
import { checkSecretsInSpec, specSecrets, specTextWithoutSecrets, specWithoutSecrets, urlPasswordReferences, urlPasswords, withoutTextSecrets, withoutUrlPasswords } from './in-spec.js';
import { formatProblem, parseSpec } from '../index.js';
import { renderInfrastructurePage } from '../render/index.js';

/** The Basic credentials an HTTP client sends for a URL's `user:password`. */
const basic = (userPassword: string) => Buffer.from(userPassword).toString('base64');

describe('looksSecret', () => {
  it('is a name ending in a secret word, unless it names something public or a place', () => {
    for (const name of ['OPENAI_API_KEY', 'STRIPE_KEY', 'GITHUB_TOKEN', 'POSTGRES_PASSWORD', 'DB_PASS', 'JWT_SECRET', 'AWS_SECRET_ACCESS_KEY', 'SENTRY_DSN', 'GCP_CREDENTIALS', 'github_token', 'PGPASSWORD', 'MYSQL_PWD', 'MYSQL_ROOT_PASSWORD']) {
      expect(looksSecret(name), name).toBe(true);
    }
    for (const name of ['SSH_PUBLIC_KEY', 'DB_PASSWORD_FILE', 'AWS_ACCESS_KEY_ID', 'TOKEN_PATH', 'DATABASE_URL', 'PASSWORD_POLICY', 'HOME', 'KEYBOARD', 'PWD', 'OLDPWD', 'PGPASSFILE']) {
      expect(looksSecret(name), name).toBe(false);
    }
  });
});

describe('makeRedactor', () => {
  it('hides every occurrence, longest value first, in JSON-escaped and URL-encoded forms too', () => {
    const redact = makeRedactor(['s3cr3t-token-1', 's3cr3t-token-12345', 'p@ss"w\\rd-xyz']);
    expect(redact('a s3cr3t-token-12345 b s3cr3t-token-1 c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
    expect(redact(JSON.stringify({ out: 'pw=p@ss"w\\rd-xyz' }))).toBe(`{"out":"pw=${REDACTED}"}`);
    expect(redact(`postgres://u:${encodeURIComponent('p@ss"w\\rd-xyz')}@db/x`)).toBe(`postgres://u:${REDACTED}@db/x`);
  });
  it(`leaves values shorter than ${MIN_SECRET_LENGTH} characters alone, so "true" or "5432" do not vanish everywhere`, () => {
    const redact = makeRedactor(['true', '5432', 'admin', 'a']);
    expect(redact.values).toEqual([]);
    expect(redact('admin connected on 5432: true')).toBe('admin connected on 5432: true');
  });
  it('drops the start of a secret a cut left before its mark, however short, and nothing before other text', () => {
    const token = 'ghp_7Yx0aQ2mB9cD4eF6gH8iJ1kL3mN5oP7qR9sT1uVw';
    const redact = makeRedactor([token, 'p@ss"w\\rd-xyz']);
    // a reason quotes 40 characters of what the peer said: 26 of them are the token's start
    const reason = `body does not contain "ok"; got ${JSON.stringify(clipText(`Authorization: Bearer ${token}`, 40))}`;
    expect(redact(reason)).toBe(`body does not contain "ok"; got "Authorization: Bearer ${CUT_MARK}"`);
    expect(redact(`a ${token.slice(0, 1)}${CUT_MARK} b ${token}${CUT_MARK} c ${token.slice(0, 9)}${CUT_MARK}`)).toBe(`a ${CUT_MARK} b ${REDACTED}${CUT_MARK} c ${CUT_MARK}`);
    // its JSON-escaped and percent-encoded forms too
    expect(redact(`${JSON.stringify('pw p@ss"w\\r').slice(0, -1)}${CUT_MARK}"`)).toBe(`"pw ${CUT_MARK}"`);
    expect(redact(`u:${encodeURIComponent('p@ss"w').slice(0, -1)}${CUT_MARK}`)).toBe(`u:${CUT_MARK}`);
    // text that is not a secret's start, and text with no mark, are kept
    expect(redact(`the database is down${CUT_MARK}`)).toBe(`the database is down${CUT_MARK}`);
    expect(redact(`prefix ${token.slice(0, 26)}…`)).toBe(`prefix ${token.slice(0, 26)}…`);
  });
  it('redactValue hides strings deep in a JSON value, keys included, and keeps the rest', () => {
    const redact = makeRedactor(['hunter2hunter2']);
    expect(redactValue({ a: ['x hunter2hunter2'], n: 3, ok: true, none: null, nested: { s: 'hunter2hunter2', hunter2hunter2: 1 } }, redact)).toEqual({
      a: [`x ${REDACTED}`],
      n: 3,
      ok: true,
      none: null,
      nested: { s: REDACTED, [REDACTED]: 1 },
    });
  });
});

describe('secretValues', () => {
  const spec = BerthSpecSchema.parse({
    berth: 1,
    repo: { name: 'x' },
    env: { OPENAI_KEY_VALUE: { secret: true }, SHOP_REGION: {} },
    services: {
      db: { image: 'pg', environment: { POSTGRES_PASSWORD: '${DB_PASS_PLAIN_NAME}', GRAFANA_ADMIN: 'not-a-secret-name', API_TOKEN: 'literal-token-in-spec', APP_MODE: '${SHOP_REGION}' } },
    },
  });
  it('takes values of spec-marked and secret-looking names from env and .env, what services pass under secret names, and URL passwords', () => {
    const values = secretValues({
      spec,
      env: { OPENAI_KEY_VALUE: 'from-process-env', HOME: '/root/home/dir', SHOP_REGION: 'europe-west-1', DATABASE_URL: 'postgres://app:url-password-1@db:5432/app' },
      envFile: { DB_PASS_PLAIN_NAME: 'from-dotenv-file', STRIPE_KEY: 'sk_live_abcdef12' },
      extra: ['the-api-token'],
    });
    expect(values.sort()).toEqual(['from-dotenv-file', 'from-process-env', 'literal-token-in-spec', 'sk_live_abcdef12', 'the-api-token', 'url-password-1', basic('app:url-password-1')].sort());
  });
  it('finds what the spec itself holds anywhere: a check\'s env, build args, URL passwords in any string, a secret\'s default, `$$`', () => {
    const everywhere = BerthSpecSchema.parse({
      berth: 1,
      repo: { name: 'x' },
      env: { DB_PASSWORD: { secret: true, default: 'dflt-secret-DEFAULT-998877' }, PLAIN_SETTING: { default: 'not-secret-default' } },
      services: {
        box: {
          image: 'busybox',
          build: { context: '.', args: { NPM_TOKEN: 'npmtoken-buildarg-LITERAL42', NODE_ENV: 'production-build' } },
          command: ['sh', '-c', 'psql postgres://app:cmdline-pass-1234@db/app'],
          environment: { ADMIN_PASSWORD: 'pa$$word-with-dollars', REFS_TOKEN: 'x-${INNER_NAME}' },
          checks: [
            { type: 'command', argv: ['sh', '-c', 'echo $CHECK_API_TOKEN'], env: { CHECK_API_TOKEN: 'checkenv-token-LITERAL55' } },
            { type: 'http', url: 'http://alice:urlpass-QWERTY77@127.0.0.1:18942/x' },
          ],
        },
      },
    });
    const values = secretValues({ spec: everywhere, env: { INNER_NAME: 'referenced-inner-value' } });
    expect(values.sort()).toEqual(
      ['dflt-secret-DEFAULT-998877', 'npmtoken-buildarg-LITERAL42', 'cmdline-pass-1234', 'pa$$word-with-dollars', 'pa$word-with-dollars', 'referenced-inner-value', 'checkenv-token-LITERAL55', 'urlpass-QWERTY77', basic('alice:urlpass-QWERTY77'), basic('app:cmdline-pass-1234')].sort(),
    );
    // and the page or API answer that shows the spec shows none of them
    const served = makeRedactor(values)(JSON.stringify(everywhere));
    for (const v of values) expect(served).not.toContain(v);
    expect(served).toContain('production-build');
    expect(served).toContain('not-secret-default');
  });

  it('redactorFor reads the .env beside the spec and the services\' env files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-secrets-'));
    try {
      writeFileSync(join(dir, '.env'), 'DB_PASS_PLAIN_NAME=only-in-dotenv-1\n');
      writeFileSync(join(dir, 'db.env'), 'MINIO_ROOT_PASSWORD=only-in-envfile-2\nMINIO_REGION=eu-central-1\n');
      const withFile = BerthSpecSchema.parse({ berth: 1, repo: { name: 'x' }, services: { db: { image: 'pg', envFile: 'db.env', environment: { POSTGRES_PASSWORD: '${DB_PASS_PLAIN_NAME}' } } } });
      const redact = redactorFor({ spec: withFile, specDir: dir, env: {} });
      expect(redact('only-in-dotenv-1 only-in-envfile-2 eu-central-1')).toBe(`${REDACTED} ${REDACTED} eu-central-1`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("redactorFor hides berth serve's API token from the token file beside the spec, so the CLI hides it as the API does", () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-secrets-'));
    try {
      const token = 'uLxdUWDQ7aR2-served-token-3s';
      const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'x' } });
      expect(redactorFor({ spec, specDir: dir, env: {} })(`tok=${token}`)).toBe(`tok=${token}`); // no token file yet
      mkdirSync(join(dir, '.berth'));
      writeFileSync(apiTokenFile(dir), `${token}\n`);
      expect(apiTokenFile(dir)).toBe(join(dir, '.berth', 'token'));
      expect(redactorFor({ spec, specDir: dir, env: {} })(`tok=${token}`)).toBe(`tok=${REDACTED}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('redactorFor reads the .env as every command does, interpolated: the value a ${VAR:-default} gives is what is hidden', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-secrets-'));
    try {
      writeFileSync(join(dir, '.env'), 'DB_PASSWORD=${UNSET_IN_TEST:-s3cret-from-default}\nAPI_TOKEN=tok-${DB_PASSWORD}\n');
      const redact = redactorFor({ specDir: dir, env: {} });
      expect(redact('db s3cret-from-default; api tok-s3cret-from-default')).toBe(`db ${REDACTED}; api ${REDACTED}`);
      // the shell's value wins over the default, as Compose interpolates it
      expect(redactorFor({ specDir: dir, env: { UNSET_IN_TEST: 'shell-given-secret' } })('shell-given-secret')).toBe(REDACTED);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves a secret that is one of berth's own words (a check type) in what berth prints, and hides the others", () => {
    const redact = redactorFor({ env: { POSTGRES_PASSWORD: 'postgres', MINIO_ROOT_PASSWORD: 'container', API_TOKEN: 'tok-postgres-42' } });
    expect(redact('{"type":"postgres","kind":"container","id":"connection:db/postgres :5999","token":"tok-postgres-42"}')).toBe(`{"type":"postgres","kind":"container","id":"connection:db/postgres :5999","token":"${REDACTED}"}`);
  });
});

describe('credentials of a check\'s request', () => {
  const text = [
    'berth: 1',
    'repo: { name: x }',
    'services:',
    '  api:',
    '    runtime: host',
    '    checks:',
    '      - type: http',
    '        url: "http://admin:pw@127.0.0.1:18942/health"',
    '        headers: { Authorization: "Bearer sk-live-0123456789abcdef", x-tenant: acme-corporation }',
    '      - type: http',
    '        url: http://127.0.0.1:18942/ready',
    '        headers: { cookie: "session=cookie-value-98765", Proxy-Authorization: "Bearer ${UPSTREAM}" }',
    '      - type: http',
    '        url: http://127.0.0.1:18942/v1',
    '        headers: { X-Api-Key: api-key-literal-31337 }',
    '',
  ].join('\n');
  const parsed = parseSpec(text, 'berth.yaml');
  it('a literal Authorization, Proxy-Authorization or Cookie header is secret-in-spec, with a hint true for headers', () => {
    const problems = checkSecretsInSpec(parsed.value!, 'berth.yaml', parsed.source);
    expect(problems.map(formatProblem)).toEqual([
      'berth.yaml:8:14: warning: this URL carries a password, written in the spec, where whoever reads the repo reads it (keep the password in the environment or the .env beside the spec, which is not committed, and write it as ${VARIABLE} where the field takes Compose text (a check\'s url does))',
      'berth.yaml:9:35: warning: the Authorization header carries a credential, written in the spec, where whoever reads the repo reads it (keep the credential in the environment or the .env beside the spec, which is not committed, and write it as ${VARIABLE}: a check\'s headers take Compose text (Authorization: Bearer ${API_TOKEN}))',
      'berth.yaml:12:28: warning: the cookie header carries a credential, written in the spec, where whoever reads the repo reads it (keep the credential in the environment or the .env beside the spec, which is not committed, and write it as ${VARIABLE}: a check\'s headers take Compose text (Authorization: Bearer ${API_TOKEN}))',
      'berth.yaml:15:31: warning: the X-Api-Key header carries a credential, written in the spec, where whoever reads the repo reads it (keep the credential in the environment or the .env beside the spec, which is not committed, and write it as ${VARIABLE}: a check\'s headers take Compose text (Authorization: Bearer ${API_TOKEN}))',
    ]);
  });
  it('their values, the credential after the scheme, what they refer to, and the Basic form of URL credentials are redacted', () => {
    const redact = makeRedactor(secretValues({ spec: parsed.value!, env: { UPSTREAM: 'upstream-token-42424242' } }));
    const echoed = `authorization: Basic ${basic('admin:pw')}; token sk-live-0123456789abcdef; Bearer sk-live-0123456789abcdef; cookie: session=cookie-value-98765; proxy: upstream-token-42424242; x-tenant: acme-corporation; key api-key-literal-31337`;
    expect(redact(echoed)).toBe(`authorization: Basic ${REDACTED}; token ${REDACTED}; ${REDACTED}; cookie: ${REDACTED}; proxy: ${REDACTED}; x-tenant: acme-corporation; key ${REDACTED}`);
  });
});

describe('checkSecretsInSpec', () => {
  it('warns at each secret written into the spec, never quoting it; a secret default is left to its own error', () => {
    const text = [
      'berth: 1',
      'repo: { name: x }',
      'env:',
      '  DB_PASSWORD: { secret: true, default: dflt-secret-DEFAULT-998877 }',
      'services:',
      '  box:',
      '    image: busybox',
      '    build: { context: ., args: { NPM_TOKEN: npmtoken-buildarg-LITERAL42 } }',
      '    environment: { API_TOKEN: "${FROM_ENV_TOKEN}" }',
      '    checks:',
      '      - { type: http, url: "http://alice:urlpass-QWERTY77@127.0.0.1:18942/x" }',
      '',
    ].join('\n');
    const parsed = parseSpec(text, 'berth.yaml');
    const problems = checkSecretsInSpec(parsed.value!, 'berth.yaml', parsed.source);
    expect(problems.map(formatProblem)).toEqual([
      'berth.yaml:8:45: warning: NPM_TOKEN looks secret, and its value is written in the spec, where whoever reads the repo reads it (keep it in the environment or the .env beside the spec, which is not committed, and write ${NPM_TOKEN} where the field takes Compose text)',
      'berth.yaml:11:28: warning: this URL carries a password, written in the spec, where whoever reads the repo reads it (keep the password in the environment or the .env beside the spec, which is not committed, and write it as ${VARIABLE} where the field takes Compose text (a check\'s url does))',
    ]);
  });
});

describe('urlPasswords', () => {
  it('finds the password of every URL in a text, decoded, and nothing else', () => {
    expect(urlPasswords('postgres://app:pa%40ss@db:5432/app')).toEqual(['pa@ss']);
    expect(urlPasswords('psql postgres://u:one@h/x && curl https://a:two@b.example/c; redis://:three@cache:6379')).toEqual(['one', 'two', 'three']);
    expect(urlPasswords('http://user@host/ http://host:8080/ ://a:b@c x:// http://a:b http://a:@h mailto:a:b@c')).toEqual([]);
    expect(urlPasswords('http://u:100%zz@h')).toEqual(['100%zz']);
  });

  it('reads a long value in one pass: a 2 MiB run of letters, or of "://"', () => {
    expect(urlPasswords('x'.repeat(2 * 1024 * 1024))).toEqual([]);
    expect(urlPasswords('a://'.repeat(500_000))).toEqual([]);
    const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'x', description: 'y'.repeat(2 * 1024 * 1024) } });
    expect(secretValues({ spec })).toEqual([]);
  });
});

describe('specSecrets', () => {
  it('takes a literal under a name a secret refers to wherever it is written, before or after the reference', () => {
    for (const environment of [{ API_TOKEN: '${UPSTREAM}', UPSTREAM: 'upstream-literal-1' }, { UPSTREAM: 'upstream-literal-1', API_TOKEN: '${UPSTREAM}' }]) {
      const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'x' }, services: { a: { image: 'busybox', environment } } });
      expect(secretValues({ spec }), JSON.stringify(environment)).toEqual(['upstream-literal-1']);
    }
  });
});

describe('credentials in a connection or an env default', () => {
  it("a connection's host takes no scheme or user:password@, and the error never quotes it", () => {
    for (const host of ['admin:Hunter2Secret@db.example.com', 'postgres://bob:Pa55wordX@db2.example.com/app']) {
      const r = parseSpec(['berth: 1', 'repo: { name: x }', 'connections:', '  db:', `    host: "${host}"`, '    port: 5432', ''].join('\n'), 'berth.yaml');
      expect(r.value).toBeUndefined();
      const lines = r.problems.map(formatProblem);
      expect(lines).toEqual([
        'berth.yaml:5:11: connections.db.host: must be a host name or address alone: no scheme, path or user:password@ (credentials belong in the env var the connection names)',
      ]);
      expect(lines.join('\n')).not.toMatch(/Hunter2|Pa55/);
    }
  });

  it("a URL password in a plain env var's default is secret-in-spec; a secret var's default is env-secret-default's alone", () => {
    const text = ['berth: 1', 'repo: { name: x }', 'env:', '  DATABASE_URL: { default: "postgres://app:Pw0rd-123@db/app" }', '  DB_PASSWORD: { secret: true, default: "postgres://app:Other-456@db/app" }', ''].join('\n');
    const parsed = parseSpec(text, 'berth.yaml');
    const problems = checkSecretsInSpec(parsed.value!, 'berth.yaml', parsed.source);
    expect(problems.map((p) => [p.code, p.line, p.path?.join('.')])).toEqual([['secret-in-spec', 4, 'env.DATABASE_URL.default']]);
    expect(problems.map(formatProblem).join('\n')).not.toContain('Pw0rd');
  });
});

describe('the spec as berth serves or renders it: each secret hidden where it stands, however short', () => {
  // every one shorter than MIN_SECRET_LENGTH, which the redactor passes over: only its place says it is secret
  const text = [
    'berth: 1',
    'repo: { name: x }',
    'env:',
    '  DB_PASSWORD: { secret: true, default: dflt1 }',
    'services:',
    '  web:',
    '    image: busybox',
    '    environment:',
    '      PASSWORD: PASS',
    '      DB_URL: postgres://app:pw%40x@db:5432/app',
    '    build: { context: ., args: { NPM_TOKEN: "np\\"1" } }',
    '    checks:',
    '      - { type: http, url: "http://admin:pw34@127.0.0.1:8080/" }',
    '      - { type: command, argv: [sh, -c, "curl http://u:pw56@x/ && echo pw56"] }',
    '      - type: command',
    '        argv:',
    '          - sh',
    '          - |',
    '            curl http://v:pw78@y/',
    '',
  ].join('\n');
  const parsed = parseSpec(text, 'berth.yaml');
  const short = ['dflt1', 'pw@x', 'pw%40x', 'pw34', 'pw56', 'pw78', 'np\\"1'];

  it('withoutUrlPasswords hides each URL password as written, encoded or not, and only the ones asked for', () => {
    expect(withoutUrlPasswords('a postgres://app:pw%40x@db/x b https://u:p@h/')).toBe('a postgres://app:[redacted]@db/x b https://u:[redacted]@h/');
    expect(withoutUrlPasswords('https://u:keep@h/ https://v:drop@h/', new Set(['drop']))).toBe('https://u:keep@h/ https://v:[redacted]@h/');
    expect(withoutUrlPasswords('no url: user:pw@host')).toBe('no url: user:pw@host');
  });

  it('specWithoutSecrets: a copy with every secret hidden, the rest as it was', () => {
    const spec = parsed.value!;
    const safe = specWithoutSecrets(spec);
    const json = JSON.stringify(safe);
    for (const v of ['dflt1', 'pw@x', 'pw%40x', 'pw34', 'pw56', 'pw78', 'PASS"']) expect(json).not.toContain(v);
    expect(safe.services['web']!.environment).toEqual({ PASSWORD: REDACTED, DB_URL: 'postgres://app:[redacted]@db:5432/app' });
    expect(safe.env!['DB_PASSWORD']!.default).toBe(REDACTED);
    expect(JSON.stringify(spec)).toContain('pw34'); // the spec itself is left as it was
    expect(safe.services['web']!.image).toBe('busybox');
  });

  it('specTextWithoutSecrets: the file as written, each secret hidden on its line, keys and comments kept', () => {
    const out = specTextWithoutSecrets(text, parsed.value!, parsed.source!);
    for (const v of short) expect(out).not.toContain(v);
    expect(out).toContain('      PASSWORD: [redacted]');
    expect(out).toContain('      DB_URL: postgres://app:[redacted]@db:5432/app');
    expect(out).toContain('argv: [sh, -c, "curl http://u:[redacted]@x/ && echo [redacted]"]');
    expect(out).toContain('curl http://v:[redacted]@y/');
    expect(out.split('\n')).toHaveLength(text.split('\n').length);
    expect(specTextWithoutSecrets('berth: 1\nrepo: { name: x }\n', parseSpec('berth: 1\nrepo: { name: x }\n').value!, parseSpec('berth: 1\nrepo: { name: x }\n').source!)).toBe('berth: 1\nrepo: { name: x }\n');
  });

  it('the infrastructure page (a committed file) shows none of them', () => {
    const page = renderInfrastructurePage(parsed.value!);
    expect(page).toContain('http://admin:[redacted]@127.0.0.1:8080/');
    for (const v of short) expect(page).not.toContain(v);
  });
});

describe('looksSecret: a key with dots or dashes, a personal access token', () => {
  it('reads . and - as _ (a label, an option), and PAT as a secret word', () => {
    for (const name of ['com.example.api-token', 'api-key', 'x.auth-token', 'client-secret', 'GH_PAT', 'GITHUB_PAT', 'gitlab.pat']) expect(looksSecret(name), name).toBe(true);
    for (const name of ['com.example.version', 'api-key-file', 'token.path', 'PATH', 'CLASSPATH', 'PAT_FILE', 'com.docker.compose.project', 'password-stdin']) expect(looksSecret(name), name).toBe(false);
  });
});

describe('a URL whose password is a reference (audit #5)', () => {
  const text = [
    'berth: 1',
    'repo: { name: r5 }',
    'services:',
    '  web:',
    '    image: nginx:1.27',
    '    build:',
    '      context: .',
    '      args:',
    '        PIP_INDEX_URL: https://ci:${PIP_PASSWORD}@pypi.example.com/simple',
    '    environment:',
    '      DATABASE_URL: postgres://app:${DB_PASSWORD}@localhost:5434/app',
    '      REPLICA_URL: postgres://app:$PGPW_PLAIN@replica:5432/app',
    'env:',
    '  PIP_PASSWORD: { secret: true }',
    '  DB_PASSWORD: { secret: true }',
    '',
  ].join('\n');
  const parsed = parseSpec(text, 'berth.yaml');

  it('is no secret-in-spec: the password already is ${VARIABLE}, the form the warning asks for', () => {
    expect(checkSecretsInSpec(parsed.value!, 'berth.yaml', parsed.source).map(formatProblem)).toEqual([]);
    expect(urlPasswords('postgres://app:${DB_PASSWORD}@db/app https://u:$$literal@h/')).toEqual(['$$literal']);
    expect(urlPasswordReferences('postgres://app:${DB_PASSWORD}@db/app redis://:$REDIS_PW@cache')).toEqual(['DB_PASSWORD', 'REDIS_PW']);
  });

  it('makes the names it refers to secret names, so their values are hidden where they come from', () => {
    expect([...specSecrets(parsed.value!).names].sort()).toEqual(['DB_PASSWORD', 'PGPW_PLAIN', 'PIP_PASSWORD']);
    const values = secretValues({ spec: parsed.value!, env: { PGPW_PLAIN: 'replica-pw-value-1' }, envFile: { PGPW_PLAIN: 'replica-pw-value-2' } });
    expect(values.sort()).toEqual(['replica-pw-value-1', 'replica-pw-value-2']);
    expect(specWithoutSecrets(parsed.value!)).toBe(parsed.value);
  });
});

describe('secrets written in the spec that detection missed (audit #3)', () => {
  // the report's repro 3, its lines moved down by the file's two lines of comment
  const text = readFileSync(new URL('../../test/secrets-in-spec/repro-3.yaml', import.meta.url), 'utf8');
  const parsed = parseSpec(text, 'berth.yaml');
  const values = ['S3cr3tXYZ123', 'S3cr3tLABEL456', 'S3cr3tHC789', 'S3cr3tARG000'];

  it('each is a secret-in-spec warning at its place, never quoting it', () => {
    const problems = checkSecretsInSpec(parsed.value!, 'berth.yaml', parsed.source);
    expect(problems.map((p) => `${p.line}:${p.col} ${p.path!.join('.')}`).sort()).toEqual([
      '10:25 services.web.environment.OPTIONAL_API_KEY',
      '12:30 services.web.labels.com.example.api-token',
      '14:13 services.web.healthcheck.test',
      '20:23 connections.tools.args.1',
    ]);
    const printed = problems.map(formatProblem).join('\n');
    for (const v of values) expect(printed).not.toContain(v);
    expect(printed).toContain('the default of ${SOME_KEY} is a secret, written in the spec');
    expect(printed).toContain('a credential (the Authorization header) is written on a command line in the spec');
    expect(printed).toContain('a credential (--token) is written on a command line in the spec');
    expect(printed).toContain('com.example.api-token looks secret, and its value is written in the spec');
  });

  it('is hidden where berth serves or renders the spec: /api/spec, berth://spec, the infrastructure page', () => {
    const safe = specWithoutSecrets(parsed.value!);
    expect(safe.services['web']!.environment).toEqual({ OPTIONAL_API_KEY: '${SOME_KEY:-[redacted]}' });
    expect(safe.services['web']!.labels).toEqual({ 'com.example.api-token': REDACTED });
    expect(safe.services['web']!.healthcheck!.test).toBe('curl -fsS -H "Authorization: Bearer [redacted]" http://localhost/health');
    expect(safe.connections!['tools']).toMatchObject({ command: 'tools-mcp', args: ['--token', REDACTED] });
    const served = specTextWithoutSecrets(text, parsed.value!, parsed.source!);
    expect(served.split('\n')).toHaveLength(text.split('\n').length);
    expect(served).toContain('      OPTIONAL_API_KEY: ${SOME_KEY:-[redacted]}');
    expect(served).toContain('    args: ["--token", "[redacted]"]');
    const page = renderInfrastructurePage(parsed.value!);
    expect(page).toContain('starts tools-mcp --token [redacted] over stdio');
    for (const v of values) {
      expect(JSON.stringify(safe)).not.toContain(v);
      expect(served).not.toContain(v);
      expect(page).not.toContain(v);
    }
  });

  /** A spec with one service whose fields are LINES (under `web:`), and the connections of CONNECTIONS. */
  const specOf = (lines: string[], tail: string[] = []) => ['berth: 1', 'repo: { name: x }', 'services:', '  web:', '    image: busybox', ...lines.map((l) => `    ${l}`), ...tail, ''].join('\n');

  it('finds a credential on any command line berth holds, each form, and hides it where it stands', () => {
    const cases: [string, string[], string, string[]?][] = [
      ['Authorization: <scheme> X in healthcheck.test', [`healthcheck: { test: 'curl -H "Authorization: Bearer tok-hc-01" http://x/' }`], 'tok-hc-01'],
      ['Proxy-Authorization in command', [`command: "curl -H 'Proxy-Authorization: Basic cHJveHk6cHc9' http://x/"`], 'cHJveHk6cHc9'],
      ['X-Api-Key header in an exec check', ['checks:', `  - { type: exec, argv: [sh, -c, "curl -H 'X-Api-Key: key-ex-02' http://x/"] }`], 'key-ex-02'],
      ['--token=X in entrypoint (a list)', ['entrypoint: [app, --token=tok-ep-03]'], 'tok-ep-03'],
      ['--password X in command', ["command: app --password 'pw-cmd-04' --verbose"], 'pw-cmd-04'],
      ['--api-key X in a runtime command', ['runtime: [{ kind: host, command: "mlflow ui --api-key key-rt-05" }]'], 'key-rt-05'],
      ['--secret X as two words of a list', ['command: [app, --secret, sec-list-06]'], 'sec-list-06'],
      ['--token X as two words of a command check argv', ['checks:', '  - { type: command, argv: [gh, api, --token, tok-argv-07] }'], 'tok-argv-07'],
      ['--api-key X in an mcp check args', ['checks:', '  - { type: mcp, command: srv, args: [--api-key, key-mcp-08] }'], 'key-mcp-08'],
      ['curl -u user:pass in healthcheck.test', ['healthcheck: { test: "curl -u admin:pw-curl-09 http://x/" }'], 'pw-curl-09', [basic('admin:pw-curl-09')]],
      ['curl -u user:pass as words of a list', ['healthcheck: { test: [CMD, curl, -u, "admin:pw-curl-10", "http://x/"] }'], 'pw-curl-10'],
      ['PGPASSWORD=X in a shell line', ['command: [sh, -c, "PGPASSWORD=pg-env-11 psql -h db"]'], 'pg-env-11'],
      ['a secret default in a command', ['command: redis-server --requirepass ${REDIS_AUTH:-redis-pw-12}'], 'redis-pw-12'],
      ['a ${VAR-default} of a var marked secret', ['environment: { ENDPOINT_CONFIG: "${UPSTREAM-upstream-dflt-13}" }'], 'upstream-dflt-13', []],
      ['a nested default', ['environment: { DB_SETTING: "${DB_OVERRIDE:-${DB_PASSWORD:-nested-pw-14}}" }'], 'nested-pw-14'],
      ['a devcontainer postCreateCommand', [], 'gh-tok-15'],
      ['a URL password, as before', ['command: psql postgres://u:pw-url-16@db/x'], 'pw-url-16'],
    ];
    for (const [what, lines, secret] of cases) {
      const extra = what === 'a ${VAR-default} of a var marked secret' ? ['env:', '  UPSTREAM: { secret: true }'] : what === 'a devcontainer postCreateCommand' ? ['devcontainer:', '  image: python:3.12', '  postCreateCommand: { login: "gh auth login --with-token --token gh-tok-15" }'] : [];
      const spec = specOf(lines, extra);
      const p = parseSpec(spec, 'berth.yaml');
      expect(p.value, `${what}: ${JSON.stringify(p.problems)}`).toBeDefined();
      const problems = checkSecretsInSpec(p.value!, 'berth.yaml', p.source);
      expect(problems.map((x) => x.code), what).toEqual(['secret-in-spec']);
      expect(problems[0]!.line, what).toBeGreaterThan(5);
      expect(formatProblem(problems[0]!), what).not.toContain(secret);
      expect(JSON.stringify(specWithoutSecrets(p.value!)), what).not.toContain(secret);
      expect(specTextWithoutSecrets(spec, p.value!, p.source!), what).not.toContain(secret);
      expect(secretValues({ spec: p.value! }), what).toContain(secret);
    }
    const [, lines, , more] = cases.find(([what]) => what === 'curl -u user:pass in healthcheck.test')!;
    expect(secretValues({ spec: parseSpec(specOf(lines)).value! })).toEqual(expect.arrayContaining(more!));
  });

  it('reads and hides a long command line in one pass: 50 000 credentials in 2 MiB', () => {
    const line = 'curl -u admin:pw-long-1 -H "Authorization: Bearer tok-long-2" '.repeat(50_000);
    const spec = BerthSpecSchema.parse({ berth: 1, repo: { name: 'x' }, services: { a: { image: 'busybox', command: line } } });
    const safe = specWithoutSecrets(spec).services['a']!.command as string;
    expect(safe.startsWith('curl -u admin:[redacted] -H "Authorization: Bearer [redacted]" curl')).toBe(true);
    expect(safe).not.toMatch(/pw-long-1|tok-long-2/);
    expect(withoutTextSecrets(line)).toBe(safe);
  });

  it('keeps false alarms out: a file, a reference, a user alone, an image, a default that says none, prose', () => {
    const spec = specOf(
      [
        'command: app --token-file /run/secrets/token --key ./client.key --no-auth server.js --password-stdin',
        "entrypoint: [docker, build, --secret, 'id=npm,src=/run/npmrc', --token, '${API_TOKEN}', ghcr.io/acme/my-token:1.0]",
        'purpose: pass --token abc to it, or PGPASSWORD=xyz',
        'environment: { LOG_LEVEL: "${LOG_LEVEL:-debug}", SENTRY_DSN: "${SENTRY_DSN:-0}", TLS_KEY: "${TLS_KEY:-/certs/tls.key}", APP_TOKEN: "${APP_TOKEN:?set APP_TOKEN}" }',
        'healthcheck: { test: \'curl -u root -H "Authorization: Bearer $$CHECK_TOKEN" http://x/ && curl -H "Authorization: Bearer" http://y/\' }',
        'checks:',
        '  - { type: command, argv: [docker, exec, -u, "1000:1000", web, "true"] }',
      ],
      ['connections:', '  tools: { transport: stdio, command: tools-mcp, args: [--token, "${TOOLS_TOKEN}"] }'],
    );
    const p = parseSpec(spec, 'berth.yaml');
    expect(p.value, JSON.stringify(p.problems)).toBeDefined();
    expect(checkSecretsInSpec(p.value!, 'berth.yaml', p.source).map(formatProblem)).toEqual([]);
    expect(specWithoutSecrets(p.value!)).toBe(p.value);
    // the references of a credential are secret names: their values are hidden where they come from
    expect([...specSecrets(p.value!).names]).toEqual(expect.arrayContaining(['API_TOKEN', 'CHECK_TOKEN', 'TOOLS_TOKEN']));
  });
});

describe('a credential in a URL\'s query string (?token=, &api_key=, a signature)', () => {
  const token = 'tok_ABCDEF123456';
  const key = 'k3y-Zyx987654';
  const text = [
    'berth: 1',
    'repo: { name: q }',
    'services:',
    '  api:',
    '    image: busybox',
    '    environment:',
    `      WEBHOOK_URL: https://hooks.example.com/in?channel=ops&api_key=${key}#top`,
    '    checks:',
    '      - type: http',
    `        url: http://localhost:8102/health?token=${token}`,
    '      - type: http',
    '        url: http://localhost:8102/ready?token=${API_TOKEN}&key=1&verbose=true',
    '',
  ].join('\n');
  const parsed = parseSpec(text, 'berth.yaml');

  it('is a secret-in-spec warning at its place, naming the parameter, never quoting it; a reference, a short flag and other parameters are not', () => {
    const problems = checkSecretsInSpec(parsed.value!, 'berth.yaml', parsed.source);
    expect(problems.map((p) => `${p.line}:${p.col} ${p.path!.join('.')}`).sort()).toEqual(['10:14 services.api.checks.0.url', '7:20 services.api.environment.WEBHOOK_URL']);
    const printed = problems.map(formatProblem).join('\n');
    expect(printed).toContain('this URL carries a credential (the token parameter of a URL), written in the spec');
    expect(printed).toContain('this URL carries a credential (the api_key parameter of a URL), written in the spec');
    expect(printed).not.toContain(token);
    expect(printed).not.toContain(key);
  });

  it('is hidden where it stands in the page, the served spec and its text, and by the redactor of any output', () => {
    const safe = specWithoutSecrets(parsed.value!);
    expect(safe.services['api']!.environment).toEqual({ WEBHOOK_URL: `https://hooks.example.com/in?channel=ops&api_key=${REDACTED}#top` });
    expect(safe.services['api']!.checks![0]).toMatchObject({ url: `http://localhost:8102/health?token=${REDACTED}` });
    expect(safe.services['api']!.checks![1]).toMatchObject({ url: 'http://localhost:8102/ready?token=${API_TOKEN}&key=1&verbose=true' });
    const served = specTextWithoutSecrets(text, parsed.value!, parsed.source!);
    expect(served).toContain(`url: http://localhost:8102/health?token=${REDACTED}`);
    const page = renderInfrastructurePage(parsed.value!);
    expect(page).toContain(`curl http://localhost:8102/health?token=${REDACTED}`);
    for (const out of [JSON.stringify(safe), served, page]) {
      expect(out).not.toContain(token);
      expect(out).not.toContain(key);
    }
    // a .env value holding such a URL: its credential is one of the values every output hides
    expect(secretValues({ env: { CALLBACK: `https://x.example/cb?access_token=${token}` } })).toContain(token);
  });
});

