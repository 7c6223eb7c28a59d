/** The bearer token for write routes: asked once, kept for this tab only (sessionStorage), never in the URL. */
const KEY = 'berth.token';

export function readToken(storage: Pick<Storage, 'getItem'> = sessionStorage): string | undefined {
  try {
    return storage.getItem(KEY) || undefined;
  } catch {
    return undefined;
  }
}

export function saveToken(token: string | undefined, storage: Pick<Storage, 'setItem' | 'removeItem'> = sessionStorage): void {
  try {
    if (token) storage.setItem(KEY, token);
    else storage.removeItem(KEY);
  } catch {
    // storage disabled: the token lives only as long as the page
  }
}
