/**
 * Covers the per-request context (STYLE.md habit 10; DESIGN.md "Runtime contract"): the request
 * id is echoed or generated, carried in AsyncLocalStorage across awaits, and the request is
 * counted in `tessera_http_requests_total` once the response is done.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import supertest from 'supertest';
import { currentRequestContext } from '../../../../server/src/context';
import { locals, requestContext } from '../../../../server/src/http/request-context';
import { silentLogger } from '../../../../server/src/observability/logger';
import { createMetrics } from '../../../../server/src/observability/metrics';

describe('requestContext middleware', () => {
  const metrics = createMetrics();
  const app = express();
  app.use(requestContext(silentLogger(), metrics));
  app.get('/ctx', (_req, res) => {
    locals(res).interaction = 'probe';
    void sleep(5).then(() => {
      res.json({ requestId: currentRequestContext()?.requestId, local: locals(res).requestId });
    });
  });

  it('keeps the echoed request id in the async context', async () => {
    const res = await supertest(app).get('/ctx').set('X-Request-Id', 'abc-123');
    assert.equal(res.headers['x-request-id'], 'abc-123');
    assert.deepEqual(res.body, { requestId: 'abc-123', local: 'abc-123' });
  });

  it('generates distinct ids for concurrent requests without crosstalk', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => supertest(app).get('/ctx')));
    const ids = results.map((r) => (r.body as { requestId: string }).requestId);
    assert.equal(new Set(ids).size, 4);
    results.forEach((r) => assert.equal(r.headers['x-request-id'], (r.body as { requestId: string }).requestId));
  });

  it('counts finished requests by interaction and status', async () => {
    await supertest(app).get('/ctx');
    const text = await metrics.registry.metrics();
    assert.match(
      text,
      /tessera_http_requests_total\{method="GET",interaction="probe",resource_type="",status="200"\} [1-9]/,
    );
  });
});
