/**
 * The HTTP platform around the FHIR API: bearer-token auth (RFC 6750 §3 challenge; `/metadata`
 * public per https://hl7.org/fhir/smart-app-launch/conformance.html), `GET /fhir/metadata`
 * (https://hl7.org/fhir/R4/http.html#capabilities), `$validate`
 * (https://hl7.org/fhir/R4/resource-operation-validate.html: 200 with issues even when invalid,
 * 400 for a body that is not a resource), `/healthz`, `/readyz`, `/metrics`, and `X-Request-Id`
 * (DESIGN.md, "Runtime contract").
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CapabilityStatement, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { createTestApp } from '../../helpers/test-app';
import type { TestApp } from '../../helpers/test-app';

describe('auth', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ auth: 'smart', token: 'let-me-in' });
  });
  after(async () => {
    await t.close();
  });

  it('answers 401 with a Bearer challenge when the token is missing', async () => {
    const res = await t.request.get('/fhir/Patient');
    assert.equal(res.status, 401);
    assert.equal((res.body as OperationOutcome).issue?.[0]?.code, 'login');
    assert.equal((res.body as OperationOutcome).issue?.[0]?.diagnostics, 'TESSERA_E_AUTH_MISSING_TOKEN');
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="tessera"');
  });

  it('answers 401 invalid_token for a wrong token', async () => {
    const res = await t.request.get('/fhir/Patient').set('Authorization', 'Bearer wrong');
    assert.equal(res.status, 401);
    assert.equal((res.body as OperationOutcome).issue?.[0]?.code, 'login');
    assert.equal((res.body as OperationOutcome).issue?.[0]?.diagnostics, 'TESSERA_E_AUTH_INVALID_TOKEN');
    assert.match(res.headers['www-authenticate'] ?? '', /^Bearer realm="tessera", error="invalid_token"$/);
  });

  it('serves requests with the right token', async () => {
    const created = await t.request
      .post('/fhir/Patient')
      .set('Authorization', 'Bearer let-me-in')
      .set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Patient' });
    assert.equal(created.status, 201);
    const read = await t.request
      .get(`/fhir/Patient/${(created.body as Patient).id}`)
      .set('Authorization', 'Bearer let-me-in');
    assert.equal(read.status, 200);
  });

  it('authenticates before routing (no 404/405 leaks to anonymous callers)', async () => {
    assert.equal((await t.request.get('/fhir/Banana/1')).status, 401);
  });

  it('keeps /fhir/metadata, /healthz, /readyz and /metrics public', async () => {
    const metadata = await t.request.get('/fhir/metadata');
    assert.equal(metadata.status, 200);
    assert.equal(
      (metadata.body as CapabilityStatement).rest?.[0]?.security?.service?.[0]?.coding?.[0]?.code,
      'SMART-on-FHIR',
    );
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      assert.equal((await t.request.get(path)).status, 200, path);
    }
  });
});

describe('platform endpoints', () => {
  let t: TestApp;
  let ready = true;
  before(async () => {
    t = await createTestApp({
      ready: async () => ({ ok: ready, checks: { store: ready ? 'ok' : 'down for test' } }),
    });
  });
  after(async () => {
    await t.close();
  });

  it('serves the CapabilityStatement', async () => {
    const res = await t.request.get('/fhir/metadata');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] ?? '', /^application\/fhir\+json/);
    const cs = res.body as CapabilityStatement;
    assert.equal(cs.resourceType, 'CapabilityStatement');
    assert.equal(cs.fhirVersion, '4.0.1');
    assert.equal(cs.implementation?.url, 'http://tessera.test/fhir');
    const patient = cs.rest?.[0]?.resource?.find((r) => r.type === 'Patient');
    assert.ok(patient?.interaction?.some((i) => i.code === 'read'));
    assert.ok(patient?.searchParam?.some((p) => p.name === 'identifier'));
    assert.ok(patient?.operation?.some((o) => o.name === 'validate'));
  });

  it('$validate answers 200 with the issues, at type and instance level', async () => {
    const invalid = await t.request
      .post('/fhir/Patient/$validate')
      .set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Patient', gender: 'banana' });
    assert.equal(invalid.status, 200);
    const outcome = invalid.body as OperationOutcome;
    assert.equal(outcome.issue?.[0]?.severity, 'error');
    assert.equal(outcome.issue?.[0]?.code, 'code-invalid');
    assert.deepEqual(outcome.issue?.[0]?.expression, ['Patient.gender']);
    const valid = await t.request
      .post('/fhir/Patient/$validate')
      .set('Content-Type', 'application/fhir+json')
      .send({
        resourceType: 'Parameters',
        parameter: [{ name: 'resource', resource: { resourceType: 'Patient', gender: 'male' } }],
      });
    assert.equal(valid.status, 200);
    assert.equal((valid.body as OperationOutcome).issue?.[0]?.code, 'informational');
    const stored = await t.repo.create<Patient>({ resourceType: 'Patient', gender: 'female' });
    const instance = await t.request.post(`/fhir/Patient/${stored.resource.id}/$validate`);
    assert.equal(instance.status, 200, instance.text);
    assert.equal((instance.body as OperationOutcome).issue?.[0]?.severity, 'information');
  });

  it('$validate answers 400 for a body that is not a resource of the type', async () => {
    const res = await t.request
      .post('/fhir/Patient/$validate')
      .set('Content-Type', 'application/fhir+json')
      .send('[1,2]');
    assert.equal(res.status, 400);
    assert.equal((res.body as OperationOutcome).issue?.[0]?.code, 'structure');
    const other = await t.request
      .post('/fhir/Patient/$validate')
      .set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Observation' });
    assert.equal(other.status, 400);
    assert.equal((other.body as OperationOutcome).issue?.[0]?.code, 'invalid');
  });

  it('/healthz is always ok', async () => {
    const res = await t.request.get('/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  it('/readyz reflects the readiness checks', async () => {
    ready = true;
    const up = await t.request.get('/readyz');
    assert.equal(up.status, 200);
    assert.deepEqual((up.body as { checks: unknown }).checks, { store: 'ok' });
    ready = false;
    const down = await t.request.get('/readyz');
    assert.equal(down.status, 503);
    assert.deepEqual((down.body as { checks: unknown }).checks, { store: 'down for test' });
    ready = true;
  });

  it('/metrics exposes the request counter and store timings after a request', async () => {
    await t.request.get('/fhir/Patient/does-not-exist');
    const res = await t.request.get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
    assert.match(
      res.text,
      /tessera_http_requests_total\{method="GET",interaction="read",resource_type="Patient",status="404"\} [1-9]/,
    );
    assert.match(
      res.text,
      /tessera_http_request_duration_seconds_bucket\{le="[^"]+",interaction="read",resource_type="Patient"\}/,
    );
    assert.match(
      res.text,
      /tessera_store_operation_duration_seconds_count\{backend="sqlite",operation="readCurrent"\} [1-9]/,
    );
    assert.match(res.text, /process_cpu_user_seconds_total/);
  });

  it('echoes X-Request-Id, or generates one', async () => {
    const echoed = await t.request.get('/healthz').set('X-Request-Id', 'trace-abc-123');
    assert.equal(echoed.headers['x-request-id'], 'trace-abc-123');
    const generated = await t.request.get('/fhir/Patient/missing');
    assert.match(generated.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    const unsafe = await t.request.get('/healthz').set('X-Request-Id', 'bad id with spaces');
    assert.notEqual(unsafe.headers['x-request-id'], 'bad id with spaces');
  });
});
