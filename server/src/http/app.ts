/**
 * The express application (wiring only): request context -> health/metrics -> `/fhir` adapter
 * -> OperationOutcome error handler. Bodies are parsed per FHIR route, never globally; express's
 * ETag, query parser and X-Powered-By are off (Tessera sets its own ETags and parses queries in order).
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { TesseraConfig } from '../config';
import type { AccessContext } from '../context';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { RepositoryFactory } from '../repository/create-repository';
import type { ResourceValidator } from '../validation/validator';
import { dicomAdminRouter } from './dicom-admin-routes';
import { dicomwebRouter } from './dicomweb-routes';
import type { DicomwebDeps } from './dicomweb-routes';
import { fhirHandler } from './fhir-adapter';
import type { ReadinessProbe } from './health';
import { healthRouter } from './health';
import { hl7Router } from './hl7-routes';
import type { Hl7MessageHandler } from './hl7-routes';
import type { MessageLog } from '../durable/message-log';
import type { WorkQueue } from '../durable/work-queue';
import { queueRouter } from './queue-routes';
import { locals, requestContext } from './request-context';
import { sendError } from './send';

/** What the HTTP layer is built from (main.ts assembles it). */
export interface AppDeps {
  readonly config: TesseraConfig;
  /** Public base URL without trailing slash (known only once the port is bound). */
  readonly baseUrl: () => string;
  readonly repositoryFor: RepositoryFactory;
  readonly validator: ResourceValidator;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly ready: ReadinessProbe;
  /** Maps an Authorization header to the caller's access, or undefined when it is not valid. */
  readonly authenticate: (authorization: string | undefined) => AccessContext | undefined;
  /** The HL7 v2 adapter, when running: mounts `/hl7/v2` (hl7-routes.ts). */
  /** The durable work queue, when running: mounts `/admin/queue` (queue-routes.ts). */
  readonly queue?: WorkQueue;
  readonly hl7?: {
    readonly handler: Hl7MessageHandler;
    readonly messages: MessageLog;
    readonly maxMessageBytes: number;
  };
  /** The DICOMweb service, when running: mounts `/dicomweb` (dicomweb-routes.ts). */
  readonly dicomweb?: DicomwebDeps;
}

/**
 * Creates the express application.
 * @param deps - configuration, repository factory, validator, logger, metrics, readiness, authenticator.
 */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', false);
  app.use(requestContext(deps.logger, deps.metrics));
  app.use(healthRouter(deps.ready, deps.metrics));
  app.use(
    '/fhir',
    fhirHandler({
      auth: deps.config.auth,
      maxBodyBytes: deps.config.maxBodyBytes,
      baseUrl: deps.baseUrl,
      repositoryFor: deps.repositoryFor,
      validator: deps.validator,
      authenticate: deps.authenticate,
    }),
  );
  if (deps.queue) {
    app.use(queueRouter({ queue: deps.queue, auth: deps.config.auth, authenticate: deps.authenticate }));
  }
  if (deps.hl7) {
    app.use(
      hl7Router({
        ...deps.hl7,
        auth: deps.config.auth,
        authenticate: deps.authenticate,
      }),
    );
  }
  if (deps.dicomweb) {
    app.use(
      dicomAdminRouter({
        index: deps.dicomweb.index,
        blobs: deps.dicomweb.blobs,
        auth: deps.config.auth,
        authenticate: deps.authenticate,
      }),
    );
    app.use(
      dicomwebRouter({
        ...deps.dicomweb,
        baseUrl: deps.dicomweb.baseUrl ?? deps.baseUrl,
        auth: deps.config.auth,
        authenticate: deps.authenticate,
      }),
    );
  }
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendError(res, err, locals(res).logger ?? deps.logger);
  });
  return app;
}
