/**
 * Batch and transaction over HTTP, https://hl7.org/fhir/R4/http.html#transaction and #trules:
 * batch entries succeed or fail independently (each with its own status and outcome);
 * a transaction is atomic (one failing entry: the whole request fails with that entry's status
 * and OperationOutcome and nothing is stored); processing order DELETE, POST, PUT/PATCH, GET;
 * urn:uuid fullUrls become server ids and every reference to them is rewritten; conditional
 * references and ifNoneExist are resolved; PATCH entries carry a Binary JSON Patch; the
 * transaction-response lists status, location, etag and lastModified per entry; other Bundle
 * types are a 400.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle, BundleEntry, DiagnosticReport, Observation, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { createTestApp } from '../../helpers/test-app';
import type { TestApp } from '../../helpers/test-app';

describe('batch and transaction', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.close();
  });

  async function post(bundle: Bundle): Promise<{ status: number; body: Bundle | OperationOutcome }> {
    const res = await t.request.post('/fhir').set('Content-Type', 'application/fhir+json').send(bundle);
    return { status: res.status, body: res.body as Bundle | OperationOutcome };
  }

  async function count(query: string): Promise<number> {
    const res = await t.request.get(`/fhir/${query}${query.includes('?') ? '&' : '?'}_summary=count`);
    assert.equal(res.status, 200, res.text);
    return (res.body as Bundle).total ?? -1;
  }

  describe('batch', () => {
    it('processes each entry independently and reports each outcome', async () => {
      const existing = await t.repo.create<Patient>({ resourceType: 'Patient', gender: 'male' });
      const { status, body } = await post({
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          {
            resource: { resourceType: 'Patient', name: [{ family: 'BatchOk' }] },
            request: { method: 'POST', url: 'Patient' },
          },
          {
            resource: { resourceType: 'Patient', gender: 'banana' } as unknown as Patient,
            request: { method: 'POST', url: 'Patient' },
          },
          { request: { method: 'GET', url: `Patient/${existing.resource.id}` } },
          { request: { method: 'GET', url: 'Patient/nope-nope' } },
          { request: { method: 'GET', url: 'Patient?family=BatchOk' } },
          { request: { method: 'DELETE', url: `Patient/${existing.resource.id}` } },
        ],
      });
      assert.equal(status, 200);
      const bundle = body as Bundle;
      assert.equal(bundle.type, 'batch-response');
      const statuses = bundle.entry?.map((e) => e.response?.status);
      assert.deepEqual(statuses, [
        '201 Created',
        '422 Unprocessable Entity',
        '200 OK',
        '404 Not Found',
        '200 OK',
        '200 OK',
      ]);
      assert.match(bundle.entry?.[0]?.response?.location ?? '', /^Patient\/[^/]+\/_history\/1$/);
      assert.equal(bundle.entry?.[1]?.response?.outcome?.issue?.[0]?.code, 'code-invalid');
      assert.equal(bundle.entry?.[2]?.resource?.id, existing.resource.id);
      assert.equal(bundle.entry?.[2]?.response?.etag, 'W/"1"');
      assert.equal(bundle.entry?.[3]?.response?.outcome?.issue?.[0]?.code, 'not-found');
      assert.equal((bundle.entry?.[4]?.resource as Bundle | undefined)?.type, 'searchset');
      assert.equal(await count('Patient?family=BatchOk'), 1, 'the successful entry was stored');
    });

    it('refuses a batch nested in a batch entry', async () => {
      const { body } = await post({
        resourceType: 'Bundle',
        type: 'batch',
        entry: [{ resource: { resourceType: 'Bundle', type: 'batch' }, request: { method: 'POST', url: '/' } }],
      });
      assert.equal((body as Bundle).entry?.[0]?.response?.status, '400 Bad Request');
    });
  });

  describe('transaction', () => {
    it('creates linked resources through urn:uuid references and reports each entry', async () => {
      const patientUrn = 'urn:uuid:6f1c4a8e-0000-4000-8000-000000000001';
      const obsUrn = 'urn:uuid:6f1c4a8e-0000-4000-8000-000000000002';
      const { status, body } = await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: 'urn:uuid:6f1c4a8e-0000-4000-8000-000000000003',
            resource: {
              resourceType: 'DiagnosticReport',
              status: 'final',
              code: { text: 'report' },
              subject: { reference: patientUrn },
              result: [{ reference: obsUrn }],
            },
            request: { method: 'POST', url: 'DiagnosticReport' },
          },
          {
            fullUrl: obsUrn,
            resource: {
              resourceType: 'Observation',
              status: 'final',
              code: { text: 'x' },
              subject: { reference: patientUrn },
            },
            request: { method: 'POST', url: 'Observation' },
          },
          {
            fullUrl: patientUrn,
            resource: { resourceType: 'Patient', name: [{ family: 'Urn' }] },
            request: { method: 'POST', url: 'Patient' },
          },
        ],
      });
      assert.equal(status, 200, JSON.stringify(body));
      const bundle = body as Bundle;
      assert.equal(bundle.type, 'transaction-response');
      for (const entry of bundle.entry ?? []) {
        assert.equal(entry.response?.status, '201 Created');
        assert.match(entry.response?.location ?? '', /^[A-Za-z]+\/[^/]+\/_history\/1$/);
        assert.equal(entry.response?.etag, 'W/"1"');
        assert.match(entry.response?.lastModified ?? '', /^\d{4}-\d\d-\d\dT/);
      }
      const report = bundle.entry?.[0]?.resource as DiagnosticReport;
      const obs = bundle.entry?.[1]?.resource as Observation;
      const patient = bundle.entry?.[2]?.resource as Patient;
      assert.equal(report.subject?.reference, `Patient/${patient.id}`);
      assert.equal(report.result?.[0]?.reference, `Observation/${obs.id}`);
      assert.equal(obs.subject?.reference, `Patient/${patient.id}`);
      const stored = await t.request.get(`/fhir/Observation?subject=Patient/${patient.id}`);
      assert.deepEqual(
        (stored.body as Bundle).entry?.map((e) => e.resource?.id),
        [obs.id],
      );
    });

    it('is atomic: one failing entry fails the whole transaction and stores nothing', async () => {
      const before = await count('Patient?family=Atomic');
      const { status, body } = await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: { resourceType: 'Patient', name: [{ family: 'Atomic' }] },
            request: { method: 'POST', url: 'Patient' },
          },
          {
            resource: { resourceType: 'Patient', name: [{ family: 'Atomic' }], gender: 'banana' } as unknown as Patient,
            request: { method: 'POST', url: 'Patient' },
          },
        ],
      });
      assert.equal(status, 422);
      const outcome = body as OperationOutcome;
      assert.equal(outcome.resourceType, 'OperationOutcome');
      assert.equal(outcome.issue?.[0]?.code, 'code-invalid');
      assert.ok(outcome.issue?.some((i) => i.expression?.includes('Bundle.entry[1]')));
      assert.equal(await count('Patient?family=Atomic'), before);
    });

    it('processes DELETE, POST, PUT, GET in that order regardless of bundle order', async () => {
      const victim = await t.repo.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Order' }] });
      const { status, body } = await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { request: { method: 'GET', url: 'Patient?family=Order' } },
          {
            resource: { resourceType: 'Patient', id: 'order-put', name: [{ family: 'Order' }] },
            request: { method: 'PUT', url: 'Patient/order-put' },
          },
          {
            resource: { resourceType: 'Patient', name: [{ family: 'Order' }] },
            request: { method: 'POST', url: 'Patient' },
          },
          { request: { method: 'DELETE', url: `Patient/${victim.resource.id}` } },
        ],
      });
      assert.equal(status, 200, JSON.stringify(body));
      const bundle = body as Bundle;
      assert.deepEqual(
        bundle.entry?.map((e) => e.response?.status),
        ['200 OK', '201 Created', '201 Created', '200 OK'],
      );
      // the GET ran last: it sees the PUT and POST results but not the deleted patient
      const found = ((bundle.entry?.[0]?.resource as Bundle).entry ?? []).map((e) => e.resource?.id);
      assert.equal(found.length, 2);
      assert.ok(found.includes('order-put'));
      assert.ok(!found.includes(victim.resource.id));
    });

    it('resolves conditional references and honours ifNoneExist', async () => {
      const existing = await t.repo.create<Patient>({
        resourceType: 'Patient',
        identifier: [{ system: 'urn:test:mrn', value: 'MRN-1' }],
      });
      const { status, body } = await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: 'urn:uuid:aaaaaaaa-0000-4000-8000-00000000000a',
            resource: { resourceType: 'Patient', identifier: [{ system: 'urn:test:mrn', value: 'MRN-1' }] },
            request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:test:mrn|MRN-1' },
          },
          {
            resource: {
              resourceType: 'Observation',
              status: 'final',
              code: { text: 'cond' },
              subject: { reference: 'Patient?identifier=urn:test:mrn|MRN-1' },
              performer: [{ reference: 'urn:uuid:aaaaaaaa-0000-4000-8000-00000000000a' }],
            },
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      });
      assert.equal(status, 200, JSON.stringify(body));
      const bundle = body as Bundle;
      assert.equal(bundle.entry?.[0]?.response?.status, '200 OK');
      assert.equal(bundle.entry?.[0]?.resource?.id, existing.resource.id);
      const obs = bundle.entry?.[1]?.resource as Observation;
      assert.equal(obs.subject?.reference, `Patient/${existing.resource.id}`);
      assert.equal(obs.performer?.[0]?.reference, `Patient/${existing.resource.id}`);
      assert.equal(await count('Patient?identifier=urn:test:mrn|MRN-1'), 1, 'no duplicate patient');
    });

    it('fails on a conditional reference with no match (400) or several (412)', async () => {
      const obs = (reference: string): BundleEntry => ({
        resource: { resourceType: 'Observation', status: 'final', code: { text: 'c' }, subject: { reference } },
        request: { method: 'POST', url: 'Observation' },
      });
      const none = await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [obs('Patient?identifier=urn:none|0')],
      });
      assert.equal(none.status, 400);
      assert.equal((none.body as OperationOutcome).issue?.[0]?.code, 'not-found');
      await t.repo.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:dup', value: '1' }] });
      await t.repo.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:dup', value: '1' }] });
      const many = await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [obs('Patient?identifier=urn:dup|1')],
      });
      assert.equal(many.status, 412);
      assert.equal((many.body as OperationOutcome).issue?.[0]?.code, 'multiple-matches');
    });

    it('resolves urn:uuid references to conditional PUT entries: created once, then updated in place', async () => {
      const bundle = (family: string): Bundle => ({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: 'urn:uuid:6f1a2c1e-0000-4000-8000-000000000001',
            resource: { resourceType: 'Patient', identifier: [{ system: 'urn:cput', value: '7' }], name: [{ family }] },
            request: { method: 'PUT', url: 'Patient?identifier=urn:cput|7' },
          },
          {
            fullUrl: 'urn:uuid:6f1a2c1e-0000-4000-8000-000000000002',
            resource: {
              resourceType: 'Observation',
              identifier: [{ system: 'urn:cput-obs', value: '7-1' }],
              status: 'final',
              code: { text: 'c' },
              subject: { reference: 'urn:uuid:6f1a2c1e-0000-4000-8000-000000000001' },
            },
            request: { method: 'PUT', url: 'Observation?identifier=urn:cput-obs|7-1' },
          },
        ],
      });
      const first = await post(bundle('Before'));
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const entries = (first.body as Bundle).entry ?? [];
      assert.equal(entries[0]?.response?.status, '201 Created');
      const patientId = entries[0]?.response?.location?.split('/')[1];
      const second = await post(bundle('After'));
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.equal((second.body as Bundle).entry?.[0]?.response?.status, '200 OK');
      assert.equal(await count('Patient?identifier=urn:cput|7'), 1);
      assert.equal(await count('Observation?identifier=urn:cput-obs|7-1'), 1);
      const obs = await t.request.get('/fhir/Observation?identifier=urn:cput-obs|7-1');
      const stored = (obs.body as Bundle).entry?.[0]?.resource as Observation;
      assert.equal(stored.subject?.reference, `Patient/${patientId}`);
      assert.equal(stored.meta?.versionId, '2');
      const patient = await t.request.get(`/fhir/Patient/${patientId}`);
      assert.equal((patient.body as Patient).name?.[0]?.family, 'After');
    });

    it('applies a Binary JSON Patch entry and honours ifMatch', async () => {
      const p = await t.repo.create<Patient>({ resourceType: 'Patient', gender: 'male' });
      const patch = (value: string): BundleEntry => ({
        resource: {
          resourceType: 'Binary',
          contentType: 'application/json-patch+json',
          data: Buffer.from(JSON.stringify([{ op: 'replace', path: '/gender', value }])).toString('base64'),
        },
        request: { method: 'PATCH', url: `Patient/${p.resource.id}`, ifMatch: 'W/"1"' },
      });
      const ok = await post({ resourceType: 'Bundle', type: 'transaction', entry: [patch('female')] });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(((ok.body as Bundle).entry?.[0]?.resource as Patient).gender, 'female');
      assert.equal((ok.body as Bundle).entry?.[0]?.response?.etag, 'W/"2"');
      const stale = await post({ resourceType: 'Bundle', type: 'transaction', entry: [patch('other')] });
      assert.equal(stale.status, 412);
      assert.equal((stale.body as OperationOutcome).issue?.[0]?.code, 'conflict');
      const fhirPathPatch = await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: { resourceType: 'Parameters', parameter: [] },
            request: { method: 'PATCH', url: `Patient/${p.resource.id}` },
          },
        ],
      });
      assert.equal(fhirPathPatch.status, 400);
      assert.equal((fhirPathPatch.body as OperationOutcome).issue?.[0]?.code, 'not-supported');
    });

    it('refuses other Bundle types and malformed entries with 400', async () => {
      const collection = await post({ resourceType: 'Bundle', type: 'collection' });
      assert.equal(collection.status, 400);
      assert.equal((collection.body as OperationOutcome).issue?.[0]?.code, 'invalid');
      const noRequest = await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ resource: { resourceType: 'Patient' } }],
      });
      assert.equal(noRequest.status, 400);
      assert.equal((noRequest.body as OperationOutcome).issue?.[0]?.code, 'invalid');
      const notBundle = await t.request
        .post('/fhir')
        .set('Content-Type', 'application/fhir+json')
        .send({ resourceType: 'Patient' });
      assert.equal(notBundle.status, 400);
      assert.equal((notBundle.body as OperationOutcome).issue?.[0]?.code, 'invalid');
    });
  });
});
