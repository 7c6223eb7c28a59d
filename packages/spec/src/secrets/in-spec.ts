import type { Problem } from '../problem.js';
import type { SourceDocument } from '../load/yaml-document.js';
import type { BerthSpec } from '../schema/spec.js';
import { looksSecret } from './names.js';

/** `$NAME` or `${NAME}` in Compose text. */
const REFERENCE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;
/**
 * The passwords of the URLs in a text, wherever they stand (a value that is one, a command line, a check's URL):
 * `scheme://user:PASSWORD@host`, decoded as a URL's are. One pass over the text: a regular expression for the
 * whole URL backtracked over every long run of letters (a 100 KiB value took 12 s).
 */
export function urlPasswords(text: string): string[] {
  const out: string[] = [];
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    if (!/[a-z0-9+.-]/i.test(text[at - 1] ?? '')) continue; // no scheme before it
    const start = at + 3;
    let end = start;
    while (end < text.length && !'/@ \t\r\n'.includes(text[end]!)) end++;
    if (text[end] !== '@') continue; // no user info
    const userInfo = text.slice(start, end);
    const colon = userInfo.indexOf(':');
    if (colon < 0 || colon === userInfo.length - 1) continue; // a user without a password
    const password = userInfo.slice(colon + 1);
    try {
      out.push(decodeURIComponent(password));
    } catch {
      out.push(password); // not percent-encoding: the password as written
    }
  }
  return out;
}

/** A secret the spec itself holds, where it is (the path of the value in the spec), and why it is one. */
export interface SpecSecret {
  path: (string | number)[];
  /** The secret-looking (or `secret: true`) name it is the value of; none for a URL's password. */
  name?: string;
  values: string[];
}

/** The env vars the spec marks `secret: true`. */
export const specSecretNames = (spec: BerthSpec | undefined): Set<string> => new Set(Object.entries(spec?.env ?? {}).filter(([, v]) => v.secret).map(([k]) => k));

/**
 * What the spec itself holds that is secret, found in one walk of all of it: every string under a name that looks
 * secret or that the spec marks `secret` (in any map of names: a service's `environment`, a check's `env`, build
 * `args`, the devcontainer's env, an `x-` extension), every URL password in any string, and the `default` of a
 * secret env var. A value that refers to variables (`${DB_PASS}`) is not a literal: the names it refers to are
 * added to `secretNames` instead, for their values to be hidden where they come from.
 */
export function specSecrets(spec: BerthSpec, secretNames: Set<string> = specSecretNames(spec)): SpecSecret[] {
  const found: SpecSecret[] = [];
  for (const [name, v] of Object.entries(spec.env ?? {})) {
    if ((v.secret || looksSecret(name)) && typeof v.default === 'string') found.push({ path: ['env', name, 'default'], name, values: [v.default] });
  }
  const stack: [unknown, (string | number)[]][] = [[spec, []]];
  while (stack.length) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      const passwords = urlPasswords(node);
      if (passwords.length) found.push({ path, values: passwords });
    } else if (Array.isArray(node)) {
      // children pushed last to first, so the walk finds them in the order the spec writes them
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], [...path, i]]);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node).reverse()) {
        if (typeof value === 'string' && (looksSecret(key) || secretNames.has(key))) {
          // `$$` is a literal `$` (Compose): "pa$$word" refers to nothing, and is "pa$word" when it runs
          const refs = [...value.replaceAll('$$', '').matchAll(REFERENCE)].map((m) => m[1]!);
          if (refs.length) for (const ref of refs) secretNames.add(ref);
          else {
            found.push({ path: [...path, key], name: key, values: [value, value.replaceAll('$$', '$')] });
            continue; // its URL password, if any, is part of the value already
          }
        }
        stack.push([value, [...path, key]]);
      }
    }
  }
  return found;
}

/**
 * A warning at each secret written into the spec (a committed file: whoever reads the repo reads it), the value
 * never quoted. A secret env var's default is env-secret-default's error already, and not repeated here.
 */
export function checkSecretsInSpec(spec: BerthSpec, file?: string, source?: SourceDocument): Problem[] {
  return specSecrets(spec)
    .filter((s) => !(s.path[0] === 'env' && s.path[2] === 'default' && s.path.length === 3))
    .map((s) => ({
      code: 'secret-in-spec',
      severity: 'warning',
      file,
      ...(source ? source.locate(s.path) : {}),
      path: s.path,
      message: s.name ? `${s.name} looks secret, and its value is written in the spec, where whoever reads the repo reads it` : 'this URL carries a password, written in the spec, where whoever reads the repo reads it',
      hint: s.name
        ? `keep it in the environment or the .env beside the spec, which is not committed, and write \${${s.name}} where the field takes Compose text`
        : 'keep the password in the environment or the .env beside the spec, which is not committed, and write it as ${VARIABLE} where the field takes Compose text',
    }));
}
