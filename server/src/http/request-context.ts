/**
 * Per-request plumbing (STYLE.md habit 10): the request id (`X-Request-Id`, echoed when the client
 * sent a sane one, else a new UUID), a child logger carrying it, one access-log line and the HTTP
 * metrics when the response is done, and the AsyncLocalStorage RequestContext around the rest of
 * the pipeline (the FHIR adapter re-enters it with the authenticated access).
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { anonymous } from '../auth/middleware';
import { requestContextStorage } from '../context';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';

/** What the pipeline keeps in `res.locals`. */
export interface RequestLocals {
  requestId: string;
  logger: Logger;
  /** Metric labels, set by the FHIR adapter once the route is known. */
  interaction?: string;
  resourceType?: string;
}

const saneRequestId = /^[A-Za-z0-9\-_.:]{1,128}$/;

/**
 * The typed locals of a response.
 * @param res - the express response.
 */
export function locals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

/**
 * Creates the request-context middleware.
 * @param logger - the root logger.
 * @param metrics - the HTTP metrics.
 */
export function requestContext(logger: Logger, metrics: Metrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = performance.now();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && saneRequestId.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const log = logger.child({ requestId });
    const l = locals(res);
    l.requestId = requestId;
    l.logger = log;
    res.once('close', () => {
      const seconds = (performance.now() - start) / 1000;
      const interaction = l.interaction ?? 'other';
      const resourceType = l.resourceType ?? '';
      const q = req.originalUrl.indexOf('?');
      const path = q < 0 ? req.originalUrl : req.originalUrl.slice(0, q);
      log.info({ method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 10000) / 10 }, 'request');
      metrics.httpRequests.inc({
        method: req.method,
        interaction,
        resource_type: resourceType,
        status: res.statusCode,
      });
      metrics.httpDuration.observe({ interaction, resource_type: resourceType }, seconds);
    });
    requestContextStorage.run({ requestId, access: anonymous }, next);
  };
}
