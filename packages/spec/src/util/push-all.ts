/**
 * Appends `items` to `target`. `target.push(...items)` passes every item as an argument, and past about
 * a hundred thousand of them (the problems of a 150,000-service spec) the call overflows the stack.
 */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
