/**
 * Operational endpoints outside FHIR (DESIGN.md, "Runtime contract"), no token needed:
 * `/healthz` (liveness: 200 while the process runs), `/readyz` (readiness: 200 or 503 with the
 * checks, e.g. store reachable, definitions loaded) and `/metrics` (Prometheus text).
 */
import type { Request, Response, Router } from 'express';
import express from 'express';
import type { Metrics } from '../observability/metrics';
import { locals } from './request-context';

/** Readiness probe: each check is `ok` or a reason. */
export type ReadinessProbe = () => Promise<{ ok: boolean; checks: Record<string, string> }>;

function json(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.status(status).setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(text);
}

/**
 * The router of /healthz, /readyz and /metrics.
 * @param ready - the readiness probe.
 * @param metrics - the registry to expose.
 */
export function healthRouter(ready: ReadinessProbe, metrics: Metrics): Router {
  const router = express.Router();
  router.get('/healthz', (_req: Request, res: Response) => {
    locals(res).interaction = 'healthz';
    json(res, 200, { status: 'ok' });
  });
  router.get('/readyz', (_req: Request, res: Response) => {
    locals(res).interaction = 'readyz';
    ready().then(
      (r) => json(res, r.ok ? 200 : 503, { status: r.ok ? 'ok' : 'unavailable', checks: r.checks }),
      (err: unknown) =>
        json(res, 503, { status: 'unavailable', checks: { probe: err instanceof Error ? err.message : 'failed' } }),
    );
  });
  router.get('/metrics', (_req: Request, res: Response) => {
    locals(res).interaction = 'metrics';
    metrics.registry.metrics().then(
      (text) => {
        res.status(200).setHeader('Content-Type', metrics.registry.contentType);
        res.end(text);
      },
      (err: unknown) => {
        locals(res).logger.error({ err }, 'metrics collection failed');
        res.status(500).end();
      },
    );
  });
  return router;
}
