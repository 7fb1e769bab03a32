/**
 * The durable work queue for operators (server/src/durable/work-queue.ts): outbound deliveries
 * (Subscriptions: REST hooks, ORU over MLLP) and, later, inference jobs and DICOM sends.
 * - `GET /admin/queue/jobs?topic=..&status=ready|leased|done|dead&_count=..`: jobs, oldest first,
 *   with attempts and the last error (a dead letter's reason);
 * - `GET /admin/queue/counts`: jobs per topic and status;
 * - `POST /admin/queue/jobs/{id}/$requeue`: a dead (or done) job back to `ready` with fresh attempts.
 * Same bearer token as `/fhir`; errors are OperationOutcomes.
 */
import express from 'express';
import type { AccessContext } from '../context';
import { JOB_STATUSES } from '../durable/work-queue';
import type { JobStatus, WorkQueue } from '../durable/work-queue';
import { fhirError } from '../errors/outcome';
import { authenticated, queryOf } from './admin-auth';
import { sendJson } from './send';

/** Dependencies of the queue routes. */
export interface QueueRoutesDeps {
  readonly queue: WorkQueue;
  readonly auth: 'smart' | 'off';
  readonly authenticate: (authorization: string | undefined) => AccessContext | undefined;
}

const MAX_LIST = 1000;

/**
 * Creates the `/admin/queue` router.
 * @param deps - the queue and auth settings
 */
export function queueRouter(deps: QueueRoutesDeps): express.Router {
  const router = express.Router();
  router.get(
    '/admin/queue/jobs',
    authenticated(deps, async (req, res) => {
      const q = queryOf(req);
      const status = q.get('status') ?? undefined;
      if (status !== undefined && !(JOB_STATUSES as readonly string[]).includes(status)) {
        throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', `status must be one of ${JOB_STATUSES.join(', ')}`);
      }
      const jobs = await deps.queue.list({
        topic: q.get('topic') ?? undefined,
        status: status as JobStatus | undefined,
        limit: Math.min(Number(q.get('_count') ?? 100) || 100, MAX_LIST),
      });
      sendJson(res, 200, JSON.stringify({ jobs }));
    }),
  );
  router.get(
    '/admin/queue/counts',
    authenticated(deps, async (_req, res) => {
      sendJson(res, 200, JSON.stringify({ counts: await deps.queue.counts() }));
    }),
  );
  router.post(
    '/admin/queue/jobs/:id/\\$requeue',
    authenticated(deps, async (req, res) => {
      const id = String(req.params.id);
      const job = await deps.queue.get(id);
      if (job === undefined) {
        throw fhirError('TESSERA_E_QUEUE_JOB_NOT_FOUND', `No queued job ${id}`);
      }
      if (!(await deps.queue.requeue(id))) {
        throw fhirError(
          'TESSERA_E_QUEUE_JOB_ACTIVE',
          `Job ${id} is ${job.status}; only dead or done jobs are requeued`,
        );
      }
      sendJson(res, 200, JSON.stringify({ job: await deps.queue.get(id) }));
    }),
  );
  return router;
}
