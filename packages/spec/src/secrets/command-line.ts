import { isCredentialHeader, looksSecret } from './names.js';
import { REDACTED } from './redactor.js';

/** A secret that is part of a text: where it stands in the text (`at` to `end`), and what marks it as one. */
export interface SecretSpan {
  at: number;
  end: number;
  /** The value, then what else it shows up as (the Basic credentials a client sends for `user:password`). */
  values: string[];
  /** What says it is a secret, in words: `--token`, `the Authorization header`, `curl -u`, `PGPASSWORD=`, `${NAME}`. */
  what: string;
  /** A default (`${NAME:-VALUE}`): where its `:-` or `-` starts, so it can be left out whole (`${NAME}`). */
  cut?: number;
}

/** Where a word of a command line ends, unquoted: a space, a quote, a shell operator. */
const WORD_END = ' \t\r\n"\'\\;|&<>()`';

/** One word of a command line from `at`: quoted ('...' or "...", without its quotes) where `quoted`, else up to WORD_END. */
function wordAt(text: string, at: number, quoted: boolean): { at: number; end: number; value: string } | undefined {
  const q = text[at];
  if (quoted && (q === '"' || q === "'")) {
    const close = text.indexOf(q, at + 1);
    return close > at + 1 ? { at: at + 1, end: close, value: text.slice(at + 1, close) } : undefined;
  }
  let end = at;
  while (end < text.length && !WORD_END.includes(text[end]!)) end++;
  return end > at ? { at, end, value: text.slice(at, end) } : undefined;
}

/** `$NAME`, `${NAME}`, `$$NAME` (a container shell's variable, Compose-escaped). */
const VARIABLE_REFERENCE = /\$+\{?([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Whether a credential's value is written in the text: not a reference (anything with a `$`: `${TOKEN}`, `$TOKEN`,
 * `$(cat file)`), not what berth already hid, not a placeholder (`<token>`).
 */
const isLiteral = (value: string) => value.length > 0 && !value.includes('$') && value !== REDACTED && !/^<.*>$/.test(value);

/** A value that names a file, not a secret (`--key ./client.key`, `--ssh-key ~/.ssh/id_ed25519`) or a BuildKit secret's id. */
const namesAPlace = (value: string) => /^(?:\.{0,2}\/|~\/)|\.(?:pem|key|crt|cert|p12|pfx|json|txt|asc|gpg)$/i.test(value) || /^(?:id|src|source|env|type)=/i.test(value);

/** A long option (`--api-key`, `--token`, `--password`, `--client-secret`) whose value is a secret, by the variables' rule; never `--no-...`. */
const isSecretOption = (name: string) => !/^no-/i.test(name) && looksSecret(name);

/** The schemes of an Authorization header: what comes before the credential (`Bearer TOKEN`). */
const SCHEMES = new Set(['basic', 'bearer', 'digest', 'token', 'negotiate', 'ntlm', 'bot', 'apikey', 'api-key', 'dpop', 'hoba', 'mutual', 'oauth', 'key', 'ssws', 'splunk', 'aws4-hmac-sha256', 'scram-sha-1', 'scram-sha-256', 'vapid']);

const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

/** What a command line holds: the credentials written on it, and the variables it names where it would write one. */
export interface CommandLineFinding {
  spans: SecretSpan[];
  /** `--token ${API_TOKEN}`: API_TOKEN, whose value is then hidden where it comes from. */
  references: string[];
}

/**
 * The credentials written on one command line (a shell line, or one word of an argv; `before`, the words before it):
 * the credential of an `Authorization` or `Proxy-Authorization` header after its scheme (`Authorization: Bearer X`: X),
 * a `Cookie`'s, one of a header named as a secret variable would be (`X-Api-Key: X`); the value of a long option named
 * so (`--token X`, `--api-key=X`, `--password X`, `--client-secret X`), never a file's name (`--token-file path`,
 * `--key ./client.key`); curl's `-u user:password` (its password; `-u root` names no password); and an assignment
 * to such a name (`PGPASSWORD=X psql`, `-e API_TOKEN=X`). A reference (`--token ${API_TOKEN}`, `$$TOKEN`) is no
 * literal: the names it refers to come back in `references`. Pure.
 */
export function commandLineSecrets(text: string, before: readonly string[] = []): CommandLineFinding {
  const spans: SecretSpan[] = [];
  const references: string[] = [];
  const take = (word: { at: number; end: number; value: string } | undefined, what: string, extra: string[] = []) => {
    if (!word) return;
    if (isLiteral(word.value)) spans.push({ at: word.at, end: word.end, values: [word.value, ...extra], what });
    else for (const m of word.value.matchAll(VARIABLE_REFERENCE)) references.push(m[1]!);
  };
  // a request header: the credential after its scheme
  for (const m of text.matchAll(/(?<![\w./:-])((?:proxy-)?authorization|cookie|[a-z][a-z0-9]*(?:-[a-z0-9]+)+)[ \t]*:([ \t]*)/gi)) {
    const name = m[1]!;
    // another header named as a secret variable would be, with the space a header line has (not an image's `my-token:1.0`)
    if (!/^(?:proxy-)?authorization$|^cookie$/i.test(name) && !(m[2] && isCredentialHeader(name))) continue;
    const first = wordAt(text, m.index + m[0].length, false);
    if (!first) continue;
    let gap = first.end;
    while (text[gap] === ' ' || text[gap] === '\t') gap++;
    const second = gap > first.end ? wordAt(text, gap, false) : undefined;
    if (SCHEMES.has(first.value.toLowerCase())) take(second, `the ${name} header`);
    else take(first, `the ${name} header`);
  }
  // a long option named as a secret variable would be
  for (const m of text.matchAll(/(?<=^|[\s"'])--([A-Za-z][A-Za-z0-9_-]*)(=|[ \t]+)/g)) {
    if (!isSecretOption(m[1]!)) continue;
    const word = wordAt(text, m.index + m[0].length, true);
    if (!word || namesAPlace(word.value) || (m[2] !== '=' && word.value.startsWith('-'))) continue;
    take(word, `--${m[1]}`);
  }
  // curl's user:password
  const curl = before.some(isCurl) ? 0 : text.search(/\bcurl\b/);
  for (const m of text.matchAll(/(?<=^|[\s"'])(?:-u[ \t]+|--user(?:=|[ \t]+))/g)) {
    if (curl < 0 || curl > m.index) continue;
    take(...userPassword(wordAt(text, m.index + m[0].length, true)));
  }
  // an assignment to a secret name
  for (const m of text.matchAll(/(?<=^|[\s"'&?;])([A-Za-z_][A-Za-z0-9_]*)=/g)) {
    if (!looksSecret(m[1]!)) continue;
    const word = wordAt(text, m.index + m[0].length, true);
    if (word && !namesAPlace(word.value)) take(word, `${m[1]}=`);
  }
  return { spans: outermost(spans), references };
}

/** A word of an argv that is curl itself. */
const isCurl = (word: string) => /(?:^|\/)curl$/.test(word);

/** The password of curl's `user:password` (`-u 1000:1000`, a user and a group, is none). */
function userPassword(word: { at: number; end: number; value: string } | undefined): [{ at: number; end: number; value: string } | undefined, string, string[]] {
  const colon = word ? word.value.indexOf(':') : -1;
  if (!word || colon <= 0 || colon === word.value.length - 1 || /^\d+:\d+$/.test(word.value)) return [undefined, 'curl -u', []];
  const user = word.value.slice(0, colon);
  const password = word.value.slice(colon + 1);
  return [{ at: word.at + colon + 1, end: word.end, value: password }, 'curl -u', [basic(user, password)]];
}

/**
 * The credentials of one word of an argv (a list: a check's `argv`, a stdio connection's `args`, a command written
 * as a list): those written in the word itself (commandLineSecrets), and the word whole where the word before it is
 * an option that takes a secret (`["--token", "X"]`), or its password where that is curl's `-u` (`["curl", "-u",
 * "user:X"]`). Pure.
 */
export function argvWordSecrets(argv: readonly unknown[], index: number): CommandLineFinding {
  const word = argv[index];
  if (typeof word !== 'string') return { spans: [], references: [] };
  const before = argv.slice(0, index).filter((w): w is string => typeof w === 'string');
  const found = commandLineSecrets(word, before);
  const previous = argv[index - 1];
  if (typeof previous !== 'string') return found;
  const option = /^--([A-Za-z][A-Za-z0-9_-]*)$/.exec(previous)?.[1];
  const whole = { at: 0, end: word.length, value: word };
  let extra: [{ at: number; end: number; value: string } | undefined, string, string[]] | undefined;
  if (option && isSecretOption(option) && !word.startsWith('-') && !namesAPlace(word)) extra = [whole, previous, []];
  else if ((previous === '-u' || previous === '--user') && before.slice(0, -1).some(isCurl)) extra = userPassword(whole);
  if (!extra?.[0]) return found;
  const [at, what, more] = extra;
  if (isLiteral(at.value)) return { spans: outermost([...found.spans, { at: at.at, end: at.end, values: [at.value, ...more], what }]), references: found.references };
  return { spans: found.spans, references: [...found.references, ...[...at.value.matchAll(VARIABLE_REFERENCE)].map((m) => m[1]!)] };
}

/** A variable's name, where it stands (sticky). */
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
/** What may follow a name in `${...}`: Compose's default, required and alternative forms, two-character ones first. */
const OPERATORS = [':-', ':?', ':+', '-', '?', '+'];

/** Where the `}` that closes a `${` whose name ends at `from` is, counting nested `${...}`; -1 when it is not closed. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/**
 * The defaults of `${NAME:-VALUE}` and `${NAME-VALUE}` in Compose text whose NAME is secret (`secretName`), nested
 * ones too (`${A:-${TOKEN:-VALUE}}`): VALUE is what NAME holds wherever it is not set, so a literal one is that
 * secret written in the text. A default that refers to variables is not a literal; one character (`${SENTRY_DSN:-0}`)
 * or a file's name (`${TLS_KEY:-/certs/tls.key}`) is no secret. Pure.
 */
export function secretDefaults(text: string, secretName: (name: string) => boolean): SecretSpan[] {
  const out: SecretSpan[] = [];
  const scan = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      if (text[i] !== '$') continue;
      if (text[i + 1] === '$') {
        i++;
        continue;
      }
      NAME.lastIndex = i + 2;
      const name = text[i + 1] === '{' ? NAME.exec(text)?.[0] : undefined;
      if (!name) continue;
      const after = i + 2 + name.length;
      const close = closingBrace(text, after);
      if (close < 0 || close >= to) return;
      const op = OPERATORS.find((o) => text.startsWith(o, after)) ?? '';
      const value = text.slice(after + op.length, close);
      if ((op === ':-' || op === '-') && value && !value.replaceAll('$$', '').includes('$')) {
        // a default that says "none" in one character (`${SENTRY_DSN:-0}`), or names a file (`${TLS_KEY:-/certs/tls.key}`), is none
        if (secretName(name) && value.length > 1 && isLiteral(value) && !namesAPlace(value)) out.push({ at: after + op.length, end: close, values: [...new Set([value, value.replaceAll('$$', '$')])], what: `\${${name}}`, cut: after });
      } else if (op) scan(after + op.length, close);
      i = close;
    }
  };
  scan(0, text.length);
  return out;
}

/** The spans that no other one holds, in the order they stand (a `--dsn`'s whole URL holds the URL's password). */
export function outermost(spans: readonly SecretSpan[]): SecretSpan[] {
  const sorted = [...spans].sort((a, b) => a.at - b.at || b.end - a.end);
  const out: SecretSpan[] = [];
  // the last one kept ends furthest: one that starts before that end is inside it, or overlaps it
  for (const s of sorted) if (!out.length || s.at >= out.at(-1)!.end) out.push(s);
  return out;
}
