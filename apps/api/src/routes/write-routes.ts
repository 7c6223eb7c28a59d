import type { FastifyInstance, FastifyReply } from 'fastify';
import { BerthError, profileServices } from '@berth/spec';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ActionResponse, ErrorBody, ProfileParams, ServiceParams, UpBody } from '../contract.js';
import { requireBearer } from '../auth.js';
import { httpErrorOf } from '../error-status.js';
import type { Runtime } from '../runtime.js';
import { EngineUnavailableError, type EngineSource } from '../sources/engine.js';
import { errorLine } from '../sources/error-line.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 422: ErrorBody, 500: ErrorBody, 502: ErrorBody, 503: ErrorBody, 504: ErrorBody };

/** Write routes: profile up and down, service restart. Each needs `Authorization: Bearer TOKEN`. */
export function registerWriteRoutes(app: FastifyInstance, rt: Runtime, token: string): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { spec, specFile } = rt.options;

  const requireToken = requireBearer(token);

  const run = async (reply: FastifyReply, action: 'up' | 'down' | 'restart', target: string, services: string[], work: (engine: EngineSource) => Promise<unknown>) => {
    const engine = rt.options.engine;
    if (!engine) return reply.code(503).send({ statusCode: 503, error: 'Service Unavailable', message: 'the Docker engine is not watched by this server' });
    try {
      await work(engine);
      return { ok: true, action, target, message: `${action} ${target}: done`, services };
    } catch (err) {
      // No engine: 503. A reason berth knows: the status its code means (error-status.ts). Anything else is a bug:
      // the server's error handler logs it and answers the generic 500, as for every other route.
      if (!(err instanceof EngineUnavailableError) && !(err instanceof BerthError)) throw err;
      const { statusCode, error } = err instanceof EngineUnavailableError ? httpErrorOf('ERR_BERTH_ENGINE_UNREACHABLE') : err instanceof BerthError ? httpErrorOf(err.code) : httpErrorOf('');
      const detail = err instanceof BerthError && err.problems.length ? `: ${err.problems.map((p) => p.message).join('; ')}` : '';
      return reply.code(statusCode).send({ statusCode, error, message: `${action} ${target} failed: ${errorLine(err)}${detail}` });
    }
  };

  const profileRoute = (action: 'up' | 'down') =>
    r.post(
      `/api/profiles/:name/${action}`,
      {
        onRequest: requireToken,
        schema: { tags: ['write'], summary: `Profile ${action}`, security: [{ bearer: [] }], params: ProfileParams, body: UpBody, response: { 200: ActionResponse, ...errors } },
      },
      async (req, reply) => {
        const { name } = req.params;
        // Own keys only: `in` would find "constructor" or "toString" on the prototype and act on the default services.
        if (!Object.hasOwn(spec.profiles, name)) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no profile "${name}" in ${specFile}` });
        const services = profileServices(spec, name);
        const wait = req.body?.wait ?? false;
        return run(reply, action, name, services, (engine) => (action === 'up' ? engine.upProfile(name, wait) : engine.downServices(services)));
      },
    );
  profileRoute('up');
  profileRoute('down');

  r.post(
    '/api/services/:id/restart',
    { onRequest: requireToken, schema: { tags: ['write'], summary: 'Restart a service', security: [{ bearer: [] }], params: ServiceParams, response: { 200: ActionResponse, ...errors } } },
    async (req, reply) => {
      const { id } = req.params;
      if (!Object.hasOwn(spec.services, id)) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no service "${id}" in ${specFile}` });
      return run(reply, 'restart', id, [id], (engine) => engine.restart(id));
    },
  );
}
