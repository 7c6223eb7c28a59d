import type { FastifyInstance } from 'fastify';

/** A 400 that says what is wrong with the body, in the error handler's one line. */
const badBody = (message: string) => Object.assign(new Error(`body: ${message}`), { statusCode: 400 });

/**
 * The key that would poison a prototype if the body were merged somewhere (`__proto__`, or a `constructor` holding a
 * `prototype`), as fastify's own parser refuses them. Walked without recursion (nor a JSON.parse reviver, which
 * recurses): 16 KiB of body nests thousands deep.
 */
function poisonKey(root: unknown): string | undefined {
  const stack = [root];
  while (stack.length) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    const record = value as Record<string, unknown>;
    // JSON.parse makes "__proto__" an own key; an object's "constructor" is only its own when the body wrote one.
    if (Object.hasOwn(record, '__proto__')) return '__proto__';
    const ctor = Object.hasOwn(record, 'constructor') ? record.constructor : undefined;
    if (typeof ctor === 'object' && ctor !== null && Object.hasOwn(ctor, 'prototype')) return 'constructor.prototype';
    for (const child of Object.values(record)) stack.push(child);
  }
  return undefined;
}

/** Parses JSON request bodies (within the server's body limit) with errors that say why a body is refused. */
export function installJsonParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    // A leading byte order mark is not JSON, but fastify's parser let it pass: so does this one.
    const text = (body as string).replace(/^\uFEFF/, '');
    if (text.length === 0) return done(badBody('is empty, though content-type says JSON'), undefined);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      // JSON.parse's own words, on one line, without its echo of the body ('Unexpected token 'g', "garbage" is not valid JSON').
      const why = (err as Error).message.split('\n')[0]!.replace(/, ".*" is not valid JSON$/, '');
      return done(badBody(`is not valid JSON (${why})`), undefined);
    }
    // Fastify's parser calls such a body "not valid JSON"; it is valid, and refused for this.
    const poison = poisonKey(json);
    done(poison ? badBody(`a "${poison}" key is not allowed`) : null, poison ? undefined : json);
  });
}
