/**
 * Patient compartment membership and `_include` reference targets.
 * Spec: https://hl7.org/fhir/R4/compartmentdefinition-patient.html,
 * https://hl7.org/fhir/R4/search.html#include
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '@medplum/fhirtypes';
import { compartmentParams, compartmentsFromEntries, compartmentsOf } from '../../../../server/src/search/compartments';
import { extractIndexEntries } from '../../../../server/src/search/index-extraction';
import { referencesFor } from '../../../../server/src/search/include-references';
import { getSearchParametersFor } from '../../../../server/src/definitions/fhir-definitions';

const obs: Resource = {
  resourceType: 'Observation',
  id: 'o1',
  status: 'final',
  code: { text: 'x' },
  subject: { reference: 'Patient/p1' },
  performer: [
    { reference: 'Patient/p2' },
    { reference: 'Practitioner/dr1' },
    { reference: 'http://elsewhere/fhir/Patient/p9' },
  ],
  hasMember: [{ reference: 'Observation/o2' }, { reference: 'Observation/o3' }],
};

describe('compartmentsOf', () => {
  it('puts an Observation in the compartments of the Patients it references through its compartment params', () => {
    assert.deepEqual(compartmentParams('Patient', 'Observation'), ['subject', 'performer']);
    assert.deepEqual(compartmentsOf(obs), ['Patient/p1', 'Patient/p2']);
  });

  it('ignores non-compartment references and absolute URLs', () => {
    const c = compartmentsOf(obs);
    assert.ok(!c.includes('Patient/p9'));
    const grouped: Resource = { ...obs, subject: { reference: 'Group/g1' }, performer: [] };
    assert.deepEqual(compartmentsOf(grouped), []);
  });

  it('puts a Patient in its own compartment and in those of the Patients it links to', () => {
    const p: Resource = {
      resourceType: 'Patient',
      id: 'p1',
      link: [{ other: { reference: 'Patient/p0' }, type: 'seealso' }],
    };
    assert.deepEqual(compartmentsOf(p), ['Patient/p0', 'Patient/p1']);
  });

  it('gives the same answer from already extracted entries', () => {
    assert.deepEqual(compartmentsFromEntries('Observation', 'o1', extractIndexEntries(obs)), compartmentsOf(obs));
  });

  it('has no compartment for types outside it', () => {
    assert.deepEqual(compartmentParams('Patient', 'Organization'), []);
    assert.deepEqual(compartmentsOf({ resourceType: 'Organization', id: 'o', name: 'x' }), []);
  });

  it('names only parameters that exist on each type', () => {
    for (const type of [
      'Observation',
      'DiagnosticReport',
      'ImagingStudy',
      'ServiceRequest',
      'Encounter',
      'Provenance',
    ]) {
      const params = getSearchParametersFor(type);
      for (const code of compartmentParams('Patient', type)) {
        assert.equal(params[code]?.type, 'reference', `${type}.${code}`);
      }
    }
  });
});

describe('referencesFor', () => {
  it('returns the relative references of a parameter', () => {
    assert.deepEqual(referencesFor(obs, 'has-member'), [
      { resourceType: 'Observation', id: 'o2' },
      { resourceType: 'Observation', id: 'o3' },
    ]);
  });

  it('filters by target type and skips absolute URLs', () => {
    assert.deepEqual(referencesFor(obs, 'performer', 'Practitioner'), [{ resourceType: 'Practitioner', id: 'dr1' }]);
    assert.deepEqual(referencesFor(obs, 'performer', 'Patient'), [{ resourceType: 'Patient', id: 'p2' }]);
  });

  it('follows every reference parameter for *', () => {
    const all = referencesFor(obs, '*').map((r) => `${r.resourceType}/${r.id}`);
    for (const ref of ['Patient/p1', 'Patient/p2', 'Practitioner/dr1', 'Observation/o2']) {
      assert.ok(all.includes(ref), ref);
    }
    assert.equal(new Set(all).size, all.length);
  });
});
