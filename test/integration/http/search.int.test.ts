/**
 * Search over HTTP: https://hl7.org/fhir/R4/http.html#search (GET and form-encoded POST _search,
 * merged with URL parameters), https://hl7.org/fhir/R4/search.html#return (searchset), #include
 * and #revinclude (search.mode include), https://hl7.org/fhir/R4/compartmentdefinition.html
 * (`Patient/[id]/[type]` and `Patient/[id]/*`), system search with `_type`,
 * https://hl7.org/fhir/R4/search.html#errors (unknown parameters: warning outcome entry, or 400
 * with `Prefer: handling=strict`), #summary (`_summary=count`), and
 * https://hl7.org/fhir/R4/http.html#paging (next/previous links followed to the end while data
 * changes: no duplicates, no skips).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle, Observation, OperationOutcome, Patient, Resource } from '@medplum/fhirtypes';
import { createTestApp } from '../../helpers/test-app';
import type { TestApp } from '../../helpers/test-app';

function ids(bundle: Bundle, mode = 'match'): string[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === mode).map((e) => e.resource?.id ?? '');
}

function relative(url: string | undefined): string {
  assert.ok(url);
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

describe('FHIR search over HTTP', () => {
  let t: TestApp;
  let patient: Patient;
  let other: Patient;
  const observations: Observation[] = [];

  async function create<T extends Resource>(resource: T): Promise<T> {
    const res = await t.request
      .post(`/fhir/${resource.resourceType}`)
      .set('Content-Type', 'application/fhir+json')
      .send(resource);
    assert.equal(res.status, 201, res.text);
    return res.body as T;
  }

  before(async () => {
    t = await createTestApp();
    patient = await create<Patient>({
      resourceType: 'Patient',
      name: [{ family: 'Searchable', given: ['Ann'] }],
      gender: 'female',
    });
    other = await create<Patient>({ resourceType: 'Patient', name: [{ family: 'Elsewhere' }], gender: 'male' });
    for (const [i, code] of ['1111-1', '2222-2', '1111-1'].entries()) {
      observations.push(
        await create<Observation>({
          resourceType: 'Observation',
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code }] },
          subject: { reference: `Patient/${i < 2 ? patient.id : other.id}` },
        }),
      );
    }
  });
  after(async () => {
    await t.close();
  });

  it('searches with GET', async () => {
    const res = await t.request.get('/fhir/Patient?family=searchable');
    assert.equal(res.status, 200);
    const bundle = res.body as Bundle;
    assert.equal(bundle.type, 'searchset');
    assert.deepEqual(ids(bundle), [patient.id]);
    assert.equal(bundle.entry?.[0]?.fullUrl, `http://tessera.test/fhir/Patient/${patient.id}`);
  });

  it('searches with POST _search, merging form and URL parameters', async () => {
    const res = await t.request
      .post('/fhir/Observation/_search?subject=Patient/' + patient.id)
      .type('form')
      .send({ code: 'http://loinc.org|1111-1' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(ids(res.body as Bundle), [observations[0]?.id]);
  });

  it('searches a patient compartment for one type and for all types', async () => {
    const res = await t.request.get(`/fhir/Patient/${patient.id}/Observation`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(ids(res.body as Bundle).sort(), [observations[0]?.id, observations[1]?.id].sort());
    const coded = await t.request.get(`/fhir/Patient/${patient.id}/Observation?code=2222-2`);
    assert.deepEqual(ids(coded.body as Bundle), [observations[1]?.id]);
    const all = await t.request.get(`/fhir/Patient/${patient.id}/*`);
    assert.equal(all.status, 200, all.text);
    const allIds = ids(all.body as Bundle);
    assert.ok(allIds.includes(observations[0]?.id ?? '') && allIds.includes(observations[1]?.id ?? ''));
    assert.ok(!allIds.includes(observations[2]?.id ?? ''));
  });

  it('searches at system level with _type', async () => {
    const res = await t.request.get(`/fhir?_type=Patient,Observation&_id=${patient.id},${observations[2]?.id}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(ids(res.body as Bundle).sort(), [patient.id, observations[2]?.id].sort());
  });

  it('includes referenced resources and reverse-includes referring ones', async () => {
    const inc = await t.request.get(`/fhir/Observation?code=2222-2&_include=Observation:subject`);
    assert.equal(inc.status, 200, inc.text);
    assert.deepEqual(ids(inc.body as Bundle), [observations[1]?.id]);
    assert.deepEqual(ids(inc.body as Bundle, 'include'), [patient.id]);
    const rev = await t.request.get(`/fhir/Patient?_id=${patient.id}&_revinclude=Observation:subject`);
    assert.equal(rev.status, 200, rev.text);
    assert.deepEqual(ids(rev.body as Bundle), [patient.id]);
    assert.deepEqual(ids(rev.body as Bundle, 'include').sort(), [observations[0]?.id, observations[1]?.id].sort());
  });

  it('warns about unknown parameters, or refuses them with Prefer: handling=strict', async () => {
    const lenient = await t.request.get('/fhir/Patient?family=searchable&bogus=1');
    assert.equal(lenient.status, 200);
    const outcome = (lenient.body as Bundle).entry?.find((e) => e.search?.mode === 'outcome');
    assert.equal(outcome?.resource?.resourceType, 'OperationOutcome');
    const strict = await t.request.get('/fhir/Patient?family=searchable&bogus=1').set('Prefer', 'handling=strict');
    assert.equal(strict.status, 400);
    assert.equal((strict.body as OperationOutcome).issue?.[0]?.code, 'not-supported');
  });

  it('answers _summary=count with a total and no entries', async () => {
    const res = await t.request.get('/fhir/Observation?_summary=count');
    assert.equal(res.status, 200, res.text);
    assert.equal((res.body as Bundle).total, 3);
    assert.equal((res.body as Bundle).entry, undefined);
  });

  it('pages through next links to the end without duplicates or skips while data changes', async () => {
    const family = 'Pagetest';
    const original: string[] = [];
    for (let i = 0; i < 7; i++) {
      original.push(
        (await create<Patient>({ resourceType: 'Patient', name: [{ family, given: [`g${i}`] }] })).id ?? '',
      );
    }
    const seen: string[] = [];
    let next: string | undefined = `/fhir/Patient?family=${family}&_count=3`;
    let pages = 0;
    let lastPage: Bundle | undefined;
    while (next !== undefined) {
      const res = await t.request.get(next);
      assert.equal(res.status, 200, res.text);
      lastPage = res.body as Bundle;
      seen.push(...ids(lastPage));
      pages++;
      assert.ok((lastPage.entry?.length ?? 0) <= 3);
      // data changes between pages: new matches appear
      await create<Patient>({ resourceType: 'Patient', name: [{ family, given: [`late${pages}`] }] });
      const link = lastPage.link?.find((l) => l.relation === 'next')?.url;
      if (link !== undefined) {
        assert.equal(new URL(link).searchParams.get('family'), family);
        assert.equal(new URL(link).searchParams.get('_count'), '3');
      }
      next = link === undefined ? undefined : relative(link);
      assert.ok(pages < 20, 'paging terminates');
    }
    assert.ok(pages >= 3);
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    for (const id of original) {
      assert.ok(seen.includes(id), `original ${id} not skipped`);
    }
    const previous = lastPage?.link?.find((l) => l.relation === 'previous')?.url;
    assert.ok(previous, 'the last page links back');
    const back = await t.request.get(relative(previous));
    assert.equal(back.status, 200);
    assert.equal(ids(back.body as Bundle).length, 3);
    assert.ok(ids(back.body as Bundle).every((id) => seen.includes(id)));
  });
});
