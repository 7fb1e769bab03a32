// Covers https://hl7.org/fhir/R4/http.html#transaction entries as the mappers write them:
// conditional create (#ccreate, ifNoneExist) deduplicated per identifier, conditional update
// (#cond-update, PUT Type?identifier=..) with urn:uuid fullUrls (bundle.html#references), meta.source,
// and search token escaping (https://hl7.org/fhir/R4/search.html#escaping) that survives URL decoding.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Patient, Practitioner } from '@medplum/fhirtypes';
import { BundleBuilder } from '../../../../../../adapters/hl7/src/mapping/bundle/bundle-builder';
import { escapeSearchValue, identifierQuery } from '../../../../../../adapters/hl7/src/mapping/bundle/search-query';

const SOURCE = 'urn:tessera:hl7v2:LIS@LAB#1';

describe('BundleBuilder', () => {
  it('adds a conditional create once per identifier and returns its urn', () => {
    const b = new BundleBuilder(SOURCE);
    const id = { system: 'urn:x', value: '1' };
    const p: Practitioner = { resourceType: 'Practitioner', identifier: [id] };
    const r1 = b.createIfMissing(p, id, 'Dr A');
    const r2 = b.createIfMissing({ resourceType: 'Practitioner', identifier: [id] }, id);
    const bundle = b.build();
    assert.equal(bundle.type, 'transaction');
    assert.equal(bundle.entry?.length, 1);
    assert.equal(r1.reference, r2.reference);
    assert.equal(r1.display, 'Dr A');
    assert.equal(bundle.entry?.[0]?.fullUrl, r1.reference);
    assert.deepEqual(bundle.entry?.[0]?.request, {
      method: 'POST',
      url: 'Practitioner',
      ifNoneExist: 'identifier=urn:x|1',
    });
    assert.equal(bundle.entry?.[0]?.resource?.meta?.source, SOURCE);
  });

  it('upserts by identifier: a later resource replaces the earlier in place, same urn', () => {
    const b = new BundleBuilder(SOURCE);
    const id = { system: 'urn:x', value: 'MRN 1' };
    const early = b.reference<Patient>('Patient', id);
    b.upsert<Patient>({ resourceType: 'Patient', identifier: [id], gender: 'male' }, id);
    b.upsert<Practitioner>({ resourceType: 'Practitioner' }, { system: 'urn:y', value: '2' });
    const late = b.upsert<Patient>({ resourceType: 'Patient', identifier: [id], gender: 'female' }, id);
    const entries = b.build().entry ?? [];
    assert.equal(entries.length, 2);
    assert.equal((entries[0]?.resource as Patient).gender, 'female');
    assert.equal(entries[0]?.request?.method, 'PUT');
    assert.equal(entries[0]?.request?.url, 'Patient?identifier=urn:x|MRN%201');
    assert.equal(early.reference, late.reference);
    assert.equal(entries[0]?.fullUrl, late.reference);
    assert.notEqual(entries[0]?.fullUrl, entries[1]?.fullUrl);
  });
});

describe('identifierQuery', () => {
  it('escapes token separators and URL-encodes what URLSearchParams would change', () => {
    assert.equal(escapeSearchValue('a|b,c$d\\e'), 'a\\|b\\,c\\$d\\\\e');
    const query = identifierQuery({ system: 'urn:oid:1.2', value: 'A+B&C|D' });
    const decoded = new URLSearchParams(query).get('identifier');
    assert.equal(decoded, 'urn:oid:1.2|A+B&C\\|D');
    assert.equal(identifierQuery({ system: 'urn:x', value: 'F-1/2/3' }), 'identifier=urn:x|F-1/2/3');
  });
});
