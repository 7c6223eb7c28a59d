import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HealthResponse } from '../contract.js';
import { renderMetrics } from '../metrics.js';
import type { Runtime } from '../runtime.js';

/** /health for scripts and Compose, /metrics for Prometheus, /api/events for dashboards. */
export function registerSystemRoutes(app: FastifyInstance, rt: Runtime): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: "The stack's health: 200 all passing, 429 worst is a warning, 503 any critical (or not yet known)",
        response: { 200: HealthResponse, 429: HealthResponse, 503: HealthResponse },
      },
    },
    // The body is serialised once per new result and sent as is.
    (_req, reply) => {
      const h = rt.health();
      // A JSON string with a JSON content type goes out without a second serialisation.
      void reply.code(h.code as 200).type('application/json; charset=utf-8').send(h.body as never);
    },
  );

  r.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus text exposition format', produces: ['text/plain'], response: { 200: z.string() } } }, async (_req, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    const uptime = await rt.summaries().catch(() => undefined);
    return renderMetrics(rt.results(), rt.overall(), { sseClients: rt.events.size, checks: rt.checkCount, uptime });
  });

  r.get('/api/events', { schema: { tags: ['read'], summary: 'Server-sent events: hello, then result and status changes', produces: ['text/event-stream'] } }, (req, reply) => {
    reply.hijack();
    rt.events.add(reply.raw, { type: 'hello', status: rt.overall(), results: rt.results() }, reply.getHeaders());
  });
}
