/**
 * Request plumbing (DESIGN.md "Runtime contract"; STYLE.md habit 10): one JSON access-log line per
 * request (method, path without query, status, ms) carrying the request id; unexpected errors are
 * logged with their stack and answered 500 OperationOutcome `exception` without leaking details
 * (https://hl7.org/fhir/R4/http.html#summary: "errors ... SHOULD return an OperationOutcome").
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { OperationOutcome, Patient } from '@medplum/fhirtypes';
import pino from 'pino';
import { createTestApp } from '../../helpers/test-app';

function capture(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '')) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('request logging and unexpected errors', () => {
  it('writes one access-log line per request with the request id', async () => {
    const { logger, lines } = capture();
    const t = await createTestApp({ logger });
    try {
      const res = await t.request.get('/fhir/Patient?name=secret-name').set('X-Request-Id', 'log-test-1');
      assert.equal(res.status, 200);
      const access = lines.filter((l) => l.msg === 'request' && l.requestId === 'log-test-1');
      assert.equal(access.length, 1);
      assert.equal(access[0]?.method, 'GET');
      assert.equal(access[0]?.path, '/fhir/Patient');
      assert.equal(access[0]?.status, 200);
      assert.equal(typeof access[0]?.ms, 'number');
      assert.equal(access[0]?.level, 30);
      assert.ok(!JSON.stringify(lines).includes('secret-name'), 'query values are not logged');
    } finally {
      await t.close();
    }
  });

  it('answers 500 without details and logs the stack when something unexpected fails', async () => {
    const { logger, lines } = capture();
    const t = await createTestApp({ logger });
    const created = await t.repo.create<Patient>({ resourceType: 'Patient' });
    await t.close(); // the store is gone: every read now fails unexpectedly
    const res = await t.request.get(`/fhir/Patient/${created.resource.id}`).set('X-Request-Id', 'boom-1');
    assert.equal(res.status, 500);
    const outcome = res.body as OperationOutcome;
    assert.equal(outcome.issue?.[0]?.code, 'exception');
    assert.equal(outcome.issue?.[0]?.details?.text, 'Internal server error');
    assert.ok(!res.text.includes('at '), 'no stack in the response');
    const logged = lines.find((l) => l.requestId === 'boom-1' && l.level === 50);
    assert.ok(logged, 'the error is logged');
    assert.match(String((logged.err as { stack?: string } | undefined)?.stack ?? ''), /\n\s+at /);
  });
});
