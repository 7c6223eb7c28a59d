/**
 * Whether a variable's name says it holds a secret: it ends in KEY, TOKEN, SECRET, PASS, CREDENTIAL(S), AUTH,
 * DSN or PAT (a personal access token), as a word (OPENAI_API_KEY, GITHUB_TOKEN, SENTRY_DSN, GH_PAT), in PASSWORD or
 * PASSWD (POSTGRES_PASSWORD, PGPASSWORD) or in _PWD (MYSQL_PWD), unless it names something public or a place
 * (SSH_PUBLIC_KEY, AWS_KEY_ID, DB_PASSWORD_FILE). A dot or a dash separates words as `_` does: a label's key
 * `com.example.api-token` is read as COM_EXAMPLE_API_TOKEN, a command line's `--api-key` as API_KEY.
 * berth's one rule for it: the env conventions ask such variables to be marked `secret: true`, and the
 * redactor hides their values. Pure.
 */
export function looksSecret(name: string): boolean {
  const upper = name.toUpperCase().replace(/[.-]/g, '_');
  return SECRET_SUFFIX.test(upper) && !NOT_SECRET.test(upper);
}

// PASSWORD also glued to a prefix (libpq's PGPASSWORD), and MySQL's MYSQL_PWD (never PWD alone: the shell's folder)
const SECRET_SUFFIX = /(?:(?:^|_)(?:[A-Z0-9]*KEY|SECRET|TOKEN|PASS|PASSPHRASE|CREDENTIALS?|AUTH|DSN|PAT)|PASSWORD|PASSWD|_PWD)$/;
const NOT_SECRET = /(?:PUBLIC_?KEY|_KEY_(?:ID|NAME|PATH|FILE)|_FILE|_PATH)$/;

/** Request headers whose value is a credential (RFC 9110's Authorization and Proxy-Authorization, a Cookie). */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/**
 * Whether an HTTP request header carries a credential, whatever its case: RFC 9110's and the Cookie, and any header
 * whose name looks secret by the variables' rule (`X-Api-Key`, `X-Auth-Token`, `Private-Token`, `X-Vault-Token`: the
 * name read as `X_API_KEY`). Their values are secrets (validate warns at a literal one, the redactor hides it), and a
 * health check never sends them on to another origin when it follows a redirect. Pure.
 */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase()) || looksSecret(name);
}
