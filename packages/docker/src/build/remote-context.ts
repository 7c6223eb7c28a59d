/**
 * Is this build context remote (a URL or a git repository) rather than a directory? compose-go's rule
 * (`isRemoteContext` in its `paths` package, after BuildKit's): `http(s)://`, `git://`, `ssh://`,
 * `github.com/`, `git@`; anything else with `://` is a builder's own context type (`docker-image://`).
 * Such a context means the same from every directory, so Compose import and export never rewrite it, and
 * berth, which builds from a local directory, says it cannot build from it. A local directory named `x.git` is local.
 */
export function isRemoteContext(context: string): boolean {
  return context.includes('://') || /^(github\.com\/|git@)/.test(context);
}
