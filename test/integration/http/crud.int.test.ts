/**
 * The REST interactions over real HTTP semantics (supertest -> createApp -> StoreRepository ->
 * SQLite): https://hl7.org/fhir/R4/http.html#create (201, Location, ETag, Last-Modified),
 * #ccreate (If-None-Exist), #read, #vread, #update (update-as-create 201, If-Match / 412),
 * #cond-update, #patch (JSON Patch, 412, 422), #delete (410 after, history kept), #cdelete (412 on
 * several), #history (instance/type/system), #ops (Prefer: return=), plus the error statuses:
 * 400 malformed JSON / id mismatch / type mismatch / invalid id, 404 unknown type, 405, 406, 413,
 * 415, 422 validation with issue.expression.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import type { Response } from 'supertest';
import { createTestApp, testBaseUrl } from '../../helpers/test-app';
import type { TestApp } from '../../helpers/test-app';

const fhirJson = 'application/fhir+json';

function issueCode(res: Response): string | undefined {
  return (res.body as OperationOutcome).issue?.[0]?.code;
}

function expectOutcome(res: Response, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal((res.body as OperationOutcome).resourceType, 'OperationOutcome');
  assert.equal(issueCode(res), code, res.text);
  assert.match(res.headers['content-type'] ?? '', /^application\/fhir\+json/);
}

describe('FHIR REST interactions', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.close();
  });

  async function createPatient(body: Partial<Patient> = {}): Promise<Patient> {
    const res = await t.request
      .post('/fhir/Patient')
      .set('Content-Type', fhirJson)
      .send({ resourceType: 'Patient', ...body });
    assert.equal(res.status, 201, res.text);
    return res.body as Patient;
  }

  describe('create', () => {
    it('answers 201 with Location, ETag, Last-Modified and the stored resource (client id ignored)', async () => {
      const res = await t.request
        .post('/fhir/Patient')
        .set('Content-Type', fhirJson)
        .send({ resourceType: 'Patient', id: 'client-chosen', name: [{ family: 'Create' }] });
      assert.equal(res.status, 201);
      const p = res.body as Patient;
      assert.ok(p.id && p.id !== 'client-chosen');
      assert.equal(p.meta?.versionId, '1');
      assert.equal(res.headers.location, `${testBaseUrl}/fhir/Patient/${p.id}/_history/1`);
      assert.equal(res.headers.etag, 'W/"1"');
      assert.equal(res.headers['last-modified'], new Date(p.meta?.lastUpdated ?? '').toUTCString());
      assert.equal(res.headers['content-type'], 'application/fhir+json; charset=utf-8');
    });

    it('accepts application/json too', async () => {
      const res = await t.request
        .post('/fhir/Patient')
        .set('Content-Type', 'application/json')
        .send('{"resourceType":"Patient"}');
      assert.equal(res.status, 201);
    });

    it('conditional create returns the existing resource when If-None-Exist matches', async () => {
      const first = await t.request
        .post('/fhir/Patient')
        .set('Content-Type', fhirJson)
        .set('If-None-Exist', 'identifier=urn:test:cc|42')
        .send({ resourceType: 'Patient', identifier: [{ system: 'urn:test:cc', value: '42' }] });
      assert.equal(first.status, 201);
      const second = await t.request
        .post('/fhir/Patient')
        .set('Content-Type', fhirJson)
        .set('If-None-Exist', 'identifier=urn:test:cc|42')
        .send({ resourceType: 'Patient', identifier: [{ system: 'urn:test:cc', value: '42' }] });
      assert.equal(second.status, 200);
      assert.equal((second.body as Patient).id, (first.body as Patient).id);
      const search = await t.request.get('/fhir/Patient?identifier=urn:test:cc|42');
      assert.equal((search.body as Bundle).entry?.length, 1);
    });

    it('rejects an invalid resource with 422 and the FHIRPath of the problem', async () => {
      const res = await t.request
        .post('/fhir/Patient')
        .set('Content-Type', fhirJson)
        .send({ resourceType: 'Patient', gender: 'banana' });
      expectOutcome(res, 422, 'code-invalid');
      assert.deepEqual((res.body as OperationOutcome).issue?.[0]?.expression, ['Patient.gender']);
    });

    it('rejects a body whose resourceType differs from the URL', async () => {
      const res = await t.request
        .post('/fhir/Patient')
        .set('Content-Type', fhirJson)
        .send({ resourceType: 'Observation' });
      expectOutcome(res, 400, 'invalid');
    });

    it('rejects malformed JSON with 400 structure', async () => {
      const res = await t.request.post('/fhir/Patient').set('Content-Type', fhirJson).send('{"resourceType":');
      expectOutcome(res, 400, 'structure');
      assert.equal((res.body as OperationOutcome).issue?.[0]?.diagnostics, 'TESSERA_E_HTTP_MALFORMED_JSON');
    });

    it('rejects unsupported content types with 415', async () => {
      const res = await t.request.post('/fhir/Patient').set('Content-Type', 'application/xml').send('<Patient/>');
      expectOutcome(res, 415, 'not-supported');
    });

    it('rejects bodies over the configured limit with 413', async () => {
      const small = await createTestApp({ maxBodyBytes: 256 });
      try {
        const res = await small.request
          .post('/fhir/Patient')
          .set('Content-Type', fhirJson)
          .send({ resourceType: 'Patient', name: [{ text: 'x'.repeat(1000) }] });
        expectOutcome(res, 413, 'too-costly');
      } finally {
        await small.close();
      }
    });

    it('answers 404 not-supported for an unknown resource type', async () => {
      const res = await t.request.post('/fhir/Banana').set('Content-Type', fhirJson).send({ resourceType: 'Banana' });
      expectOutcome(res, 404, 'not-supported');
      expectOutcome(await t.request.get('/fhir/Banana/1'), 404, 'not-supported');
    });
  });

  describe('read and vread', () => {
    it('reads the stored JSON with ETag and Last-Modified', async () => {
      const p = await createPatient({ gender: 'female' });
      const res = await t.request.get(`/fhir/Patient/${p.id}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, p);
      assert.equal(res.headers.etag, 'W/"1"');
      assert.ok(res.headers['last-modified']);
    });

    it('answers HEAD with the headers of a read and no body', async () => {
      const p = await createPatient();
      const res = await t.request.head(`/fhir/Patient/${p.id}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.etag, 'W/"1"');
      assert.equal(res.text, undefined);
    });

    it('answers 304 when If-None-Match names the current version', async () => {
      const p = await createPatient();
      const res = await t.request.get(`/fhir/Patient/${p.id}`).set('If-None-Match', 'W/"1"');
      assert.equal(res.status, 304);
      const changed = await t.request.get(`/fhir/Patient/${p.id}`).set('If-None-Match', 'W/"0"');
      assert.equal(changed.status, 200);
    });

    it('applies _summary and _elements on read', async () => {
      const p = await createPatient({ gender: 'male', maritalStatus: { text: 'single' } });
      const res = await t.request.get(`/fhir/Patient/${p.id}?_elements=gender`);
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body as object).sort(), ['gender', 'id', 'meta', 'resourceType']);
      assert.ok((res.body as Patient).meta?.tag?.some((tag) => tag.code === 'SUBSETTED'));
      const summary = await t.request.get(`/fhir/Patient/${p.id}?_summary=true`);
      assert.equal((summary.body as Patient).maritalStatus, undefined);
      assert.equal((summary.body as Patient).gender, 'male');
    });

    it('answers 404 not-found for an unknown id and 400 for an invalid one', async () => {
      expectOutcome(await t.request.get('/fhir/Patient/does-not-exist'), 404, 'not-found');
      expectOutcome(await t.request.get(`/fhir/Patient/${'x'.repeat(65)}`), 400, 'value');
      expectOutcome(await t.request.get('/fhir/Patient/bad%21id'), 400, 'value');
    });

    it('vreads each version', async () => {
      const p = await createPatient({ gender: 'male' });
      await t.request
        .put(`/fhir/Patient/${p.id}`)
        .set('Content-Type', fhirJson)
        .send({ ...p, gender: 'female' });
      const v1 = await t.request.get(`/fhir/Patient/${p.id}/_history/1`);
      const v2 = await t.request.get(`/fhir/Patient/${p.id}/_history/2`);
      assert.equal((v1.body as Patient).gender, 'male');
      assert.equal((v2.body as Patient).gender, 'female');
      assert.equal(v2.headers.etag, 'W/"2"');
      expectOutcome(await t.request.get(`/fhir/Patient/${p.id}/_history/9`), 404, 'not-found');
    });

    it('answers 406 for XML', async () => {
      const p = await createPatient();
      expectOutcome(await t.request.get(`/fhir/Patient/${p.id}?_format=xml`), 406, 'not-supported');
      expectOutcome(
        await t.request.get(`/fhir/Patient/${p.id}`).set('Accept', 'application/fhir+xml'),
        406,
        'not-supported',
      );
      const ok = await t.request.get(`/fhir/Patient/${p.id}?_format=json`).set('Accept', 'application/fhir+json');
      assert.equal(ok.status, 200);
    });
  });

  describe('update', () => {
    it('updates with 200 and a new version; If-Match mismatch is 412', async () => {
      const p = await createPatient({ gender: 'male' });
      const res = await t.request
        .put(`/fhir/Patient/${p.id}`)
        .set('Content-Type', fhirJson)
        .set('If-Match', 'W/"1"')
        .send({ ...p, gender: 'other' });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.etag, 'W/"2"');
      assert.equal((res.body as Patient).meta?.versionId, '2');
      const stale = await t.request
        .put(`/fhir/Patient/${p.id}`)
        .set('Content-Type', fhirJson)
        .set('If-Match', 'W/"1"')
        .send({ ...p, gender: 'female' });
      expectOutcome(stale, 412, 'conflict');
      const malformed = await t.request
        .put(`/fhir/Patient/${p.id}`)
        .set('Content-Type', fhirJson)
        .set('If-Match', 'version-two')
        .send(p);
      expectOutcome(malformed, 400, 'value');
    });

    it('creates with the client id (update-as-create) and answers 201', async () => {
      const res = await t.request
        .put('/fhir/Patient/client-id-1')
        .set('Content-Type', fhirJson)
        .send({ resourceType: 'Patient', id: 'client-id-1' });
      assert.equal(res.status, 201);
      assert.equal(res.headers.location, `${testBaseUrl}/fhir/Patient/client-id-1/_history/1`);
      assert.equal((await t.request.get('/fhir/Patient/client-id-1')).status, 200);
    });

    it('rejects an id that differs from the URL, or a missing one', async () => {
      const res = await t.request
        .put('/fhir/Patient/abc')
        .set('Content-Type', fhirJson)
        .send({ resourceType: 'Patient', id: 'xyz' });
      expectOutcome(res, 400, 'invalid');
      assert.equal((res.body as OperationOutcome).issue?.[0]?.diagnostics, 'TESSERA_E_FHIR_ID_MISMATCH');
      const missing = await t.request
        .put('/fhir/Patient/abc')
        .set('Content-Type', fhirJson)
        .send({ resourceType: 'Patient' });
      expectOutcome(missing, 400, 'required');
    });

    it('conditional update: 0 matches creates, 1 updates, several answer 412', async () => {
      const body = { resourceType: 'Patient', identifier: [{ system: 'urn:test:cu', value: '1' }] };
      const created = await t.request
        .put('/fhir/Patient?identifier=urn:test:cu|1')
        .set('Content-Type', fhirJson)
        .send(body);
      assert.equal(created.status, 201, created.text);
      const updated = await t.request
        .put('/fhir/Patient?identifier=urn:test:cu|1')
        .set('Content-Type', fhirJson)
        .send({ ...body, gender: 'male' });
      assert.equal(updated.status, 200, updated.text);
      assert.equal((updated.body as Patient).id, (created.body as Patient).id);
      assert.equal((updated.body as Patient).meta?.versionId, '2');
      await createPatient({ identifier: [{ system: 'urn:test:cu-many', value: '1' }] });
      await createPatient({ identifier: [{ system: 'urn:test:cu-many', value: '1' }] });
      const many = await t.request
        .put('/fhir/Patient?identifier=urn:test:cu-many|1')
        .set('Content-Type', fhirJson)
        .send({ resourceType: 'Patient' });
      expectOutcome(many, 412, 'multiple-matches');
    });
  });

  describe('patch', () => {
    it('applies a JSON Patch, honours If-Match, and answers 422 when the patch fails', async () => {
      const p = await createPatient({ gender: 'male' });
      const res = await t.request
        .patch(`/fhir/Patient/${p.id}`)
        .set('Content-Type', 'application/json-patch+json')
        .set('If-Match', 'W/"1"')
        .send(JSON.stringify([{ op: 'replace', path: '/gender', value: 'female' }]));
      assert.equal(res.status, 200, res.text);
      assert.equal((res.body as Patient).gender, 'female');
      assert.equal(res.headers.etag, 'W/"2"');
      const stale = await t.request
        .patch(`/fhir/Patient/${p.id}`)
        .set('Content-Type', 'application/json-patch+json')
        .set('If-Match', 'W/"1"')
        .send(JSON.stringify([{ op: 'replace', path: '/gender', value: 'male' }]));
      expectOutcome(stale, 412, 'conflict');
      const failing = await t.request
        .patch(`/fhir/Patient/${p.id}`)
        .set('Content-Type', 'application/json-patch+json')
        .send(JSON.stringify([{ op: 'test', path: '/gender', value: 'male' }]));
      expectOutcome(failing, 422, 'processing');
      const invalid = await t.request
        .patch(`/fhir/Patient/${p.id}`)
        .set('Content-Type', 'application/json-patch+json')
        .send(JSON.stringify([{ op: 'replace', path: '/gender', value: 'banana' }]));
      expectOutcome(invalid, 422, 'code-invalid');
      const notArray = await t.request
        .patch(`/fhir/Patient/${p.id}`)
        .set('Content-Type', 'application/json-patch+json')
        .send(JSON.stringify({ op: 'replace' }));
      expectOutcome(notArray, 400, 'invalid');
    });
  });

  describe('delete and history', () => {
    it('deletes (then 410), keeps history, and is idempotent', async () => {
      const p = await createPatient({ gender: 'male' });
      const del = await t.request.delete(`/fhir/Patient/${p.id}`);
      assert.equal(del.status, 200);
      expectOutcome(await t.request.get(`/fhir/Patient/${p.id}`), 410, 'deleted');
      const again = await t.request.delete(`/fhir/Patient/${p.id}`);
      assert.equal(again.status, 200);
      const v1 = await t.request.get(`/fhir/Patient/${p.id}/_history/1`);
      assert.equal(v1.status, 200);
      const history = await t.request.get(`/fhir/Patient/${p.id}/_history`);
      assert.equal(history.status, 200);
      const bundle = history.body as Bundle;
      assert.equal(bundle.type, 'history');
      assert.deepEqual(
        bundle.entry?.map((e) => e.request?.method),
        ['DELETE', 'POST'],
      );
    });

    it('conditional delete removes the single match and answers 412 for several', async () => {
      const p = await createPatient({ identifier: [{ system: 'urn:test:cd', value: 'one' }] });
      const res = await t.request.delete('/fhir/Patient?identifier=urn:test:cd|one');
      assert.equal(res.status, 200, res.text);
      expectOutcome(await t.request.get(`/fhir/Patient/${p.id}`), 410, 'deleted');
      await createPatient({ identifier: [{ system: 'urn:test:cd', value: 'many' }] });
      await createPatient({ identifier: [{ system: 'urn:test:cd', value: 'many' }] });
      expectOutcome(await t.request.delete('/fhir/Patient?identifier=urn:test:cd|many'), 412, 'multiple-matches');
    });

    it('serves type and system history', async () => {
      const p = await createPatient({ gender: 'unknown' });
      const type = await t.request.get('/fhir/Patient/_history');
      assert.equal(type.status, 200);
      assert.ok((type.body as Bundle).entry?.some((e) => e.resource?.id === p.id));
      assert.ok((type.body as Bundle).entry?.every((e) => (e.fullUrl ?? '').includes('/Patient/')));
      const system = await t.request.get('/fhir/_history?_count=500');
      assert.equal(system.status, 200);
      assert.ok((system.body as Bundle).entry?.some((e) => e.resource?.id === p.id));
    });
  });

  describe('Prefer: return', () => {
    it('return=minimal answers without a body, keeping the headers', async () => {
      const res = await t.request
        .post('/fhir/Patient')
        .set('Content-Type', fhirJson)
        .set('Prefer', 'return=minimal')
        .send({ resourceType: 'Patient' });
      assert.equal(res.status, 201);
      assert.equal(res.text, '');
      assert.match(res.headers.location ?? '', /\/fhir\/Patient\/.+\/_history\/1$/);
      assert.equal(res.headers.etag, 'W/"1"');
    });

    it('return=OperationOutcome answers with an outcome', async () => {
      const res = await t.request
        .post('/fhir/Patient')
        .set('Content-Type', fhirJson)
        .set('Prefer', 'return=OperationOutcome')
        .send({ resourceType: 'Patient' });
      assert.equal(res.status, 201);
      assert.equal((res.body as OperationOutcome).resourceType, 'OperationOutcome');
      assert.equal(issueCode(res), 'informational');
    });
  });

  describe('method and path errors', () => {
    it('answers 405 for a method the path does not support', async () => {
      expectOutcome(
        await t.request.post('/fhir/Patient/abc').set('Content-Type', fhirJson).send({}),
        405,
        'not-supported',
      );
      expectOutcome(await t.request.patch('/fhir/Patient'), 405, 'not-supported');
      expectOutcome(await t.request.options('/fhir/Patient'), 405, 'not-supported');
    });

    it('answers an OperationOutcome 404 for unknown FHIR paths and 400 for malformed encodings', async () => {
      expectOutcome(await t.request.get('/fhir/Patient/a/_history/1/extra'), 404, 'not-found');
      const malformed = await t.request.get('/fhir/Patient/%E0%A4%A');
      expectOutcome(malformed, 400, 'structure');
      assert.equal(malformed.body.issue[0].diagnostics, 'TESSERA_E_HTTP_MALFORMED_URL');
    });
  });
});
