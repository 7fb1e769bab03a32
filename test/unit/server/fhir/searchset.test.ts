/**
 * Covers https://hl7.org/fhir/R4/search.html#return (searchset: matches, includes, total,
 * search.mode match/include/outcome), https://hl7.org/fhir/R4/http.html#paging (self/next/previous
 * links carrying `_cursor` and the original parameters), https://hl7.org/fhir/R4/search.html#summary
 * and #elements (subsets tagged SUBSETTED, https://hl7.org/fhir/R4/resource.html#tag).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Observation, Patient, Resource } from '@medplum/fhirtypes';
import type { SearchResult } from '../../../../server/src/repository/repository';
import { buildSearchset } from '../../../../server/src/fhir/bundles/searchset';
import {
  applyElements,
  applySummary,
  elementsParam,
  subsettedTag,
  summaryParam,
} from '../../../../server/src/fhir/bundles/subset';

const base = 'http://s.test/fhir';

const patient: Patient = {
  resourceType: 'Patient',
  id: 'p1',
  meta: { versionId: '2', lastUpdated: '2024-01-01T00:00:00.000Z', tag: [{ system: 'urn:t', code: 'x' }] },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Jo</div>' },
  name: [{ family: 'Jones' }],
  gender: 'female',
  deceasedBoolean: false,
  maritalStatus: { text: 'single' },
  contact: [{ name: { family: 'Other' } }],
};
const observation: Observation = {
  resourceType: 'Observation',
  id: 'o1',
  status: 'final',
  code: { text: 'x' },
  subject: { reference: 'Patient/p1' },
  valueQuantity: { value: 1 },
  note: [{ text: 'n' }],
};

function result(partial: Partial<SearchResult>): SearchResult {
  return { matches: [], included: [], warnings: [], ...partial };
}

function url(u: string | undefined): URL {
  assert.ok(u);
  return new URL(u);
}

describe('buildSearchset', () => {
  it('lists matches then includes with fullUrls and modes, and the total', () => {
    const bundle = buildSearchset(result({ matches: [observation], included: [patient], total: 7 }), {
      fhirBase: base,
      path: 'Observation',
      params: [['_include', 'Observation:subject']],
    });
    assert.equal(bundle.type, 'searchset');
    assert.equal(bundle.total, 7);
    assert.ok(bundle.id);
    assert.deepEqual(
      bundle.entry?.map((e) => [e.fullUrl, e.search?.mode]),
      [
        [`${base}/Observation/o1`, 'match'],
        [`${base}/Patient/p1`, 'include'],
      ],
    );
  });

  it('omits total when unknown', () => {
    const bundle = buildSearchset(result({ matches: [patient] }), { fhirBase: base, path: 'Patient', params: [] });
    assert.equal('total' in bundle, false);
    assert.equal(bundle.link?.[0]?.url, `${base}/Patient`);
  });

  it('builds self/next/previous links from the parameters and cursors', () => {
    const params: [string, string][] = [
      ['name', 'jo'],
      ['_count', '2'],
      ['_cursor', 'OLD'],
      ['name', 'x y'],
    ];
    const bundle = buildSearchset(result({ matches: [patient], next: 'N+1/=', previous: 'P0' }), {
      fhirBase: base,
      path: 'Patient',
      params,
    });
    const links = Object.fromEntries((bundle.link ?? []).map((l) => [l.relation, url(l.url)]));
    assert.deepEqual(Object.keys(links).sort(), ['next', 'previous', 'self']);
    for (const [rel, cursor] of [
      ['self', 'OLD'],
      ['next', 'N+1/='],
      ['previous', 'P0'],
    ] as const) {
      const u = links[rel] as URL;
      assert.equal(`${u.origin}${u.pathname}`, `${base}/Patient`);
      assert.deepEqual(u.searchParams.getAll('name'), ['jo', 'x y']);
      assert.equal(u.searchParams.get('_count'), '2');
      assert.deepEqual(u.searchParams.getAll('_cursor'), [cursor]);
    }
  });

  it('links compartment and system searches at their own paths', () => {
    const c = buildSearchset(result({ next: 'c' }), { fhirBase: base, path: 'Patient/p1/Observation', params: [] });
    assert.equal(c.link?.find((l) => l.relation === 'next')?.url, `${base}/Patient/p1/Observation?_cursor=c`);
    const s = buildSearchset(result({}), { fhirBase: base, path: '', params: [['_type', 'Patient']] });
    assert.equal(s.link?.[0]?.url, `${base}?_type=Patient`);
  });

  it('adds warnings as an OperationOutcome entry with search.mode outcome', () => {
    const bundle = buildSearchset(
      result({ warnings: [{ severity: 'warning', code: 'not-supported', diagnostics: 'foo ignored' }] }),
      { fhirBase: base, path: 'Patient', params: [['foo', '1']] },
    );
    const outcome = bundle.entry?.find((e) => e.search?.mode === 'outcome');
    assert.equal(outcome?.resource?.resourceType, 'OperationOutcome');
    assert.match(outcome?.fullUrl ?? '', /^urn:uuid:/);
  });

  it('applies _summary to all entries and _elements to matches only', () => {
    const bundle = buildSearchset(
      result({ matches: [observation], included: [patient], summary: 'true', elements: undefined }),
      { fhirBase: base, path: 'Observation', params: [] },
    );
    const [match, include] = bundle.entry?.map((e) => e.resource as Resource) ?? [];
    assert.equal((match as Observation).note, undefined);
    assert.deepEqual((match as Observation).valueQuantity, { value: 1 });
    assert.equal((include as Patient).maritalStatus, undefined);
    const elements = buildSearchset(result({ matches: [observation], included: [patient], elements: ['subject'] }), {
      fhirBase: base,
      path: 'Observation',
      params: [],
    });
    const [m2, i2] = elements.entry?.map((e) => e.resource as Resource) ?? [];
    assert.deepEqual(Object.keys(m2 as object).sort(), ['code', 'id', 'meta', 'resourceType', 'status', 'subject']);
    assert.deepEqual(i2, patient);
  });

  it('has no entries for _summary=count', () => {
    const bundle = buildSearchset(result({ matches: [patient], total: 1, summary: 'count' }), {
      fhirBase: base,
      path: 'Patient',
      params: [['_summary', 'count']],
    });
    assert.equal(bundle.total, 1);
    assert.equal(bundle.entry, undefined);
  });
});

describe('_summary / _elements subsetting', () => {
  function tags(r: Resource): string[] {
    return (r.meta?.tag ?? []).map((t) => `${t.system}|${t.code}`);
  }

  it('_summary=true keeps summary elements (choice types included) and tags SUBSETTED', () => {
    const s = applySummary(patient, 'true') as Patient;
    assert.deepEqual(Object.keys(s).sort(), ['deceasedBoolean', 'gender', 'id', 'meta', 'name', 'resourceType']);
    assert.deepEqual(tags(s), ['urn:t|x', `${subsettedTag.system}|SUBSETTED`]);
    assert.equal(s.meta?.versionId, '2');
    assert.equal(patient.meta?.tag?.length, 1, 'the input is not modified');
  });

  it('_summary=text keeps text, id, meta and mandatory elements', () => {
    assert.deepEqual(Object.keys(applySummary(patient, 'text')).sort(), ['id', 'meta', 'resourceType', 'text']);
    assert.deepEqual(Object.keys(applySummary(observation, 'text')).sort(), [
      'code',
      'id',
      'meta',
      'resourceType',
      'status',
    ]);
  });

  it('_summary=data drops only the narrative; false/count return the resource unchanged', () => {
    const d = applySummary(patient, 'data') as Patient;
    assert.equal(d.text, undefined);
    assert.deepEqual(d.contact, patient.contact);
    assert.ok(tags(d).includes(`${subsettedTag.system}|SUBSETTED`));
    assert.equal(applySummary(patient, 'false'), patient);
    assert.equal(applySummary(patient, undefined), patient);
  });

  it('_elements keeps the listed elements, qualified or not, and ignores other types', () => {
    const e = applyElements(patient, ['gender', 'Patient.contact', 'Observation.status']);
    assert.deepEqual(Object.keys(e).sort(), ['contact', 'gender', 'id', 'meta', 'resourceType']);
    assert.equal(applyElements(patient, undefined), patient);
  });

  it('parses the parameters', () => {
    assert.equal(summaryParam([['_summary', 'bogus']]), undefined);
    assert.equal(summaryParam([['_summary', 'text']]), 'text');
    assert.deepEqual(
      elementsParam([
        ['_elements', 'a, b'],
        ['_elements', 'c'],
      ]),
      ['a', 'b', 'c'],
    );
    assert.equal(elementsParam([['name', 'x']]), undefined);
  });
});
