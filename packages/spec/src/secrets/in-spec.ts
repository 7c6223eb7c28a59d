import type { Problem } from '../problem.js';
import type { SourceDocument } from '../load/yaml-document.js';
import type { BerthSpec } from '../schema/spec.js';
import { isCredentialHeader, looksSecret } from './names.js';
import { REDACTED } from './redactor.js';
import { argvWordSecrets, commandLineSecrets, outermost, secretDefaults, type CommandLineFinding, type SecretSpan } from './command-line.js';

/** `$NAME` or `${NAME}` in Compose text. */
const REFERENCE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;
/** The variables a text refers to (`${NAME}`, `$NAME`); `$$` is a literal `$`, as Compose reads it. */
const referencesOf = (text: string): string[] => [...text.replaceAll('$$', '').matchAll(REFERENCE)].map((m) => m[1]!);
/**
 * The passwords of the URLs in a text, wherever they stand (a value that is one, a command line, a check's URL):
 * `scheme://user:PASSWORD@host`, decoded as a URL's are.
 */
export function urlPasswords(text: string): string[] {
  return urlCredentials(text).map((c) => c.password);
}

/**
 * What a URL's credentials show up as: the password, and the `Basic` credentials an HTTP client sends for them
 * (base64 of `user:password`, which a server that echoes its request headers prints); and the value of a query
 * parameter that carries a credential (`?token=X`, `&api_key=X`: urlQueryCredentials).
 */
export function urlSecrets(text: string): string[] {
  return [
    ...urlCredentials(text).flatMap(({ user, password }) => [password, Buffer.from(`${user}:${password}`).toString('base64')]),
    ...urlQueryCredentials(text).flatMap((c) => c.values),
  ];
}

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // not percent-encoding: as written
  }
};

/**
 * The user and password of every URL in a text that has both, decoded; `written`, the password as the text has it.
 * One pass over the text: a regular expression for the whole URL backtracked over every long run of letters (a
 * 100 KiB value took 12 s).
 */
function urlUserInfo(text: string): { user: string; password: string; written: string; at: number; end: number }[] {
  const out: { user: string; password: string; written: string; at: number; end: number }[] = [];
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    if (!/[a-z0-9+.-]/i.test(text[at - 1] ?? '')) continue; // no scheme before it
    const start = at + 3;
    let end = start;
    while (end < text.length && !'/@ \t\r\n'.includes(text[end]!)) end++;
    if (text[end] !== '@') continue; // no user info
    const userInfo = text.slice(start, end);
    const colon = userInfo.indexOf(':');
    if (colon < 0 || colon === userInfo.length - 1) continue; // a user without a password
    const written = userInfo.slice(colon + 1);
    out.push({ user: decoded(userInfo.slice(0, colon)), password: decoded(written), written, at: start + colon + 1, end });
  }
  return out;
}

/**
 * The URLs in a text whose password is written there: one that refers to a variable (`postgres://app:${DB_PASSWORD}@db`,
 * the form berth asks for) holds no secret; its names are urlPasswordReferences.
 */
const urlCredentials = (text: string) => urlUserInfo(text).filter((c) => !referencesOf(c.written).length);

/** The variables the password of a URL in a text refers to (`postgres://app:${DB_PASSWORD}@db`: DB_PASSWORD). */
export const urlPasswordReferences = (text: string): string[] => (text.includes('://') ? urlUserInfo(text).flatMap((c) => referencesOf(c.written)) : []);

/**
 * TEXT with the password of each URL in it written `[redacted]` where it stands (`scheme://user:[redacted]@host`),
 * whatever its length; with `only`, just the passwords (decoded) that are in it.
 */
export function withoutUrlPasswords(text: string, only?: ReadonlySet<string>): string {
  if (!text.includes('://')) return text;
  let out = text;
  // from the last to the first, so each one's place in the text still holds
  for (const c of urlCredentials(text).reverse()) {
    if (!only || only.has(c.password)) out = `${out.slice(0, c.at)}${REDACTED}${out.slice(c.end)}`;
  }
  return out;
}

/**
 * A query parameter whose value is a credential, by the variables' rule on its name (`token`, `access_token`,
 * `api_key`, `apikey`, `key`, `password`, `client_secret`), or a signature (`sig`, `signature`, `X-Amz-Signature`):
 * what a pre-signed or token-in-URL link carries, which servers and proxies write into their logs.
 */
const isCredentialParameter = (name: string) => looksSecret(name) || /(?:^|[_.-])(?:sig|signature)$/i.test(name);

/** Where a URL's text ends: white space, a quote, or what encloses a URL in prose and markup. */
const URL_END = ' \t\r\n"\'`<>';

/**
 * The credentials in the query strings of the URLs in a text (urlSecrets' second half), each where its value stands:
 * `http://api/health?token=X` gives X. A value that refers to a variable (`?token=${API_TOKEN}`) is not a literal, and
 * a value of a few characters (under 4) is taken for a flag (`?key=1`).
 */
function urlQueryCredentials(text: string): SecretSpan[] {
  const out: SecretSpan[] = [];
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    if (!/[a-z0-9+.-]/i.test(text[at - 1] ?? '')) continue;
    let end = at + 3;
    while (end < text.length && !URL_END.includes(text[end]!)) end++;
    const query = text.indexOf('?', at + 3);
    if (query < 0 || query >= end) continue;
    const fragment = text.indexOf('#', query);
    const stop = fragment >= 0 && fragment < end ? fragment : end;
    for (let p = query + 1; p < stop; ) {
      const amp = text.slice(p, stop).search(/[&;]/);
      const next = amp < 0 ? stop : p + amp;
      const eq = text.indexOf('=', p);
      if (eq > p && eq < next) {
        const name = decoded(text.slice(p, eq));
        const written = text.slice(eq + 1, next);
        const value = decoded(written.replaceAll('+', ' '));
        if (isCredentialParameter(name) && written.length >= 4 && !written.includes('$') && written !== REDACTED) {
          out.push({ at: eq + 1, end: next, values: [...new Set([value, written])], what: `the ${name} parameter of a URL` });
        }
      }
      p = next + 1;
    }
  }
  return out;
}

/** The passwords of the URLs in a text, and the credentials in their query strings, where they stand. */
const urlSpans = (text: string): SecretSpan[] =>
  text.includes('://')
    ? [...urlCredentials(text).map((c) => ({ at: c.at, end: c.end, values: [c.password, Buffer.from(`${c.user}:${c.password}`).toString('base64')], what: 'a URL' })), ...urlQueryCredentials(text)]
    : [];

/** TEXT with each span (none inside another) `[redacted]`, or, with `dropDefaults`, a default left out whole (`${NAME}`). */
function hideSpans(text: string, spans: readonly Pick<SecretSpan, 'at' | 'end' | 'cut'>[], dropDefaults = false): string {
  const parts: string[] = [];
  let from = 0;
  // in one pass, first to last: a text with many (a long command line) is not copied once for each
  for (const s of [...spans].sort((a, b) => a.at - b.at)) {
    const cut = dropDefaults && s.cut !== undefined;
    parts.push(text.slice(from, cut ? s.cut : s.at), cut ? '' : REDACTED);
    from = s.end;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/**
 * TEXT with each secret written in it hidden where it stands, by the rule specSecrets follows in a string: a URL's
 * password, a credential on a command line (commandLineSecrets: `Authorization: Bearer X`, `--token X`, curl's `-u
 * user:X`, `PGPASSWORD=X`) and the default of a secret variable (`${TOKEN:-X}`; `secretName` says which variable is
 * secret, by default one whose name looks secret). Each is `[redacted]`, whatever its length; with `dropDefaults`, a
 * default is left out whole (`${TOKEN}`, which Compose takes from the environment). With `only`, just those whose
 * value is in it: what specSecrets found in the spec, found again in a text made from it (the Compose export). Pure.
 */
export function withoutTextSecrets(text: string, only?: ReadonlySet<string>, options: { secretName?: (name: string) => boolean; dropDefaults?: boolean } = {}): string {
  const spans = [...urlSpans(text), ...commandLineSecrets(text).spans, ...secretDefaults(text, options.secretName ?? looksSecret)].filter((s) => !only || s.values.some((v) => only.has(v)));
  return spans.length ? hideSpans(text, outermost(spans), options.dropDefaults) : text;
}

/** A secret the spec itself holds, where it is (the path of the value in the spec), and why it is one. */
export interface SpecSecret {
  path: (string | number)[];
  /** The secret-looking (or `secret: true`) name it is the value of; the value is secret whole. */
  name?: string;
  /** The name is a request header's (Authorization, Cookie), not a variable's. */
  header?: true;
  /** A part of the string: a URL's password, a credential on a command line, a secret variable's default. */
  kind?: 'url' | 'command' | 'default';
  /** What says a part is secret, in words: `--token`, `the Authorization header`, `curl -u`, `${TOKEN}`. */
  what?: string;
  /** Where each part stands in the string; absent, the whole string is the secret. */
  spans?: { at: number; end: number; cut?: number }[];
  values: string[];
}

/** What the spec holds that is secret, and the names whose values are secret wherever they are set. */
export interface SpecSecrets {
  found: SpecSecret[];
  /**
   * Marked `secret: true`, or referred to where a secret is written: by a secret name (`POSTGRES_PASSWORD: ${DB_PASS}`:
   * DB_PASS), as a URL's password (`postgres://app:${DB_PASS}@db`), as a credential on a command line (`--token ${TOKEN}`).
   */
  names: ReadonlySet<string>;
}

/** A string of the spec: its path, the name it is the value of (in a map), and the list it is a word of. */
interface SpecString {
  path: (string | number)[];
  key?: string;
  text: string;
  list?: readonly unknown[];
}

/** Every string of the spec, in the order it is written, with its path and the name it is the value of (in a map). */
function stringsOf(spec: BerthSpec): SpecString[] {
  const out: SpecString[] = [];
  // without recursion; children pushed last to first, so they come out in the order the spec writes them
  const stack: [unknown, (string | number)[], (readonly unknown[])?][] = [[spec, []]];
  while (stack.length) {
    const [node, path, list] = stack.pop()!;
    if (typeof node === 'string') {
      const key = path.at(-1);
      out.push({ path, ...(typeof key === 'string' ? { key } : {}), text: node, ...(list ? { list } : {}) });
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], [...path, i], node]);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node).reverse()) stack.push([value, [...path, key]]);
    }
  }
  return out;
}

/** The fields that hold a command line, a shell line or a list of words: `command`, `entrypoint`, a check's `argv`. */
const COMMAND_FIELDS = new Set(['command', 'entrypoint', 'argv']);
/** A devcontainer lifecycle command: postCreateCommand, and the others devcontainer.json has. */
const LIFECYCLE = /^[a-z][A-Za-z]*Command$/;

/**
 * Whether a string of the spec is a command line or a word of one: a service's `command` and `entrypoint`, a
 * runtime's `command`, `healthcheck.test`, a check's `argv`, an MCP server's `command` and `args` (a check's, a stdio
 * connection's: a list, never a build's map of args), the devcontainer's postCreateCommand (or one of its named ones).
 */
function isCommandLine(path: readonly (string | number)[]): boolean {
  const i = typeof path.at(-1) === 'number' ? path.length - 2 : path.length - 1;
  const key = path[i];
  if (typeof key !== 'string') return false;
  if (key === 'test') return path[i - 1] === 'healthcheck';
  if (key === 'args') return i < path.length - 1;
  const parent = path[i - 1];
  return COMMAND_FIELDS.has(key) || LIFECYCLE.test(key) || (typeof parent === 'string' && LIFECYCLE.test(parent));
}

const found = new WeakMap<BerthSpec, SpecSecrets>();

/**
 * What the spec itself holds that is secret, from one walk of all of it: every string under a name that looks
 * secret or that the spec marks `secret`, or that such a name refers to (in any map of names: a service's
 * `environment`, a check's `env`, build `args`, the devcontainer's env, a label (`com.example.api-token`), an `x-`
 * extension), every URL password in any other string, a credential on a command line (commandLineSecrets, in the
 * fields isCommandLine names), the default of a secret variable wherever it is written (`${TOKEN:-VALUE}`), and
 * the `default` of a secret env var. A value that refers to variables (`${DB_PASS}`, a URL's password
 * `${DB_PASS}`, `--token ${TOKEN}`) is not a literal: the names it refers to are secret `names` instead, for their
 * values to be hidden where they come from. Kept per spec: validate, the redactor and the page ask for the same spec's.
 */
export function specSecrets(spec: BerthSpec): SpecSecrets {
  let secrets = found.get(spec);
  if (!secrets) found.set(spec, (secrets = findSpecSecrets(spec)));
  return secrets;
}

/** A request header that carries a credential, in a map of headers (a health check's `headers`). */
const isCredentialHeaderAt = (path: (string | number)[], key: string) => path.at(-2) === 'headers' && isCredentialHeader(key);

/** `Bearer TOKEN`, `Basic dXNlcjpwdw==`: the credential alone is secret too, since a server may echo just that. */
function headerSecrets(value: string): string[] {
  const credential = /^[A-Za-z][\w!#$%&'*+.^`|~-]*\s+(\S.*)$/.exec(value.trim())?.[1];
  return credential ? [value, credential] : [value];
}

/** What a command line in the spec holds (the string alone, or as a word of its list), or undefined for any other string. */
const onCommandLine = (s: SpecString): CommandLineFinding | undefined =>
  !isCommandLine(s.path) ? undefined : s.list ? argvWordSecrets(s.list, Number(s.path.at(-1))) : commandLineSecrets(s.text);

function findSpecSecrets(spec: BerthSpec): SpecSecrets {
  const marked = new Set(Object.entries(spec.env ?? {}).filter(([, v]) => v.secret).map(([k]) => k));
  const strings = stringsOf(spec);
  const holdsSecret = (path: (string | number)[], key: string, names: ReadonlySet<string>) => looksSecret(key) || names.has(key) || isCredentialHeaderAt(path, key);
  // the names secret ones refer to first, so a literal under such a name is one wherever it is written
  const names = new Set(marked);
  const commandLines = new Map<SpecString, CommandLineFinding>();
  for (const s of strings) {
    if (s.key !== undefined && holdsSecret(s.path, s.key, marked)) for (const ref of referencesOf(s.text)) names.add(ref);
    for (const ref of urlPasswordReferences(s.text)) names.add(ref);
    const line = onCommandLine(s);
    if (line) commandLines.set(s, line);
    for (const ref of line?.references ?? []) names.add(ref);
  }
  const secretName = (name: string) => names.has(name) || looksSecret(name);
  const secrets: SpecSecret[] = [];
  for (const [name, v] of Object.entries(spec.env ?? {})) {
    if ((v.secret || looksSecret(name)) && typeof v.default === 'string') secrets.push({ path: ['env', name, 'default'], name, values: [v.default] });
  }
  for (const s of strings) {
    const { path, key, text } = s;
    // a literal under a secret name is secret whole (its URL password, if any, with it)
    const literal = key !== undefined && !referencesOf(text).length;
    if (literal && isCredentialHeaderAt(path, key)) secrets.push({ path, name: key, header: true, values: headerSecrets(text.replaceAll('$$', '$')) });
    else if (literal && holdsSecret(path, key, names)) secrets.push({ path, name: key, values: [text, text.replaceAll('$$', '$')] });
    else secrets.push(...partsOf(path, [['url', urlSpans(text)], ['command', commandLines.get(s)?.spans ?? []], ['default', secretDefaults(text, secretName)]]));
  }
  return { found: secrets, names };
}

/** The secrets that are parts of one string, one for each kind of part (none inside another). */
function partsOf(path: (string | number)[], kinds: [NonNullable<SpecSecret['kind']>, SecretSpan[]][]): SpecSecret[] {
  const kept = new Set(outermost(kinds.flatMap(([, spans]) => spans)));
  return kinds.flatMap(([kind, spans]) => {
    const mine = spans.filter((s) => kept.has(s));
    if (!mine.length) return [];
    return [{ path, kind, what: mine[0]!.what, spans: mine.map(({ at, end, cut }) => ({ at, end, ...(cut !== undefined ? { cut } : {}) })), values: [...new Set(mine.flatMap((s) => s.values))] }];
  });
}

/**
 * A copy of the spec with every secret it holds (specSecrets) hidden where it stands, whatever its length: a
 * literal under a secret name (a credential header, a secret var's default) is `[redacted]` whole, a part of a string
 * is where it stands (`postgres://app:[redacted]@db`, `--token [redacted]`, `${TOKEN:-[redacted]}`). What berth
 * serves or renders of the spec itself (the API's /api/spec, the infrastructure page) is made from this copy: the
 * redactor that guards every other text hides values by what they are, and passes over short ones
 * (MIN_SECRET_LENGTH), but here the place says what is secret. Pure.
 */
export function specWithoutSecrets(spec: BerthSpec): BerthSpec {
  const found = specSecrets(spec).found;
  if (!found.length) return spec;
  const copy = structuredClone(spec);
  const byPath = new Map<string, SpecSecret[]>();
  for (const s of found) byPath.set(JSON.stringify(s.path), [...(byPath.get(JSON.stringify(s.path)) ?? []), s]);
  for (const secrets of byPath.values()) {
    const path = secrets[0]!.path;
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown> | undefined)?.[key];
    const key = path.at(-1)!;
    const holder = parent as Record<string | number, unknown> | undefined;
    const value = holder?.[key];
    if (typeof value !== 'string') continue;
    if (secrets.some((s) => !s.spans)) holder![key] = REDACTED;
    else holder![key] = alsoElsewhereIn(hideSpans(value, secrets.flatMap((s) => s.spans!)), secrets.flatMap((s) => s.values));
  }
  return copy;
}

/**
 * TEXT, which held a secret as a part (a URL's password), with that secret hidden wherever else the same text writes
 * it (`curl http://u:pw@h/ && echo pw`): a value of a few characters (under 4) is left there, where it could be any word.
 */
const alsoElsewhereIn = (text: string, secrets: readonly string[]) =>
  secrets.filter((v) => v.length >= 4).sort((a, b) => b.length - a.length).reduce((t, v) => t.replaceAll(v, REDACTED), text);

/**
 * The spec's TEXT (berth.yaml as written) with every secret the spec holds hidden where it is written, as
 * specWithoutSecrets hides it in the value: what the MCP server hands an agent that reads the file. `spec` and
 * `source` are TEXT parsed (parseSpec). A secret that is not found as written on its own line (a block scalar, an
 * escape) is hidden wherever it is written in the text.
 */
export function specTextWithoutSecrets(text: string, spec: BerthSpec, source: Pick<SourceDocument, 'locate'>): string {
  const found = specSecrets(spec).found;
  if (!found.length) return text;
  const lines = text.split('\n');
  const everywhere = new Set<string>();
  for (const s of found) {
    const at = source.locate(s.path, 'value');
    const line = lines[at.line - 1];
    if (line === undefined) {
      for (const v of s.values) everywhere.add(v);
      continue;
    }
    // from where the value starts: the key before it (PASSWORD: PASS) keeps its name
    const head = line.slice(0, at.col - 1);
    const tail = line.slice(at.col - 1);
    let hidden = tail;
    // a part found again as the line writes it (a word of a list has no command line around it: as written, below)
    if (s.spans) hidden = withoutTextSecrets(tail, new Set(s.values), { secretName: () => true });
    if (s.spans && hidden !== tail) hidden = alsoElsewhereIn(hidden, s.values);
    else {
      const written = s.values.flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]).filter((v) => v && tail.includes(v));
      hidden = written.sort((a, b) => b.length - a.length).reduce((l, v) => l.replaceAll(v, REDACTED), tail);
    }
    if (hidden !== tail) lines[at.line - 1] = head + hidden;
    else for (const v of s.values) everywhere.add(v);
  }
  let out = lines.join('\n');
  for (const v of [...everywhere].filter(Boolean).sort((a, b) => b.length - a.length)) out = out.replaceAll(v, REDACTED);
  return out;
}

/**
 * A warning at each secret written into the spec (a committed file: whoever reads the repo reads it), the value
 * never quoted. A secret env var's default is env-secret-default's error already, and not repeated here.
 */
export function checkSecretsInSpec(spec: BerthSpec, file?: string, source?: SourceDocument): Problem[] {
  const secretVar = (name: string | number | undefined) => {
    const v = spec.env?.[String(name)];
    return !!v && (!!v.secret || looksSecret(String(name)));
  };
  return specSecrets(spec)
    .found.filter((s) => !(s.path[0] === 'env' && s.path[2] === 'default' && s.path.length === 3 && secretVar(s.path[1])))
    .map((s) => ({
      code: 'secret-in-spec',
      severity: 'warning',
      file,
      ...(source ? source.locate(s.path) : {}),
      path: s.path,
      ...secretInSpecWords(s),
    }));
}

/** What the warning says of one secret: a variable's value, a request header's, a URL's password, a command line's credential, a default. */
function secretInSpecWords(s: SpecSecret): { message: string; hint: string } {
  if (s.header) {
    return {
      message: `the ${s.name} header carries a credential, written in the spec, where whoever reads the repo reads it`,
      hint: "keep the credential in the environment or the .env beside the spec, which is not committed, and write it as ${VARIABLE}: a check's headers take Compose text (Authorization: Bearer ${API_TOKEN})",
    };
  }
  if (s.kind === 'command') {
    return {
      message: `a credential (${s.what}) is written on a command line in the spec, where whoever reads the repo reads it`,
      hint: "keep it in the environment or the .env beside the spec, which is not committed: write it as ${VARIABLE} where the field takes Compose text (a service's command, entrypoint and healthcheck do), or have the program read it from its environment or a file (--token-file)",
    };
  }
  if (s.kind === 'default') {
    return {
      message: `the default of ${s.what} is a secret, written in the spec, where whoever reads the repo reads it`,
      hint: `keep it in the environment or the .env beside the spec, which is not committed, and write ${s.what} without a default`,
    };
  }
  if (s.name) {
    return {
      message: `${s.name} looks secret, and its value is written in the spec, where whoever reads the repo reads it`,
      // a label's key (com.example.api-token) names no variable
      hint: `keep it in the environment or the .env beside the spec, which is not committed, and write \${${/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.name) ? s.name : 'VARIABLE'}} where the field takes Compose text`,
    };
  }
  if (s.kind === 'url' && s.what !== 'a URL') {
    return {
      message: `this URL carries a credential (${s.what}), written in the spec, where whoever reads the repo reads it`,
      hint: "keep it in the environment or the .env beside the spec, which is not committed, and write it as ${VARIABLE} where the field takes Compose text (a check's url does), or send it in a header",
    };
  }
  return {
    message: 'this URL carries a password, written in the spec, where whoever reads the repo reads it',
    hint: 'keep the password in the environment or the .env beside the spec, which is not committed, and write it as ${VARIABLE} where the field takes Compose text (a check\'s url does)',
  };
}
