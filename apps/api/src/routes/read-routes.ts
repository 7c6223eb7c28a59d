import { specWithoutSecrets } from '@berth/spec';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ContainersResponse,
  EcosystemResponse,
  EnvResponse,
  ErrorBody,
  GpuResponse,
  HistoryQuery,
  HistoryResponse,
  ProfilesResponse,
  RegistryResponse,
  ServiceParams,
  ServicesResponse,
  SpecResponse,
} from '../contract.js';
import type { Runtime } from '../runtime.js';
import { envReport, registryReport } from '../sources/analysis.js';
import { profilesView, servicesView, subjectsOf } from '../views.js';

const unavailable = (reason: string) => ({ available: false as const, reason });

/** The read routes under /api: each answers from state the background work keeps, never by running a check. */
export function registerReadRoutes(app: FastifyInstance, rt: Runtime): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { spec, specFile, registry, env } = rt.options;

  r.get('/api/spec', { schema: { tags: ['read'], summary: 'The spec as loaded', response: { 200: SpecResponse } } }, async () => ({
    file: specFile,
    repo: { name: spec.repo.name, description: spec.repo.description, owner: spec.repo.owner, status: spec.repo.status },
    project: spec.project ?? spec.repo.name,
    profiles: Object.keys(spec.profiles),
    // each secret the spec holds hidden where it stands, however short (the answer's redactor passes short values over)
    spec: JSON.parse(JSON.stringify(specWithoutSecrets(spec))) as Record<string, unknown>,
    ...(rt.options.specOnDisk ? { onDisk: rt.options.specOnDisk.current() } : {}),
  }));

  r.get('/api/services', { schema: { tags: ['read'], summary: 'Services and connections with their latest health, uptime and latency', response: { 200: ServicesResponse } } }, async () => {
    const results = rt.results();
    const { status, checkedAt } = rt.health().view;
    return { services: servicesView(spec, results, await rt.summaries()), status, checkedAt };
  });

  r.get(
    '/api/services/:id/history',
    { schema: { tags: ['read'], summary: 'Status and latency points for a sparkline', params: ServiceParams, querystring: HistoryQuery, response: { 200: HistoryResponse, 404: ErrorBody } } },
    async (req, reply) => {
      const { id } = req.params;
      const known = subjectsOf(spec).some((s) => s.subject.id === id) || rt.results().some((x) => x.subject.id === id);
      if (!known) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no service or connection "${id}" in ${specFile}` });
      // a write that fails now (a locked file) keeps the results queued and does not fail the read
      await rt.store.flush().catch(() => undefined);
      const points = await rt.store.history(id, req.query.window);
      return { id, window: req.query.window, points: points.map((p) => ({ ...p, t: new Date(p.t).toISOString() })) };
    },
  );

  r.get('/api/registry', { schema: { tags: ['read'], summary: 'Port bindings, registry and conflicts', response: { 200: RegistryResponse } } }, () =>
    registryReport({ spec, specFile, registry, env }),
  );

  r.get(
    '/api/ecosystem',
    { schema: { tags: ['read'], summary: 'The ecosystem the spec belongs to: member repos, their ports, who uses whom, conflicts and findings', response: { 200: EcosystemResponse } } },
    () => rt.options.ecosystem ?? unavailable('the ecosystem view is off for this server'),
  );

  r.get('/api/env', { schema: { tags: ['read'], summary: 'Env status per module: names, set or missing, valid or not; never a value', response: { 200: EnvResponse } } }, () =>
    envReport(spec, env, rt.options.envFile),
  );

  r.get('/api/containers', { schema: { tags: ['read'], summary: 'Containers of the project, from the engine', response: { 200: ContainersResponse } } }, () =>
    rt.options.engine ? rt.options.engine.containers() : unavailable('the Docker engine is not watched by this server'),
  );

  r.get('/api/profiles', { schema: { tags: ['read'], summary: 'Profiles and whether their services run', response: { 200: ProfilesResponse } } }, () =>
    rt.options.engine
      ? rt.options.engine.profiles()
      : profilesView(spec, undefined, unavailable('the Docker engine is not watched by this server')),
  );

  r.get('/api/gpu', { schema: { tags: ['read'], summary: 'GPUs and the CUDA compatibility verdict', response: { 200: GpuResponse } } }, () =>
    rt.options.gpu ? rt.options.gpu.report() : unavailable('GPU detection is off for this server'),
  );

  // Unknown /api paths are JSON 404s, not the dashboard.
  r.all('/api/*', { schema: { hide: true, response: { 404: ErrorBody } } }, async (req, reply) =>
    reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}` }),
  );
}
